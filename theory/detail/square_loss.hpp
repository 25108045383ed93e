#pragma once
// The output channel of the saddle point: what the loss does to the K local fields of one sample.
// For the weighted square loss l(y, z) = (y - z)^T W (y - z), W = diag(1, beta, ..., beta), the
// proximal map is linear: prox(y; z, V) = (I + V W)^{-1} (z + V W y). Its derivative gives the
// channel's "R" (replica: Vhat = alpha R) and the train residual y - prox = (I + V W)^{-1}(y - z).
// Another convex loss would replace this struct (its R and residual become expectations over
// the fields); the rest of the saddle point is written against these two functions.
#include <Eigen/Dense>

namespace srf::theory {

struct SquareLoss {
  Eigen::VectorXd weights;  // diagonal of W

  // R = W (I + V W)^{-1}: symmetric when V is.
  Eigen::MatrixXd R(const Eigen::MatrixXd& V) const {
    const long K = V.rows();
    const Eigen::MatrixXd W = weights.asDiagonal();
    const Eigen::MatrixXd IVW = Eigen::MatrixXd::Identity(K, K) + V * W;
    Eigen::MatrixXd r = W * IVW.inverse();
    return 0.5 * (r + r.transpose());
  }
  // R_aa for a diagonal V (the block form of docs/theory [D.3.3]), where R = W (I + V W)^{-1} is
  // diagonal too: W_a / (1 + V_aa W_a). The outer map calls this at every evaluation, so it
  // skips the K x K inverse of R() (which agrees with it, tests/theory/square_loss_test.cpp).
  double R_diagonal(long a, double V_aa) const { return weights(a) / (1.0 + V_aa * weights(a)); }
  // The overparametrised ridgeless limit (docs/theory [D.14]) works with v = lambda V, where
  // R = O(lambda): R_aa / lambda = W_a / (lambda + v_aa W_a), finite at lambda = 0 (= 1 / v_aa),
  // and the training-residual map (I + V W)^{-1} = lambda (lambda I + v W)^{-1}, zero there.
  double R_diagonal_rescaled(long a, double v_aa, double lambda) const {
    return weights(a) / (lambda + v_aa * weights(a));
  }
  double residual_map_rescaled(long a, double v_aa, double lambda) const {
    return lambda / (lambda + v_aa * weights(a));
  }
  // Covariance of the training residuals, given the covariance E of the population residuals
  // (fields minus labels): (I + V W)^{-1} E (I + W V)^{-1}.
  Eigen::MatrixXd train_residual_covariance(const Eigen::MatrixXd& V, const Eigen::MatrixXd& E) const {
    const long K = V.rows();
    const Eigen::MatrixXd W = weights.asDiagonal();
    const Eigen::MatrixXd P = (Eigen::MatrixXd::Identity(K, K) + V * W).inverse();
    return P * E * P.transpose();
  }
};

}  // namespace srf::theory
