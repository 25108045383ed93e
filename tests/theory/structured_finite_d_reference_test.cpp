// The reference cases of issue 29 (docs/theory/structured.md [S.15]): three near-edge structured points where
// the limit misses finite-size references by 15-60 %, against the finite-d theory at the reference's size.
//   1. powerlaw:0.6, b = 0.5, erf/linear, p/n = 0.6, d/p = 0.8, lambda = 1e-3, k = 0: the reference is
//      GCMProject at p = 3000 (10 instances, gen_f 0.216), which cannot run here; the repository's own Gaussian
//      covariate model (theory/covariate_model.cpp) at p = 3000, 10 instances of Theta, stands in for it,
//      with the simulator's normalised teacher (its second moments (S15.4)). Tolerance: 3 spread / sqrt(10) + 3 %.
//   2. powerlaw:0.4, b = 1, tanh/tanh, p/n = 0.7, d/p = 1, lambda = 1e-2, k = 1, varpi = 0.8: Monte Carlo at p = 1000.
//   3. powerlaw:0.6, b = 0.5, relu/tanh, p/n = 0.6, d/p = 0.8, lambda = 1e-3, Delta_f = 0.1, k = 0: Monte Carlo at
//      p = 1000. Tolerance for 2 and 3: 4 standard errors + 2 %.
// [slow]: minutes (ten 3000 x 3000 eigendecompositions, 2 x 48 simulated seeds at p = 1000).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <sobolev_rf/model/finite_spectral_law.hpp>
#include <sobolev_rf/model/spectrum.hpp>
#include <sobolev_rf/simulation/simulator.hpp>
#include <sobolev_rf/theory/covariate_model.hpp>
#include <sobolev_rf/theory/structured_finite_d.hpp>

using srf::model::ModelParams;
using namespace srf::theory;

namespace {

ModelParams point(const char* sigma, const char* teacher, double p_over_n, double gamma, double lambda,
                  const char* spectrum, double b, int k, double varpi, double delta_f) {
  ModelParams m;
  m.sigma = sigma, m.teacher = teacher, m.alpha = 1 / p_over_n, m.gamma = gamma, m.lambda = lambda;
  m.spectrum = spectrum, m.alignment = b, m.k = k, m.delta_f = delta_f;
  if (k) m.varpi.assign(k, varpi);
  return m;
}

// E[theta0_r^2] of the normalised teacher in the coordinates' order (S15.4).
std::vector<double> teacher_moments(const ModelParams& m, int d) {
  const auto laws = srf::model::finite_spectral_laws(m.spectrum, m.alignment, d);
  const std::vector<double> s = srf::model::finite_spectrum(srf::model::parse_spectrum(m.spectrum), d);
  std::vector<double> out(d);
  for (int r = 0; r < d; ++r) {
    auto at = std::lower_bound(laws->s.begin(), laws->s.end(), s[r]) - laws->s.begin();
    if (at == static_cast<long>(laws->s.size()) || (at > 0 && s[r] - laws->s[at - 1] < laws->s[at] - s[r])) --at;
    out[r] = laws->averaged->wv[at] * laws->averaged->tau2 / laws->multiplicity[at];
  }
  return out;
}

}  // namespace

TEST_CASE("[slow] finite-d: issue 29 case 1, the covariate model at p = 3000 (10 instances) within 3 spread/sqrt(10) + 3 %") {
  const ModelParams m = point("erf", "linear", 0.6, 0.8, 1e-3, "powerlaw:0.6", 0.5, 0, 0, 0);
  const int p = 3000, d = 2400, instances = 10;
  const double fin = solve_structured_finite_d(m, {static_cast<double>(d)}, {}, false).result.errors.gen_f;
  const double lim = solve_theory(m).errors.gen_f;
  const std::vector<double> moments = teacher_moments(m, d);
  double sum = 0, sum2 = 0, prior_sum = 0;
  for (int i = 1; i <= instances; ++i) {
    CovariateModelOptions o;
    o.model = m, o.p = p, o.seed = 2900 + i, o.teacher_second_moments = moments;
    const double g = solve_covariate_model(o).errors.gen_f;
    sum += g, sum2 += g * g;
    o.teacher_second_moments.clear();  // the prior's teacher (not normalised draw by draw), for the record
    prior_sum += solve_covariate_model(o).errors.gen_f;
  }
  const double mean = sum / instances, spread = std::sqrt((sum2 / instances - mean * mean) * instances / (instances - 1));
  std::printf("issue 29 case 1: covariate model at p = %d, %d instances (seeds 2901-2910): gen_f %.4f, spread %.4f "
              "(prior teacher: %.4f); finite-d theory at d = %d: %.4f; limit %.4f\n",
              p, instances, mean, spread, prior_sum / instances, d, fin, lim);
  CHECK(std::fabs(fin - mean) < 3 * spread / std::sqrt(instances) + 0.03 * mean);
  CHECK(std::fabs(lim - mean) > 3 * spread / std::sqrt(instances) + 0.03 * mean);  // the limit does not
}

TEST_CASE("[slow] finite-d: issue 29 cases 2 and 3, Monte Carlo at p = 1000 (48 seeds) within 4 se + 2 %") {
  struct Case {
    const char* name;
    ModelParams m;
    std::vector<const char*> quantities;
  };
  const Case cases[] = {
      {"case 2", point("tanh", "tanh", 0.7, 1.0, 1e-2, "powerlaw:0.4", 1.0, 1, 0.8, 0), {"gen_f", "gen_grad"}},
      {"case 3", point("relu", "tanh", 0.6, 0.8, 1e-3, "powerlaw:0.6", 0.5, 0, 0, 0.1), {"train_f", "gen_f"}},
  };
  for (const Case& c : cases) {
    srf::simulation::SimulationOptions o;
    o.p = 1000, o.seeds = 48, o.base_seed = 29;
    const srf::simulation::SimulationResult sim = srf::simulation::simulate(c.m, o);
    const int d = sim.size.d;
    const TheoryResult fin = solve_structured_finite_d(c.m, {static_cast<double>(d)}, {}, false).result;
    const TheoryResult lim = solve_theory(c.m);
    for (const char* q : c.quantities) {
      const srf::simulation::Estimate e = sim.estimate(q);
      const double f = srf::model::error_value(fin.errors, q), l = srf::model::error_value(lim.errors, q);
      std::printf("issue 29 %s, %s: simulation at p = 1000 (48 seeds, base seed 29) %.4f +- %.4f; finite-d theory "
                  "at d = %d: %.4f; limit %.4f\n", c.name, q, e.mean, e.se, d, f, l);
      INFO(c.name << " " << q);
      CHECK(std::fabs(f - e.mean) < 4 * e.se + 0.02 * e.mean);
    }
  }
}
