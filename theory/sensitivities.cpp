// [D.15] Sensitivities by the implicit function theorem at the converged level-1 solution.
#include <sobolev_rf/theory/sensitivities.hpp>

#include <Eigen/Dense>

#include <array>
#include <cmath>
#include <functional>
#include <limits>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/theory/detail/error_formulas.hpp>
#include <sobolev_rf/theory/detail/outer_equation.hpp>

namespace srf::theory {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The errors as one vector: at varpi, then A0, then A2 (each in error_fields() order), plus the
// order parameters m_E, q_E, q_w (for the beta = 0 law, [S.9]).
constexpr int kFields = 8;
using Vec = Eigen::VectorXd;

// theta = (log lambda, log beta): the model at theta.
model::ModelParams at_theta(const model::ModelParams& p, double log_lambda, double log_beta) {
  model::ModelParams q = p;
  q.lambda = std::exp(log_lambda);
  q.beta = std::exp(log_beta);
  return q;
}

// Level 1 and level 2 of one model as explicit maps of z = (log V0, [log V1], log D0, [log D1]).
class ExplicitMaps {
 public:
  ExplicitMaps(const model::ModelParams& p, const SaddlePointOptions& o) : p_(p), eq_(p_, o) {}
  int dim() const { return eq_.dim(); }  // 1 (k = 0 or no gradient block) or 2

  // F(z) = z - log(T, F_inner) at z; false when not finite.
  bool residual(const Vec& z, Vec& F) const {
    const int n = dim();
    const double V0 = std::exp(z(0)), V1 = n == 2 ? std::exp(z(1)) : 0.0;
    const double D0 = std::exp(z(n)), D1 = n == 2 ? std::exp(z(n + 1)) : 0.0;
    double C0, C1, M0, M1, F0, F1, G0, G1;
    eq_.channel(p_.lambda, V0, V1, C0, C1, M0, M1);
    if (!eq_.traces().inner_map(p_.lambda, C0, C1, M0, M1, D0, n == 2 ? D1 : 0.0, F0, F1, G0, G1)) return false;
    const model::GaussianConstants& s = eq_.student();
    const double ga = p_.gamma / p_.alpha;
    F.resize(2 * n);
    F(0) = z(0) - std::log(ga * (s.kappa_1 * s.kappa_1 * G0 + s.kappa_star_sq * D0));
    F(n) = z(n) - std::log(F0);
    if (n == 2) {
      F(1) = z(1) - std::log(ga * (s.kappa1_prime * s.kappa1_prime * G1 + s.kappa_star_prime_sq * D1));
      F(3) = z(3) - std::log(F1);
    }
    return F.allFinite();
  }

  // The errors at varpi, A0, A2 and (m_E, q_E, q_w) at z, as one vector.
  Vec errors(const Vec& z) const {
    const int n = dim();
    BlockOrderParameters op;
    op.V0 = std::exp(z(0));
    op.Delta0 = std::exp(z(n));
    if (n == 2) op.V1 = std::exp(z(1)), op.Delta1 = std::exp(z(3));
    const SecondLevel second(eq_, op);
    std::vector<std::pair<std::string, double>> order;
    const model::Errors at = second.errors_at(p_.varpi, &order);
    std::vector<double> zero(p_.k, 0.0), unit(p_.k, 0.0);
    const model::Errors a0 = second.errors_at(zero, nullptr);
    model::Errors a2{};
    if (p_.k) {
      unit[0] = 1.0;
      const model::Errors e1 = second.errors_at(unit, nullptr);
      for (const auto& f : model::error_fields()) a2.*(f.second) = e1.*(f.second) - a0.*(f.second);
    }
    Vec v(3 * kFields + 3);
    int i = 0;
    for (const model::Errors* e : std::array<const model::Errors*, 3>{&at, &a0, &a2})
      for (const auto& f : model::error_fields()) v(i++) = e->*(f.second);
    for (const char* name : {"m_E", "q_E", "q_w"}) {
      double x = kNaN;
      for (const auto& [n2, value] : order)
        if (n2 == name) x = value;
      v(i++) = x;
    }
    return v;
  }

 private:
  model::ModelParams p_;
  OuterEquation eq_;
};

// Fourth-order central difference of f at x in direction e: (8 (f(+h) - f(-h)) - (f(+2h) - f(-2h))) / (12 h).
Vec central(const std::function<Vec(double)>& f, double h) {
  return (8.0 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12.0 * h);
}

model::Errors unpack(const Vec& v, int block) {
  model::Errors e{};
  int i = block * kFields;
  for (const auto& f : model::error_fields()) e.*(f.second) = v(i++);
  return e;
}

Sensitivities not_computed(const std::string& why) {
  Sensitivities s;
  s.message = why;
  for (model::Errors* e : {&s.d_lambda, &s.d_beta, &s.d_lambda_law.A0, &s.d_lambda_law.A2, &s.d_beta_law.A0,
                           &s.d_beta_law.A2})
    for (const auto& f : model::error_fields()) e->*(f.second) = kNaN;
  return s;
}

// d/d(log lambda) and d/d(log beta) of the vector of ExplicitMaps::errors, total (through z).
bool total_derivatives(const model::ModelParams& p, const SaddlePointOptions& o, const Vec& z, Vec& d_log_lambda,
                       Vec& d_log_beta, std::string& why) {
  const double h = 1e-4;
  const double ll = std::log(p.lambda), lb = p.beta > 0 ? std::log(p.beta) : 0.0;
  const bool with_beta = p.k > 0 && p.beta > 0;
  const ExplicitMaps at(p, o);
  const int n = z.size();
  // dF/dz and dE/dz at theta.
  Eigen::MatrixXd Fz(n, n), Ez;
  for (int j = 0; j < n; ++j) {
    const Vec col = central(
        [&](double t) {
          Vec zz = z;
          zz(j) += t;
          Vec F;
          if (!at.residual(zz, F)) F = Vec::Constant(n, kNaN);
          return F;
        },
        h);
    Fz.col(j) = col;
    const Vec ecol = central(
        [&](double t) {
          Vec zz = z;
          zz(j) += t;
          return at.errors(zz);
        },
        h);
    if (j == 0) Ez.resize(ecol.size(), n);
    Ez.col(j) = ecol;
  }
  if (!Fz.allFinite()) {
    why = "the level-1 map is not finite near the solution";
    return false;
  }
  const Eigen::PartialPivLU<Eigen::MatrixXd> lu(Fz);
  // Partial derivatives in theta at fixed z, and the total derivative.
  auto total = [&](bool lambda) {
    auto model_at = [&](double t) { return lambda ? at_theta(p, ll + t, lb) : at_theta(p, ll, lb + t); };
    const Vec Ft = central(
        [&](double t) {
          const ExplicitMaps m(model_at(t), o);
          Vec F;
          if (!m.residual(z, F)) F = Vec::Constant(n, kNaN);
          return F;
        },
        h);
    const Vec Et = central([&](double t) { return ExplicitMaps(model_at(t), o).errors(z); }, h);
    const Vec dz = -lu.solve(Ft);
    return Vec(Et + Ez * dz);
  };
  d_log_lambda = total(true);
  d_log_beta = with_beta ? total(false) : Vec::Constant(d_log_lambda.size(), kNaN);
  return true;
}

}  // namespace

Sensitivities sensitivities(const model::ModelParams& params, const SaddlePointOptions& options,
                            const SaddlePointSolution& solution) {
  if (!solution.result.summary.converged()) return not_computed("the saddle point did not converge");
  if (params.lambda == 0.0) return not_computed("lambda = 0 (the ridgeless limit): no derivative in lambda there");
  if (options.traces != TraceMethod::kDeterministic) return not_computed("sensitivities need deterministic traces");
  const bool unpinned = params.k > 0 && params.beta == 0.0;
  // beta = 0 with k > 0: the L2 fit (k = 0) carries the dependence on lambda; its gen_g mean is an
  // explicit function of (m, q_s, q_w) [D.11].
  model::ModelParams p = params;
  if (unpinned) {
    p.k = 0;
    p.varpi.clear();
  }
  const SaddlePointState& st = solution.state;
  const ExplicitMaps probe(p, options);
  const int n = probe.dim();
  Vec z(2 * n);
  // The fixed-k family's state: x = (V_00[, V_mm]), inner = (Delta_00[, Delta_mm]).
  if (st.x.size() != n || st.inner.size() != n) return not_computed("the solution is not of the fixed-k family");
  for (int i = 0; i < n; ++i) z(i) = std::log(st.x(i)), z(n + i) = std::log(st.inner(i));
  Vec dl, db;
  std::string why;
  if (!total_derivatives(p, options, z, dl, db, why)) return not_computed(why);
  // d/d(log x) = x d/dx.
  dl /= params.lambda;
  if (params.beta > 0) db /= params.beta;
  Sensitivities s;
  s.computed = true;
  s.d_lambda = unpack(dl, 0), s.d_lambda_law.A0 = unpack(dl, 1), s.d_lambda_law.A2 = unpack(dl, 2);
  s.d_beta = unpack(db, 0), s.d_beta_law.A0 = unpack(db, 1), s.d_beta_law.A2 = unpack(db, 2);
  if (unpinned) {
    // gen_g's mean A0 + A2 |varpi|^2 with (S9.3) A0 = k [k1^2 (q_E - m_E^2 / tau^2) + c q_w],
    // A2 = E phi'^2 - 2 mu k1 m_E / tau^2 + k1^2 m_E^2 / tau^4 (isotropic: tau^2 = 1, m_E = m, q_E = q_s).
    const model::GaussianConstants sig = model::gaussian_constants(model::activation(params.sigma));
    const model::GaussianConstants phi = model::gaussian_constants(model::activation(params.teacher));
    const double mu1 = model::activation(params.teacher).has_useful_gradient ? phi.kappa_1 : 0.0;
    const double k1 = sig.kappa_1, c = sig.derivative_second_moment - k1 * k1;
    double m = kNaN;
    for (const auto& [name, value] : solution.result.order_parameters)
      if (name == "m_E") m = value;
    const double tau2 = solution.result.varpi_law.tau2;
    const int base = 3 * kFields;
    const double dm = dl(base), dqs = dl(base + 1), dqw = dl(base + 2);
    const double dA0 = params.k * (k1 * k1 * (dqs - 2 * m / tau2 * dm) + c * dqw);
    const double dA2 = (-2 * mu1 * k1 / tau2 + 2 * k1 * k1 * m / (tau2 * tau2)) * dm;
    double varpi2 = 0;
    for (double v : params.varpi) varpi2 += v * v;
    s.d_lambda.gen_g = dA0 + dA2 * varpi2;
    s.d_lambda.gen_h1 = s.d_lambda.gen_f + s.d_lambda.gen_g;
    s.d_lambda_law.A0.gen_g = dA0, s.d_lambda_law.A2.gen_g = dA2;
    s.d_lambda_law.A0.gen_h1 = s.d_lambda_law.A0.gen_f + dA0, s.d_lambda_law.A2.gen_h1 = dA2;
    s.d_lambda.train_g = s.d_lambda_law.A0.train_g = s.d_lambda_law.A2.train_g = kNaN;
    s.message = "beta = 0 with k > 0: no derivative in beta (the limit is discontinuous there, [D.11])";
  }
  return s;
}

}  // namespace srf::theory
