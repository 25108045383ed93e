#include "theory/curve.hpp"

namespace srf::theory {

int solve_curve(const std::vector<ModelParams>& points, const SaddlePointOptions& options,
                const CurvePointCallback& on_point) {
  SaddlePointState state;
  int failed = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SaddlePointSolution sol = solve_saddle_point(points[i], options, state);
    if (sol.result.summary.converged()) state = sol.state;
    else ++failed;
    if (on_point) on_point(i, points[i], sol);
  }
  return failed;
}

}  // namespace srf::theory
