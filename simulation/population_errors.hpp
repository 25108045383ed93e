#pragma once
// The noiseless generalisation errors of trained weights w as exact Gaussian expectations
// over a fresh input x ~ N(0, I_d) (or N(0, Sigma) for structured inputs: input_variance below),
// instead of an average over sampled test inputs.
//
// Given the seed's draws (theta0, V, Theta, zeta = V^T Theta / sqrt d), the fields
//   h_j = theta_j . x / sqrt d   (variance q_j = |theta_j|^2 / d),   omega = theta0 . x   (variance t0 = |theta0|^2)
// are jointly Gaussian with cov(h_j, h_l) = Q_jl = theta_j . theta_l / d and
// cov(h_j, omega) = c_j = theta_j . theta0 / sqrt d. With a = V^T theta0 (the realised varpi),
//   gen_f    = E phi(omega)^2         - 2 sum_j w_j E[phi(omega) sigma(h_j)]            + w^T K w,
//   gen_g    = |a|^2 E phi'(omega)^2  - 2 sum_j w_j (a . zeta_j) E[phi'(omega) sigma'(h_j)] + w^T (Z o K') w,
//   gen_grad = t0 E phi'(omega)^2     - 2 sum_j w_j c_j E[phi'(omega) sigma'(h_j)]        + w^T (Q o K') w,
// K_jl = E[sigma(h_j) sigma(h_l)], K'_jl = E[sigma'(h_j) sigma'(h_l)], Z = zeta^T zeta (docs/model.md's
// definitions; gen_grad's teacher gradient is phi'(omega) theta0, gen_g's is a phi'(omega)).
//
// Diagonal entries (rho = 1) by exact 1-D quadrature at the feature's own variance; the
// off-diagonal ones by Mehler's series in the correlation rho_jl = Q_jl / sqrt(q_j q_l), which
// is O(1/sqrt d), with per-feature Hermite coefficients (simulation/hermite_expansion.hpp):
//   E[f(h_j) g(h_l)] = sum_n a_n(j) b_n(l) rho_jl^n.
// Sums are evaluated tile by tile (Theta^T Theta / d formed per tile of kTileColumns^2, never
// whole), the series by Horner's rule in rho; pairs with |rho| > series_correlation_cut (small d
// only) by nested adaptive quadrature instead.
//
// Truncation bound (rigorous, by Cauchy-Schwarz over n > L and |Z_jl| <= |zeta_j| |zeta_l|,
// |Q_jl| <= sqrt(q_j q_l)): with tail_L(f, j)^2 = E f(h_j)^2 - sum_{n<=L} a_n(j)^2,
//   |w^T (W o (K - K_L)) w|_offdiag <= sum_tiles rho_tile^(L+1) (sum_{j in J} |w_j| sqrt(W_jj) tail_L(j))
//                                                       (sum_{l in J'} |w_l| sqrt(W_ll) tail_L(l)) * 2,
// rho_tile the largest |rho| of the tile's series pairs; L is chosen per tile as the smallest
// degree whose bound is below tolerance * scale / (number of tiles), scale the error of the
// zero predictor (E phi^2, max(|a|^2, 1) E phi'^2, t0 E phi'^2). The cross terms use the full
// max_degree with the same bound in |corr(h_j, omega)|. The reported bound adds the adaptive
// quadrature's error estimates of the fallback pairs. gen_g's pair weight Z_jl is formed per tile (a
// product of k-vectors), so its series is one Horner sum like the others whatever k is: cost p^2 d (the
// tiles of the Gram) plus p^2 k (the tiles of Z) plus about 8 L p^2 / 2 for the series.
#include <Eigen/Dense>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::simulation {

struct PopulationErrorOptions {
  // Target for the truncation bound of each error, relative to the zero predictor's error.
  double tolerance = 1e-10;
  // Largest Hermite degree L of the series (per tile, chosen adaptively up to this).
  int max_degree = 80;
  // Pairs (and teacher cross terms) with |rho| above this go to 2-D adaptive quadrature; at
  // the cut the series bound falls as cut^(L+1) (0.6^81 = 1e-18).
  double series_correlation_cut = 0.6;
  void validate() const;  // throws std::invalid_argument naming the field
};

struct PopulationErrors {
  model::Errors errors;            // gen_f, gen_g, gen_h1, gen_grad (train_* left 0)
  model::Errors truncation_bound;  // bound on |computed - exact| of each (gen_h1: f + g)
  int max_degree_used = 0;          // the largest per-tile degree L
  long fallback_pairs = 0;          // pairs (and cross terms) done by 2-D quadrature
};

// The exact errors of f_w(x) = sum_j w_j sigma(theta_j . x / sqrt d) against the teacher
// phi(theta0 . x). Theta (d x p), theta0 (d), V (d x k), zeta = V^T Theta / sqrt d (k x p), w (p).
// Results do not depend on `threads` (fixed tiles, sums in tile order; BLAS single-threaded).
//
// input_variance: empty for x ~ N(0, I_d) (the formulas above); otherwise Sigma's diagonal s
// (d entries >= 0; structured inputs, docs/model.md), x ~ N(0, diag(s)). Then the Gaussian
// expectations K, K', E[phi sigma], E[phi' sigma'] are taken at the covariances
//   cov(h_j, h_l) = theta_j^T Sigma theta_l / d,  cov(h_j, omega) = theta_j^T Sigma theta0 / sqrt d,
//   var(omega) = theta0^T Sigma theta0,
// while the weights of gen_g (Z, a . zeta_j) and of gen_grad (Q_jl = theta_j . theta_l / d,
// c_j = theta_j . theta0 / sqrt d, t0 = |theta0|^2) stay Euclidean: gen_grad is E_x |phi'(omega)
// theta0 - grad f(x)|^2. The Gram QE of Q is formed per tile beside the covariance's (twice the
// p^2 d), and gen_grad's bound uses |Q_jl| <= sqrt(q_j q_l) instead of Q = D rho D.
PopulationErrors population_errors(const model::Activation& sigma, const model::Activation& phi,
                                   const Eigen::MatrixXd& Theta, const Eigen::VectorXd& theta0,
                                   const Eigen::MatrixXd& V, const Eigen::MatrixXd& zeta, const Eigen::VectorXd& w,
                                   const PopulationErrorOptions& options = {}, int threads = 1,
                                   const Eigen::VectorXd& input_variance = Eigen::VectorXd());

}  // namespace srf::simulation
