// The finite-d structured theory (theory/structured_finite_d.hpp, docs/theory/structured.md [S.15]):
// its exact teacher average against seeded teacher draws (the errors are affine in the weights,
// (S15.2)), the independent Gaussian covariate model at finite p near the edge of the regime (k = 0),
// its convergence to the limit as d grows, the finite-size estimate and its warning on both sides of
// 5 %, and the request's dispatch of --d.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>
#include <string>
#include <vector>

#include <sobolev_rf/model/finite_spectral_law.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/spectrum.hpp>
#include <sobolev_rf/theory/covariate_model.hpp>
#include <sobolev_rf/theory/request.hpp>
#include <sobolev_rf/theory/structured_finite_d.hpp>

using srf::model::ModelParams;
using namespace srf::theory;

namespace {

ModelParams near_edge(int k) {
  ModelParams m;
  m.sigma = "tanh", m.teacher = "tanh";
  m.alpha = 1 / 0.7, m.gamma = 1.0, m.lambda = 1e-2;
  m.spectrum = "powerlaw:0.6", m.alignment = 0.5;  // a (b + 1) = 0.9
  m.k = k;
  if (k) m.varpi.assign(k, 0.8);
  return m;
}

std::string field_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const srf::model::InvalidParameter& e) {
    return e.field();
  }
  return "";
}

}  // namespace

TEST_CASE("finite-d: the exact teacher average equals the mean over seeded teacher draws (S15.2), k = 0 and 1") {
  for (int k : {0, 1}) {
    const ModelParams m = near_edge(k);
    const FiniteDOptions exact{200}, drawn{200, 400, 11};
    const SaddlePointSolution e = solve_structured_finite_d(m, exact, {}, true);
    const SaddlePointSolution d = solve_structured_finite_d(m, drawn, {}, true);
    REQUIRE(e.result.summary.converged());
    REQUIRE(d.result.summary.converged());
    CHECK(e.result.teacher_average.method == "exact");
    CHECK(d.result.teacher_average.method == "draws");
    INFO("k = " << k << ", seed 11, 400 draws at d = 200");
    for (const auto& [name, f] : srf::model::error_fields()) {
      if (k == 0 && (std::string(name) == "train_g" || std::string(name) == "gen_g" || std::string(name) == "gen_h1"))
        continue;
      if (std::string(name) == "train_inf" || std::string(name) == "gen_inf") continue;
      const double se = d.result.teacher_average.se.*f;
      INFO(name << ": exact " << e.result.errors.*f << ", draws " << d.result.errors.*f << " +- " << se);
      CHECK(se > 0);
      CHECK(std::fabs(e.result.errors.*f - d.result.errors.*f) < 4 * se);
      // The mean over the sketch (A0 + k tau^2 A2, the |theta0|^2-tilted weights of (S15.5)).
      const double em = e.result.varpi_law.A0.*f + k * e.result.varpi_law.tau2 * e.result.varpi_law.A2.*f;
      const double dm = d.result.varpi_law.A0.*f + k * d.result.varpi_law.tau2 * d.result.varpi_law.A2.*f;
      const double sem = d.result.teacher_average.se_law_mean.*f;
      INFO("law mean: exact " << em << ", draws " << dm << " +- " << sem);
      CHECK(std::fabs(em - dm) < 4 * sem);
    }
  }
}

TEST_CASE("finite-d: beta = 0 with k = 1 averages gen_g over teacher draws, the rest exactly") {
  ModelParams m = near_edge(1);
  m.beta = 0;
  const SaddlePointSolution s = solve_structured_finite_d(m, {300}, {}, false);
  REQUIRE(s.result.summary.converged());
  CHECK(s.result.teacher_average.method == "exact, draws for gen_g");
  CHECK(s.result.teacher_average.draws == kDefaultTeacherDraws);
  CHECK(s.result.teacher_average.se.gen_g > 0);
  CHECK(s.result.teacher_average.se.gen_f == 0);
  CHECK(s.result.unpinned_sketch.applies);
  CHECK(s.result.errors.gen_h1 == doctest::Approx(s.result.errors.gen_f + s.result.errors.gen_g).epsilon(1e-14));
}

TEST_CASE("finite-d: the Gaussian covariate model at finite p (k = 0) agrees near the edge within O(1/p); the limit does not") {
  // a (b + 1) = 0.9, 0.8 and 0.95: the limit misses the model by 10-50 % at these sizes. The covariate
  // model (theory/covariate_model.cpp, GCM's own equations on a sampled Theta) gets the simulator's
  // normalised teacher through its second moments E[theta0_r^2] (S15.4).
  struct Case {
    const char* sigma;
    const char* teacher;
    double p_over_n, gamma, lambda;
    const char* spectrum;
    double b, noise;
  };
  const Case cases[] = {{"erf", "linear", 0.6, 0.8, 1e-3, "powerlaw:0.6", 0.5, 0.0},
                        {"tanh", "tanh", 1.5, 0.8, 1e-2, "powerlaw:0.8", 0.0, 0.1},
                        {"relu", "tanh", 0.8, 1.0, 1e-2, "powerlaw:0.5", 0.9, 0.0}};
  const int sizes[] = {200, 400};
  const int seeds = 4;
  double rms[2] = {0, 0};
  for (int ip = 0; ip < 2; ++ip) {
    const int p = sizes[ip];
    double sum_sq = 0;
    int count = 0;
    for (const Case& c : cases) {
      ModelParams m;
      m.sigma = c.sigma, m.teacher = c.teacher, m.alpha = 1 / c.p_over_n, m.gamma = c.gamma, m.lambda = c.lambda;
      m.spectrum = c.spectrum, m.alignment = c.b, m.delta_f = c.noise;
      const int d = static_cast<int>(std::lround(c.gamma * p));
      const TheoryResult fin = solve_structured_finite_d(m, {static_cast<double>(d)}, {}, false).result;
      const TheoryResult lim = solve_theory(m);
      REQUIRE(fin.summary.converged());
      // E[theta0_r^2] in the coordinates' order (finite_spectrum), from the averaged law's atoms.
      const auto laws = srf::model::finite_spectral_laws(m.spectrum, m.alignment, d);
      const std::vector<double> s = srf::model::finite_spectrum(srf::model::parse_spectrum(m.spectrum), d);
      std::vector<double> moments(d);
      for (int r = 0; r < d; ++r) {
        // The atom of s_r (the laws rescale to mean 1 once more: equal to rounding).
        auto at = std::lower_bound(laws->s.begin(), laws->s.end(), s[r]) - laws->s.begin();
        if (at == static_cast<long>(laws->s.size()) || (at > 0 && s[r] - laws->s[at - 1] < laws->s[at] - s[r])) --at;
        REQUIRE(std::fabs(laws->s[at] / s[r] - 1) < 1e-12);
        moments[r] = laws->averaged->wv[at] * laws->averaged->tau2 / laws->multiplicity[at];
      }
      double mean[3] = {0, 0, 0};
      for (int seed = 1; seed <= seeds; ++seed) {
        CovariateModelOptions o;
        o.model = m, o.p = p, o.seed = 7000u * p + seed, o.teacher_second_moments = moments;
        const CovariateModelSummary g = solve_covariate_model(o);
        const double gap[3] = {g.errors.gen_f / fin.errors.gen_f - 1, g.errors.train_f / fin.errors.train_f - 1,
                               g.errors.gen_grad / fin.errors.gen_grad - 1};
        const double value[3] = {g.errors.gen_f, g.errors.train_f, g.errors.gen_grad};
        for (int i = 0; i < 3; ++i) sum_sq += gap[i] * gap[i], mean[i] += value[i] / seeds;
        count += 3;
      }
      std::printf("  %s/%s %s b=%g p=%d: gen_f GCM %.4f, finite-d %.4f, limit %.4f; gen_grad GCM %.4f, finite-d %.4f, "
                  "limit %.4f\n", c.sigma, c.teacher, c.spectrum, c.b, p, mean[0], fin.errors.gen_f, lim.errors.gen_f,
                  mean[2], fin.errors.gen_grad, lim.errors.gen_grad);
      INFO(c.sigma << "/" << c.teacher << " " << c.spectrum << " b=" << c.b << " p=" << p);
      // The limit is off by far more than the O(1/p) of the finite-d theory.
      CHECK(std::fabs(mean[0] / lim.errors.gen_f - 1) > 4 * std::fabs(mean[0] / fin.errors.gen_f - 1));
      CHECK(std::fabs(mean[0] / fin.errors.gen_f - 1) * p < 4.0);
      CHECK(std::fabs(mean[2] / fin.errors.gen_grad - 1) * p < 4.0);
    }
    rms[ip] = std::sqrt(sum_sq / count);
    std::printf("covariate model vs finite-d theory near the edge, p = %d: rms relative gap %.2e (p * rms = %.2f)\n", p,
                rms[ip], p * rms[ip]);
    CHECK(p * rms[ip] < 3.0);
  }
  CHECK(rms[1] < 0.75 * rms[0]);
}

TEST_CASE("finite-d: tends to the limit as d grows, like d^-(1 - a(b+1)) near the edge") {
  ModelParams m = near_edge(0);
  m.spectrum = "powerlaw:0.5", m.alignment = 0.5;  // a (b + 1) = 0.75
  const double lim = solve_theory(m).errors.gen_f;
  double gap[3];
  const double ds[3] = {1e3, 1e4, 1e5};
  for (int i = 0; i < 3; ++i) gap[i] = std::fabs(solve_structured_finite_d(m, {ds[i]}, {}, false).result.errors.gen_f / lim - 1);
  std::printf("finite-d vs limit, powerlaw:0.5 b = 0.5: relative gap %.3e, %.3e, %.3e at d = 1e3, 1e4, 1e5 "
              "(d^-(1 - a(b+1)) per decade: %.3f)\n", gap[0], gap[1], gap[2], std::pow(10.0, -0.25));
  // Each decade shrinks the gap by about 10^-0.25 = 0.56 (0.45 to 0.7 allowing the next order).
  for (int i = 0; i < 2; ++i) {
    CHECK(gap[i + 1] / gap[i] > 0.45);
    CHECK(gap[i + 1] / gap[i] < 0.7);
  }
}

TEST_CASE("finite-d: a twolevel spectrum with f d whole is the limit's law; only the teacher's normaliser differs, O(1/(f d))") {
  ModelParams m = near_edge(1);
  m.spectrum = "twolevel:0.05,20", m.alignment = 1.0;
  const TheoryResult lim = solve_theory(m);
  for (double d : {400.0, 4000.0}) {
    const TheoryResult fin = solve_structured_finite_d(m, {d}, {}, false).result;
    const double gap = std::fabs(fin.errors.gen_f / lim.errors.gen_f - 1);
    INFO("d = " << d << ": finite-d " << fin.errors.gen_f << ", limit " << lim.errors.gen_f);
    CHECK(gap < 2.0 / (0.05 * d));
  }
}

TEST_CASE("finite-d: the finite-size estimate and its warning, on both sides of 5 %") {
  // Far from the edge (a (b + 1) = 0.3): well below 5 % at d = 1000, no warning.
  TheoryRequest far;
  far.model = near_edge(0);
  far.model.spectrum = "powerlaw:0.3", far.model.alignment = 0.0;
  const TheoryAnswer a = solve(far);
  const FiniteSizeEstimate& e = a.solution.result.finite_size;
  REQUIRE(e.applies);
  CHECK(e.of_limit);
  CHECK(e.regime_index == doctest::Approx(0.3));
  CHECK(e.d == 1000);
  CHECK(e.correction < kFiniteSizeWarning);
  CHECK(finite_size_warning(e).empty());
  // Near it (0.9): above 5 %, one line that names --d.
  TheoryRequest near;
  near.model = near_edge(1);
  const TheoryAnswer b = solve(near);
  const FiniteSizeEstimate& f = b.solution.result.finite_size;
  CHECK(f.regime_index == doctest::Approx(0.9));
  CHECK(f.correction > kFiniteSizeWarning);
  const std::string w = finite_size_warning(f);
  CHECK(w.find("--d") != std::string::npos);
  CHECK(w.find('\n') == std::string::npos);
  // The same request at the user's d: the finite-d answer carries the correction at that d, and no warning.
  near.d = 500;
  const TheoryAnswer c = solve(near);
  CHECK(c.variant == TheoryVariant::kStructuredFiniteD);
  CHECK(c.solution.result.finite_size.d == 500);
  CHECK_FALSE(c.solution.result.finite_size.of_limit);
  CHECK(finite_size_warning(c.solution.result.finite_size).empty());
  // Isotropic inputs carry none.
  TheoryRequest iso;
  CHECK_FALSE(solve(iso).solution.result.finite_size.applies);
  // A file of 2000 values: the estimate is made at d = 2000 (the file as given), a bounded spectrum's index 0.
  const std::string path = std::filesystem::temp_directory_path() / ("srf_fd_" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(path);
    for (int i = 0; i < 2000; ++i) out << 1.0 + (i % 7) << "\n";
  }
  TheoryRequest file = far;
  file.model.spectrum = "file:" + path;
  const FiniteSizeEstimate g = solve(file).solution.result.finite_size;
  std::filesystem::remove(path);
  CHECK(g.d == 2000);
  CHECK(g.regime_index == 0);
  ModelParams low = far.model;
  low.alignment = -1.5;  // the teacher in the weakest directions: s^(b+1) bounded, index 0
  CHECK(regime_index(low) == 0);
}

TEST_CASE("finite-d: --d dispatch: isotropic inputs keep their finite-d versions or reject d; bad d and teacher_draws name their field") {
  TheoryRequest r;  // isotropic, no unit sketch, no informed direction: no finite-d version
  r.d = 640;
  CHECK(field_of([&] { r.validate(); }) == "d");
  r.model = near_edge(0);
  r.d = 640.5;  // the finite-d structured theory needs a whole d
  CHECK(field_of([&] { r.validate(); }) == "d");
  r.d = 5;
  CHECK(field_of([&] { r.validate(); }) == "d");
  r.d = 640;
  r.teacher_draws = -1;
  CHECK(field_of([&] { r.validate(); }) == "teacher_draws");
  r.d = 0;
  r.teacher_draws = 10;  // draws without the finite-d theory
  CHECK(field_of([&] { r.validate(); }) == "teacher_draws");
  // An informed direction with a structured spectrum at finite d has no version: rejected naming d.
  TheoryRequest inf;
  inf.model = near_edge(0);
  inf.model.informed = "oracle";
  inf.d = 640;
  CHECK(field_of([&] { inf.validate(); }) == "d");
}

TEST_CASE("finite-d: sensitivities in lambda and beta equal central finite differences (errors at varpi and the law's mean)") {
  TheoryRequest r;
  r.model = near_edge(1);
  r.d = 400;
  r.sensitivities = true;
  for (bool average : {false, true}) {
    r.varpi_average = average;
    const TheoryAnswer a = solve(r);
    REQUIRE(a.solution.result.sensitivities.computed);
    auto value = [&](double lambda, double beta) {
      TheoryRequest q = r;
      q.sensitivities = false;
      q.model.lambda = lambda, q.model.beta = beta;
      const TheoryResult t = solve(q).solution.result;
      return average ? t.varpi_law.A0.gen_f + t.varpi_law.tau2 * t.varpi_law.A2.gen_f : t.errors.gen_f;
    };
    const double l = r.model.lambda, b = r.model.beta, hl = 1e-4 * l, hb = 1e-4 * b;
    const double fd_l = (8 * (value(l + hl, b) - value(l - hl, b)) - (value(l + 2 * hl, b) - value(l - 2 * hl, b))) / (12 * hl);
    const double fd_b = (8 * (value(l, b + hb) - value(l, b - hb)) - (value(l, b + 2 * hb) - value(l, b - 2 * hb))) / (12 * hb);
    const Sensitivities& s = a.solution.result.sensitivities;
    const double dl = average ? s.d_lambda_law.A0.gen_f + a.solution.result.varpi_law.tau2 * s.d_lambda_law.A2.gen_f
                              : s.d_lambda.gen_f;
    const double db = average ? s.d_beta_law.A0.gen_f + a.solution.result.varpi_law.tau2 * s.d_beta_law.A2.gen_f
                              : s.d_beta.gen_f;
    INFO("varpi_average " << average << ": d/dlambda " << dl << " vs " << fd_l << ", d/dbeta " << db << " vs " << fd_b);
    CHECK(dl == doctest::Approx(fd_l).epsilon(1e-6));
    CHECK(db == doctest::Approx(fd_b).epsilon(1e-6));
  }
}
