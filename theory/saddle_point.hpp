#pragma once
// The replica-symmetric saddle point of the model of docs/model.md for square loss, with K = k + 1
// outputs per sample (function value and k sketched gradient components); docs/theory/ derives
// every equation. k = 0 is plain L2 (ridge) training, where every K x K matrix is a scalar and
// the inner fixed point is the Marchenko-Pastur Stieltjes transform in closed form.
#include <Eigen/Dense>

#include <memory>
#include <string>

#include <sobolev_rf/model/enum_names.hpp>
#include <sobolev_rf/numerics/damped_newton.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::theory {

// How the core traces of the saddle point are evaluated (theory/detail/core_traces.hpp).
enum class TraceMethod {
  kDeterministic,  // deterministic equivalent, radial zeta quadrature (exact limit; default)
  kSampled,        // the same traces on one sampled matrix of size trace_size (a check)
};
inline constexpr model::EnumName<TraceMethod> kTraceMethodNames[] = {{"deterministic", TraceMethod::kDeterministic},
                                                                     {"sampled", TraceMethod::kSampled}};
inline const char* to_string(TraceMethod v) { return model::enum_to_string(kTraceMethodNames, v); }

struct SaddlePointOptions {
  // Outer stopping rule on the self-consistency V = T(V) of the K x K matrix V (its independent
  // diagonal entries, docs/theory [D.3]), measured in relative terms:
  //   max_a |log V_aa - log T(V)_aa| <= tolerance.
  double tolerance = 1e-12;
  int max_iterations = 200;          // Newton iterations per lambda-continuation stage
  int max_continuation_stages = 60;  // lambda from max(lambda, 1) down by continuation_factor
  double continuation_factor = 4.0;
  // Gauss-Legendre nodes per panel of the radial chi_k quadrature over zeta (k >= 1); no
  // angular rule is needed since the integrands depend on |zeta| only (docs/theory [D.3]).
  int radial_nodes_per_panel = 10;
  // Inner damped Newton on (log Delta_00, log Delta_mm) at fixed V (k >= 1; docs/theory [D.8.4]):
  //   max_a |log Delta_aa - log F(Delta)_aa| <= inner_tolerance, or <= inner_stall_tolerance
  //   once no backtracked step reduces it (the round-off floor of log F). Well below
  //   `tolerance`: the outer map must be accurate to better than its own stopping rule.
  double inner_tolerance = 1e-14;
  double inner_stall_tolerance = 1e-12;
  int inner_max_iterations = 200;
  TraceMethod traces = TraceMethod::kDeterministic;
  int trace_size = 1000;            // P of the sampled matrix (kSampled)
  unsigned long long trace_seed = 1;  // its seed (kSampled)
  // Structured inputs: the spectral law to solve at instead of model::spectral_law(spectrum, alignment)
  // (null: that one). The finite-d structured theory passes the law of a finite spectrum with the
  // teacher's weights averaged over its directions (theory/structured_finite_d.hpp, docs/theory/structured.md
  // [S.15]). Not an option of the table: it is never read from flags or keywords.
  std::shared_ptr<const model::SpectralLaw> spectral_law;
  void validate() const;  // throws model::InvalidParameter naming the field
  // These rules as options of numerics/damped_newton.hpp: the outer Newton in log V [D.8.1]
  // and the inner one in log Delta [D.8.4].
  numerics::DampedNewtonOptions outer_newton() const;
  numerics::DampedNewtonOptions inner_newton() const;
};

// A previous solution to start from (a neighbouring point of a curve), in the unknowns of the
// model family that solved it (theory/detail/saddle_point_system.hpp): the fixed-k family's are
// x = (V_00[, V_mm]) with the inner traces (Delta_00[, Delta_mm]) [D.3.3].
struct SaddlePointState {
  std::string system;     // which family's unknowns (a state warm-starts only the same family)
  Eigen::VectorXd x;      // the outer unknowns
  Eigen::VectorXd inner;  // the inner traces at x
  // The unknowns hold lambda V and lambda Delta: the overparametrised ridgeless limit (lambda = 0,
  // p > n(k + 1), docs/theory [D.14]).
  bool rescaled = false;
  bool empty() const { return x.size() == 0; }
};

struct SaddlePointSolution {
  TheoryResult result;
  SaddlePointState state;  // pass to the next point of a curve
};

// Solves the saddle point at `params` (validated here; structured inputs: docs/theory/structured.md,
// with result.varpi_law.tau2 = tau^2). Never throws for non-convergence: the
// summary says so and the errors are NaN. Throws std::invalid_argument for bad parameters.
// lambda = 0 is the limit lambda -> 0+ (the minimum-norm / least-squares solution), solved in
// the limit equations [D.14]; exactly at the interpolation threshold p/n = k + 1 the errors
// diverge, and the summary says so (termination kNonFinite).
SaddlePointSolution solve_saddle_point(const model::ModelParams& params, const SaddlePointOptions& options = {},
                                       const SaddlePointState& warm_start = {});

// What the limit theory covers beyond ModelParams::validate(): structured inputs (a spectrum other
// than isotropic, docs/theory/structured.md, informed directions included [S.13]) are solved by the
// deterministic traces (the sampled traces draw an isotropic Theta). Throws model::InvalidParameter
// naming the field (traces). solve_saddle_point calls it.
void validate_theory_model(const model::ModelParams& params, const SaddlePointOptions& options);

// Convenience: the result alone.
inline TheoryResult solve_theory(const model::ModelParams& params, const SaddlePointOptions& options = {}) {
  return solve_saddle_point(params, options).result;
}

}  // namespace srf::theory
