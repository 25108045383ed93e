// Extensive sketches: the saddle point of docs/theory/extensive.md, equations [E.x].
#include <sobolev_rf/theory/detail/extensive_system.hpp>

#include <cmath>
#include <cstdio>

#include <sobolev_rf/model/activation.hpp>

namespace srf::theory {

struct ExtensiveSystem::Point {
  double tau = 0, g = 0;
  double c0 = 0;    // lambda + beta v' + tau kappa_star^2
  double A = 0, B = 0;  // m(c) = A + B c = kappa_1^2 (tau + beta c)
  double P = 0, Q = 0;  // u(c) = 1 + m(c) g / gamma = P + Q c
};

ExtensiveSystem::ExtensiveSystem(const model::ModelParams& params, const SaddlePointOptions&)
    : params_(params), nu_(params.sketch, params.kappa),
      sig_(model::gaussian_constants(model::activation(params.sigma))),
      phi_(model::gaussian_constants(model::activation(params.teacher))) {
  v_prime_ = sig_.derivative_second_moment - sig_.kappa_1 * sig_.kappa_1;
  // The student's mean kappa_0 is a free intercept that fits mu_0; without it (kappa_0 = 0) the
  // teacher's mean is a constant residual: label noise mu_0^2 plus the bias mu_0^2 in gen_f [E.4].
  // (kappa_0 is a quadrature: |kappa_0| < 1e-12 is an odd sigma.)
  unfittable_ = std::fabs(sig_.kappa_0) < 1e-12 ? phi_.kappa_0 * phi_.kappa_0 : 0.0;
  noise_ = params.delta_f + phi_.kappa_star_sq + unfittable_;
  teacher_grad_ = model::activation(params.teacher).has_useful_gradient ? phi_.derivative_second_moment : 0.0;
  // lambda = 0 needs a ridge from somewhere: the gradients' implicit ridge beta v' [E.2] (beta = 0
  // at lambda = 0 is the fixed-k family's ridgeless L2 fit, make_model_system).
  if (params.lambda == 0.0 && !(params.beta * v_prime_ > 1e-12 * sig_.derivative_second_moment))
    unsolvable_ = "lambda = 0 with an extensive sketch needs the gradients' implicit ridge beta v' > 0 (v' = Var sigma'(xi) = " +
                  std::to_string(v_prime_) + " for sigma = " + params.sigma + ", beta = " + std::to_string(params.beta) +
                  "): use a small lambda > 0";
}

ExtensiveSystem::Point ExtensiveSystem::point(double lambda, double tau, double g) const {
  Point pt;
  pt.tau = tau, pt.g = g;
  const double k1s = sig_.kappa_1 * sig_.kappa_1;
  pt.c0 = lambda + params_.beta * v_prime_ + tau * sig_.kappa_star_sq;
  pt.A = k1s * tau;
  pt.B = k1s * params_.beta;
  pt.P = 1.0 + pt.A * g / params_.gamma;
  pt.Q = pt.B * g / params_.gamma;
  return pt;
}

// [E.5]-[E.6]: T(tau, g) = (1 / (1 + delta), 1 / (c0 + int m / u)),
// delta = (1/alpha) [kappa_star^2 g + kappa_1^2 g int 1 / u].
bool ExtensiveSystem::outer_map(double lambda, const Eigen::VectorXd& x, Eigen::VectorXd& Tx, Eigen::VectorXd& inner) const {
  const Point pt = point(lambda, x(0), x(1));
  const double m_over_u = nu_.integrate({pt.A, pt.B, 0.0, 0.0}, 1, pt.P, pt.Q);
  const double inv_u = nu_.integrate({1.0, 0.0, 0.0, 0.0}, 1, pt.P, pt.Q);
  const double denominator = pt.c0 + m_over_u;
  const double delta = (sig_.kappa_star_sq * pt.g + sig_.kappa_1 * sig_.kappa_1 * pt.g * inv_u) / params_.alpha;
  if (!(denominator > 0.0) || !(delta >= 0.0)) return false;
  Tx.resize(2);
  Tx(0) = 1.0 / (1.0 + delta);
  Tx(1) = 1.0 / denominator;
  inner.resize(0);
  return std::isfinite(Tx(0)) && std::isfinite(Tx(1));
}

// Picard from tau = 1 and the g of a pure ridge, then a few steps of the map (it contracts from there
// at every lambda > 0; at lambda = 0 beta v' keeps c0 away from 0).
void ExtensiveSystem::default_start(double lambda, Eigen::VectorXd& x, Eigen::VectorXd& inner) const {
  x.resize(2);
  const Point p1 = point(lambda, 1.0, 0.0);
  x << 1.0, 1.0 / (p1.c0 + p1.A + p1.B);
  Eigen::VectorXd T;
  for (int i = 0; i < 5; ++i) {
    if (!outer_map(lambda, x, T, inner)) break;
    x = T;
  }
  x = x.cwiseMax(1e-12);
  inner.resize(0);
}

model::Errors ExtensiveSystem::errors_at(double lambda, double tau, double g,
                                         std::vector<std::pair<std::string, double>>* order) const {
  const Point pt = point(lambda, tau, g);
  const double gam = params_.gamma, alpha = params_.alpha, beta = params_.beta;
  const double k1s = sig_.kappa_1 * sig_.kappa_1, ks = sig_.kappa_star_sq;
  const double signal = phi_.kappa_1 * phi_.kappa_1 * k1s;  // mu_1^2 kappa_1^2
  auto integral = [&](const CubicPolynomial& p, int r) { return nu_.integrate(p, r, pt.P, pt.Q); };
  // [E.7] The linear overlaps: I_psi = (g / gamma) int psi / u; q^T w = mu_1^2 kappa_1^2 (tau I_1 + beta I_c),
  // q_C^T w = mu_1^2 kappa_1^2 (tau I_c + beta I_cc).
  const double I1 = g / gam * integral({1, 0, 0, 0}, 1), Ic = g / gam * integral({0, 1, 0, 0}, 1),
               Icc = g / gam * integral({0, 0, 1, 0}, 1);
  const double qw = signal * (tau * I1 + beta * Ic), qCw = signal * (tau * Ic + beta * Icc);
  // [E.8] The response of g to the perturbation (c0, m) -> (c0 + eps a0, m + eps a1), a1(c) = a10 + a11 c:
  //   g' = -g^2 (a0 + int a1 / u^2) / (1 - (g^2 / gamma) int m^2 / u^2),  h(c) = (g' - a1 g^2 / gamma) / u^2;
  // then w^T M w = -(mu_1^2 kappa_1^2 / gamma) int (tau + beta c)^2 h and
  // a_M = (1/n) tr(Sigma R M R) = -(1/alpha) [kappa_star^2 g' + kappa_1^2 int h]  [E.9].
  const double m2_over_u2 = integral({pt.A * pt.A, 2 * pt.A * pt.B, pt.B * pt.B, 0}, 2);
  const double response = 1.0 - g * g / gam * m2_over_u2;
  struct Quadratic {
    double wMw, a;
  };
  auto perturb = [&](double a0, double a10, double a11) {
    const double gp = -g * g * (a0 + integral({a10, a11, 0, 0}, 2)) / response;
    const double e0 = gp - a10 * g * g / gam, e1 = -a11 * g * g / gam;
    const double h = integral({e0, e1, 0, 0}, 2);
    const double bh = integral({tau * tau * e0, tau * tau * e1 + 2 * tau * beta * e0, 2 * tau * beta * e1 + beta * beta * e0,
                                beta * beta * e1},
                               2);
    return Quadratic{-signal / gam * bh, -(ks * gp + k1s * h) / alpha};
  };
  const Quadratic S = perturb(ks, k1s, 0.0);              // Sigma = kappa_star^2 I + kappa_1^2 K
  const Quadratic G = perturb(v_prime_, k1s, 0.0);        // Sigma_g = v' I + kappa_1^2 K
  const Quadratic GC = perturb(v_prime_, 0.0, k1s);       // Sigma_g^C = v' I + kappa_1^2 K_C
  // [E.10] The errors: E0 is the error of the mean fit against the labels with their effective noise,
  // D = 1 - tau^2 a_Sigma the variance's amplification.
  const double mu1 = phi_.kappa_1;
  const double E0 = mu1 * mu1 + noise_ - 2.0 * qw + S.wMw;
  const double D = 1.0 - tau * tau * S.a;
  model::Errors e;
  e.train_f = tau * tau * E0 / D;
  e.gen_f = E0 / D - params_.delta_f;
  e.gen_grad = teacher_grad_ - 2.0 * qw + G.wMw + tau * tau * G.a * E0 / D;
  e.gen_g = teacher_grad_ - 2.0 * qCw + GC.wMw + tau * tau * GC.a * E0 / D;
  e.train_g = e.gen_g + params_.delta_g;
  e.gen_h1 = e.gen_f + e.gen_g;
  if (order) {
    *order = {{"tau", tau}, {"g", g}, {"c0", pt.c0}, {"D", D}, {"E0", E0}, {"q_w", qw}, {"qC_w", qCw},
              {"w_Sigma_w", S.wMw}, {"a_Sigma", S.a}};
  }
  return e;
}

void ExtensiveSystem::second_level(const Eigen::VectorXd& x, const Eigen::VectorXd&, TheoryResult& out) const {
  out.errors = errors_at(params_.lambda, x(0), x(1), &out.order_parameters);
  // No varpi: every error self-averages over the sketch [E.1].
  out.varpi_law.A0 = out.errors;
  out.varpi_law.A2 = model::Errors{};
  out.varpi_law.tau2 = 1.0;
}

std::string ExtensiveSystem::converged_message(double residual) const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", residual);
  return std::string("converged: max |log x - log T(x)| = ") + buf + " (x = tau, g of the extensive sketch)";
}

}  // namespace srf::theory
