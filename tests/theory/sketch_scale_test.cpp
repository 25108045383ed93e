// Specification of the unit-scale sketch mapping (theory/sketch_scale.hpp).
#include <doctest/doctest.h>

#include <cmath>

#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/sketch_scale.hpp>

using namespace srf::model;
using namespace srf::theory;

TEST_CASE("A unit-scale sketch at dimension d is the N(0, I) model with beta/d and d Delta_g") {
  ModelParams p;
  p.k = 1;
  p.varpi = {1.0};
  p.alpha = 0.5;
  p.beta = 2.0;
  p.delta_g = 0.1;
  const ModelParams q = unit_sketch_equivalent(p, 320.0);
  CHECK(q.beta == 2.0 / 320.0);
  CHECK(q.delta_g == 0.1 * 320.0);
  CHECK(q.varpi == p.varpi);
  CHECK_THROWS_AS(unit_sketch_equivalent(p, 0.0), InvalidParameter);
  // The sketched-gradient errors are measured with the unit-scale V: 1/d of the equivalent ones.
  const TheoryResult r = solve_theory(q);
  REQUIRE(r.summary.converged());
  const TheoryResult u = unit_sketch_result(r, 320.0);
  CHECK(u.errors.gen_g == r.errors.gen_g / 320.0);
  CHECK(u.errors.train_g == r.errors.train_g / 320.0);
  CHECK(u.errors.gen_f == r.errors.gen_f);
  CHECK(u.errors.gen_h1 == u.errors.gen_f + u.errors.gen_g);
  // As d grows the gradient term vanishes and gen_f tends to L2's (k = 0) from above; slowly with
  // gradient noise, whose weight (beta/d)(d Delta_g) = beta Delta_g does not shrink (tanh, p/n = 2:
  // 6.29, 1.078, 0.3976, 0.39004 at d = 1e2, 1e4, 1e6, 1e8 against 0.38996).
  ModelParams l2 = p;
  l2.k = 0;
  l2.varpi.clear();
  l2.delta_g = 0;
  const double gen_l2 = solve_theory(l2).errors.gen_f;
  double previous = INFINITY;
  for (double d : {1e2, 1e4, 1e6, 1e8}) {
    const double g = solve_theory(unit_sketch_equivalent(p, d)).errors.gen_f;
    CHECK(g < previous);
    previous = g;
  }
  CHECK(std::fabs(previous - gen_l2) < 1e-3 * gen_l2);
}
