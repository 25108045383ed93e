#include <sobolev_rf/numerics/damped_newton.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace srf::numerics {

void DampedNewtonOptions::validate() const {
  auto bad = [](const char* field, double v, const char* rule) {
    std::ostringstream os;
    os << "DampedNewtonOptions." << field << " = " << v << ": " << rule;
    throw std::invalid_argument(os.str());
  };
  if (!(tolerance > 0.0 && std::isfinite(tolerance))) bad("tolerance", tolerance, "must be finite and > 0");
  if (!(stall_tolerance >= 0.0 && std::isfinite(stall_tolerance)))
    bad("stall_tolerance", stall_tolerance, "must be finite and >= 0");
  if (max_iterations < 0) bad("max_iterations", max_iterations, "must be >= 0");
  if (!(max_step > 0.0)) bad("max_step", max_step, "must be > 0 (infinity: no cap)");
  if (!(backtracking_factor > 0.0 && backtracking_factor < 1.0))
    bad("backtracking_factor", backtracking_factor, "must lie in (0, 1)");
  if (!(min_step > 0.0 && min_step < 1.0)) bad("min_step", min_step, "must lie in (0, 1)");
  if (!(sufficient_decrease >= 0.0 && sufficient_decrease < 1.0))
    bad("sufficient_decrease", sufficient_decrease, "must lie in [0, 1)");
  if (!(finite_difference_step > 0.0 && finite_difference_step < 1.0))
    bad("finite_difference_step", finite_difference_step, "must lie in (0, 1)");
}

namespace detail {

void finish(SolverSummary& s, TerminationType t, const DampedNewtonOptions& o) {
  s.termination = t;
  switch (t) {
    case TerminationType::kConverged:
      s.message.clear();
      break;
    case TerminationType::kMaxIterations:
      s.message = "Newton did not converge in " + std::to_string(o.max_iterations) + " iterations";
      break;
    case TerminationType::kNonFinite:
      s.message = "the residual was not finite";
      break;
    case TerminationType::kNoAdmissibleStep:
      s.message = "no backtracked Newton step reduced the residual";
      break;
    case TerminationType::kStalled:
      s.message = "stalled";
      break;
  }
}

NewtonVector newton_step(const NewtonMatrix& J, const NewtonVector& F) {
  const long n = F.size();
  NewtonVector s(n);
  if (n == 1) {
    s(0) = -F(0) / J(0, 0);
  } else if (n == 2) {
    // Cramer's rule: the 2 x 2 systems of the saddle point are well conditioned M-matrices [D.8.1].
    const double det = J(0, 0) * J(1, 1) - J(0, 1) * J(1, 0);
    s(0) = -(J(1, 1) * F(0) - J(0, 1) * F(1)) / det;
    s(1) = -(-J(1, 0) * F(0) + J(0, 0) * F(1)) / det;
  } else {
    s = -J.partialPivLu().solve(F);
  }
  return s;
}

}  // namespace detail

}  // namespace srf::numerics
