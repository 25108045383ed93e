// [D.4]-[D.6] The second level and the reported errors. Symbols: docs/theory/derivation.md.
#include <sobolev_rf/theory/detail/error_formulas.hpp>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/theory/informed.hpp>

#include <algorithm>
#include <cmath>

namespace srf::theory {

using Eigen::MatrixXd;
using Eigen::VectorXd;

SecondLevel::SecondLevel(const OuterEquation& outer, const BlockOrderParameters& op) : outer_(outer) {
  const model::ModelParams& p = outer.params();
  const int K = p.k + 1;
  const VectorXd& K1v = outer.K1();
  const MatrixXd& Ks = outer.Ks();
  CoreTraces& traces = outer.traces();
  VectorXd vdiag = VectorXd::Constant(K, op.V1);
  vdiag(0) = op.V0;
  V_ = vdiag.asDiagonal();
  if (outer.rescaled()) {
    // [D.14]: every level-2 formula is invariant under V = v/lambda, R = lambda r, Gamma, Delta =
    // (gamma~, delta)/lambda, their X-derivatives (gamma^X, delta^X)/lambda^2: it is evaluated in
    // the rescaled quantities, with the inner ridge 1.
    VectorXd r(K);
    for (int a = 0; a < K; ++a) r(a) = outer.loss().R_diagonal_rescaled(a, vdiag(a), p.lambda);
    if (!outer.gradient_block()) r.tail(K - 1).setZero();  // no gradient block: nothing to weigh
    R_ = r.asDiagonal();
  } else {
    R_ = outer.loss().R(V_);
  }
  const MatrixXd K1 = K1v.asDiagonal();
  const MatrixXd C = K1 * R_ * K1;
  const MatrixXd M = R_.cwiseProduct(Ks);
  traces.prepare(outer.rescaled() ? 1.0 : p.lambda, C, M, op.Delta0, op.Delta1);
  // The teacher's traces: u^T D_a w = (Gamma_t g)_a (S5.1)-(S5.2), u_E^T w = (Gamma_tE g)_0 (S6.2).
  Gamma_ = traces.Gamma_t();
  Gamma_E_ = traces.Gamma_tE();
  const double ga = p.gamma / p.alpha;
  // Per block (a, b): the teacher's Gamma_t^X (for A_X = -g^T Gamma_t^X g) and
  // V^X = (gamma/alpha)[K1 Gamma^X K1 + Ks o Delta^X] with the uniform Gamma^X, for
  // X = (K1_a K1_b E_ab, Ks_ab E_ab), E_ab = (e_a e_b^T + e_b e_a^T)/2 [D.4.3]-[D.4.4], (S5.5).
  // With an informed direction, also the direction traces' derivatives along X (S13.3).
  const bool informed = p.has_informed();
  if (informed) dir_ = traces.direction_traces();
  auto perturb = [&](const MatrixXd& XC, const MatrixXd& XM, MatrixXd& dGamma_t, MatrixXd& dV,
                     CoreTraces::DirectionTraces& dDir) {
    MatrixXd dDelta, dGamma;
    traces.teacher_derivative(XC, XM, dDelta, dGamma, dGamma_t);
    dV = ga * (K1 * dGamma * K1 + Ks.cwiseProduct(dDelta));
    if (informed) dDir = traces.direction_derivative(XC, XM, false);
  };
  dGamma_.assign(K * K, MatrixXd());
  dV_.assign(K * K, MatrixXd());
  dDir_.assign(K * K, CoreTraces::DirectionTraces());
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      MatrixXd E = MatrixXd::Zero(K, K);
      E(a, b) += 0.5, E(b, a) += 0.5;
      perturb(K1v(a) * K1v(b) * E, Ks(a, b) * E, dGamma_[a + b * K], dV_[a + b * K], dDir_[a + b * K]);
    }
  // L_2(Y)_ab = sum_cd (R Y R)_cd (B_ab)_cd with B_ab = -V^X_ab (4.5), column-major in (a, b).
  const int K2 = K * K;
  response_matrix_.resize(K2, K2);
  for (int j = 0; j < K2; ++j) {
    MatrixXd Y = MatrixXd::Zero(K, K);
    Y(j % K, j / K) = 1.0;
    const MatrixXd RYR = R_ * Y * R_;
    for (int ab = 0; ab < K2; ++ab) response_matrix_(ab, j) = -RYR.cwiseProduct(dV_[ab]).sum();
  }
  lu_.compute(MatrixXd::Identity(K2, K2) - response_matrix_);
  // Second moments for the full-gradient error [D.6]: X = (E_00, 0) gives w^T P w, X = (0, E_00) |w|^2.
  MatrixXd E00 = MatrixXd::Zero(K, K), Z = MatrixXd::Zero(K, K);
  E00(0, 0) = 1.0;
  perturb(E00, Z, dGamma_P_, dV_P_, dDir_P_);
  perturb(Z, E00, dGamma_I_, dV_I_, dDir_I_);
  // w^T P w with the Euclidean P: the row-weight perturbation Y = E_00 (S6.3) (isotropic: = (E_00, 0)).
  MatrixXd dDelta_E, dGamma_E;
  traces.row_weight_derivative(E00, dDelta_E, dGamma_E, dGamma_E_);
  dV_E_ = ga * (K1 * dGamma_E * K1 + Ks.cwiseProduct(dDelta_E));
  if (informed) dDir_E_ = traces.direction_derivative(E00, Z, true);
}

model::Errors SecondLevel::errors_at(const std::vector<double>& varpi,
                              std::vector<std::pair<std::string, double>>* order) const {
  const model::ModelParams& p = outer_.params();
  const model::GaussianConstants& sig = outer_.student();
  const model::GaussianConstants& phi = outer_.teacher();
  const VectorXd& K1 = outer_.K1();
  const int k = p.k, K = k + 1, K2 = K * K;
  // Teacher: linear coefficients c, effective noise N, and the unfittable means s [D.5].
  VectorXd c(K), s = VectorXd::Zero(K);
  c(0) = phi.kappa_1;
  for (int j = 1; j < K; ++j) c(j) = phi.kappa1_prime * varpi[j - 1];
  const double mu0 = phi.kappa_0, mu1 = phi.kappa_1;
  if (std::fabs(sig.kappa_0) < 1e-12) s(0) = mu0;
  if (std::fabs(sig.kappa_1) < 1e-12)
    for (int j = 1; j < K; ++j) s(j) = mu1 * varpi[j - 1];
  MatrixXd Ngen(K, K);
  Ngen(0, 0) = phi.kappa_star_sq;
  for (int j = 1; j < K; ++j) {
    Ngen(0, j) = Ngen(j, 0) = phi.c_star * varpi[j - 1];
    for (int l = 1; l < K; ++l) Ngen(j, l) = phi.kappa_star_prime_sq * varpi[j - 1] * varpi[l - 1];
  }
  Ngen += s * s.transpose();
  MatrixXd N = Ngen;
  N(0, 0) += p.delta_f;
  for (int j = 1; j < K; ++j) {
    const double cross = p.rho * std::sqrt(p.delta_f * p.delta_g);
    N(0, j) += cross, N(j, 0) += cross;
    N(j, j) += p.delta_g;
  }
  const MatrixXd& R = R_;
  const VectorXd g0 = K1.asDiagonal() * (R * c);
  // Informed direction [I.2], (S13.4)-(S13.6), (S14.7): w = w_0 + eps G a, a = Theta^T u / sqrt d,
  // with the direction's overlaps from its traces T, V, U (theory/informed.hpp InformedDirection):
  //   a^T G D_b u = c_t T_0b,   a^T G a = c_vv V_00 + c_vu U_00,   u_E^T G a = c_ov V_00 + c_ou U_00
  // (oracle and estimated: c_t = cos / tau, (cos^2, sin^2), (cos tau, 0) on E_t, E_v, E_s of Gamma_s),
  // and along every perturbation X the same with the derivatives, so each second moment
  // w^T Sigma_X w gains -2 eps c_t (T^X g)_0 - eps^2 (a^T G a)^X.
  const double tau2 = outer_.tau2();
  const InformedDirection& dir = outer_.informed();
  VectorXd ell = VectorXd::Zero(K);  // a^T G D_b u
  double Gaa = 0, eps = 0, uE_a = 0;
  InformedShift inf;
  if (p.has_informed()) {
    ell = dir.c_t * dir_.t.row(0).transpose();
    Gaa = dir.c_vv * dir_.v(0, 0) + dir.c_vu * dir_.u(0, 0);
    uE_a = dir.c_ov * dir_.v(0, 0) + dir.c_ou * dir_.u(0, 0);
    inf = informed_shift(p, sig, phi, tau2, dir.cos2, {Gaa, ell.dot(g0)}, outer_.rescaled() ? p.lambda : 1.0);
    eps = inf.epsilon;
  }
  const VectorXd& g = g0;
  // The informed sources of a second moment along X (zero without an informed direction).
  auto informed_source = [&](const CoreTraces::DirectionTraces& dD) {
    if (eps == 0.0) return 0.0;
    return -2.0 * eps * dir.c_t * dD.t.row(0).dot(g) - eps * eps * (dir.c_vv * dD.v(0, 0) + dir.c_vu * dD.u(0, 0));
  };
  const VectorXd Gg = Gamma_ * g + eps * ell;  // u^T D_a w
  // F_ab = c_a c_b - c_b K1_a (u^T D_a w) - c_a K1_b (u^T D_b w) + A_ab, A_ab = -g^T Gamma^X_ab g + informed.
  MatrixXd F(K, K);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b)
      F(a, b) = c(a) * c(b) - c(b) * K1(a) * Gg(a) - c(a) * K1(b) * Gg(b) - g.dot(dGamma_[a + b * K] * g) +
                informed_source(dDir_[a + b * K]);
  // E_lin = F + L_2(E_lin + N)  <=>  (I - L_2) E_lin = F + L_2(N)   (4.5).
  const VectorXd rhs =
      Eigen::Map<const VectorXd>(F.data(), K2) + response_matrix_ * Eigen::Map<const VectorXd>(N.data(), K2);
  const VectorXd sol = lu_.solve(rhs);
  const MatrixXd Elin = Eigen::Map<const MatrixXd>(sol.data(), K, K);

  model::Errors e;
  e.gen_f = Elin(0, 0) + Ngen(0, 0);
  for (int j = 1; j < K; ++j) e.gen_g += Elin(j, j) + Ngen(j, j);
  e.gen_h1 = e.gen_f + e.gen_g;
  MatrixXd Etrain;
  if (outer_.rescaled()) {
    // (I + V W)^{-1} = lambda (lambda I + v W)^{-1}: zero at lambda = 0 (interpolation) [D.14].
    VectorXd P(K);
    for (int a = 0; a < K; ++a) P(a) = outer_.loss().residual_map_rescaled(a, V_(a, a), p.lambda);
    Etrain = P.asDiagonal() * (Elin + N) * P.asDiagonal();
  } else {
    Etrain = outer_.loss().train_residual_covariance(V_, Elin + N);
  }
  e.train_f = Etrain(0, 0);
  for (int j = 1; j < K; ++j) e.train_g += Etrain(j, j);
  // Full-gradient error [D.6], (S6.1): tau^2 E phi'^2 - 2 mu_1 kappa_1 m_E + kappa_1^2 q_E + (E sigma'^2 - kappa_1^2) q_w,
  // with E[w^T Sigma_X w] = -g^T Gamma_t^X g - sum_cd (R (E_lin + N) R)_cd V^X_cd; the Euclidean overlaps
  // m_E = u_E^T w, q_E = w^T P w equal m = u^T w and q_s = w^T P_Sigma w for isotropic inputs.
  const MatrixXd RER = R * (Elin + N) * R;
  const double wPw = -g.dot(dGamma_P_ * g) + informed_source(dDir_P_) - RER.cwiseProduct(dV_P_).sum();
  const double ww = -g.dot(dGamma_I_ * g) + informed_source(dDir_I_) - RER.cwiseProduct(dV_I_).sum();
  const double wPEw = -g.dot(dGamma_E_ * g) + informed_source(dDir_E_) - RER.cwiseProduct(dV_E_).sum();
  const double uw = Gg(0);  // u^T w, u = Theta^T Sigma theta0 / sqrt(d)
  const double uEw = (Gamma_E_ * g)(0) + eps * uE_a;  // u_E^T w, u_E = Theta^T theta0 / sqrt(d)
  // A teacher without a useful gradient (sign): its a.e. derivative is 0, so grad phi = 0 a.e.
  // and gen_grad = E|grad f|^2; Stein's mu_1 = E xi phi (nonzero for sign) is not E phi' there.
  const double mu1_grad = model::activation(outer_.params().teacher).has_useful_gradient ? mu1 : 0.0;
  e.gen_grad = outer_.tau2() * phi.derivative_second_moment - 2.0 * mu1_grad * sig.kappa_1 * uEw +
               sig.kappa_1 * sig.kappa_1 * wPEw + (sig.derivative_second_moment - sig.kappa_1 * sig.kappa_1) * ww;
  e.train_inf = inf.train_inf;
  e.gen_inf = inf.gen_inf;
  // Errors are variances: round-off below zero (a realisable teacher, e.g. linear/linear with
  // d < p, has gen_f = 0 exactly) is set to 0. Anything more negative is left visible.
  for (const auto& [name, field] : model::error_fields())
    if (e.*field < 0.0 && e.*field > -1e-12) e.*field = 0.0;
  if (order) {
    const MatrixXd& Delta = outer_.traces().Delta();
    order->clear();
    // Rescaled [D.14]: V, Delta ~ 1/lambda and Vhat ~ lambda; their finite parts are reported.
    const bool s = outer_.rescaled();
    order->emplace_back(s ? "lambda_V_00" : "V_00", V_(0, 0));
    order->emplace_back(s ? "lambda_Delta_00" : "Delta_00", Delta(0, 0));
    order->emplace_back(s ? "Vhat_00/lambda" : "Vhat_00", p.alpha * R(0, 0));
    if (k) {
      order->emplace_back(s ? "lambda_V_11" : "V_11", V_(1, 1));
      order->emplace_back(s ? "lambda_Delta_11" : "Delta_11", Delta(1, 1));
      order->emplace_back(s ? "Vhat_11/lambda" : "Vhat_11", p.alpha * R(1, 1));
    }
    order->emplace_back("m", uw);  // u^T w = theta0^T Theta w / sqrt(d)
    order->emplace_back("q_s", wPw);
    order->emplace_back("q_w", ww);
    order->emplace_back("m_E", uEw);   // u_E^T w: the Euclidean overlap [S.6]
    order->emplace_back("q_E", wPEw);  // w^T (Theta^T Theta / d) w
    if (p.has_informed()) {
      order->emplace_back("t2_inf", inf.t2);    // squared overlap (u . theta0)^2 [I.4]
      order->emplace_back("c_inf", inf.c_inf);  // the limit of u . grad f [I.3]
    }
  }
  return e;
}

}  // namespace srf::theory

namespace srf::theory {

UnpinnedSketchLaw unpinned_sketch_law(const model::GaussianConstants& sig, const model::GaussianConstants& phi,
                                      bool teacher_has_useful_gradient, const std::vector<double>& varpi,
                                      const UnpinnedOverlaps& ov) {
  // Per direction, gen_g_m = c_m + a_m s_m + b s_m^2 with s_m ~ N(mu_m, v) [D.11]: the same
  // decomposition as gen_grad [D.6] with theta0 -> the sketch direction, whose alignment with
  // theta0 is varpi_m and whose overlap with the fit, s_m = zeta_m^T w, is no longer pinned:
  // mu_m = varpi_m m_E / tau^2, v = q_E - m_E^2 / tau^2 (S9.1), the Euclidean overlaps.
  // For s = mu + sqrt(v) z: E = c + a mu + b (mu^2 + v), Var = (a + 2 b mu)^2 v + 2 b^2 v^2.
  const double mu1 = teacher_has_useful_gradient ? phi.kappa_1 : 0.0;  // as in gen_grad [D.6]
  const double Edphi2 = phi.derivative_second_moment, k1 = sig.kappa_1;
  // v >= 0: Cauchy-Schwarz, (theta0^T Theta w)^2 <= |theta0|^2 |Theta w|^2.
  const double b = k1 * k1, v = std::max(0.0, ov.q_E - ov.m_E * ov.m_E / ov.tau2);
  UnpinnedSketchLaw law;
  law.applies = true;
  law.s_variance = v;
  double variance = 0;
  for (double vp : varpi) {
    const double mu = vp * (ov.m_E / ov.tau2), a = -2.0 * vp * mu1 * k1;
    const double c = vp * vp * Edphi2 + (sig.derivative_second_moment - k1 * k1) * ov.q_w;
    law.s_mean.push_back(mu);
    law.gen_g_mean += c + a * mu + b * (mu * mu + v);
    variance += (a + 2 * b * mu) * (a + 2 * b * mu) * v + 2 * b * b * v * v;
  }
  law.gen_g_std = std::sqrt(variance);
  return law;
}

}  // namespace srf::theory

namespace srf::theory {

UnpinnedGenGMean unpinned_gen_g_mean(const model::GaussianConstants& sig, const model::GaussianConstants& phi,
                                     bool teacher_has_useful_gradient, int k, const UnpinnedOverlaps& ov) {
  // E over s_m ~ N(varpi_m m_E / tau^2, v) of c_m - 2 varpi_m mu_1 kappa_1 s_m + kappa_1^2 s_m^2
  // (unpinned_sketch_law), summed over m: the varpi-free part k [kappa_1^2 v + (E sigma'^2 - kappa_1^2) q_w]
  // and, per varpi_m^2, E phi'^2 - 2 mu_1 kappa_1 m_E / tau^2 + kappa_1^2 m_E^2 / tau^4 [D.11], (S9.3).
  const double mu1 = teacher_has_useful_gradient ? phi.kappa_1 : 0.0;
  const double k1 = sig.kappa_1, v = std::max(0.0, ov.q_E - ov.m_E * ov.m_E / ov.tau2);
  UnpinnedGenGMean out;
  out.A0 = k * (k1 * k1 * v + (sig.derivative_second_moment - k1 * k1) * ov.q_w);
  out.A2 = phi.derivative_second_moment - 2.0 * mu1 * k1 * ov.m_E / ov.tau2 +
           k1 * k1 * ov.m_E * ov.m_E / (ov.tau2 * ov.tau2);
  return out;
}

}  // namespace srf::theory
