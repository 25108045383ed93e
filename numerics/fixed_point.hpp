#pragma once
// Damped fixed-point iteration x <- T(x) with Anderson acceleration (Walker & Ni 2011,
// "Anderson acceleration for fixed-point iterations", SIAM J. Numer. Anal. 49(4)).
//
// Stopping rule:  |T(x_k) - x_k|_inf <= abs_tol + rel_tol * |x_k|_inf.
#include <Eigen/Dense>

#include <functional>

#include "numerics/solver_summary.hpp"

namespace srf::numerics {

struct FixedPointOptions {
  double abs_tol = 1e-13;
  double rel_tol = 1e-11;
  int max_iterations = 2000;
  double damping = 1.0;     // x_{k+1} = (1 - damping) x_k + damping T(x_k), in (0, 1]
  int anderson_depth = 5;   // number of previous residuals mixed; 0 = plain damped Picard
  // Throws std::invalid_argument naming the field, its value and the broken rule.
  void validate() const;
};

using FixedPointMap = std::function<Eigen::VectorXd(const Eigen::VectorXd&)>;
// Optional admissibility test: an accelerated iterate that fails it is replaced by the plain
// damped step (e.g. to keep variances positive).
using Admissible = std::function<bool(const Eigen::VectorXd&)>;

struct FixedPointResult {
  Eigen::VectorXd x;
  SolverSummary summary;
};

FixedPointResult solve_fixed_point(const FixedPointMap& map, Eigen::VectorXd x0,
                                   const FixedPointOptions& options,
                                   const Admissible& admissible = {});

}  // namespace srf::numerics
