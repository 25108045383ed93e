// The Gaussian covariate model at finite p for k = 0 (theory/covariate_model.hpp). Written from
// GCM's own equations, not from the saddle point of theory/saddle_point.cpp.
#include <sobolev_rf/theory/covariate_model.hpp>

#include <Eigen/Dense>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/spectrum.hpp>

namespace srf::theory {

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// GCM's fixed point for the square loss and the l2 penalty [Loureiro et al. 2021]:
//   V = (1/p) sum_i omega_i / (lambda_GCM + Vhat omega_i),   Vhat = alpha / (1 + V).
// With kappa = lambda_GCM / Vhat = lambda (1 + V) it reads lambda = kappa (1 - df1(kappa) / n),
// df1 = sum_i omega_i / (omega_i + kappa), n = alpha p: the left side, phi(kappa), is convex with
// phi(kappa) < kappa, so phi(kappa) = lambda has one root in [lambda, lambda + sum omega / n], found
// by Newton safeguarded with bisection. Returns kappa.
double effective_ridge(const VectorXd& omega, double n, double lambda, int& iterations) {
  double lo = lambda, hi = lambda + omega.sum() / n, kappa = lo;
  for (iterations = 1; iterations <= 200; ++iterations) {
    const VectorXd r = (omega.array() + kappa).inverse().matrix();
    const double df1 = omega.dot(r), df2 = omega.cwiseProduct(r).squaredNorm();
    const double f = kappa * (1.0 - df1 / n) - lambda;  // phi(kappa) - lambda
    (f < 0 ? lo : hi) = kappa;
    const double slope = 1.0 - df2 / n;  // phi'(kappa)
    double next = slope > 0 ? kappa - f / slope : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - kappa) <= 1e-15 * kappa) return next;
    kappa = next;
  }
  return kappa;
}

}  // namespace

void CovariateModelOptions::validate() const {
  model.validate();
  if (model.k != 0)
    throw model::InvalidParameter("k", fmt::format("k = {}: the Gaussian covariate model is solved for k = 0 only", model.k));
  if (!(model.lambda > 0))
    throw model::InvalidParameter("lambda", fmt::format("lambda = {}: the covariate model needs lambda > 0", model.lambda));
  if (model.has_informed())
    throw model::InvalidParameter("informed", "informed = " + model.informed + ": not in the covariate model");
  if (p < 10 || p > 20000) throw model::InvalidParameter("p", fmt::format("p = {}: must lie in [10, 20000]", p));
  const long d = std::lround(model.gamma * p);
  if (d < 1 || d > 100000) throw model::InvalidParameter("gamma", fmt::format("gamma = {}: d = round(gamma p) = {} must lie in [1, 100000]", model.gamma, d));
  if (!teacher_second_moments.empty()) {
    if (teacher_second_moments.size() != static_cast<std::size_t>(d))
      throw model::InvalidParameter("teacher_second_moments",
                                    fmt::format("teacher_second_moments: {} values, but d = round(gamma p) = {}",
                                                teacher_second_moments.size(), d));
    for (double v : teacher_second_moments)
      if (!(std::isfinite(v) && v >= 0))
        throw model::InvalidParameter("teacher_second_moments",
                                      fmt::format("teacher_second_moments: {} must be finite and >= 0", v));
  }
}

CovariateModelSummary solve_covariate_model(const CovariateModelOptions& o) {
  o.validate();
  const model::ModelParams& mp = o.model;
  const model::GaussianConstants sig = model::gaussian_constants(model::activation(mp.sigma));
  const model::GaussianConstants phi = model::gaussian_constants(model::activation(mp.teacher));
  CovariateModelSummary out;
  const int p = o.p, d = static_cast<int>(std::lround(mp.gamma * p));
  const double n = mp.alpha * p, b = mp.alignment;
  out.p = p, out.d = d;

  // Sigma at this d, and the teacher's E[theta0 theta0^T] = diag(v): the prior's v = s^b / sum s^(b+1),
  // so that E[theta0^T Sigma theta0] = 1 and E|theta0|^2 = tau^2, or the given second moments. Below,
  // s_b / Z2 is v (Z2 = 1 for given moments).
  const std::vector<double> sv = model::finite_spectrum(model::parse_spectrum(mp.spectrum), d);
  const VectorXd s = Eigen::Map<const VectorXd>(sv.data(), d);
  VectorXd s_b(d);
  double Z2 = 1.0;
  if (o.teacher_second_moments.empty()) {
    for (int r = 0; r < d; ++r) s_b(r) = std::pow(s(r), b);  // 0^0 = 1: theta0_r = g_r at b = 0
    Z2 = s_b.dot(s);
  } else {
    s_b = Eigen::Map<const VectorXd>(o.teacher_second_moments.data(), d);
  }
  out.tau2 = s_b.sum() / Z2;

  // Theta, and Omega = kappa_1^2 Theta^T Sigma Theta / d + kappa_star^2 I in its eigenbasis.
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<double> normal;
  MatrixXd Theta(d, p);
  for (int j = 0; j < p; ++j)
    for (int r = 0; r < d; ++r) Theta(r, j) = normal(rng);
  const MatrixXd A = s.cwiseSqrt().asDiagonal() * Theta;
  MatrixXd PS = MatrixXd::Zero(p, p);  // P_Sigma = Theta^T Sigma Theta / d
  PS.selfadjointView<Eigen::Lower>().rankUpdate(A.transpose(), 1.0 / d);
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(PS);  // reads the lower triangle
  if (eig.info() != Eigen::Success) throw std::runtime_error("covariate model: the eigensolver failed");
  const VectorXd omega = (sig.kappa_1 * sig.kappa_1 * eig.eigenvalues()).array() + sig.kappa_star_sq;
  const MatrixXd Y = Theta * eig.eigenvectors();  // column i: Theta e_i
  // Per eigenvector: phibar_i = e_i^T E[Phi Phi^T] e_i, ubar_i = e_i^T E[Phi u_E^T] e_i and
  // pbar_i = e_i^T P e_i (P = Theta^T Theta / d), with Phi = kappa_1 Theta^T Sigma theta0 / sqrt d,
  // u_E = Theta^T theta0 / sqrt d.
  const MatrixXd Y2 = Y.cwiseAbs2();
  const VectorXd phibar = sig.kappa_1 * sig.kappa_1 / (d * Z2) * (Y2.transpose() * s_b.cwiseProduct(s).cwiseProduct(s));
  const VectorXd ubar = sig.kappa_1 / (d * Z2) * (Y2.transpose() * s_b.cwiseProduct(s));
  const VectorXd pbar = Y2.colwise().sum().transpose() / d;

  // The fixed point, in GCM's variables and as the effective ridge kappa.
  out.lambda_gcm = mp.alpha * mp.lambda;
  out.kappa = effective_ridge(omega, n, mp.lambda, out.iterations);
  out.V = out.kappa / mp.lambda - 1.0;
  out.Vhat = mp.alpha / (1.0 + out.V);
  // (Omega + kappa)^{-1} = Vhat (lambda_GCM + Vhat Omega)^{-1}: GCM's mhat = mu_1 Vhat and
  // qhat = alpha R / (1 + V)^2 turn its overlap equations into these sums.
  const VectorXd r = (omega.array() + out.kappa).inverse().matrix();
  const double mu1 = phi.kappa_1;
  const double m_phi = mu1 * phibar.dot(r);                                     // Phi^T w
  const double bias_q = mu1 * mu1 * phibar.dot(omega.cwiseProduct(r.cwiseAbs2()));
  const double df2_n = omega.cwiseProduct(r).squaredNorm() / n;
  // The label's variance: the linear part mu_1^2 rho, the nonlinear part mu_star^2, the
  // noise, and mu_0^2 when there is no intercept to fit it (kappa_0 = 0).
  const bool intercept = std::fabs(sig.kappa_0) >= 1e-12;
  const double unfittable = intercept ? 0.0 : phi.kappa_0 * phi.kappa_0;
  // rho = E[theta0^T Sigma theta0]: 1 for the prior and for a normalised teacher's moments.
  const double rho = s_b.dot(s) / Z2;
  const double rho_y = mu1 * mu1 * rho + phi.kappa_star_sq + unfittable + mp.delta_f;
  // R = E (y - w^T v)^2 on a fresh sample: R = rho_y - 2 mu_1 m + q, q = bias_q + R df2/n.
  const double R = (rho_y - 2.0 * mu1 * m_phi + bias_q) / (1.0 - df2_n);
  const double q = bias_q + R * df2_n;  // w^T Omega w
  out.errors.gen_f = R - mp.delta_f;
  out.errors.gen_h1 = out.errors.gen_f;
  out.errors.train_f = R / ((1.0 + out.V) * (1.0 + out.V));  // GCM: (rho + q - 2m + Delta) / (1 + V)^2
  // Quadratic forms w^T M w = mu_1^2 Phi^T (Omega+kappa)^-1 M (Omega+kappa)^-1 Phi + (R/n) tr(M Omega (Omega+kappa)^-2).
  out.q_w = mu1 * mu1 * phibar.dot(r.cwiseAbs2()) + R / n * omega.dot(r.cwiseAbs2());
  out.q_s = sig.kappa_1 != 0.0 ? (q - sig.kappa_star_sq * out.q_w) / (sig.kappa_1 * sig.kappa_1) : kNaN;
  out.m = sig.kappa_1 != 0.0 ? m_phi / sig.kappa_1 : kNaN;
  out.m_E = mu1 * ubar.dot(r);
  // w^T P w: E[Phi Phi^T] = W^T W with W = kappa_1 Sigma^((b+2)/2) Theta / sqrt(d Z2), so the signal part
  // is mu_1^2 |W (Omega+kappa)^-1 Theta^T|_F^2 / d, in the eigenbasis (W E) diag(r) Y^T.
  const VectorXd w_rows = (sig.kappa_1 / std::sqrt(d * Z2)) * s_b.cwiseProduct(s.cwiseAbs2()).cwiseSqrt();
  const MatrixXd WEr = w_rows.asDiagonal() * Y * r.asDiagonal();
  MatrixXd M = MatrixXd::Zero(d, d);
  M.noalias() = WEr * Y.transpose();
  out.q_E = mu1 * mu1 * M.squaredNorm() / d + R / n * pbar.dot(omega.cwiseProduct(r.cwiseAbs2()));
  // gen_grad (S6.1) at this d: E|theta0|^2 E phi'^2 - 2 mu_1 kappa_1 m_E + kappa_1^2 q_E + (E sigma'^2 - kappa_1^2) q_w.
  const double mu1_grad = model::activation(mp.teacher).has_useful_gradient ? mu1 : 0.0;
  out.errors.gen_grad = out.tau2 * phi.derivative_second_moment - 2.0 * mu1_grad * sig.kappa_1 * out.m_E +
                        sig.kappa_1 * sig.kappa_1 * out.q_E +
                        (sig.derivative_second_moment - sig.kappa_1 * sig.kappa_1) * out.q_w;
  return out;
}

}  // namespace srf::theory
