// [D.2] The channel and the outer equation. Symbols: docs/theory/derivation.md.
#include <sobolev_rf/theory/detail/outer_equation.hpp>

#include <cmath>

#include <sobolev_rf/model/activation.hpp>

namespace srf::theory {

OuterEquation::OuterEquation(const model::ModelParams& p, const SaddlePointOptions& o, bool rescaled)
    : p_(p), rescaled_(rescaled), k_(p.k), K_(p.k + 1), sig_(model::gaussian_constants(model::activation(p.sigma))),
      phi_(model::gaussian_constants(model::activation(p.teacher))) {
  validate_theory_model(p, o);
  if (p.structured()) {
    // Every trace a spectral average [S.3]-[S.6]; the isotropic family keeps the isotropic traces.
    law_ = o.spectral_law ? o.spectral_law : model::spectral_law(p.spectrum, p.alignment);  // [S.15] hook
    informed_ = informed_direction(p, phi_, law_);
    traces_ = make_structured_traces(p.k, p.gamma, law_, o.radial_nodes_per_panel, o.inner_newton(),
                                     {informed_.t, informed_.v, informed_.u, p.has_informed()});
  } else {
    informed_ = informed_direction(p, phi_, nullptr);
    traces_ = o.traces == TraceMethod::kSampled
                  ? make_sampled_traces(p.k, p.gamma, o.trace_size, o.trace_seed)
                  : make_deterministic_traces(p.k, p.gamma, o.radial_nodes_per_panel, o.inner_newton());
  }
  loss_.weights = Eigen::VectorXd::Constant(K_, p.beta);
  loss_.weights(0) = 1.0;
  K1_ = Eigen::VectorXd::Constant(K_, sig_.kappa1_prime);
  K1_(0) = sig_.kappa_1;
  Ks_ = Eigen::MatrixXd::Constant(K_, K_, sig_.kappa_star_prime_sq);
  Ks_.row(0).setConstant(sig_.c_star);
  Ks_.col(0).setConstant(sig_.c_star);
  Ks_(0, 0) = sig_.kappa_star_sq;
}

void OuterEquation::channel(double lambda, double V0, double V1, double& C0, double& C1, double& M0,
                            double& M1) const {
  auto R = [&](long a, double V) {
    return rescaled_ ? loss_.R_diagonal_rescaled(a, V, lambda) : loss_.R_diagonal(a, V);
  };
  const double R0 = R(0, V0);
  // No gradient block (k = 0, or a linear sigma): C1 = M1 = 0 whatever R1 is.
  const double R1 = gradient_block() ? R(1, V1) : 0.0;
  C0 = sig_.kappa_1 * sig_.kappa_1 * R0;
  M0 = sig_.kappa_star_sq * R0;
  C1 = sig_.kappa1_prime * sig_.kappa1_prime * R1;
  M1 = sig_.kappa_star_prime_sq * R1;
}

bool OuterEquation::outer_map(double lambda, const double x[2], double Tx[2], BlockOrderParameters& op) const {
  double C0, C1, M0, M1;
  channel(lambda, x[0], k_ ? x[1] : 0.0, C0, C1, M0, M1);
  double G0, G1;
  // Rescaled [D.14]: lambda q(zeta) = 1 / (1 + e^T (M + B) e / lambda), an inner ridge of 1.
  const double ridge = rescaled_ ? 1.0 : lambda;
  if (!traces_->level1(ridge, C0, C1, M0, M1, op.Delta0, op.Delta1, G0, G1)) return false;
  const double ga = p_.gamma / p_.alpha;
  Tx[0] = ga * (sig_.kappa_1 * sig_.kappa_1 * G0 + sig_.kappa_star_sq * op.Delta0);
  Tx[1] = k_ ? ga * (sig_.kappa1_prime * sig_.kappa1_prime * G1 + sig_.kappa_star_prime_sq * op.Delta1) : 0.0;
  return std::isfinite(Tx[0]) && std::isfinite(Tx[1]);
}

}  // namespace srf::theory
