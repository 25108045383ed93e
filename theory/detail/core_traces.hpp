#pragma once
// The core traces of the saddle point (docs/theory [D.3], [D.4]): for the resolvent
//   G = (lambda I + diag_j(e_j^T M e_j) + sum_ab C_ab D_a P D_b)^{-1},   P = Theta^T Theta / d,
// D_0 = I, D_m = diag(zeta_.m), e_j = (1, zeta_j), the K x K matrices
//   Delta_ab = lim (1/d) tr(D_a D_b G),   Gamma_ab = lim (1/d) tr(D_a P D_b G),
// and their derivatives along a perturbation (X_C, X_M) of (C, M).
// Two implementations: the deterministic equivalent (operator-valued Marchenko-Pastur fixed
// point with radial zeta quadrature; the default) and the same traces on one sampled matrix of
// size P (an independent check that must agree as P grows).
#include <Eigen/Dense>

#include <cstdint>
#include <memory>

#include <sobolev_rf/numerics/damped_newton.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::theory {

class CoreTraces {
 public:
  virtual ~CoreTraces() = default;

  // Level 1, on the rotation-invariant block structure C = diag(C0, C1 I_k), M = diag(M0, M1 I_k):
  // Delta = diag(D0, D1 I_k), Gamma = diag(G0, G1 I_k). D0, D1 carry a warm start in (<= 0: none)
  // and the result out. Returns false when the traces could not be computed.
  virtual bool level1(double lambda, double C0, double C1, double M0, double M1, double& D0, double& D1, double& G0,
                      double& G1) const = 0;

  // Level 2: fixes the point (C, M) (full K x K) with its level-1 traces (D0, D1); afterwards
  // Delta(), Gamma() and derivative() refer to it.
  virtual void prepare(double lambda, const Eigen::MatrixXd& C, const Eigen::MatrixXd& M, double D0, double D1) = 0;
  virtual const Eigen::MatrixXd& Delta() const = 0;
  virtual const Eigen::MatrixXd& Gamma() const = 0;
  virtual void derivative(const Eigen::MatrixXd& XC, const Eigen::MatrixXd& XM, Eigen::MatrixXd& dDelta,
                          Eigen::MatrixXd& dGamma) const = 0;
};

// k sketch directions, gamma = d/p, radial nodes per panel of the zeta quadrature, and the
// options of the inner Newton on log Delta (k >= 1; docs/theory [D.8.4]).
std::unique_ptr<CoreTraces> make_deterministic_traces(
    int k, double gamma, int radial_nodes_per_panel,
    const numerics::DampedNewtonOptions& inner_newton = SaddlePointOptions{}.inner_newton());
// One sampled Theta (d x P, d = round(gamma P)) and zeta (P x k), drawn from `seed`.
std::unique_ptr<CoreTraces> make_sampled_traces(int k, double gamma, int size, std::uint64_t seed);

}  // namespace srf::theory
