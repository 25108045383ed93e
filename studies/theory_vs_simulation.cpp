#include <sobolev_rf/studies/theory_vs_simulation.hpp>

#include <cmath>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include <sobolev_rf/theory/structured_finite_d.hpp>
#include <stdexcept>

namespace srf::studies {

void ComparisonOptions::validate() const {
  if (!std::isfinite(z_threshold) || !(z_threshold > 0.0)) {
    std::ostringstream os;
    os << "z_threshold = " << z_threshold << ": must be finite and > 0";
    throw std::invalid_argument(os.str());
  }
}

double z_score(const simulation::Estimate& e, double theory) {
  const double gap = e.mean - theory;
  if (std::isnan(gap) || std::isnan(e.se)) return std::numeric_limits<double>::quiet_NaN();
  if (e.se == 0.0) return gap == 0.0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), gap);
  return gap / e.se;
}

QuantityComparison compare_quantity(const std::string& name, double theory, bool theory_available,
                                    const simulation::Estimate& small, const simulation::Estimate& large, const ComparisonOptions& options) {
  return compare_quantity(name, theory, theory, theory_available, small, large, options);
}

QuantityComparison compare_quantity(const std::string& name, double theory, double theory_large, bool theory_available,
                                    const simulation::Estimate& small, const simulation::Estimate& large,
                                    const ComparisonOptions& options) {
  QuantityComparison q;
  q.name = name;
  q.small = small;
  q.large = large;
  if (!theory_available || !std::isfinite(theory) || !std::isfinite(theory_large)) return q;  // kSimulationOnly
  q.theory = theory;
  q.theory_large = theory_large;
  q.z_small = z_score(small, theory);
  q.z_large = z_score(large, theory_large);
  q.gap_shrinks = std::fabs(large.mean - theory_large) < std::fabs(small.mean - theory);
  // A NaN z (one seed, or a NaN simulation) cannot vouch for agreement.
  const bool large_z_ok = std::fabs(q.z_large) <= options.z_threshold;
  q.verdict = (large_z_ok || q.gap_shrinks) ? Verdict::kAgree : Verdict::kDisagree;
  return q;
}

std::vector<std::string> compared_quantities(bool sketch, bool informed) {
  std::vector<std::string> names;
  for (const auto& [name, field] : model::error_fields()) {
    const std::string n = name;
    if (!sketch && (n == "train_g" || n == "gen_g" || n == "gen_h1")) continue;
    if (!informed && (n == "train_inf" || n == "gen_inf")) continue;
    names.push_back(n);
  }
  return names;
}

namespace {

// The theory's value of `name` as the simulation estimates it.
double theory_value(const theory::TheoryResult& t, const std::string& name) {
  double value = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [n, field] : model::error_fields())
    if (name == n) value = t.errors.*field;
  // beta = 0, k > 0: gen_g is random over the sketch, which every seed draws afresh, so the mean
  // over seeds estimates the mean of its law [D.11]; train_g has no theory there.
  if (t.unpinned_sketch.applies) {
    if (name == "gen_g") value = t.unpinned_sketch.gen_g_mean;
    if (name == "gen_h1") value = t.errors.gen_f + t.unpinned_sketch.gen_g_mean;
  }
  return value;
}

}  // namespace

std::vector<QuantityComparison> compare_point(const model::ModelParams& params, const theory::TheoryResult* theory,
                                              const simulation::SimulationResult& small, const simulation::SimulationResult& large,
                                              const ComparisonOptions& options, const theory::TheoryResult* theory_large) {
  options.validate();
  if (theory_large == nullptr) theory_large = theory;
  const bool available = theory != nullptr && theory->summary.converged() && theory_large->summary.converged();
  std::vector<QuantityComparison> out;
  for (const auto& name : compared_quantities(params.has_sketch(), params.has_informed())) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double value = available ? theory_value(*theory, name) : nan;
    const double value_large = available ? theory_value(*theory_large, name) : nan;
    out.push_back(compare_quantity(name, value, value_large, available, small.estimate(name), large.estimate(name), options));
  }
  return out;
}

PointValidation compare_simulations(const model::ModelParams& params, simulation::SimulationResult small,
                                    simulation::SimulationResult large, const ComparisonOptions& options,
                                    ValidationTheory which) {
  PointValidation v;
  v.params = params;
  // The finite-d theory [S.15] at each size's d, where one exists (structured, no informed direction).
  v.finite_d = which == ValidationTheory::kFiniteD && params.structured() && !params.has_informed();
  std::string note;
  if (which == ValidationTheory::kFiniteD && !v.finite_d)
    note = params.structured() ? " (the limit: no finite-d theory with an informed direction)"
                               : " (the limit: isotropic inputs)";
  try {
    if (v.finite_d) {
      v.theory = theory::solve_structured_finite_d(params, {static_cast<double>(small.size.d)}, {}, false).result;
      v.theory_large = theory::solve_structured_finite_d(params, {static_cast<double>(large.size.d)}, {}, false).result;
      if (!v.theory_large.summary.converged()) std::swap(v.theory, v.theory_large);  // report the failure
      note = fmt::format(" (finite-d theory at d = {} and {})", small.size.d, large.size.d);
    } else {
      v.theory = theory::solve_saddle_point(params).result;
    }
    v.have_theory = true;
    v.theory_status = v.theory.summary.converged()
                          ? "converged" + note
                          : std::string("not converged (") + numerics::to_string(v.theory.summary.termination) + ")";
  } catch (const std::exception& e) {
    v.theory_status = std::string("not available: ") + e.what();
  }
  v.small = std::move(small);
  v.large = std::move(large);
  v.quantities = compare_point(params, v.have_theory ? &v.theory : nullptr, v.small, v.large, options,
                               v.have_theory && v.finite_d ? &v.theory_large : nullptr);
  return v;
}

PointValidation validate_point(const model::ModelParams& params, const simulation::SimulationOptions& small,
                               const simulation::SimulationOptions& large, const ComparisonOptions& options,
                               const std::function<void()>& on_simulation_done, ValidationTheory which) {
  simulation::SimulationResult s = simulation::simulate(params, small);
  if (on_simulation_done) on_simulation_done();
  simulation::SimulationResult l = simulation::simulate(params, large);
  if (on_simulation_done) on_simulation_done();
  return compare_simulations(params, std::move(s), std::move(l), options, which);
}

}  // namespace srf::studies
