#pragma once
// Random-features ridge regression fitted to user data, on function values and on directional
// derivatives ("Sobolev training"): the model of docs/model.md with the user's inputs, labels and
// directions in place of the teacher's. With h(x) = Theta^T x / sqrt d (p entries),
//
//   f(x) = c + sum_j w_j sigma(h_j(x)),      D^T grad f(x) = sum_j w_j sigma'(h_j(x)) zeta_j,
//   zeta = D^T Theta / sqrt d (k x p)        for the direction matrix D (d x k),
//
//   (w, c) = argmin (1/n) sum_i [ (y_i - f(x_i))^2 + beta |g_i - D^T grad f(x_i)|^2 ] + lambda |w|^2,
//
// with g_i the derivatives of the target along the k columns of D at x_i, and the intercept c
// unpenalised (fit_intercept; otherwise c = 0). Minimising over c first gives c = mean(y - F w), so
// the intercept fit is the same problem with the function rows F and labels y centred (gradient
// rows untouched: c has no gradient). The solve is the simulator's (stacked_solve.hpp): one
// Cholesky factorisation of the primal p x p or dual N x N system (N = n(1 + k) rows), whichever
// is smaller, in fixed tiles: with single-threaded BLAS (which these functions set for their
// duration) the results do not depend on the thread count, bit for bit.
#include <Eigen/Dense>

#include <string>

#include <sobolev_rf/simulation/stacked_design.hpp>

namespace srf::simulation {

struct RandomFeaturesFitOptions {
  std::string activation = "tanh";  // sigma: a name of the registry (model/activation.hpp)
  double lambda = 1e-3;             // >= 0; the ridge on the mean loss (0 needs a full-rank system)
  double beta = 1.0;                // >= 0; weight of the gradient term (0: the L2 fit, g still measured)
  bool fit_intercept = false;       // an unpenalised constant c
  SolveMethod solve_method = SolveMethod::kAuto;
  int threads = 0;     // 0: OpenMP's default (OMP_NUM_THREADS or the core count)
  int batch_rows = 0;  // inputs per feature batch (bounds memory); 0: default_batch_rows(p)

  // Throws model::InvalidParameter naming the field: activation, lambda, beta, threads, batch_rows.
  void validate() const;
};

struct RandomFeaturesFit {
  Eigen::VectorXd w;   // p
  double intercept = 0;
  bool primal = true;  // which system was solved
  double train_f = 0;  // (1/n) sum_i (y_i - f(x_i))^2
  double train_g = 0;  // (1/n) sum_i |g_i - D^T grad f(x_i)|^2, without beta (0 when k = 0)
};

// Fits the model above. X: n x d inputs (n >= 1), y: n labels, G: n x k derivatives along the
// columns of `directions` (d x k; k = 0 is the L2 fit, then G is n x 0), Theta: d x p features.
// Throws model::InvalidParameter naming the argument (X, y, gradients, Theta, directions) for
// inconsistent shapes or non-finite entries, or an option (above); "lambda" when the system is
// not numerically positive definite (lambda = 0 with a rank-deficient design).
RandomFeaturesFit fit_random_features(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const Eigen::MatrixXd& G,
                                      const Eigen::MatrixXd& Theta, const Eigen::MatrixXd& directions,
                                      const RandomFeaturesFitOptions& options);

// The features sigma(X Theta / sqrt d), n x p.
Eigen::MatrixXd random_features(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Theta, const std::string& activation,
                                int threads = 0);

// f(x_i) = c + sum_j w_j sigma(h_j(x_i)), n entries.
Eigen::VectorXd predict_random_features(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Theta,
                                        const Eigen::VectorXd& w, double intercept, const std::string& activation,
                                        int threads = 0);

// The full input gradient grad f(x_i) = sum_j w_j sigma'(h_j(x_i)) theta_j / sqrt d: row i of n x d.
Eigen::MatrixXd predict_random_features_gradient(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Theta,
                                                 const Eigen::VectorXd& w, const std::string& activation,
                                                 int threads = 0);

}  // namespace srf::simulation
