// The replica-symmetric saddle point for square loss with K = k + 1 outputs.
// Equations and symbols: docs/theory/derivation.md (sections cited as [D.x]).
#include "theory/saddle_point.hpp"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "theory/core_traces.hpp"
#include "theory/activation.hpp"
#include "theory/gaussian_equivalence.hpp"
#include "theory/square_loss.hpp"

namespace srf::theory {

void SaddlePointOptions::validate() const {
  auto bad = [](const char* field, double v, const char* rule) {
    std::ostringstream os;
    os << "SaddlePointOptions." << field << " = " << v << ": " << rule;
    throw std::invalid_argument(os.str());
  };
  if (!(tolerance > 0.0 && tolerance < 1e-2)) bad("tolerance", tolerance, "must lie in (0, 1e-2)");
  if (max_iterations < 1) bad("max_iterations", max_iterations, "must be >= 1");
  if (max_continuation_stages < 0) bad("max_continuation_stages", max_continuation_stages, "must be >= 0");
  if (!(continuation_factor > 1.0)) bad("continuation_factor", continuation_factor, "must be > 1");
  if (radial_nodes_per_panel < 4) bad("radial_nodes_per_panel", radial_nodes_per_panel, "must be >= 4");
  if (traces == TraceMethod::kSampled && trace_size < 10) bad("trace_size", trace_size, "must be >= 10");
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Level-1 unknowns. By the rotation invariance of the sketch directions the K x K matrices are
// block diagonal, diag(x_0, x_1 I_k) [D.3]; k = 0 keeps the first entry only.
struct Level1 {
  double V0 = 0, V1 = 0;          // V_00, V_mm
  double Delta0 = 0, Delta1 = 0;  // Delta_00, Delta_mm
};

class Problem {
 public:
  Problem(const ModelParams& p, const SaddlePointOptions& o)
      : p_(p), o_(o), k_(p.k), K_(p.k + 1),
        sig_(gaussian_constants(activation(p.sigma))),
        phi_(gaussian_constants(activation(p.teacher))) {
    traces_ = o.traces == TraceMethod::kSampled
                  ? make_sampled_traces(p.k, p.gamma, o.trace_size, o.trace_seed)
                  : make_deterministic_traces(p.k, p.gamma, o.radial_nodes_per_panel);
    loss_.weights = Eigen::VectorXd::Constant(K_, p.beta);
    loss_.weights(0) = 1.0;
    K1_ = Eigen::VectorXd::Constant(K_, sig_.kappa1_prime);
    K1_(0) = sig_.kappa_1;
    Ks_ = Eigen::MatrixXd::Constant(K_, K_, sig_.kappa_star_prime_sq);
    Ks_.row(0).setConstant(sig_.c_star);
    Ks_.col(0).setConstant(sig_.c_star);
    Ks_(0, 0) = sig_.kappa_star_sq;
  }

  // Unknowns of the outer Newton: V_00, and V_mm unless the gradient features have no random
  // part (kappa'_1 = kappa'_star = 0, e.g. a linear sigma: sigma' is constant, its rows are pure
  // spikes kappa_1 zeta_j), where V_mm = 0 exactly.
  bool gradient_block() const {
    return k_ > 0 && (sig_.kappa1_prime != 0.0 || sig_.kappa_star_prime_sq > 0.0);
  }
  int dim() const { return gradient_block() ? 2 : 1; }

  // The channel and the feature covariance at outer unknowns (V0, V1) [D.2]:
  //   R = W (I + V W)^{-1},  C = K1 R K1,  M = R o Ks  (diagonal entries).
  void channel(double V0, double V1, double& C0, double& C1, double& M0, double& M1) const {
    const double R0 = 1.0 / (1.0 + V0);
    const double R1 = p_.beta / (1.0 + p_.beta * V1);
    C0 = sig_.kappa_1 * sig_.kappa_1 * R0;
    M0 = sig_.kappa_star_sq * R0;
    C1 = sig_.kappa1_prime * sig_.kappa1_prime * R1;
    M1 = sig_.kappa_star_prime_sq * R1;
  }

  // Outer map T(V) [D.2]: V = (gamma/alpha) [K1 Gamma K1 + Ks o Delta], Gamma = Delta (I + C Delta)^{-1}.
  bool outer_map(double lambda, const double x[2], double Tx[2], Level1& l1) const {
    double C0, C1, M0, M1;
    channel(x[0], k_ ? x[1] : 0.0, C0, C1, M0, M1);
    double G0, G1;
    if (!traces_->level1(lambda, C0, C1, M0, M1, l1.Delta0, l1.Delta1, G0, G1)) return false;
    const double ga = p_.gamma / p_.alpha;
    Tx[0] = ga * (sig_.kappa_1 * sig_.kappa_1 * G0 + sig_.kappa_star_sq * l1.Delta0);
    Tx[1] = k_ ? ga * (sig_.kappa1_prime * sig_.kappa1_prime * G1 + sig_.kappa_star_prime_sq * l1.Delta1) : 0.0;
    return std::isfinite(Tx[0]) && std::isfinite(Tx[1]);
  }

  // Newton in logarithmic variables y = log V on F(y) = y - log T(e^y) at fixed lambda, with a
  // forward-difference Jacobian (1 or 2 unknowns) and backtracking on |F|_inf. In V itself the
  // residual V - T(V) first falls, then rises (T grows like V before saturating), so Newton
  // started below the root runs away from it; in log V it is monotone (docs/theory [D.8]).
  numerics::SolverSummary newton(double lambda, Level1& l1, numerics::SolverSummary& total) const {
    numerics::SolverSummary s;
    const int n = dim();
    double y[2] = {std::log(l1.V0), n == 2 ? std::log(l1.V1) : 0.0};
    double F[2];
    auto residual = [&](const double* yy, double* FF, Level1& st) {
      double x[2] = {std::exp(yy[0]), n == 2 ? std::exp(yy[1]) : 0.0}, T[2];
      if (!outer_map(lambda, x, T, st)) return std::numeric_limits<double>::infinity();
      double r = 0.0;
      for (int i = 0; i < n; ++i) {
        if (!(T[i] > 0.0)) return std::numeric_limits<double>::infinity();
        FF[i] = yy[i] - std::log(T[i]);
        r = std::max(r, std::fabs(FF[i]));
      }
      return r;
    };
    double r = residual(y, F, l1);
    for (int it = 0; it <= o_.max_iterations; ++it) {
      s.residual = r;
      s.residual_history.push_back(r);
      total.residual_history.push_back(r);
      if (!std::isfinite(r)) {
        s.termination = numerics::TerminationType::kNonFinite;
        s.message = "the inner fixed point failed or the outer map was not finite";
        return s;
      }
      if (r <= o_.tolerance) {
        s.termination = numerics::TerminationType::kConverged;
        l1.V0 = std::exp(y[0]), l1.V1 = n == 2 ? std::exp(y[1]) : 0.0;
        return s;
      }
      if (it == o_.max_iterations) break;
      s.iterations = it + 1;
      ++total.iterations;
      double J[2][2];
      for (int j = 0; j < n; ++j) {
        double yp[2] = {y[0], y[1]}, Fp[2];
        const double hstep = 1e-7;
        yp[j] += hstep;
        Level1 st = l1;
        if (!std::isfinite(residual(yp, Fp, st))) {
          s.termination = numerics::TerminationType::kNonFinite;
          s.message = "the outer map failed while forming the Jacobian";
          return s;
        }
        for (int i = 0; i < n; ++i) J[i][j] = (Fp[i] - F[i]) / hstep;
      }
      double step[2] = {0.0, 0.0};
      if (n == 1) {
        step[0] = -F[0] / J[0][0];
      } else {
        const double det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
        step[0] = -(J[1][1] * F[0] - J[0][1] * F[1]) / det;
        step[1] = -(-J[1][0] * F[0] + J[0][0] * F[1]) / det;
      }
      // A step of more than a factor e^3 in V is cut back: the Jacobian is local.
      const double big = std::max(std::fabs(step[0]), std::fabs(step[1]));
      if (!(big <= 3.0)) {
        const double f = std::isfinite(big) ? 3.0 / big : 0.0;
        step[0] *= f, step[1] *= f;
      }
      bool accepted = false;
      for (double t = 1.0; t > 1e-10; t *= 0.5) {
        double yn[2] = {y[0] + t * step[0], y[1] + t * step[1]}, Fn[2];
        Level1 st = l1;
        const double rn = residual(yn, Fn, st);
        if (rn < (1.0 - 1e-4 * t) * r) {
          y[0] = yn[0], y[1] = yn[1], F[0] = Fn[0], F[1] = Fn[1], r = rn;
          l1 = st;
          accepted = true;
          break;
        }
      }
      if (!accepted) {
        s.termination = numerics::TerminationType::kNoAdmissibleStep;
        s.message = "no backtracked Newton step reduced the residual";
        return s;
      }
    }
    s.termination = numerics::TerminationType::kMaxIterations;
    s.message = "Newton did not converge in " + std::to_string(o_.max_iterations) + " iterations";
    return s;
  }

  // A safe start at any lambda: a few Picard steps of V <- T(V) from V = 0.
  Level1 default_start(double lambda) const {
    Level1 l1;
    double x[2] = {0.0, 0.0}, T[2];
    for (int i = 0; i < 3; ++i) {
      if (!outer_map(lambda, x, T, l1)) break;
      x[0] = T[0], x[1] = T[1];
    }
    l1.V0 = std::max(x[0], 1e-12);
    l1.V1 = dim() == 2 ? std::max(x[1], 1e-12) : 0.0;
    return l1;
  }

  void prepare_level2(const Level1& l1);
  Errors errors_at(const std::vector<double>& varpi, std::vector<std::pair<std::string, double>>* order) const;

  const ModelParams& params() const { return p_; }

 private:
  const ModelParams& p_;
  const SaddlePointOptions& o_;
  int k_, K_;
  GaussianConstants sig_, phi_;
  std::unique_ptr<CoreTraces> traces_;
  struct Level2 {
    Eigen::MatrixXd V, R, Gamma, L2mat, dGamma_P, dV_P, dGamma_I, dV_I;
    std::vector<Eigen::MatrixXd> dGamma, dV;  // per block a + b K
    Eigen::PartialPivLU<Eigen::MatrixXd> lu;
  } L2_;
  SquareLoss loss_;
  Eigen::VectorXd K1_;  // diag(kappa_1, kappa'_1, ..., kappa'_1)
  Eigen::MatrixXd Ks_;  // nonlinear covariance: kappa_star^2, c_star, kappa'_star^2
};

// Level 2 [D.4]: everything that does not depend on the teacher, prepared once at the solved
// level 1; errors_at() then costs a K^2 x K^2 solve per alignment varpi.
void Problem::prepare_level2(const Level1& l1) {
  using Eigen::MatrixXd;
  using Eigen::VectorXd;
  const int K = K_;
  VectorXd vdiag = VectorXd::Constant(K, l1.V1);
  vdiag(0) = l1.V0;
  L2_.V = vdiag.asDiagonal();
  L2_.R = loss_.R(L2_.V);
  const MatrixXd K1 = K1_.asDiagonal();
  const MatrixXd C = K1 * L2_.R * K1;
  const MatrixXd M = L2_.R.cwiseProduct(Ks_);
  traces_->prepare(p_.lambda, C, M, l1.Delta0, l1.Delta1);
  L2_.Gamma = traces_->Gamma();
  const double ga = p_.gamma / p_.alpha;
  // Per block (a, b): Gamma^X and V^X = (gamma/alpha)[K1 Gamma^X K1 + Ks o Delta^X] for
  // X = (K1_a K1_b E_ab, Ks_ab E_ab), E_ab = (e_a e_b^T + e_b e_a^T)/2.
  auto perturb = [&](const MatrixXd& XC, const MatrixXd& XM, MatrixXd& dGamma, MatrixXd& dV) {
    MatrixXd dDelta;
    traces_->derivative(XC, XM, dDelta, dGamma);
    dV = ga * (K1 * dGamma * K1 + Ks_.cwiseProduct(dDelta));
  };
  L2_.dGamma.assign(K * K, MatrixXd());
  L2_.dV.assign(K * K, MatrixXd());
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) {
      MatrixXd E = MatrixXd::Zero(K, K);
      E(a, b) += 0.5, E(b, a) += 0.5;
      perturb(K1_(a) * K1_(b) * E, Ks_(a, b) * E, L2_.dGamma[a + b * K], L2_.dV[a + b * K]);
    }
  // L2(Y)_ab = sum_cd (R Y R)_cd (B_ab)_cd with B_ab = -V^X_ab, as a K^2 x K^2 matrix.
  const int K2 = K * K;
  MatrixXd L2mat(K2, K2);
  for (int j = 0; j < K2; ++j) {
    MatrixXd Y = MatrixXd::Zero(K, K);
    Y(j % K, j / K) = 1.0;
    const MatrixXd RYR = L2_.R * Y * L2_.R;
    for (int ab = 0; ab < K2; ++ab) L2mat(ab, j) = -RYR.cwiseProduct(L2_.dV[ab]).sum();
  }
  L2_.L2mat = L2mat;
  L2_.lu.compute(MatrixXd::Identity(K2, K2) - L2mat);
  // Second moments for the full-gradient error: X = (E_00, 0) gives w^T P w, X = (0, E_00) |w|^2.
  MatrixXd E00 = MatrixXd::Zero(K, K), Z = MatrixXd::Zero(K, K);
  E00(0, 0) = 1.0;
  perturb(E00, Z, L2_.dGamma_P, L2_.dV_P);
  perturb(Z, E00, L2_.dGamma_I, L2_.dV_I);
}

Errors Problem::errors_at(const std::vector<double>& varpi, std::vector<std::pair<std::string, double>>* order) const {
  using Eigen::MatrixXd;
  using Eigen::VectorXd;
  const int K = K_, K2 = K * K;
  // Teacher: linear coefficients c, effective noise N, and the unfittable means s [D.5].
  VectorXd c(K), s = VectorXd::Zero(K);
  c(0) = phi_.kappa_1;
  for (int j = 1; j < K; ++j) c(j) = phi_.kappa1_prime * varpi[j - 1];
  const double mu0 = phi_.kappa_0, mu1 = phi_.kappa_1;
  if (std::fabs(sig_.kappa_0) < 1e-12) s(0) = mu0;
  if (std::fabs(sig_.kappa_1) < 1e-12)
    for (int j = 1; j < K; ++j) s(j) = mu1 * varpi[j - 1];
  MatrixXd Ngen(K, K);
  Ngen(0, 0) = phi_.kappa_star_sq;
  for (int j = 1; j < K; ++j) {
    Ngen(0, j) = Ngen(j, 0) = phi_.c_star * varpi[j - 1];
    for (int l = 1; l < K; ++l) Ngen(j, l) = phi_.kappa_star_prime_sq * varpi[j - 1] * varpi[l - 1];
  }
  Ngen += s * s.transpose();
  MatrixXd N = Ngen;
  N(0, 0) += p_.delta_f;
  for (int j = 1; j < K; ++j) {
    const double cross = p_.rho * std::sqrt(p_.delta_f * p_.delta_g);
    N(0, j) += cross, N(j, 0) += cross;
    N(j, j) += p_.delta_g;
  }
  const MatrixXd& R = L2_.R;
  const VectorXd g = K1_.asDiagonal() * (R * c);
  const VectorXd Gg = L2_.Gamma * g;
  // F_ab = c_a c_b - c_b K1_a (Gamma g)_a - c_a K1_b (Gamma g)_b + A_ab, A_ab = -g^T Gamma^X_ab g.
  MatrixXd F(K, K);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b)
      F(a, b) = c(a) * c(b) - c(b) * K1_(a) * Gg(a) - c(a) * K1_(b) * Gg(b) - g.dot(L2_.dGamma[a + b * K] * g);
  // E_lin = F + L2(E_lin + N)  <=>  (I - L2) E_lin = F + L2(N).
  const VectorXd rhs = Eigen::Map<const VectorXd>(F.data(), K2) + L2_.L2mat * Eigen::Map<const VectorXd>(N.data(), K2);
  const VectorXd sol = L2_.lu.solve(rhs);
  const MatrixXd Elin = Eigen::Map<const MatrixXd>(sol.data(), K, K);

  Errors e;
  e.gen_f = Elin(0, 0) + Ngen(0, 0);
  for (int j = 1; j < K; ++j) e.gen_g += Elin(j, j) + Ngen(j, j);
  e.gen_h1 = e.gen_f + e.gen_g;
  const MatrixXd Etrain = loss_.train_residual_covariance(L2_.V, Elin + N);
  e.train_f = Etrain(0, 0);
  for (int j = 1; j < K; ++j) e.train_g += Etrain(j, j);
  // Full-gradient error [D.6]: E phi'^2 - 2 mu_1 kappa_1 u^T w + kappa_1^2 w^T P w + (E sigma'^2 - kappa_1^2) |w|^2,
  // with E[w^T Sigma_X w] = -g^T Gamma^X g - sum_cd (R (E_lin + N) R)_cd V^X_cd.
  const MatrixXd RER = R * (Elin + N) * R;
  const double wPw = -g.dot(L2_.dGamma_P * g) - RER.cwiseProduct(L2_.dV_P).sum();
  const double ww = -g.dot(L2_.dGamma_I * g) - RER.cwiseProduct(L2_.dV_I).sum();
  const double uw = Gg(0);  // u^T w, u = Theta^T theta0 / sqrt(d)
  e.gen_grad = phi_.derivative_second_moment - 2.0 * mu1 * sig_.kappa_1 * uw + sig_.kappa_1 * sig_.kappa_1 * wPw +
               (sig_.derivative_second_moment - sig_.kappa_1 * sig_.kappa_1) * ww;
  // Errors are variances: round-off below zero (a realisable teacher, e.g. linear/linear with
  // d < p, has gen_f = 0 exactly) is set to 0. Anything more negative is left visible.
  for (const auto& [name, field] : error_fields())
    if (e.*field < 0.0 && e.*field > -1e-12) e.*field = 0.0;
  if (order) {
    order->clear();
    order->emplace_back("V_00", L2_.V(0, 0));
    order->emplace_back("Delta_00", traces_->Delta()(0, 0));
    order->emplace_back("Vhat_00", p_.alpha * R(0, 0));
    if (k_) {
      order->emplace_back("V_11", L2_.V(1, 1));
      order->emplace_back("Delta_11", traces_->Delta()(1, 1));
      order->emplace_back("Vhat_11", p_.alpha * R(1, 1));
    }
    order->emplace_back("m", uw);  // u^T w = theta0^T Theta w / sqrt(d)
    order->emplace_back("q_s", wPw);
    order->emplace_back("q_w", ww);
  }
  return e;
}

std::string fmt_sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

Errors errors_nan() {
  Errors e;
  for (const auto& f : error_fields()) e.*(f.second) = kNaN;
  return e;
}

}  // namespace

SaddlePointSolution solve_saddle_point(const ModelParams& params, const SaddlePointOptions& options,
                                       const SaddlePointState& warm) {
  params.validate();
  options.validate();
  if (params.k > 0 && params.beta == 0.0)
    throw std::invalid_argument(
        "--beta = 0 with --k > 0: the limit is singular at beta = 0 (the student's gradient mean is not "
        "self-averaging); use --k 0 for L2 training");
  Problem prob(params, options);
  SaddlePointSolution out;
  numerics::SolverSummary& total = out.result.summary;
  const double lambda = params.lambda;

  Level1 l1;
  bool have = false;
  if (!warm.empty() && warm.V.rows() == params.k + 1) {
    l1.V0 = warm.V(0, 0), l1.Delta0 = warm.Delta(0, 0);
    if (params.k) l1.V1 = warm.V(1, 1), l1.Delta1 = warm.Delta(1, 1);
    numerics::SolverSummary s = prob.newton(lambda, l1, total);
    have = s.converged();
    total.message = s.message;
  }
  if (!have) {
    l1 = prob.default_start(lambda);
    numerics::SolverSummary s = prob.newton(lambda, l1, total);
    have = s.converged();
    total.message = s.message;
    total.termination = s.termination;
  }
  if (!have) {
    // Continuation in lambda from max(lambda, 1) down by the factor (THEORY-NOTES "Numerics").
    double lc = std::max(1.0, lambda * options.continuation_factor);
    l1 = prob.default_start(lc);
    bool ok = true;
    for (int stage = 0; stage <= options.max_continuation_stages; ++stage) {
      numerics::SolverSummary s = prob.newton(lc, l1, total);
      if (!s.converged()) {
        ok = false;
        total.termination = s.termination;
        total.message = "lambda continuation failed at lambda = " + std::to_string(lc) + ": " + s.message;
        break;
      }
      if (lc == lambda) break;
      lc = std::max(lambda, lc / options.continuation_factor);
      if (stage == options.max_continuation_stages) {
        ok = false;
        total.termination = numerics::TerminationType::kMaxIterations;
        total.message = "lambda continuation needed more than max_continuation_stages stages";
      }
    }
    have = ok && lc == lambda;
  }
  total.residual = total.residual_history.empty() ? kNaN : total.residual_history.back();
  if (!have) {
    if (total.termination == numerics::TerminationType::kConverged)
      total.termination = numerics::TerminationType::kMaxIterations;
    out.result.errors = errors_nan();
    out.result.varpi_law = {errors_nan(), errors_nan()};
    return out;
  }
  total.termination = numerics::TerminationType::kConverged;
  total.message = "converged: max |log V - log T(V)| = " + fmt_sci(total.residual);
  prob.prepare_level2(l1);
  out.result.errors = prob.errors_at(params.varpi, &out.result.order_parameters);
  // The law over varpi ~ N(0, I_k): errors are A0 + A2 |varpi|^2 [D.7].
  std::vector<double> zero(params.k, 0.0), unit(params.k, 0.0);
  out.result.varpi_law.A0 = prob.errors_at(zero, nullptr);
  if (params.k) {
    unit[0] = 1.0;
    const Errors e1 = prob.errors_at(unit, nullptr);
    for (const auto& f : error_fields())
      out.result.varpi_law.A2.*(f.second) = e1.*(f.second) - out.result.varpi_law.A0.*(f.second);
  }
  const int K = params.k + 1;
  out.state.V = Eigen::MatrixXd::Zero(K, K);
  out.state.Delta = Eigen::MatrixXd::Zero(K, K);
  out.state.V(0, 0) = l1.V0, out.state.Delta(0, 0) = l1.Delta0;
  for (int j = 1; j < K; ++j) out.state.V(j, j) = l1.V1, out.state.Delta(j, j) = l1.Delta1;
  return out;
}

}  // namespace srf::theory
