// [D.8] Solving a saddle point: damped Newton in log x on a family's fixed point x = T(x)
// (theory/detail/saddle_point_system.hpp), warm starts, lambda continuation; then the family's second
// level at the solution. The families: theory/detail/block_system.cpp (fixed k, docs/theory/derivation.md)
// and the extensive sketches; the factory that picks one: theory/detail/system_factory.cpp.
#include <sobolev_rf/theory/saddle_point.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include <sobolev_rf/numerics/damped_newton.hpp>
#include <sobolev_rf/theory/detail/saddle_point_system.hpp>
#include <sobolev_rf/theory/detail/system_factory.hpp>

namespace srf::theory {

void SaddlePointOptions::validate() const {
  auto bad = [](const char* field, double v, const char* rule) {
    std::ostringstream os;
    os << field << " = " << v << ": " << rule;
    throw model::InvalidParameter(field, os.str());
  };
  if (!(tolerance > 0.0 && tolerance < 1e-2)) bad("tolerance", tolerance, "must lie in (0, 1e-2)");
  if (max_iterations < 1) bad("max_iterations", max_iterations, "must be >= 1");
  if (max_continuation_stages < 0) bad("max_continuation_stages", max_continuation_stages, "must be >= 0");
  if (!(continuation_factor > 1.0)) bad("continuation_factor", continuation_factor, "must be > 1");
  if (radial_nodes_per_panel < 4) bad("radial_nodes_per_panel", radial_nodes_per_panel, "must be >= 4");
  if (traces == TraceMethod::kSampled && (trace_size < 10 || trace_size > 20000))
    bad("trace_size", trace_size, "must lie in [10, 20000]");
  if (!(inner_tolerance > 0.0 && inner_tolerance < 1e-2))
    bad("inner_tolerance", inner_tolerance, "must lie in (0, 1e-2)");
  if (!(inner_stall_tolerance >= inner_tolerance && inner_stall_tolerance < 1e-2))
    bad("inner_stall_tolerance", inner_stall_tolerance, "must lie in [inner_tolerance, 1e-2)");
  if (inner_max_iterations < 1) bad("inner_max_iterations", inner_max_iterations, "must be >= 1");
}

numerics::DampedNewtonOptions SaddlePointOptions::outer_newton() const {
  numerics::DampedNewtonOptions o;  // step cap e^3 in V, forward differences 1e-7 in log V [D.8.1]
  o.tolerance = tolerance;
  o.max_iterations = max_iterations;
  return o;
}

numerics::DampedNewtonOptions SaddlePointOptions::inner_newton() const {
  numerics::DampedNewtonOptions o;
  o.tolerance = inner_tolerance;
  o.stall_tolerance = inner_stall_tolerance;
  o.max_iterations = inner_max_iterations;
  // It starts from the lower bound F(0) [D.3.1], possibly many e-folds below the root at small
  // lambda: no step cap, and any decrease of the residual is accepted down to t = 1e-12.
  o.max_step = std::numeric_limits<double>::infinity();
  o.sufficient_decrease = 0.0;
  o.min_step = 1e-12;
  o.record_history = false;  // called for every evaluation of the outer map
  return o;
}

void validate_theory_model(const model::ModelParams& params, const SaddlePointOptions& options) {
  if (params.extensive() && options.traces != TraceMethod::kDeterministic)
    throw model::InvalidParameter("traces", "traces = sampled: the sampled traces are those of the fixed-k family; with "
                                            "{kappa} > 0 use the deterministic traces");
  if (!params.structured()) return;
  if (options.traces != TraceMethod::kDeterministic)
    throw model::InvalidParameter("traces", "traces = sampled: the sampled traces draw isotropic inputs; with {spectrum} = " +
                                                params.spectrum + " use the deterministic traces");
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Newton in logarithmic variables y = log x on F(y) = y - log T(e^y) at fixed lambda [D.8.1]:
// in x itself the residual x - T(x) first falls, then rises (T grows like x before saturating),
// so Newton started below the root runs away from it; in log x it is monotone. (x, inner) hold
// the start and, on convergence, the solution with the inner traces there.
numerics::SolverSummary outer_newton(const SaddlePointSystem& system, const SaddlePointOptions& o, double lambda,
                                     Eigen::VectorXd& x, Eigen::VectorXd& inner, numerics::SolverSummary& total) {
  const int n = system.dim();
  numerics::NewtonVector y(n);
  for (int i = 0; i < n; ++i) y(i) = std::log(x(i));
  // The inner traces of the last successful evaluation: the next evaluation's warm start and,
  // after convergence, the traces at the root (the last evaluation is there).
  Eigen::VectorXd last = inner, xx(n), T(n);
  auto residual = [&](const numerics::NewtonVector& yy, numerics::NewtonVector& F) {
    for (int i = 0; i < n; ++i) xx(i) = std::exp(yy(i));
    Eigen::VectorXd trial = last;
    if (!system.outer_map(lambda, xx, T, trial)) return false;
    for (int i = 0; i < n; ++i) {
      if (!(T(i) > 0.0)) return false;
      F(i) = yy(i) - std::log(T(i));
    }
    last = trial;
    return true;
  };
  const numerics::DampedNewtonResult r = numerics::solve_damped_newton(residual, y, o.outer_newton());
  total.iterations += r.summary.iterations;
  total.residual_history.insert(total.residual_history.end(), r.summary.residual_history.begin(),
                                r.summary.residual_history.end());
  numerics::SolverSummary s = r.summary;
  if (s.converged()) {
    inner = last;
    for (int i = 0; i < n; ++i) x(i) = std::exp(r.y(i));
  } else {
    s.message = "outer Newton in log x: " + s.message;
    if (s.termination == numerics::TerminationType::kNonFinite)
      s.message += " (the inner fixed point failed or T(x) was not finite)";
  }
  return s;
}

std::string fmt_sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

// The non-converged answer: a status, a reason, and no numbers.
SaddlePointSolution& failed(SaddlePointSolution& out, numerics::TerminationType t, const std::string& why) {
  out.result.summary.termination = t;
  out.result.summary.message = why;
  if (out.result.summary.residual_history.empty()) out.result.summary.residual = kNaN;
  out.result.errors = nan_errors();
  out.result.varpi_law.A0 = out.result.varpi_law.A2 = nan_errors();
  return out;
}

// lambda = 0 continues down to here, then jumps to 0 [D.14].
constexpr double kContinuationFloor = 1e-10;

}  // namespace

model::Errors nan_errors() {
  model::Errors e;
  for (const auto& f : model::error_fields()) e.*(f.second) = kNaN;
  return e;
}

Sensitivities SaddlePointSystem::sensitivities(const SaddlePointSolution&) const {
  Sensitivities s;
  s.message = "sensitivities are not available for this model family";
  return s;
}

SaddlePointSolution solve_system(const SaddlePointSystem& system, double lambda, const SaddlePointOptions& options,
                                 const SaddlePointState& warm) {
  SaddlePointSolution out;
  numerics::SolverSummary& total = out.result.summary;
  out.result.varpi_law.tau2 = system.tau2();
  if (const std::string why = system.unsolvable(); !why.empty())
    return failed(out, numerics::TerminationType::kNonFinite, why);
  const std::string key = system.state_key();
  Eigen::VectorXd x, inner;
  bool have = false;
  if (!warm.empty() && warm.system == key && warm.x.size() == system.dim()) {
    x = warm.x, inner = warm.inner;
    numerics::SolverSummary s = outer_newton(system, options, lambda, x, inner, total);
    have = s.converged();
    total.message = s.message;
  }
  if (!have) {
    system.default_start(lambda, x, inner);
    numerics::SolverSummary s = outer_newton(system, options, lambda, x, inner, total);
    have = s.converged();
    total.message = s.message;
    total.termination = s.termination;
  }
  if (!have) {
    // Continuation in lambda from max(lambda, 1) down by the factor [D.8.2].
    double lc = std::max(1.0, lambda * options.continuation_factor);
    system.default_start(lc, x, inner);
    bool ok = true;
    for (int stage = 0; stage <= options.max_continuation_stages; ++stage) {
      numerics::SolverSummary s = outer_newton(system, options, lc, x, inner, total);
      if (!s.converged()) {
        ok = false;
        total.termination = s.termination;
        total.message = "lambda continuation failed at lambda = " + fmt_sci(lc) + ": " + s.message;
        break;
      }
      if (lc == lambda) break;
      lc /= options.continuation_factor;
      // lambda = 0: the solution is continuous at 0+ in the variables used [D.14], so the
      // last stage jumps there from kContinuationFloor.
      if (lc < lambda || (lambda == 0.0 && lc < kContinuationFloor)) lc = lambda;
      if (stage == options.max_continuation_stages) {
        ok = false;
        total.termination = numerics::TerminationType::kMaxIterations;
        total.message = "lambda continuation needed more than max_continuation_stages stages";
      }
    }
    have = ok && lc == lambda;
  }
  total.residual = total.residual_history.empty() ? kNaN : total.residual_history.back();
  if (!have) {
    if (total.termination == numerics::TerminationType::kConverged)
      total.termination = numerics::TerminationType::kMaxIterations;
    return failed(out, total.termination, total.message + system.failure_context());
  }
  total.termination = numerics::TerminationType::kConverged;
  total.message = system.converged_message(total.residual);
  system.second_level(x, inner, out.result);
  // A second level that solves more (a teacher average) may end unconverged: then no numbers either.
  if (!out.result.summary.converged()) return failed(out, out.result.summary.termination, out.result.summary.message);
  out.state.system = key;
  out.state.rescaled = system.rescaled();
  out.state.x = x;
  out.state.inner = inner;
  return out;
}

SaddlePointSolution solve_saddle_point(const model::ModelParams& params, const SaddlePointOptions& options,
                                       const SaddlePointState& warm) {
  params.validate();
  options.validate();
  validate_theory_model(params, options);
  return solve_system(*make_model_system(params, options), params.lambda, options, warm);
}

}  // namespace srf::theory
