#include "numerics/fixed_point.hpp"

#include <cmath>
#include <deque>
#include <stdexcept>
#include <string>

namespace srf::numerics {

namespace {
[[noreturn]] void bad(const char* field, double value, const char* rule) {
  throw std::invalid_argument(std::string("FixedPointOptions.") + field + " = " + std::to_string(value) +
                              ": " + rule);
}
}  // namespace

void FixedPointOptions::validate() const {
  if (!(abs_tol >= 0.0)) bad("abs_tol", abs_tol, "must be >= 0");
  if (!(rel_tol >= 0.0)) bad("rel_tol", rel_tol, "must be >= 0");
  if (!(abs_tol > 0.0 || rel_tol > 0.0)) bad("abs_tol", abs_tol, "abs_tol or rel_tol must be > 0");
  if (max_iterations < 1) bad("max_iterations", max_iterations, "must be >= 1");
  if (!(damping > 0.0 && damping <= 1.0)) bad("damping", damping, "must lie in (0, 1]");
  if (anderson_depth < 0) bad("anderson_depth", anderson_depth, "must be >= 0");
}

FixedPointResult solve_fixed_point(const FixedPointMap& map, Eigen::VectorXd x,
                                   const FixedPointOptions& opt, const Admissible& admissible) {
  opt.validate();
  FixedPointResult out;
  SolverSummary& s = out.summary;
  std::deque<Eigen::VectorXd> dx_hist, df_hist;  // differences of iterates and of residuals
  Eigen::VectorXd f_prev, x_prev;
  for (int it = 1; it <= opt.max_iterations; ++it) {
    const Eigen::VectorXd tx = map(x);
    const Eigen::VectorXd f = tx - x;  // residual
    const double r = f.lpNorm<Eigen::Infinity>();
    s.iterations = it;
    s.residual = r;
    s.residual_history.push_back(r);
    if (!std::isfinite(r) || !tx.allFinite()) {
      s.termination = TerminationType::kNonFinite;
      s.message = "the map returned a non-finite value at iteration " + std::to_string(it);
      out.x = x;
      return out;
    }
    if (r <= opt.abs_tol + opt.rel_tol * x.lpNorm<Eigen::Infinity>()) {
      s.termination = TerminationType::kConverged;
      s.message = "|T(x) - x|_inf = " + std::to_string(r) + " within tolerance";
      out.x = tx;  // one more application of T costs nothing and is at least as accurate
      return out;
    }
    Eigen::VectorXd plain = x + opt.damping * f;
    Eigen::VectorXd next = plain;
    if (opt.anderson_depth > 0 && f_prev.size() == f.size()) {
      dx_hist.push_back(x - x_prev);
      df_hist.push_back(f - f_prev);
      if (static_cast<int>(dx_hist.size()) > opt.anderson_depth) {
        dx_hist.pop_front();
        df_hist.pop_front();
      }
      const int m = static_cast<int>(df_hist.size());
      Eigen::MatrixXd dF(f.size(), m), dX(f.size(), m);
      for (int j = 0; j < m; ++j) {
        dF.col(j) = df_hist[j];
        dX.col(j) = dx_hist[j];
      }
      // Type-II Anderson: gamma = argmin |f - dF gamma|, x+ = x + beta f - (dX + beta dF) gamma.
      const Eigen::VectorXd g = dF.completeOrthogonalDecomposition().solve(f);
      Eigen::VectorXd acc = plain - (dX + opt.damping * dF) * g;
      if (acc.allFinite() && (!admissible || admissible(acc))) next = acc;
    }
    x_prev = x;
    f_prev = f;
    x = next;
  }
  s.termination = TerminationType::kMaxIterations;
  s.message = "no convergence in " + std::to_string(opt.max_iterations) + " iterations; last |T(x)-x|_inf = " +
              std::to_string(s.residual);
  out.x = x;
  return out;
}

}  // namespace srf::numerics
