#pragma once
// Test oracle (header-only, used by tests only): the closed-form asymptotic test error of
// random-features ridge regression of
//   S. Mei and A. Montanari, "The generalization error of random features regression: precise
//   asymptotics and the double descent curve", Comm. Pure Appl. Math. 75 (2022), arXiv:1908.05355,
//   Definition 1 and Theorem 1.
// Written from the paper, independently of theory/: it shares no code with the saddle-point solver.
//
// MM's setting: inputs x_i and features theta_j uniform on the sphere of radius sqrt(d), features
// sigma(<theta_j, x>/sqrt(d)), N = p features, n samples,
//   a_hat = argmin (1/n) sum_i (y_i - sum_j a_j sigma(<theta_j,x_i>/sqrt d))^2 + (N lambda_MM / d) |a|^2,
//   y_i = f_d(x_i) + eps_i,  f_d(x) = beta_0 + <beta_1, x> + f_NL(x),  |beta_1|^2 -> F_1^2,
//   E f_NL^2 -> F_star^2,  E eps^2 = tau^2,
//   sigma(u) = mu_0 + mu_1 u + sigma_perp(u),  mu_star^2 = E sigma^2 - mu_0^2 - mu_1^2.
// Ratios psi_1 = N/d, psi_2 = n/d, zeta = mu_1/mu_star, lambda_bar = lambda_MM/mu_star^2.
//
// Definition 1. For xi in C_+, (nu_1, nu_2) is the unique solution, analytic in xi with
// Im nu_i > 0 and |nu_i| <= psi_i / Im xi, of
//   nu_1 = psi_1 ( -xi - nu_2 - zeta^2 nu_2 / (1 - zeta^2 nu_1 nu_2) )^{-1},
//   nu_2 = psi_2 ( -xi - nu_1 - zeta^2 nu_1 / (1 - zeta^2 nu_1 nu_2) )^{-1},
// and chi = nu_1(i s) nu_2(i s) with s = sqrt(psi_1 psi_2 lambda_bar). Then
//   E0 = -chi^5 zeta^6 + 3 chi^4 zeta^4 + (psi_1 psi_2 - psi_2 - psi_1 + 1) chi^3 zeta^6
//        - 2 chi^3 zeta^4 - 3 chi^3 zeta^2 + (psi_1 + psi_2 - 3 psi_1 psi_2 + 1) chi^2 zeta^4
//        + 2 chi^2 zeta^2 + chi^2 + 3 psi_1 psi_2 chi zeta^2 - psi_1 psi_2,
//   E1 = psi_2 chi^3 zeta^4 - psi_2 chi^2 zeta^2 + psi_1 psi_2 chi zeta^2 - psi_1 psi_2,
//   E2 = chi^5 zeta^6 - 3 chi^4 zeta^4 + (psi_1 - 1) chi^3 zeta^6 + 2 chi^3 zeta^4 + 3 chi^3 zeta^2
//        + (-psi_1 - 1) chi^2 zeta^4 - 2 chi^2 zeta^2 - chi^2,
//   B = E1/E0,  V = E2/E0.
// Theorem 1:  R = E_x (f_d(x) - f_hat(x))^2 -> F_1^2 B + (F_star^2 + tau^2) V + F_star^2.
// (The last F_star^2 is the part of the teacher no random-features model learns in this regime.)
//
// Solving Definition 1 at xi = i s. On the imaginary axis nu_j = i y_j with y_j > 0 real, so
// chi = -y_1 y_2 =: -t <= 0. Multiplying each equation out,
//   s y_1 + h(t) = psi_1,  s y_2 + h(t) = psi_2,   h(t) = t + zeta^2 t / (1 + zeta^2 t),
// hence y_j = (psi_j - h(t))/s and t = y_1 y_2 solves the scalar equation
//   s^2 t = (psi_1 - h(t)) (psi_2 - h(t)),   0 <= t <= t_max,  h(t_max) = min(psi_1, psi_2).
// On [0, t_max] the left side increases from 0 and the right side decreases from psi_1 psi_2 to
// 0 (h is increasing), so the root is unique and bisection finds it to the last bit.
//
// Mapping to this project (docs/model.md "Other codes' conventions"; Gaussian x and theta with
// N(0,1) entries are asymptotically the sphere of radius sqrt(d)):
//   psi_1 = 1/gamma, psi_2 = alpha/gamma, lambda_MM = gamma * lambda,
//   mu_0, mu_1, mu_star = kappa_0, kappa_1, kappa_star of the activation sigma,
//   teacher phi(<theta0, x>) = m_0 + m_1 omega + phi_perp(omega) with m_0 = E phi, m_1 = E xi phi,
//   F_1^2 = m_1^2, F_star^2 = E phi^2 - m_0^2 - m_1^2, tau^2 = Delta_f.
// Teacher mean F_0 = m_0: when kappa_0 != 0 the features carry a mean direction with a spike of
// order p kappa_0^2 and the constant is learned exactly in the limit (MM's theorem, no F_0 term).
// When kappa_0 = 0 nothing in the feature span has a mean, and by the sign symmetry of the
// centred features the constant label m_0 acts exactly like extra label noise of variance m_0^2,
// which is also never learned:  gen_f = R + m_0^2 (1 + V).  (Checked by simulation with tanh
// features and a relu teacher, d = 300, 30 seeds: 0.4664 predicted vs 0.4642 +- 0.0034 simulated;
// R + m_0^2 alone would give 0.370.) The project's k = 0 comparison uses the linear teacher,
// m_0 = 0, where this does not arise.
#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>

namespace srf_test::mm {

struct Inputs {
  double zeta;        // mu_1 / mu_star
  double psi1;        // N/d
  double psi2;        // n/d
  double lambda_bar;  // lambda_MM / mu_star^2, > 0
};

struct Solution {
  std::complex<double> nu1, nu2;  // Definition 1 at xi = i sqrt(psi1 psi2 lambda_bar)
  double chi;                     // nu1 * nu2 (real, <= 0)
  double E0, E1, E2;
  double B, V;  // E1/E0, E2/E0
};

// chi of Definition 1 (see the derivation above). Requires lambda_bar > 0.
inline double solve_t(double zeta, double psi1, double psi2, double s) {
  const double z2 = zeta * zeta;
  auto h = [z2](double t) { return t + z2 * t / (1.0 + z2 * t); };
  const double m = std::min(psi1, psi2);
  // h(t) = m  <=>  z2 t^2 + b t - m = 0, b = 1 + z2 - m z2; positive root without cancellation.
  const double b = 1.0 + z2 - m * z2;
  const double t_max = 2.0 * m / (b + std::sqrt(b * b + 4.0 * z2 * m));
  auto f = [&](double t) {
    const double ht = h(t);
    return s * s * t - (psi1 - ht) * (psi2 - ht);
  };
  double lo = 0.0, hi = t_max;
  if (f(hi) < 0.0) return hi;  // only through round-off when s is tiny
  for (int i = 0; i < 2000; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    (f(mid) < 0.0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

inline Solution solve(const Inputs& in) {
  if (!(in.lambda_bar > 0.0) || !(in.psi1 > 0.0) || !(in.psi2 > 0.0) || !std::isfinite(in.zeta))
    throw std::invalid_argument("mei_montanari::solve: needs lambda_bar, psi1, psi2 > 0 and finite zeta");
  const double z = in.zeta, p1 = in.psi1, p2 = in.psi2;
  const double s = std::sqrt(p1 * p2 * in.lambda_bar);
  const double t = solve_t(z, p1, p2, s);
  const double z2 = z * z;
  const double ht = t + z2 * t / (1.0 + z2 * t);
  Solution out;
  out.nu1 = {0.0, (p1 - ht) / s};
  out.nu2 = {0.0, (p2 - ht) / s};
  const double c = -t;
  out.chi = c;
  const double c2 = c * c, c3 = c2 * c, c4 = c3 * c, c5 = c4 * c;
  const double z4 = z2 * z2, z6 = z4 * z2;
  out.E0 = -c5 * z6 + 3.0 * c4 * z4 + (p1 * p2 - p2 - p1 + 1.0) * c3 * z6 - 2.0 * c3 * z4 - 3.0 * c3 * z2 +
           (p1 + p2 - 3.0 * p1 * p2 + 1.0) * c2 * z4 + 2.0 * c2 * z2 + c2 + 3.0 * p1 * p2 * c * z2 - p1 * p2;
  out.E1 = p2 * c3 * z4 - p2 * c2 * z2 + p1 * p2 * c * z2 - p1 * p2;
  out.E2 = c5 * z6 - 3.0 * c4 * z4 + (p1 - 1.0) * c3 * z6 + 2.0 * c3 * z4 + 3.0 * c3 * z2 +
           (-p1 - 1.0) * c2 * z4 - 2.0 * c2 * z2 - c2;
  out.B = out.E1 / out.E0;
  out.V = out.E2 / out.E0;
  return out;
}

// Theorem 1: F_1^2 B + (F_star^2 + tau^2) V + F_star^2.
inline double risk(const Solution& sol, double F1_sq, double Fstar_sq, double tau_sq) {
  return F1_sq * sol.B + (Fstar_sq + tau_sq) * sol.V + Fstar_sq;
}

// Our model's numbers (docs/model.md) for one point with k = 0.
struct OurPoint {
  double alpha, gamma, lambda, delta_f;
  double kappa_0, kappa_1, kappa_star_sq;  // of the activation sigma
  double m_0, m_1, m_star_sq;              // of the teacher phi: E phi, E xi phi, E phi^2 - m_0^2 - m_1^2
};

inline Inputs to_mm(const OurPoint& q) {
  const double mu_star = std::sqrt(q.kappa_star_sq);
  return {q.kappa_1 / mu_star, 1.0 / q.gamma, q.alpha / q.gamma, q.gamma * q.lambda / q.kappa_star_sq};
}

// Our gen_f (noiseless L2 test error) predicted by Mei-Montanari, with the teacher-mean rule above.
// kappa_0 counts as zero below 1e-12 (quadrature round-off of an odd activation's mean).
inline double gen_f(const OurPoint& q) {
  const Solution sol = solve(to_mm(q));
  double r = risk(sol, q.m_1 * q.m_1, q.m_star_sq, q.delta_f);
  if (std::abs(q.kappa_0) < 1e-12) r += q.m_0 * q.m_0 * (1.0 + sol.V);
  return r;
}

}  // namespace srf_test::mm
