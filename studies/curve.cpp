#include <sobolev_rf/studies/curve.hpp>

namespace srf::studies {

int solve_curve(const std::vector<model::ModelParams>& points, const theory::SaddlePointOptions& options,
                const CurvePointCallback& on_point) {
  theory::SaddlePointState state;
  int failed = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const theory::SaddlePointSolution sol = theory::solve_saddle_point(points[i], options, state);
    if (sol.result.summary.converged()) state = sol.state;
    else ++failed;
    if (on_point) on_point(i, points[i], sol);
  }
  return failed;
}

}  // namespace srf::studies
