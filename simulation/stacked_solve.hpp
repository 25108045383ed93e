#pragma once
// The exact solve of a stacked ridge design (stacked_design.hpp; step (b) of a simulated seed and
// of a fit on user data):
//
//   w_hat = argmin_w (1/n) |b - A w|^2 + lambda |w|^2,
//
// by one Cholesky factorisation of whichever system the design was built for:
//   primal  (A^T A + n lambda I) w = A^T b              p x p, formed from F and S without A:
//           A^T A = F^T F + beta (S^T S) o (zeta^T zeta) [+ beta_inf (S o a)^T (S o a)]
//   dual    w = A^T c,  (A A^T + n lambda I) c = b       N x N, N = rows of A
// The products run as fixed tiles (tiled_products.hpp), so with single-threaded BLAS the result
// does not depend on `threads`, bit for bit. Besides w it returns the training residuals of every
// term, unweighted (without sqrt(beta)), including the terms of weight 0.
#include <Eigen/Dense>

#include <sobolev_rf/simulation/stacked_design.hpp>

namespace srf::simulation {

struct StackedSolution {
  Eigen::VectorXd w;      // p
  Eigen::VectorXd r_f;    // y - F w (n)
  Eigen::MatrixXd r_g;    // g - [(S o zeta_m) w]_m (n x k): the gradient-label residuals
  Eigen::VectorXd r_inf;  // z - (S o a) w (n; empty without an informed direction)
  bool primal = true;     // which system was solved
  // (min_i L_ii / max_i L_ii)^2 of the Cholesky factor L of the solved system: an upper bound on
  // 1/cond (the eigenvalues lie between the extreme squared pivots' range). Near machine epsilon
  // times the size, the system is numerically singular (possible with lambda = 0 only).
  double pivot_ratio = 1;
};

// Solves the design, releasing its storage as it goes (hence by value: pass it with std::move).
// lambda >= 0; the ridge added to the diagonal is n lambda. Throws std::runtime_error when the
// system is not numerically positive definite (lambda = 0 with a rank-deficient design).
StackedSolution solve_stacked(StackedDesign design, double lambda, int threads);

}  // namespace srf::simulation
