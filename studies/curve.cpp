#include <sobolev_rf/studies/curve.hpp>

namespace srf::studies {

int solve_curve(const std::vector<model::ModelParams>& points, const theory::TheoryRequest& request,
                const CurvePointCallback& on_point) {
  theory::SaddlePointState state;
  theory::TheoryRequest r = request;
  int failed = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    r.model = points[i];
    const theory::TheoryAnswer a = theory::solve(r, state);
    if (a.solution.result.summary.converged()) state = a.solution.state;
    else ++failed;
    if (on_point) on_point(i, points[i], a);
  }
  return failed;
}

}  // namespace srf::studies
