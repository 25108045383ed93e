#pragma once
// Damped Newton for a small nonlinear system F(y) = 0, y in R^n (n <= kDampedNewtonMaxDim): the
// outer self-consistency of the saddle point and its inner log-Delta equation (docs/theory [D.8]).
//
// Iteration: J s = -F(y) with the exact Jacobian (if the caller provides it) or forward
// differences; s is cut back to |s|_inf <= max_step (the Jacobian is local); then backtracking
// y + t s, t = 1, f, f^2, ... > min_step, accepting the first t with
//   |F(y + t s)|_inf < (1 - sufficient_decrease t) |F(y)|_inf.
// Stopping rule:  |F(y)|_inf <= tolerance,  or, once no backtracked step reduces |F|_inf (the
// round-off floor of F), |F(y)|_inf <= stall_tolerance.
//
// Everything lives on the stack (Eigen matrices of fixed maximum size) and the callbacks are
// template parameters: the saddle point calls this thousands of times per curve point.
#include <Eigen/Dense>

#include <cmath>
#include <limits>
#include <string>

#include <sobolev_rf/numerics/solver_summary.hpp>

namespace srf::numerics {

inline constexpr int kDampedNewtonMaxDim = 4;
using NewtonVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kDampedNewtonMaxDim, 1>;
using NewtonMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kDampedNewtonMaxDim, kDampedNewtonMaxDim>;

struct DampedNewtonOptions {
  double tolerance = 1e-12;       // stop when |F|_inf <= tolerance
  double stall_tolerance = 0.0;   // ... or when no step helps and |F|_inf <= stall_tolerance (0: off)
  int max_iterations = 200;       // Newton steps
  double max_step = 3.0;          // |s|_inf cap of a full Newton step (infinity: no cap)
  double backtracking_factor = 0.5;  // t <- factor * t, in (0, 1)
  double min_step = 1e-10;           // smallest t tried, in (0, 1)
  double sufficient_decrease = 1e-4;  // c in [0, 1); 0 accepts any decrease
  double finite_difference_step = 1e-7;  // forward-difference step in y (no exact Jacobian)
  bool record_history = true;  // fill SolverSummary::residual_history (off: no allocation)
  // Throws std::invalid_argument naming the field, its value and the broken rule.
  void validate() const;
};

struct DampedNewtonResult {
  NewtonVector y;          // the last accepted iterate (the root when converged)
  SolverSummary summary;   // iterations = Newton steps attempted; residual = |F(y)|_inf
};

namespace detail {
// Messages, out of line so that the template below stays small.
void finish(SolverSummary& s, TerminationType t, const DampedNewtonOptions& o);
// Solves J s = -F for n = 1, 2 in closed form, else by partial-pivoting LU.
NewtonVector newton_step(const NewtonMatrix& J, const NewtonVector& F);

// The iteration. `eval(y, F, J)` returns false when F (or J) cannot be computed at y; J is
// nullptr unless `exact` (then eval must fill it).
template <class Eval>
DampedNewtonResult damped_newton(Eval& eval, bool exact, NewtonVector y, const DampedNewtonOptions& o) {
  DampedNewtonResult out;
  SolverSummary& s = out.summary;
  const long n = y.size();
  NewtonVector F(n), Fn(n), yn(n), Fp(n);
  NewtonMatrix J(n, n), Jn(n, n);
  auto norm = [](const NewtonVector& v) {
    double r = 0.0;
    for (long i = 0; i < v.size(); ++i) {
      if (!std::isfinite(v(i))) return std::numeric_limits<double>::infinity();
      r = std::max(r, std::fabs(v(i)));
    }
    return r;
  };
  double r = eval(y, F, exact ? &J : nullptr) ? norm(F) : std::numeric_limits<double>::infinity();
  for (int it = 0;; ++it) {
    s.residual = r;
    if (o.record_history) s.residual_history.push_back(r);
    if (!std::isfinite(r)) {
      finish(s, TerminationType::kNonFinite, o);
      break;
    }
    if (r <= o.tolerance) {
      finish(s, TerminationType::kConverged, o);
      break;
    }
    if (it == o.max_iterations) {
      finish(s, TerminationType::kMaxIterations, o);
      break;
    }
    s.iterations = it + 1;
    if (!exact) {
      for (long j = 0; j < n; ++j) {
        yn = y;
        yn(j) += o.finite_difference_step;
        if (!eval(yn, Fp, nullptr) || !std::isfinite(norm(Fp))) {
          finish(s, TerminationType::kNonFinite, o);
          s.message = "the residual was not finite while forming the finite-difference Jacobian";
          out.y = y;
          return out;
        }
        J.col(j) = (Fp - F) / o.finite_difference_step;
      }
    }
    NewtonVector step = newton_step(J, F);
    const double big = norm(step);
    if (!std::isfinite(big)) {
      finish(s, TerminationType::kNoAdmissibleStep, o);
      s.message = "singular Jacobian: the Newton step is not finite";
      break;
    }
    if (big > o.max_step) step *= o.max_step / big;
    bool accepted = false;
    for (double t = 1.0; t > o.min_step; t *= o.backtracking_factor) {
      yn = y + t * step;
      if (!eval(yn, Fn, exact ? &Jn : nullptr)) continue;
      const double rn = norm(Fn);
      if (rn < (1.0 - o.sufficient_decrease * t) * r) {
        y = yn, F = Fn, r = rn;
        if (exact) J = Jn;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      if (r <= o.stall_tolerance) {
        // Converged at the round-off floor; evaluate y once more so that the last call of the
        // callback is at the returned root (the contract below).
        eval(y, Fn, exact ? &Jn : nullptr);
        finish(s, TerminationType::kConverged, o);
      } else {
        finish(s, TerminationType::kNoAdmissibleStep, o);
      }
      break;
    }
  }
  out.y = y;
  return out;
}
}  // namespace detail

// Finite-difference Jacobian. residual(y, F) -> bool: F(y) into F (sized n); false if it
// cannot be evaluated (a trial point there counts as rejected). On convergence the last call of
// `residual` was at the returned root, so a callback may keep by-products of its last call.
template <class Residual>
DampedNewtonResult solve_damped_newton(Residual&& residual, const NewtonVector& y0, const DampedNewtonOptions& options) {
  options.validate();
  auto eval = [&](const NewtonVector& y, NewtonVector& F, NewtonMatrix*) { return residual(y, F); };
  return detail::damped_newton(eval, false, y0, options);
}

// Exact Jacobian: residual_jacobian(y, F, J) -> bool fills F(y) and dF/dy (n x n) together (they
// usually share their expensive parts). Same contract as above otherwise.
template <class ResidualJacobian>
DampedNewtonResult solve_damped_newton_exact(ResidualJacobian&& residual_jacobian, const NewtonVector& y0,
                                             const DampedNewtonOptions& options) {
  options.validate();
  auto eval = [&](const NewtonVector& y, NewtonVector& F, NewtonMatrix* J) { return residual_jacobian(y, F, *J); };
  return detail::damped_newton(eval, true, y0, options);
}

}  // namespace srf::numerics
