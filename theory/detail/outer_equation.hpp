#pragma once
// [D.2] The channel and the outer equation V = T(V), on the rotation-invariant block form
// V = diag(V_00, V_mm I_k), Delta = diag(Delta_00, Delta_mm I_k) of docs/theory [D.3.3].
// Internal to theory/ (the public entry point is theory/saddle_point.hpp).
#include <Eigen/Dense>

#include <memory>

#include <sobolev_rf/theory/detail/core_traces.hpp>
#include <sobolev_rf/theory/informed.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/detail/square_loss.hpp>

namespace srf::theory {

// The order parameters of the block form: the outer unknowns (V_00, V_mm) and the inner traces
// (Delta_00, Delta_mm) at them; k = 0 keeps the first entries only.
struct BlockOrderParameters {
  double V0 = 0, V1 = 0;          // V_00, V_mm
  double Delta0 = 0, Delta1 = 0;  // Delta_00, Delta_mm
};

// Whether V_mm is an unknown: not when the gradient features have no random part (kappa'_1 =
// kappa'_star = 0, e.g. a linear sigma: sigma' is constant, its rows are pure spikes
// kappa_1 zeta_j), where V_mm = 0 exactly.
inline bool has_gradient_block(int k, const model::GaussianConstants& sigma) {
  return k > 0 && (sigma.kappa1_prime != 0.0 || sigma.kappa_star_prime_sq > 0.0);
}

class OuterEquation {
 public:
  // `params` must outlive this object. rescaled = true: the unknowns are v = lambda V and
  // delta = lambda Delta (the overparametrised ridgeless limit, docs/theory [D.14]); the same
  // equations then hold with the channel R / lambda = W (lambda I + v W)^{-1} and an inner
  // ridge of 1, exactly for lambda > 0 and in the limit at lambda = 0.
  OuterEquation(const model::ModelParams& params, const SaddlePointOptions& options, bool rescaled = false);
  bool rescaled() const { return rescaled_; }

  // The outer unknowns: V_00, and V_mm with a gradient block.
  bool gradient_block() const { return has_gradient_block(k_, sig_); }
  int dim() const { return gradient_block() ? 2 : 1; }

  // The channel and the feature covariance at the outer unknowns (V0, V1) [D.2]:
  //   R = W (I + V W)^{-1} (diagonal here),  C = K1 R K1,  M = R o Ks  (diagonal entries);
  // rescaled: R / lambda, C / lambda, M / lambda at v = (V0, V1) [D.14].
  void channel(double lambda, double V0, double V1, double& C0, double& C1, double& M0, double& M1) const;

  // The outer map T(V) [D.2.3]: V = (gamma/alpha) [K1 Gamma K1 + Ks o Delta],
  // Gamma = Delta (I + C Delta)^{-1}. x = (V_00, V_mm) in, T(x) out; `op` carries the inner
  // traces' warm start in and their values at x out. False when the map is not finite.
  bool outer_map(double lambda, const double x[2], double Tx[2], BlockOrderParameters& op) const;

  // Structured inputs (docs/theory/structured.md): the spectral law (null for isotropic inputs,
  // which keep the isotropic traces) and tau^2 = lim |theta0|^2 (1 for isotropic inputs).
  bool structured() const { return law_ != nullptr; }
  double tau2() const { return law_ ? law_->tau2 : 1.0; }
  // The informed direction's law (theory/informed.hpp; all zero for informed = none), built once.
  const InformedDirection& informed() const { return informed_; }

  const model::ModelParams& params() const { return p_; }
  int k() const { return k_; }
  const model::GaussianConstants& student() const { return sig_; }  // sigma's constants
  const model::GaussianConstants& teacher() const { return phi_; }  // phi's constants
  const SquareLoss& loss() const { return loss_; }
  const Eigen::VectorXd& K1() const { return K1_; }  // diag(kappa_1, kappa'_1, ..., kappa'_1)
  const Eigen::MatrixXd& Ks() const { return Ks_; }  // kappa_star^2, c_star, kappa'_star^2
  CoreTraces& traces() const { return *traces_; }

 private:
  const model::ModelParams& p_;
  bool rescaled_;
  int k_, K_;
  model::GaussianConstants sig_, phi_;
  std::shared_ptr<const model::SpectralLaw> law_;
  InformedDirection informed_;
  std::unique_ptr<CoreTraces> traces_;
  SquareLoss loss_;
  Eigen::VectorXd K1_;
  Eigen::MatrixXd Ks_;
};

}  // namespace srf::theory
