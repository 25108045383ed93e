// The deterministic-equivalent core traces against the same traces on sampled matrices.
#include <doctest/doctest.h>

#include <cmath>

#include <sobolev_rf/theory/detail/core_traces.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

using namespace srf::model;
using namespace srf::theory;

TEST_CASE("Sampled core traces approach the deterministic equivalent as P grows") {
  // A point of the block structure C = diag(C0, C1 I_k), M = diag(M0, M1 I_k) typical of the
  // solver (tanh: kappa_1^2 ~ 0.37, kappa_star^2 ~ 0.03), at small lambda.
  const double lambda = 1e-2, C0 = 0.3, C1 = 0.2, M0 = 0.02, M1 = 0.05, gamma = 0.8;
  for (int k : {1, 2}) {
    double det[4] = {0, 0, 0, 0};
    REQUIRE(make_deterministic_traces(k, gamma, 10)->level1(lambda, C0, C1, M0, M1, det[0], det[1], det[2], det[3]));
    double rms[3];
    const int sizes[3] = {100, 400, 1600};
    for (int s = 0; s < 3; ++s) {
      double sq = 0.0;
      const int seeds = 4;
      for (int seed = 1; seed <= seeds; ++seed) {
        double v[4] = {0, 0, 0, 0};
        REQUIRE(make_sampled_traces(k, gamma, sizes[s], seed)->level1(lambda, C0, C1, M0, M1, v[0], v[1], v[2], v[3]));
        for (int i = 0; i < 4; ++i) sq += std::pow((v[i] - det[i]) / det[i], 2);
      }
      rms[s] = std::sqrt(sq / (4 * seeds));
      MESSAGE("k = " << k << ", P = " << sizes[s] << " (seeds 1..4): rms relative gap " << rms[s]);
    }
    // Fluctuations of the zeta averages are O(1/sqrt(P)): a factor 16 in P shrinks the gap by
    // about 4; we ask for 2 and for a gap of at most 3 % at P = 1600.
    CHECK(rms[2] < rms[0] / 2.0);
    CHECK(rms[2] < 0.03);
  }
}

TEST_CASE("The theory with sampled traces agrees with the deterministic equivalent") {
  ModelParams p;
  p.sigma = "relu", p.teacher = "tanh", p.alpha = 1 / 1.5, p.gamma = 0.8, p.lambda = 1e-2, p.k = 1, p.varpi = {1.0};
  const TheoryResult det = solve_theory(p);
  SaddlePointOptions o;
  o.traces = TraceMethod::kSampled;
  o.trace_size = 600;
  double mean_f = 0, mean_g = 0;
  const int seeds = 3;
  for (int seed = 1; seed <= seeds; ++seed) {
    o.trace_seed = seed;
    const TheoryResult s = solve_theory(p, o);
    REQUIRE(s.summary.converged());
    mean_f += s.errors.gen_f / seeds, mean_g += s.errors.gen_g / seeds;
  }
  MESSAGE("P = 600, seeds 1..3: gen_f " << mean_f << " vs " << det.errors.gen_f << ", gen_g " << mean_g << " vs "
                                        << det.errors.gen_g);
  CHECK(std::fabs(mean_f - det.errors.gen_f) < 0.03 * det.errors.gen_f);
  CHECK(std::fabs(mean_g - det.errors.gen_g) < 0.05 * det.errors.gen_g);
}
