// The finite-d structured theory and the finite-size estimate (theory/structured_finite_d.hpp,
// docs/theory/structured.md [S.15]).
#include <sobolev_rf/theory/structured_finite_d.hpp>

#include <fmt/format.h>

#include <cmath>
#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include <sobolev_rf/model/finite_spectral_law.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/spectrum.hpp>
#include <sobolev_rf/theory/sensitivities.hpp>

namespace srf::theory {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Field = double model::Errors::*;

std::shared_ptr<const model::FiniteSpectralLaws> laws_of(const model::ModelParams& p, double d) {
  return model::finite_spectral_laws(p.spectrum, p.alignment, std::lround(d));
}

SaddlePointOptions at_law(const SaddlePointOptions& solver, std::shared_ptr<const model::SpectralLaw> law) {
  SaddlePointOptions o = solver;
  o.spectral_law = std::move(law);
  return o;
}

// The mean over the sketch varpi ~ N(0, tau2 I_k) of one error: A0 + k tau2 A2 (S8.1).
double law_mean(const TheoryResult& r, int k, Field f) { return r.varpi_law.A0.*f + k * r.varpi_law.tau2 * r.varpi_law.A2.*f; }

// The |varpi|^2 coefficient of the exact average (S15.5): at the |theta0|^2-tilted weights (the same
// level 1: the solve starts at the averaged weights' solution and only redoes level 2).
void tilt_law(const model::ModelParams& p, const model::FiniteSpectralLaws& laws, const SaddlePointOptions& solver,
              SaddlePointSolution& sol) {
  const SaddlePointSolution tilted = solve_saddle_point(p, at_law(solver, laws.tilted), sol.state);
  if (!tilted.result.summary.converged()) {
    sol.result.summary = tilted.result.summary;
    sol.result.summary.message = "finite-d, the tilted teacher weights (S15.5): " + tilted.result.summary.message;
    return;
  }
  sol.result.varpi_law.A2 = tilted.result.varpi_law.A2;
}

// The exact average (S15.2)-(S15.5): the saddle point at the averaged teacher weights and, for the law
// over the sketch, its coefficient of |varpi|^2 at the tilted ones.
SaddlePointSolution solve_exact(const model::ModelParams& p, const model::FiniteSpectralLaws& laws,
                                const SaddlePointOptions& solver, bool varpi_average, const SaddlePointState& warm) {
  SaddlePointSolution sol = solve_saddle_point(p, at_law(solver, laws.averaged), warm);
  if (sol.result.summary.converged() && varpi_average && p.k > 0) tilt_law(p, laws, solver, sol);
  return sol;
}

// Running means and variances (Welford) of the drawn quantities, one Errors-shaped block each.
struct Moments {
  int n = 0;
  std::vector<double> mean, m2;
  void add(const std::vector<double>& x) {
    if (mean.empty()) mean.assign(x.size(), 0.0), m2.assign(x.size(), 0.0);
    ++n;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double delta = x[i] - mean[i];
      mean[i] += delta / n;
      m2[i] += delta * (x[i] - mean[i]);
    }
  }
  double se(std::size_t i) const { return n > 1 ? std::sqrt(m2[i] / (n - 1) / n) : kNaN; }
};

// What one drawn teacher contributes: the errors at varpi, the law's A0, tau2 A2 and mean, the
// order parameters, and the beta = 0 law of gen_g (mean, second moment, s_variance, s_mean).
std::vector<double> draw_record(const TheoryResult& r, int k) {
  std::vector<double> x;
  for (const auto& [name, f] : model::error_fields()) x.push_back(r.errors.*f);
  for (const auto& [name, f] : model::error_fields()) x.push_back(r.varpi_law.A0.*f);
  for (const auto& [name, f] : model::error_fields()) x.push_back(r.varpi_law.tau2 * r.varpi_law.A2.*f);
  for (const auto& [name, f] : model::error_fields()) x.push_back(law_mean(r, k, f));
  for (const auto& op : r.order_parameters) x.push_back(op.second);
  const UnpinnedSketchLaw& u = r.unpinned_sketch;
  x.push_back(u.gen_g_mean);
  x.push_back(u.gen_g_std * u.gen_g_std + u.gen_g_mean * u.gen_g_mean);
  x.push_back(u.s_variance);
  for (double v : u.s_mean) x.push_back(v);
  return x;
}

// The means over `draws` seeded teachers (S15.1), each solved from the exact solution's state (the
// level 1 does not depend on the teacher). `fields`: the errors to take from the draws; the others,
// and the order parameters when not all are drawn, stay as in `exact`.
void average_draws(const model::ModelParams& p, const model::FiniteSpectralLaws& laws, const SaddlePointOptions& solver,
                   const FiniteDOptions& o, int draws, const std::vector<Field>& fields, bool all, SaddlePointSolution& exact) {
  std::mt19937_64 rng(o.teacher_seed);
  Moments m;
  for (int i = 0; i < draws; ++i) {
    auto law = std::make_shared<const model::SpectralLaw>(model::drawn_teacher_law(laws, rng));
    const SaddlePointSolution s = solve_saddle_point(p, at_law(solver, std::move(law)), exact.state);
    if (!s.result.summary.converged()) {
      exact.result.summary = s.result.summary;
      exact.result.summary.message = fmt::format("finite-d, teacher draw {} of {}: {}", i + 1, draws, s.result.summary.message);
      return;
    }
    m.add(draw_record(s.result, p.k));
  }
  TheoryResult& r = exact.result;
  const std::size_t nf = model::error_fields().size();
  const double tau2 = laws.averaged->tau2;
  TeacherAverage& t = r.teacher_average;
  for (std::size_t j = 0; j < nf; ++j) {
    const Field f = model::error_fields()[j].second;
    if (!all && std::find(fields.begin(), fields.end(), f) == fields.end()) continue;
    r.errors.*f = m.mean[j];
    r.varpi_law.A0.*f = m.mean[nf + j];
    r.varpi_law.A2.*f = m.mean[2 * nf + j] / tau2;  // mean A0 + k tau2 A2 = the mean over draws
    t.se.*f = m.se(j);
    t.se_law_mean.*f = m.se(3 * nf + j);
  }
  std::size_t at = 4 * nf;
  if (all)
    for (auto& op : r.order_parameters) op.second = m.mean[at++];
  else
    at += r.order_parameters.size();
  if (r.unpinned_sketch.applies) {
    UnpinnedSketchLaw& u = r.unpinned_sketch;
    u.gen_g_mean = m.mean[at];
    u.gen_g_std = std::sqrt(std::max(0.0, m.mean[at + 1] - u.gen_g_mean * u.gen_g_mean));  // the mixture's
    u.s_variance = m.mean[at + 2];
    for (std::size_t j = 0; j < u.s_mean.size(); ++j) u.s_mean[j] = m.mean[at + 3 + j];
    if (!all) {  // gen_h1 = gen_f + gen_g with the exact gen_f
      r.errors.gen_h1 = r.errors.gen_f + r.errors.gen_g;
      r.varpi_law.A0.gen_h1 = r.varpi_law.A0.gen_f + r.varpi_law.A0.gen_g;
      r.varpi_law.A2.gen_h1 = r.varpi_law.A2.gen_f + r.varpi_law.A2.gen_g;
      t.se.gen_h1 = t.se.gen_g, t.se_law_mean.gen_h1 = t.se_law_mean.gen_g;
    }
  }
  t.draws = draws;
  t.seed = o.teacher_seed;
}

}  // namespace

void FiniteDOptions::validate() const {
  if (!(std::isfinite(d) && d == std::floor(d) && d >= kMinFiniteD && d <= kMaxFiniteD))
    throw model::InvalidParameter(
        "d", fmt::format("d = {}: the finite-d theory of a structured {{spectrum}} needs a whole number in [{:g}, {:g}] "
                         "(0: the limit)", d, kMinFiniteD, kMaxFiniteD));
  if (teacher_draws < 0 || teacher_draws > 100000)
    throw model::InvalidParameter("teacher_draws",
                                  fmt::format("teacher_draws = {}: must lie in [0, 100000] (0: the exact average)", teacher_draws));
}

SaddlePointOptions finite_d_solver(const model::ModelParams& p, const FiniteDOptions& o, const SaddlePointOptions& solver) {
  o.validate();
  if (!p.structured() || p.has_informed())
    throw model::InvalidParameter("d", "d: the finite-d structured theory needs a structured {spectrum} and no {informed} direction");
  return at_law(solver, laws_of(p, o.d)->averaged);
}

void complete_structured_finite_d(const model::ModelParams& p, const FiniteDOptions& o, const SaddlePointOptions& solver,
                                  bool varpi_average, SaddlePointSolution& sol) {
  const auto laws = laws_of(p, o.d);
  TeacherAverage& t = sol.result.teacher_average;
  t.applies = true;
  t.d = o.d;
  t.method = "exact";
  if (!sol.result.summary.converged()) return;
  if (varpi_average && p.k > 0) tilt_law(p, *laws, solver, sol);
  if (!sol.result.summary.converged()) return;
  // beta = 0 with k > 0: gen_g's law divides by |theta0|^2 (S9.1), not affine in the weights (S15.2).
  const bool unpinned = p.k > 0 && p.beta == 0.0;
  if (o.teacher_draws > 0) {
    t.method = "draws";
    average_draws(p, *laws, solver, o, o.teacher_draws, {}, true, sol);
  } else if (unpinned) {
    t.method = "exact, draws for gen_g";
    average_draws(p, *laws, solver, o, kDefaultTeacherDraws, {&model::Errors::gen_g}, false, sol);
  }
  if (sol.result.summary.converged())
    sol.result.summary.message += fmt::format("; finite-d theory at d = {:g} ([S.15], teacher average: {}{})", o.d,
                                              t.method, t.draws ? fmt::format(", {} draws", t.draws) : "");
}

SaddlePointSolution solve_structured_finite_d(const model::ModelParams& p, const FiniteDOptions& o,
                                              const SaddlePointOptions& solver, bool varpi_average,
                                              const SaddlePointState& warm) {
  p.validate();
  SaddlePointSolution sol = solve_saddle_point(p, finite_d_solver(p, o, solver), warm);
  complete_structured_finite_d(p, o, solver, varpi_average, sol);
  return sol;
}

Sensitivities structured_finite_d_sensitivities(const model::ModelParams& p, const FiniteDOptions& o,
                                                const SaddlePointOptions& solver, bool varpi_average,
                                                const SaddlePointSolution& solution) {
  if (solution.result.teacher_average.method != "exact") {
    Sensitivities s;
    s.message = "sensitivities of the finite-d theory are computed for the exact teacher average only, not for "
                "teacher draws";
    return s;
  }
  const auto laws = laws_of(p, o.d);
  Sensitivities s = sensitivities(p, at_law(solver, laws->averaged), solution);
  if (varpi_average && p.k > 0 && s.computed) {
    const SaddlePointOptions tilted = at_law(solver, laws->tilted);
    const Sensitivities st = sensitivities(p, tilted, solve_saddle_point(p, tilted, solution.state));
    s.d_lambda_law.A2 = st.d_lambda_law.A2;
    s.d_beta_law.A2 = st.d_beta_law.A2;
  }
  return s;
}

double regime_index(const model::ModelParams& p) {
  const model::Spectrum s = model::parse_spectrum(p.spectrum);
  switch (s.family) {
    case model::SpectrumFamily::kIsotropic: return kNaN;
    // b < -1: s^(b+1) is bounded (s >= 1 - a > 0), the teacher's weights O(1/d): no edge near.
    case model::SpectrumFamily::kPowerLaw: return std::max(0.0, s.a * (p.alignment + 1.0));
    case model::SpectrumFamily::kTwoLevel:
    case model::SpectrumFamily::kFile: return 0.0;  // bounded: the largest teacher weight is O(1/d)
  }
  return kNaN;
}

namespace {

// Where a limit answer's estimate is made: d = 1000, or for a file of more values all of them (its values
// as given; fewer would be the file's first ones only, model::finite_spectrum).
double estimate_d(const model::ModelParams& p) {
  const model::Spectrum s = model::parse_spectrum(p.spectrum);
  const double listed = s.family == model::SpectrumFamily::kFile ? static_cast<double>(s.values->size()) : 0.0;
  return std::max(kFiniteSizeEstimateD, listed);
}

}  // namespace

FiniteSizeEstimate estimate_finite_size(const model::ModelParams& p, const SaddlePointOptions& solver,
                                        bool varpi_average, const SaddlePointSolution& answer, double d) {
  FiniteSizeEstimate e;
  if (!p.structured()) return e;
  e.applies = true;
  e.regime_index = regime_index(p);
  e.d = d > 0 ? d : estimate_d(p);
  e.of_limit = d <= 0;
  if (p.has_informed()) {
    e.message = "no finite-d theory with an informed direction (docs/theory/structured.md [S.15])";
    return e;
  }
  if (!answer.result.summary.converged()) {
    e.message = "the answer did not converge";
    return e;
  }
  SaddlePointSolution other;
  if (d > 0) {
    other = solve_saddle_point(p, at_law(solver, nullptr), answer.state);
  } else {
    other = solve_exact(p, *laws_of(p, e.d), at_law(solver, nullptr), varpi_average, answer.state);
  }
  if (!other.result.summary.converged()) {
    e.message = fmt::format("the {} did not converge: {}", d > 0 ? "limit" : "finite-d theory", other.result.summary.message);
    return e;
  }
  const TheoryResult& finite = d > 0 ? answer.result : other.result;
  const TheoryResult& limit = d > 0 ? other.result : answer.result;
  double worst = -1;
  for (const auto& [name, f] : model::error_fields()) {
    if (f != &model::Errors::gen_f && f != &model::Errors::gen_grad) continue;
    const double at_d = varpi_average ? law_mean(finite, p.k, f) : finite.errors.*f;
    const double at_inf = varpi_average ? law_mean(limit, p.k, f) : limit.errors.*f;
    if (!(std::fabs(at_inf) > 1e-12)) continue;  // a realisable teacher: no relative scale
    const double c = std::fabs(at_d - at_inf) / std::fabs(at_inf);
    if (c > worst) worst = c, e.quantity = name;
  }
  if (worst >= 0) e.correction = worst;
  else e.message = "gen_f and gen_grad vanish: no relative correction";
  return e;
}

std::string finite_size_warning(const FiniteSizeEstimate& e, const std::string& flag) {
  if (!e.applies || !e.of_limit || !(e.correction > kFiniteSizeWarning)) return "";
  return fmt::format("warning: the limit is not representative of finite inputs here (regime index {:.3g}): the "
                     "finite-d theory at d = {:g} differs from it by {:.1f} % in {}; for your input dimension use {} "
                     "(docs/theory/structured.md [S.15])",
                     e.regime_index, e.d, 100.0 * e.correction, e.quantity, flag);
}

}  // namespace srf::theory
