#pragma once
// Theory against simulation at one parameter point (docs/model.md "What theory matches simulation
// means"): the simulation at sizes p and 2p differs from the p -> infinity theory by
// fluctuations O(1/sqrt p) and bias O(1/p). A quantity is judged by its z-score
// (simulation mean - theory) / (standard error over seeds) and by whether the gap shrinks as p
// doubles; it disagrees when |z| exceeds the threshold at the larger size and the gap does not
// shrink.
#include <sobolev_rf/model/enum_names.hpp>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/theory_result.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::studies {

struct ComparisonOptions {
  double z_threshold = 4.0;  // |z| above this at the larger size (and no shrinking gap) disagrees
  void validate() const;     // throws std::invalid_argument unless finite and > 0
};

enum class Verdict {
  kAgree,           // |z| <= threshold at the larger size, or the gap shrinks with size
  kDisagree,        // |z| > threshold at the larger size and the gap does not shrink
  kSimulationOnly,  // no converged theory value to compare with
};
inline constexpr model::EnumName<Verdict> kVerdictNames[] = {
    {"ok", Verdict::kAgree}, {"DISAGREE", Verdict::kDisagree}, {"sim-only", Verdict::kSimulationOnly}};
inline const char* to_string(Verdict v) { return model::enum_to_string(kVerdictNames, v); }

struct QuantityComparison {
  std::string name;
  double theory = std::numeric_limits<double>::quiet_NaN();  // NaN without a theory value (at p)
  // The theory at the larger size: the same number for the limit; the finite-d theory's at the larger
  // d with --theory finite-d (docs/theory/structured.md [S.15]).
  double theory_large = std::numeric_limits<double>::quiet_NaN();
  simulation::Estimate small, large;  // simulation at p and 2p
  double z_small = std::numeric_limits<double>::quiet_NaN();
  double z_large = std::numeric_limits<double>::quiet_NaN();
  bool gap_shrinks = false;  // |mean_large - theory_large| < |mean_small - theory|
  Verdict verdict = Verdict::kSimulationOnly;
};

// (mean - theory) / se; 0 when both gap and se vanish, +-inf when only se does, NaN when se is.
double z_score(const simulation::Estimate& e, double theory);

QuantityComparison compare_quantity(const std::string& name, double theory, bool theory_available,
                                    const simulation::Estimate& small, const simulation::Estimate& large, const ComparisonOptions& options);
// The same with a theory value per size (theory at p, theory_large at the larger size).
QuantityComparison compare_quantity(const std::string& name, double theory, double theory_large, bool theory_available,
                                    const simulation::Estimate& small, const simulation::Estimate& large,
                                    const ComparisonOptions& options);

// The errors worth comparing: train_f, gen_f, gen_grad, and with a sketch (k > 0 or kappa > 0) also
// train_g, gen_g and gen_h1 (without one those are identically 0 or equal to gen_f), and with an informed
// direction train_inf and gen_inf; in error_fields() order.
std::vector<std::string> compared_quantities(bool sketch, bool informed = false);

// theory may be null (not available); a non-converged theory counts as not available. theory_large:
// the theory at the larger size (null: `theory` at both sizes).
std::vector<QuantityComparison> compare_point(const model::ModelParams& params, const theory::TheoryResult* theory,
                                              const simulation::SimulationResult& small, const simulation::SimulationResult& large,
                                              const ComparisonOptions& options,
                                              const theory::TheoryResult* theory_large = nullptr);

// Which theory a validation compares with: the limit (default), or the finite-d structured theory at
// each size's d = round(gamma p) (docs/theory/structured.md [S.15]; points without one, isotropic or
// with an informed direction, keep the limit and say so in theory_status).
enum class ValidationTheory { kLimit, kFiniteD };
inline constexpr model::EnumName<ValidationTheory> kValidationTheoryNames[] = {{"limit", ValidationTheory::kLimit},
                                                                               {"finite-d", ValidationTheory::kFiniteD}};
inline const char* to_string(ValidationTheory v) { return model::enum_to_string(kValidationTheoryNames, v); }

// One point of a validation run: the theory, the simulations at both sizes and the comparison.
struct PointValidation {
  model::ModelParams params;
  theory::TheoryResult theory;        // at p (the limit: at both sizes)
  theory::TheoryResult theory_large;  // at the larger size, with ValidationTheory::kFiniteD
  bool finite_d = false;              // the two are the finite-d theory's
  bool have_theory = false;   // the solver ran (converged or not); false: it rejected the point
  std::string theory_status;  // "converged", "not converged (reason)" or "not available: why"
  simulation::SimulationResult small, large;
  std::vector<QuantityComparison> quantities;
};

// Solves the theory at `params` and compares it with simulations already run at both sizes
// (validate_point without the simulations; a distributed or resumed run assembles them).
PointValidation compare_simulations(const model::ModelParams& params, simulation::SimulationResult small,
                                    simulation::SimulationResult large, const ComparisonOptions& options,
                                    ValidationTheory which = ValidationTheory::kLimit);

// Solves the theory at `params`, simulates at both sizes and compares. `on_simulation_done`
// (may be empty) is called after each of the two simulations, for progress reports.
PointValidation validate_point(const model::ModelParams& params, const simulation::SimulationOptions& small,
                               const simulation::SimulationOptions& large, const ComparisonOptions& options,
                               const std::function<void()>& on_simulation_done = {},
                               ValidationTheory which = ValidationTheory::kLimit);

}  // namespace srf::studies
