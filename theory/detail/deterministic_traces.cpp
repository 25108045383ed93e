// The core traces as deterministic equivalents (docs/theory [D.3], [D.4]).
#include <cmath>
#include <limits>

#include <sobolev_rf/numerics/damped_newton.hpp>
#include <sobolev_rf/numerics/marchenko_pastur.hpp>
#include <sobolev_rf/theory/detail/core_traces.hpp>
#include <sobolev_rf/theory/detail/radial_moments.hpp>

namespace srf::theory {

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

class DeterministicTraces final : public CoreTraces {
 public:
  DeterministicTraces(int k, double gamma, int nodes, const numerics::DampedNewtonOptions& inner)
      : k_(k), K_(k + 1), gamma_(gamma), mp_(1.0 / gamma), moments_(k, nodes), inner_(inner) {
    inner_.validate();
  }

  // Inner fixed point [D.3]: Delta = (1/gamma) E_zeta[q e e^T], q = 1/(lambda + e^T (M + B) e),
  // B = C (I + Delta C)^{-1}. k = 0: the Marchenko-Pastur Stieltjes transform in closed form.
  // k >= 1: damped Newton on (log Delta_00, log Delta_mm) with the exact Jacobian.
  bool level1(double lambda, double C0, double C1, double M0, double M1, double& D0, double& D1, double& G0,
              double& G1) const override {
    if (!solve_inner(lambda, C0, C1, M0, M1, D0, D1)) return false;
    // Gamma = Delta (I + C Delta)^{-1} [D.3]
    G0 = D0 / (1.0 + C0 * D0);
    G1 = D1 / (1.0 + C1 * D1);
    return true;
  }

  bool inner_map(double lambda, double C0, double C1, double M0, double M1, double D0, double D1, double& F0,
                 double& F1, double& G0, double& G1) const override {
    G0 = D0 / (1.0 + C0 * D0);
    G1 = k_ ? D1 / (1.0 + C1 * D1) : 0.0;
    const double B0 = C0 / (1.0 + D0 * C0), B1 = k_ ? C1 / (1.0 + D1 * C1) : 0.0;
    const RadialMoments m = moments_(lambda + M0 + B0, k_ ? M1 + B1 : 0.0);
    F0 = m.q1[0] / gamma_;
    F1 = k_ ? m.q1[1] / (gamma_ * k_) : 0.0;
    return std::isfinite(F0) && std::isfinite(F1) && F0 > 0.0;
  }

  bool solve_inner(double lambda, double C0, double C1, double M0, double M1, double& D0, double& D1) const {
    if (k_ == 0) {
      const double s = lambda + M0;
      const double q = C0 > 0.0 ? mp_.stieltjes(-s / C0) / C0 : 1.0 / s;
      D0 = q / gamma_;
      D1 = 0.0;
      return std::isfinite(D0) && D0 > 0.0;
    }
    // Damped Newton (numerics/damped_newton.hpp) with the exact Jacobian in y = log Delta on
    // G(y) = y - log F(e^y), F the right-hand side: as for the outer equation (docs/theory
    // [D.8]), F can grow faster than Delta (slope > 1) below the root, where Newton in Delta
    // itself walks away from it; in log variables it does not [D.8.4].
    const double g = gamma_, kk = k_;
    auto eval = [&](const numerics::NewtonVector& y, numerics::NewtonVector& G, numerics::NewtonMatrix& J) {
      const double d0 = std::exp(y(0)), d1 = std::exp(y(1));
      const double B0 = C0 / (1.0 + d0 * C0), B1 = C1 / (1.0 + d1 * C1);
      const RadialMoments m = moments_(lambda + M0 + B0, M1 + B1);
      const double F0 = m.q1[0] / g, F1 = m.q1[1] / (g * kk);
      G(0) = y(0) - std::log(F0);
      G(1) = y(1) - std::log(F1);
      // dF_a/dDelta_b, then J = I - diag(1/F) dF/dDelta diag(Delta).
      J(0, 0) = 1.0 - m.q2[0] * B0 * B0 / g * d0 / F0;
      J(0, 1) = -m.q2[1] * B1 * B1 / g * d1 / F0;
      J(1, 0) = -m.q2[1] * B0 * B0 / (g * kk) * d0 / F1;
      J(1, 1) = 1.0 - m.q2[2] * B1 * B1 / (g * kk) * d1 / F1;
      return std::isfinite(G(0)) && std::isfinite(G(1));
    };
    numerics::NewtonVector y(2);
    if (D0 > 0.0 && D1 > 0.0) {
      y << std::log(D0), std::log(D1);
    } else {
      // Start from F(0): a lower bound of the solution (F is increasing in Delta).
      const RadialMoments m = moments_(lambda + M0 + C0, M1 + C1);
      y << std::log(m.q1[0] / g), std::log(m.q1[1] / (g * kk));
    }
    const numerics::DampedNewtonResult r = numerics::solve_damped_newton_exact(eval, y, inner_);
    D0 = std::exp(r.y(0)), D1 = std::exp(r.y(1));
    return r.summary.converged();
  }

  void prepare(double lambda, const MatrixXd& C, const MatrixXd& M, double D0, double D1) override {
    const int K = K_, K2 = K * K;
    const MatrixXd I = MatrixXd::Identity(K, K);
    VectorXd dd = VectorXd::Constant(K, D1);
    dd(0) = D0;
    Delta_ = dd.asDiagonal();
    S_ = (I + Delta_ * C).inverse();  // (I + Delta C)^{-1}; S^T = (I + C Delta)^{-1}
    const MatrixXd B = C * S_;
    Gamma_ = Delta_ * S_.transpose();
    // The fourth-moment tensor T_abcd = (1/gamma) E[q^2 e_a e_b e_c e_d] [D.4].
    T_ = fourth_moment_tensor(k_, gamma_, moments_(lambda + M(0, 0) + B(0, 0), k_ ? M(1, 1) + B(1, 1) : 0.0));
    // dDelta solves (I - L) dDelta = -T:(X_M + S^T X_C S), L(Y) = T:(B Y B) [D.4].
    MatrixXd L(K2, K2);
    for (int j = 0; j < K2; ++j) {
      MatrixXd E = MatrixXd::Zero(K, K);
      E(j % K, j / K) = 1.0;
      const MatrixXd BEB = B * E * B;
      L.col(j) = T_ * Eigen::Map<const VectorXd>(BEB.data(), K2);
    }
    lu_.compute(MatrixXd::Identity(K2, K2) - L);
  }
  const MatrixXd& Delta() const override { return Delta_; }
  const MatrixXd& Gamma() const override { return Gamma_; }

  void derivative(const MatrixXd& XC, const MatrixXd& XM, MatrixXd& dDelta, MatrixXd& dGamma) const override {
    const int K = K_, K2 = K * K;
    const MatrixXd X = XM + S_.transpose() * XC * S_;
    const VectorXd rhs = -T_ * Eigen::Map<const VectorXd>(X.data(), K2);
    const VectorXd sol = lu_.solve(rhs);
    dDelta = Eigen::Map<const MatrixXd>(sol.data(), K, K);
    // Gamma = (Delta^{-1} + C)^{-1}: dGamma = S dDelta S^T - Gamma X_C Gamma [D.4].
    dGamma = S_ * dDelta * S_.transpose() - Gamma_ * XC * Gamma_;
  }

 private:
  int k_, K_;
  double gamma_;
  numerics::MarchenkoPastur mp_;
  RadialMomentRule moments_;  // the radial zeta averages [D.3.3]
  numerics::DampedNewtonOptions inner_;  // the inner Newton on log Delta [D.8.4]
  MatrixXd Delta_, Gamma_, S_, T_;
  Eigen::PartialPivLU<MatrixXd> lu_;
};

}  // namespace

std::unique_ptr<CoreTraces> make_deterministic_traces(int k, double gamma, int radial_nodes_per_panel,
                                                      const numerics::DampedNewtonOptions& inner_newton) {
  return std::make_unique<DeterministicTraces>(k, gamma, radial_nodes_per_panel, inner_newton);
}

}  // namespace srf::theory
