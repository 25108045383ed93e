// The informed direction in the simulator (docs/model.md "Informed directions",
// simulation/simulator.hpp). Fixed seeds, printed through INFO.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/model/spectrum.hpp>
#include <sobolev_rf/theory/informed.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/spiked_covariance.hpp>
#include <sobolev_rf/simulation/sampling.hpp>
#include <sobolev_rf/simulation/simulator.hpp>
#include "simulation/sobolev_test_point.hpp"

using namespace srf;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using simulation::SimulationOptions;

namespace {

using srf_test::sobolev_params;  // at p = 60, one seed

SimulationOptions options(int p) {
  SimulationOptions o;
  o.p = p;
  o.seeds = 1;
  o.threads = 1;
  o.batch_rows = 37;  // not a divisor of n: the ragged last batch
  o.base_seed = 20240601;
  return o;
}

// The errors that existed before the informed direction (train_inf, gen_inf are new).
const char* const kOldErrors[] = {"train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad"};

}  // namespace

TEST_CASE("simulator (informed): informed = none reproduces the simulator before informed directions to 1e-10") {
  // Reference values: `sobolev-rf simulate --sigma tanh --teacher erf --alpha 0.6 --gamma 0.8 --lambda 1e-2
  // --k 2 --varpi 0.7,-0.4 --beta 0.7 --delta-f 0.1 --delta-g 0.2 --rho 0.3 --p 60 --seeds 1 --threads 1
  // --seed 20240601 --batch-rows 37 --test-error exact|sampled [--test-samples 500] --solve primal|dual`,
  // printed (shortest round-trip decimal) by the build of commit 8566079, the last one without
  // informed directions. The new code draws u and the informed label noises from a stream of
  // their own and adds rows only when informed != none, so nothing may change beyond the last bits
  // that OpenBLAS's per-CPU kernels and libm's per-CPU paths move (up to 5e-12 relative between
  // kernels, tests/golden/golden.py): 1e-10 relative, the simulator's tolerance.
  struct Case {
    simulation::SolveMethod solve;
    simulation::TestError test;
    double expected[6];
  };
  const Case cases[] = {
      {simulation::SolveMethod::kPrimal, simulation::TestError::kExact,
       {0.05684050135579762, 0.39404231970362946, 0.9539392834619026, 0.6577248204530775, 1.61166410391498,
        1.2839240750150416}},
      {simulation::SolveMethod::kDual, simulation::TestError::kExact,
       {0.056840501355798025, 0.39404231970363535, 0.9539392834619314, 0.6577248204530908, 1.6116641039150221,
        1.2839240750150764}},
      {simulation::SolveMethod::kPrimal, simulation::TestError::kSampled,
       {0.05684050135579762, 0.39404231970362946, 0.9446914425230978, 0.6742900206752691, 1.618981463198367,
        1.2872319491719937}},
  };
  for (const auto& c : cases) {
    SimulationOptions o = options(60);
    o.solve_method = c.solve;
    o.test_error = c.test;
    o.test_samples = 500;
    // simulate() (not simulate_seed) pins BLAS to one thread, as the command line does.
    const auto r = simulation::simulate(sobolev_params(), o).per_seed.at(0);
    for (int i = 0; i < 6; ++i) {
      INFO("seed 20240601, " << (c.solve == simulation::SolveMethod::kPrimal ? "primal " : "dual ")
                             << (c.test == simulation::TestError::kExact ? "exact " : "sampled ") << kOldErrors[i]);
      CHECK(model::error_value(r.errors, kOldErrors[i]) == doctest::Approx(c.expected[i]).epsilon(1e-10).scale(0));
    }
    CHECK(r.errors.train_inf == 0.0);
    CHECK(r.errors.gen_inf == 0.0);
  }
}

TEST_CASE("simulator (informed): beta_inf = 0 trains exactly as without the informed direction") {
  // With no weight the informed rows are absent: every old error is identical bit for bit, and
  // train_inf, gen_inf are measured (positive).
  for (const char* kind : {"oracle", "estimated"})
    for (auto solve : {simulation::SolveMethod::kPrimal, simulation::SolveMethod::kDual}) {
      model::ModelParams none = sobolev_params();
      model::ModelParams inf = none;
      inf.informed = kind;
      inf.beta_inf = 0.0;
      SimulationOptions o = options(60);
      o.solve_method = solve;
      INFO("seed 20240601, " << kind << (solve == simulation::SolveMethod::kPrimal ? " primal" : " dual"));
      const auto a = simulation::simulate_seed(none, o, 0);
      const auto b = simulation::simulate_seed(inf, o, 0);
      for (const char* name : kOldErrors) {
        INFO(name);
        CHECK(model::error_value(a.errors, name) == model::error_value(b.errors, name));
      }
      CHECK(b.errors.train_inf > 0.0);
      CHECK(b.errors.gen_inf > 0.0);
    }
}

TEST_CASE("simulator (informed): linear student and teacher against the closed-form ridge solution") {
  // sigma = phi = linear: sigma' = phi' = 1, so u . grad f = a^T w exactly (a = Theta^T u / sqrt d)
  // and the informed term is the rank-one (beta_inf/n) sum_i (z_i - a^T w)^2. The test redraws
  // the seed's data from the documented streams and solves
  //   (F^T F / n + beta_inf a a^T + lambda I) w = F^T y / n + beta_inf mean(z) a
  // itself (k = 0), then forms train_f, train_inf, gen_f = |theta0 - Theta w / sqrt d|^2 and
  // gen_inf = (t - a^T w)^2. Both solves of the simulator; tolerance 1e-9 relative (condition
  // number ~1e3 at lambda = 0.05).
  for (const char* kind : {"oracle", "estimated"})
    for (auto solve : {simulation::SolveMethod::kPrimal, simulation::SolveMethod::kDual}) {
      model::ModelParams params;
      params.sigma = "linear";
      params.teacher = "linear";
      params.alpha = 0.7;
      params.gamma = 0.6;
      params.lambda = 0.05;
      params.delta_f = 0.3;
      params.delta_g = 0.4;
      params.informed = kind;
      params.beta_inf = 1.7;
      params.alpha_u = 2.0;
      params.delta_u = 0.5;
      SimulationOptions o = options(80);
      o.solve_method = solve;
      o.base_seed = 4242;
      INFO("seed 4242, " << kind << (solve == simulation::SolveMethod::kPrimal ? " primal" : " dual"));
      const auto r = simulation::simulate_seed(params, o, 0);

      const auto sz = simulation::problem_size(params, o.p);
      simulation::NormalRng rng(simulation::stream_seed(o.base_seed, 0, 0));
      const auto pr = simulation::draw_seed_problem(params, o, 0, rng);
      const simulation::NoiseSampler noise(0, 0.0);
      MatrixXd X(sz.n, sz.d);
      VectorXd y(sz.n), e(1);
      for (int i = 0; i < sz.n; ++i) {
        for (int j = 0; j < sz.d; ++j) X(i, j) = rng();
        noise.draw(rng, e);
        y[i] = X.row(i).dot(pr.theta0) + std::sqrt(params.delta_f) * e[0];
      }
      simulation::NormalRng inf_rng(simulation::stream_seed(o.base_seed, 0, simulation::kInformedStream));
      const VectorXd u = simulation::informed_direction(params, pr.theta0, o.p, inf_rng);
      CHECK(std::fabs(u.norm() - 1.0) < 1e-12);
      const double t = u.dot(pr.theta0);
      CHECK(t >= 0.0);
      VectorXd z(sz.n);
      for (int i = 0; i < sz.n; ++i) z[i] = t + std::sqrt(params.delta_g) * inf_rng();
      const double sd = std::sqrt(static_cast<double>(sz.d));
      const MatrixXd F = X * pr.Theta / sd;
      const VectorXd a = pr.Theta.transpose() * u / sd;
      MatrixXd H = F.transpose() * F / sz.n + params.beta_inf * a * a.transpose();
      H.diagonal().array() += params.lambda;
      const VectorXd w = H.ldlt().solve(F.transpose() * y / sz.n + params.beta_inf * z.mean() * a);
      const double train_f = (y - F * w).squaredNorm() / sz.n;
      const double train_inf = (z.array() - a.dot(w)).square().mean();
      const double gen_f = (pr.theta0 - pr.Theta * w / sd).squaredNorm();
      const double gen_inf = (t - a.dot(w)) * (t - a.dot(w));
      INFO("train_f " << r.errors.train_f << " vs " << train_f);
      CHECK(std::fabs(r.errors.train_f - train_f) <= 1e-9 * train_f);
      INFO("train_inf " << r.errors.train_inf << " vs " << train_inf);
      CHECK(std::fabs(r.errors.train_inf - train_inf) <= 1e-9 * train_inf);
      INFO("gen_f " << r.errors.gen_f << " vs " << gen_f);
      CHECK(std::fabs(r.errors.gen_f - gen_f) <= 1e-9 * gen_f);
      INFO("gen_inf " << r.errors.gen_inf << " vs " << gen_inf);
      CHECK(std::fabs(r.errors.gen_inf - gen_inf) <= 1e-9 * gen_inf + 1e-14);
    }
}

TEST_CASE("simulator (informed): exact and sampled gen_inf agree within the test-set standard error") {
  // The exact gen_inf (a Hermite series, as gen_g of the one-column sketch u) against a mean over
  // 4000 fresh inputs, same draws and w: |difference| <= 5 test-set standard errors.
  model::ModelParams params = sobolev_params();
  params.k = 1;
  params.varpi = {0.5};
  params.informed = "oracle";
  SimulationOptions o = options(60);
  const auto exact = simulation::simulate_seed(params, o, 0);
  o.test_error = simulation::TestError::kSampled;
  o.test_samples = 4000;
  const auto sampled = simulation::simulate_seed(params, o, 0);
  INFO("seed 20240601: exact " << exact.errors.gen_inf << ", sampled " << sampled.errors.gen_inf << " +- "
                               << sampled.test_se.gen_inf);
  CHECK(exact.errors.train_inf == sampled.errors.train_inf);
  CHECK(std::fabs(exact.errors.gen_inf - sampled.errors.gen_inf) <= 5 * sampled.test_se.gen_inf);
  CHECK(exact.population_truncation_bound.gen_inf <= 1e-8);
}

namespace {

// The mean of cos^2 = (u . theta0)^2 / |theta0|^2 over 24 draws of the estimated direction (d = 320,
// p = 400, so n_u = alpha_u p) against theory::informed_cos_sq, per Delta_u: above the BBP transition
// within 4 standard errors plus 0.03 (finite-size bias); below it the overlap of a direction carrying
// no information, O(1/d), stays under 0.05. theta0 is drawn as the simulator draws it: s^(b/2) g,
// scaled to theta0^T Sigma theta0 = 1 (isotropic: |theta0| = 1, cos^2 = t^2).
void check_bbp(model::ModelParams params, std::uint64_t seed, std::initializer_list<double> delta_us) {
  const auto phi = model::gaussian_constants(model::activation(params.teacher));
  const int d = 320, p = 400, draws = 24;
  const std::vector<double> s = model::finite_spectrum(model::parse_spectrum(params.spectrum), d);
  for (double delta_u : delta_us) {
    params.delta_u = delta_u;
    const double theory_c2 = theory::informed_cos_sq(params, phi);
    double sum = 0, sum2 = 0;
    for (int k = 0; k < draws; ++k) {
      simulation::NormalRng rng(simulation::stream_seed(seed, static_cast<std::uint64_t>(k), 0));
      VectorXd theta0(d);
      rng.fill_rows(theta0);
      double norm2 = 0;
      for (int r = 0; r < d; ++r) theta0[r] *= std::pow(s[r], params.alignment / 2), norm2 += s[r] * theta0[r] * theta0[r];
      theta0 /= std::sqrt(norm2);
      const VectorXd u = simulation::informed_direction(params, theta0, p, rng);
      const double c2 = u.dot(theta0) * u.dot(theta0) / theta0.squaredNorm();
      sum += c2, sum2 += c2 * c2;
    }
    const double mean = sum / draws, se = std::sqrt((sum2 / draws - mean * mean) / (draws - 1));
    INFO("seed " << seed << ", " << params.spectrum << ", delta_u " << delta_u << ": mean cos^2 " << mean << " +- "
                 << se << ", theory " << theory_c2);
    MESSAGE("BBP, " << params.spectrum << " b = " << params.alignment << ", d = 320, n_u = " << params.alpha_u * p
                    << ", delta_u " << delta_u << ": mean cos^2 " << mean << " +- " << se << ", limit " << theory_c2);
    if (theory_c2 > 0) CHECK(std::fabs(mean - theory_c2) <= 4 * se + 0.03);
    else CHECK(mean < 0.05);
  }
}

model::ModelParams estimated_tanh() {
  model::ModelParams params;
  params.teacher = "tanh";
  params.gamma = 0.8;
  params.informed = "estimated";
  params.alpha_u = 2.0;  // n_u = 800, c = d / n_u = 0.4
  return params;
}

}  // namespace

TEST_CASE("simulator (informed): the estimated direction's overlap follows the BBP limit [I.4]") {
  check_bbp(estimated_tanh(), 99, {0.2, 0.45, 2.0});
}

TEST_CASE("simulator (informed): with structured inputs the estimated direction's cosine follows the BBP limit at ell = tau^2 E phi'^2 / Delta_u") {
  // docs/theory/structured.md (S13.5): the spike of the gradient samples is |theta0|^2 E phi'^2 with
  // |theta0|^2 -> tau^2, against isotropic noise Delta_u I. twolevel:0.1,10 with b = 1 (tau^2 = 0.331,
  // the teacher in the strong subspace).
  model::ModelParams params = estimated_tanh();
  params.spectrum = "twolevel:0.1,10";
  params.alignment = 1.0;
  check_bbp(params, 98, {0.05, 0.1, 1.0});
}

TEST_CASE("[slow] simulator (informed): the limit at lambda = 0.1 and the finite-d version at lambda = 1e-3 [I.5]-[I.6]") {
  // tanh/tanh, gamma = 0.8, oracle, k = 0, p = 800 (d = 640). (a) p/n = 0.5, lambda = 0.1: the
  // limit within 4 standard errors plus 2 % (finite-size bias). (b) p/n = 3, lambda = 1e-3: the
  // order-of-limits trap; the simulation is far above the limit (> 5x) and within 4 standard
  // errors plus 12 % of the finite-d version at d = 640 (docs/theory/informed.md [I.6]).
  model::ModelParams p;
  p.sigma = "tanh";
  p.teacher = "tanh";
  p.gamma = 0.8;
  p.informed = "oracle";
  SimulationOptions o = options(800);
  o.seeds = 6;
  o.threads = 2;
  o.base_seed = 31337;
  {
    p.alpha = 2.0;
    p.lambda = 0.1;
    const theory::TheoryResult lim = theory::solve_theory(p);
    REQUIRE(lim.summary.converged());
    const auto sim = simulation::simulate(p, o);
    for (const char* name : {"gen_f", "train_f", "gen_inf", "train_inf"}) {
      const auto& e = sim.estimate(name);
      const double th = model::error_value(lim.errors, name);
      INFO("seed 31337, lambda 0.1, " << name << ": sim " << e.mean << " +- " << e.se << ", limit " << th);
      CHECK(std::fabs(e.mean - th) <= 4 * e.se + 0.02 * th);
    }
  }
  {
    p.alpha = 1.0 / 3.0;
    p.lambda = 1e-3;
    const double lim = theory::solve_theory(p).errors.gen_f;
    const theory::TheoryResult fd = theory::solve_theory(theory::informed_finite_d_equivalent(p, 640.0));
    REQUIRE(fd.summary.converged());
    const auto sim = simulation::simulate(p, o);
    const auto& e = sim.estimate("gen_f");
    INFO("seed 31337, lambda 1e-3: sim " << e.mean << " +- " << e.se << ", finite-d " << fd.errors.gen_f << ", limit "
                                         << lim);
    CHECK(e.mean > 5 * lim);
    CHECK(std::fabs(e.mean - fd.errors.gen_f) <= 4 * e.se + 0.12 * fd.errors.gen_f);
  }
}

TEST_CASE("simulator (informed): estimated_sigma's direction follows the generalised spiked limit [S.14]") {
  // Gradient noise shaped like the inputs, sqrt(Delta_u) Sigma^(1/2) z: over 16 draws (d = 400,
  // n_u = 800, so c = 0.5) the cosine^2 with theta0 and two coordinate averages of u, the profile
  // sum_r u_r^2 s_r and the bilinear sum_r v_r u_r s_r (v = theta0 / |theta0|), against
  // theory::spiked_eigenvector on the same finite spectrum (its empirical law): within 4 standard
  // errors plus 0.03 (relative for the averages; finite-size bias). twolevel:0.1,5 with the teacher
  // inside (b = 1) and outside (b = -1) the strong subspace, above the transition, and one point well
  // below it (the transition is at Delta_u ~ 0.16 there): cos^2 is O(1/d) and u an edge eigenvector,
  // whose profile the theory gives too (its bilinear, an O(d^-1/2) overlap whose sign u . theta0 >= 0
  // fixes, is not checked).
  struct Case {
    double b, delta_u;
  };
  const model::GaussianConstants phi = model::gaussian_constants(model::activation("tanh"));
  const int d = 400, p = 400, draws = 16;
  const std::vector<double> s = model::finite_spectrum(model::parse_spectrum("twolevel:0.1,5"), d);
  const VectorXd variance = Eigen::Map<const VectorXd>(s.data(), d);
  for (const Case cs : {Case{1.0, 0.02}, Case{-1.0, 0.1}, Case{1.0, 1.0}}) {
    model::ModelParams params = estimated_tanh();
    params.informed = "estimated_sigma";
    params.spectrum = "twolevel:0.1,5";
    params.alignment = cs.b;
    params.delta_u = cs.delta_u;
    const model::SpectralLaw law = model::discrete_spectral_law(s, cs.b);
    const theory::SpikedEigenvector th =
        theory::spiked_eigenvector(law, law.tau2 * phi.derivative_second_moment, cs.delta_u, 0.5);
    double want[3] = {th.cos2, 0.0, 0.0};  // cos^2, sum u^2 s, sum v u s
    for (std::size_t i = 0; i < law.size(); ++i) want[1] += th.profile[i] * law.s[i], want[2] += th.bilinear[i] * law.s[i];
    double sum[3] = {}, sum2[3] = {};
    const std::uint64_t seed = 97;
    for (int k = 0; k < draws; ++k) {
      simulation::NormalRng rng(simulation::stream_seed(seed, static_cast<std::uint64_t>(k), 0));
      VectorXd theta0(d);
      rng.fill_rows(theta0);
      for (int r = 0; r < d; ++r) theta0[r] *= std::pow(s[r], cs.b / 2);
      theta0 /= std::sqrt(theta0.cwiseAbs2().dot(variance));
      const VectorXd u = simulation::informed_direction(params, theta0, p, rng, variance);
      const VectorXd v = theta0 / theta0.norm();
      const double got[3] = {u.dot(v) * u.dot(v), u.cwiseAbs2().dot(variance), u.cwiseProduct(v).dot(variance)};
      for (int q = 0; q < 3; ++q) sum[q] += got[q], sum2[q] += got[q] * got[q];
    }
    const std::string names[3] = {"cos^2", "sum u^2 s", "sum v u s"};
    for (int q = 0; q < 3; ++q) {
      const double mean = sum[q] / draws, se = std::sqrt((sum2[q] / draws - mean * mean) / (draws - 1));
      INFO("seed " << seed << ", b " << cs.b << ", delta_u " << cs.delta_u << ", " << names[q] << ": " << mean << " +- "
                   << se << ", limit " << want[q]);
      MESSAGE("estimated_sigma, twolevel:0.1,5 b = " << cs.b << ", delta_u " << cs.delta_u << ", d = 400, n_u = 800: "
                                                     << names[q] << " " << mean << " +- " << se << ", limit " << want[q]);
      if (th.outlier || q == 1) CHECK(std::fabs(mean - want[q]) <= 4 * se + 0.03 * std::max(std::fabs(want[q]), 1.0));
      else if (q == 0) CHECK(mean < 0.05);
    }
  }
}
