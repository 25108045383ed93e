// [D.8] Solving the saddle point: damped Newton in log V on the outer equation, warm starts,
// lambda continuation; then the second level at the solution. Equations and symbols:
// docs/theory/derivation.md (sections cited as [D.x]); the outer equation is in
// theory/detail/outer_equation.cpp ([D.2]), the errors in theory/detail/error_formulas.cpp ([D.4]-[D.6]).
#include <sobolev_rf/theory/saddle_point.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include <sobolev_rf/numerics/damped_newton.hpp>
#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/theory/detail/error_formulas.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/theory/detail/outer_equation.hpp>

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
  if (!params.structured()) return;
  if (options.traces != TraceMethod::kDeterministic)
    throw model::InvalidParameter("traces", "traces = sampled: the sampled traces draw isotropic inputs; with {spectrum} = " +
                                                params.spectrum + " use the deterministic traces");
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Newton in logarithmic variables y = log V on F(y) = y - log T(e^y) at fixed lambda [D.8.1]:
// in V itself the residual V - T(V) first falls, then rises (T grows like V before
// saturating), so Newton started below the root runs away from it; in log V it is monotone.
// `op` holds the start (V and the inner warm start) and, on convergence, the solution.
numerics::SolverSummary outer_newton(const OuterEquation& eq, const SaddlePointOptions& o, double lambda,
                                     BlockOrderParameters& op, numerics::SolverSummary& total) {
  const int n = eq.dim();
  numerics::NewtonVector y(n);
  y(0) = std::log(op.V0);
  if (n == 2) y(1) = std::log(op.V1);
  // The inner traces of the last successful evaluation: the next evaluation's warm start and,
  // after convergence, the traces at the root (the last evaluation is there).
  BlockOrderParameters last = op;
  auto residual = [&](const numerics::NewtonVector& yy, numerics::NewtonVector& F) {
    const double x[2] = {std::exp(yy(0)), n == 2 ? std::exp(yy(1)) : 0.0};
    double T[2];
    BlockOrderParameters trial = last;
    if (!eq.outer_map(lambda, x, T, trial)) return false;
    for (int i = 0; i < n; ++i) {
      if (!(T[i] > 0.0)) return false;
      F(i) = yy(i) - std::log(T[i]);
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
    op = last;
    op.V0 = std::exp(r.y(0));
    op.V1 = n == 2 ? std::exp(r.y(1)) : 0.0;
  } else {
    s.message = "outer Newton in log V: " + s.message;
    if (s.termination == numerics::TerminationType::kNonFinite)
      s.message += " (the inner fixed point failed or T(V) was not finite)";
  }
  return s;
}

// A safe start at any lambda: a few Picard steps of V <- T(V) from V = 0 (rescaled: from
// v = 1, since the channel W (lambda + v W)^{-1} is infinite at v = lambda = 0 [D.14]).
BlockOrderParameters default_start(const OuterEquation& eq, double lambda) {
  BlockOrderParameters op;
  const double x0 = eq.rescaled() ? 1.0 : 0.0;
  double x[2] = {x0, x0}, T[2];
  for (int i = 0; i < 3; ++i) {
    if (!eq.outer_map(lambda, x, T, op)) break;
    x[0] = T[0], x[1] = T[1];
  }
  op.V0 = std::max(x[0], 1e-12);
  op.V1 = eq.dim() == 2 ? std::max(x[1], 1e-12) : 0.0;
  return op;
}

std::string fmt_sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

model::Errors errors_nan() {
  model::Errors e;
  for (const auto& f : model::error_fields()) e.*(f.second) = kNaN;
  return e;
}

// The non-converged answer: a status, a reason, and no numbers.
SaddlePointSolution& failed(SaddlePointSolution& out, numerics::TerminationType t, const std::string& why) {
  out.result.summary.termination = t;
  out.result.summary.message = why;
  if (out.result.summary.residual_history.empty()) out.result.summary.residual = kNaN;
  out.result.errors = errors_nan();
  out.result.varpi_law = {errors_nan(), errors_nan()};
  return out;
}

// lambda = 0 continues down to here, then jumps to 0 [D.14].
constexpr double kContinuationFloor = 1e-10;

// Which side of the interpolation threshold a ridgeless (lambda = 0) point lies on [D.12],
// [D.14]: the n (k + 1) rows of the least-squares system (n without a random gradient block)
// against the p unknowns, for features of full rank (kappa_star > 0 and, with a gradient block,
// kappa'_star > 0).
struct Ridgeless {
  bool supported = true;
  bool overparametrised = false;
  std::string reason;
  std::string distance;  // how far p/n is from the threshold, for a failure message
};
Ridgeless ridgeless_regime(const model::ModelParams& p) {
  Ridgeless r;
  const model::GaussianConstants sig = model::gaussian_constants(model::activation(p.sigma));
  const bool gradient_block = has_gradient_block(p.k, sig);
  // (Relative to the second moments: the constants come from quadrature.)
  if (!(sig.kappa_star_sq > 1e-12 * sig.second_moment) ||
      (gradient_block && !(sig.kappa_star_prime_sq > 1e-12 * sig.derivative_second_moment))) {
    r.supported = false;
    r.reason = "lambda = 0 (the ridgeless limit) needs features of full rank, kappa_star > 0 (and kappa'_star > 0 with "
               "k > 0); sigma = " + p.sigma + " has rank-min(p, d) features: use a small lambda > 0";
    return r;
  }
  const int rows = gradient_block ? p.k + 1 : 1;  // least-squares rows per sample
  const double load = p.alpha * rows;                // rows per unknown, n (k + 1) / p
  if (std::fabs(load - 1.0) <= 4.0 * std::numeric_limits<double>::epsilon()) {
    r.supported = false;
    std::ostringstream os;
    os << "lambda = 0: the error diverges at the interpolation threshold p/n = k + 1 = " << rows
       << " (the minimum-norm solution is unbounded there; docs/theory [D.12])";
    r.reason = os.str();
    return r;
  }
  r.overparametrised = load < 1.0;
  std::ostringstream os;
  os << " (lambda = 0 with p/n a relative " << std::fabs(load - 1.0) << " from the interpolation threshold p/n = k + 1 = "
     << rows << ", where the error diverges)";
  r.distance = os.str();
  return r;
}

}  // namespace

namespace {

// beta = 0 with k > 0 [D.11]: the gradient labels are ignored, so the fit is the L2 fit (k = 0)
// and gen_f, train_f, gen_grad are L2's. On the user's sketch its sketched-gradient error is random
// over the sketch's free part: gen_g reports its mean there (A0 + A2 |varpi|^2, so that the varpi
// law, and with it --varpi-average, is the law of that mean), gen_h1 = gen_f + gen_g, and the law
// itself (UnpinnedSketchLaw) goes alongside. train_g (a training residual of gradients the fit never
// saw) has no such formula: NaN.
SaddlePointSolution solve_unpinned_sketch(const model::ModelParams& params, const SaddlePointOptions& options,
                                          const SaddlePointState& warm) {
  model::ModelParams l2 = params;
  l2.k = 0;
  l2.varpi.clear();
  SaddlePointSolution out = solve_saddle_point(l2, options, warm);
  TheoryResult& r = out.result;
  for (model::Errors* e : {&r.errors, &r.varpi_law.A0, &r.varpi_law.A2}) e->train_g = e->gen_g = e->gen_h1 = kNaN;
  if (!r.summary.converged()) return out;
  // The Euclidean overlaps of the L2 fit (the sketch is isotropic in input space, [S.9]).
  double m_E = kNaN, q_E = kNaN, q_w = kNaN;
  for (const auto& [name, value] : r.order_parameters) {
    if (name == "m_E") m_E = value;
    if (name == "q_E") q_E = value;
    if (name == "q_w") q_w = value;
  }
  const model::GaussianConstants sig = model::gaussian_constants(model::activation(params.sigma));
  const model::GaussianConstants phi = model::gaussian_constants(model::activation(params.teacher));
  const bool useful = model::activation(params.teacher).has_useful_gradient;
  const UnpinnedOverlaps ov{r.varpi_law.tau2, m_E, q_E, q_w};
  r.unpinned_sketch = unpinned_sketch_law(sig, phi, useful, params.varpi, ov);
  const UnpinnedGenGMean mean = unpinned_gen_g_mean(sig, phi, useful, params.k, ov);
  double varpi2 = 0;
  for (double v : params.varpi) varpi2 += v * v;
  r.errors.gen_g = mean.A0 + mean.A2 * varpi2;
  r.errors.gen_h1 = r.errors.gen_f + r.errors.gen_g;
  r.varpi_law.A0.gen_g = mean.A0;
  r.varpi_law.A2.gen_g = mean.A2;
  r.varpi_law.A0.gen_h1 = r.varpi_law.A0.gen_f + mean.A0;
  r.varpi_law.A2.gen_h1 = r.varpi_law.A2.gen_f + mean.A2;
  r.summary.message += "; beta = 0 with k > 0: the L2 fit on this sketch; gen_g is its mean over the sketch's free "
                       "part (gen_g_law: its law, [D.11])";
  return out;
}

// The fit with every output in the loss (beta > 0 or k = 0), validated parameters.
SaddlePointSolution solve_pinned(const model::ModelParams& params, const SaddlePointOptions& options,
                                 const SaddlePointState& warm) {
  SaddlePointSolution out;
  numerics::SolverSummary& total = out.result.summary;
  const double lambda = params.lambda;
  bool rescaled = false;
  std::string near_threshold;
  if (lambda == 0.0) {
    const Ridgeless r = ridgeless_regime(params);
    if (!r.supported) return failed(out, numerics::TerminationType::kNonFinite, r.reason);
    rescaled = r.overparametrised;
    near_threshold = r.distance;
  }
  const OuterEquation eq(params, options, rescaled);

  BlockOrderParameters op;
  bool have = false;
  if (!warm.empty() && warm.V.rows() == params.k + 1 && warm.rescaled == rescaled) {
    op.V0 = warm.V(0, 0), op.Delta0 = warm.Delta(0, 0);
    if (params.k) op.V1 = warm.V(1, 1), op.Delta1 = warm.Delta(1, 1);
    numerics::SolverSummary s = outer_newton(eq, options, lambda, op, total);
    have = s.converged();
    total.message = s.message;
  }
  if (!have) {
    op = default_start(eq, lambda);
    numerics::SolverSummary s = outer_newton(eq, options, lambda, op, total);
    have = s.converged();
    total.message = s.message;
    total.termination = s.termination;
  }
  if (!have) {
    // Continuation in lambda from max(lambda, 1) down by the factor [D.8.2].
    double lc = std::max(1.0, lambda * options.continuation_factor);
    op = default_start(eq, lc);
    bool ok = true;
    for (int stage = 0; stage <= options.max_continuation_stages; ++stage) {
      numerics::SolverSummary s = outer_newton(eq, options, lc, op, total);
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
    return failed(out, total.termination, total.message + near_threshold);
  }
  total.termination = numerics::TerminationType::kConverged;
  total.message = rescaled ? "converged (ridgeless limit, overparametrised; in v = lambda V): max |log v - log T(v)| = " +
                                 fmt_sci(total.residual)
                           : "converged: max |log V - log T(V)| = " + fmt_sci(total.residual);
  const SecondLevel second(eq, op);
  out.result.errors = second.errors_at(params.varpi, &out.result.order_parameters);
  // The law over varpi ~ N(0, I_k): errors are A0 + A2 |varpi|^2 [D.7].
  std::vector<double> zero(params.k, 0.0), unit(params.k, 0.0);
  out.result.varpi_law.A0 = second.errors_at(zero, nullptr);
  if (params.k) {
    unit[0] = 1.0;
    const model::Errors e1 = second.errors_at(unit, nullptr);
    for (const auto& f : model::error_fields())
      out.result.varpi_law.A2.*(f.second) = e1.*(f.second) - out.result.varpi_law.A0.*(f.second);
  }
  const int K = params.k + 1;
  out.state.rescaled = rescaled;
  out.state.V = Eigen::MatrixXd::Zero(K, K);
  out.state.Delta = Eigen::MatrixXd::Zero(K, K);
  out.state.V(0, 0) = op.V0, out.state.Delta(0, 0) = op.Delta0;
  for (int j = 1; j < K; ++j) out.state.V(j, j) = op.V1, out.state.Delta(j, j) = op.Delta1;
  return out;
}

}  // namespace

SaddlePointSolution solve_saddle_point(const model::ModelParams& params, const SaddlePointOptions& options,
                                       const SaddlePointState& warm) {
  params.validate();
  options.validate();
  validate_theory_model(params, options);
  // varpi = V^T theta0 ~ N(0, tau^2 I_k) over sketches, tau^2 = lim |theta0|^2 [S.8].
  const double tau2 = !params.structured()  ? 1.0
                      : options.spectral_law ? options.spectral_law->tau2  // the finite-d law [S.15]
                                             : model::spectral_law(params.spectrum, params.alignment)->tau2;
  SaddlePointSolution out = params.k > 0 && params.beta == 0.0 ? solve_unpinned_sketch(params, options, warm)
                                                               : solve_pinned(params, options, warm);
  out.result.varpi_law.tau2 = tau2;
  return out;
}

}  // namespace srf::theory
