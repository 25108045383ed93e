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
#include <vector>

#include <sobolev_rf/numerics/damped_newton.hpp>
#include <sobolev_rf/model/spectral_law.hpp>
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

  // The right-hand side of the inner fixed point at given traces, with no solve [D.3]:
  // F = (1/gamma) E_zeta[q e e^T] on the block form (F0, F1), q = 1/(lambda + e^T (M + B) e),
  // B = C (I + Delta C)^{-1} at Delta = diag(D0, D1 I), and the Gamma traces (G0, G1) at that
  // Delta, Gamma = Delta (I + C Delta)^{-1}. For the implicit function theorem
  // (theory/sensitivities.hpp). False when not available (the sampled traces) or not finite.
  virtual bool inner_map(double lambda, double C0, double C1, double M0, double M1, double D0, double D1, double& F0,
                         double& F1, double& G0, double& G1) const = 0;

  // Level 2: fixes the point (C, M) (full K x K) with its level-1 traces (D0, D1); afterwards
  // Delta(), Gamma() and derivative() refer to it.
  virtual void prepare(double lambda, const Eigen::MatrixXd& C, const Eigen::MatrixXd& M, double D0, double D1) = 0;
  virtual const Eigen::MatrixXd& Delta() const = 0;
  virtual const Eigen::MatrixXd& Gamma() const = 0;
  virtual void derivative(const Eigen::MatrixXd& XC, const Eigen::MatrixXd& XM, Eigen::MatrixXd& dDelta,
                          Eigen::MatrixXd& dGamma) const = 0;

  // Structured inputs (docs/theory/structured.md [S.5], [S.6]). The teacher sees the traces under
  // its own law mu_t: the linear terms and A_X use Gamma_t = E_t[s Gamma_s], the Euclidean
  // overlap m_E uses Gamma_tE = E_t[Gamma_s], and w^T P w (P = Theta^T Theta / d) is the response to
  // a row-weight perturbation C_s = s C + t Y rather than C -> C + t X_C. The defaults are the
  // isotropic identities (s = 1: Gamma_t = Gamma_tE = Gamma, Gamma_t^X = Gamma^X, and the
  // row-weight response is derivative(Y, 0)), so the isotropic traces need not know of them.
  virtual const Eigen::MatrixXd& Gamma_t() const { return Gamma(); }
  virtual const Eigen::MatrixXd& Gamma_tE() const { return Gamma(); }
  // derivative() plus the teacher's Gamma_t^X (S5.4).
  virtual void teacher_derivative(const Eigen::MatrixXd& XC, const Eigen::MatrixXd& XM, Eigen::MatrixXd& dDelta,
                                  Eigen::MatrixXd& dGamma, Eigen::MatrixXd& dGamma_t) const {
    derivative(XC, XM, dDelta, dGamma);
    dGamma_t = dGamma;
  }
  // The row-weight perturbation Y (S6.3): Delta^Y, Gamma^Y and Gamma_t^Y.
  virtual void row_weight_derivative(const Eigen::MatrixXd& Y, Eigen::MatrixXd& dDelta, Eigen::MatrixXd& dGamma,
                                     Eigen::MatrixXd& dGamma_t) const {
    teacher_derivative(Y, Eigen::MatrixXd::Zero(Y.rows(), Y.cols()), dDelta, dGamma, dGamma_t);
  }

  // An input-space unit direction (the informed direction, docs/theory/structured.md [S.13]) sees
  // Theta G Theta^T / d through Gamma_s averaged over its own coordinate weights, with no row
  // weight s: E_t[Gamma_s] (the teacher law: the cross with u), E_v[Gamma_s] (the direction law
  // mu_v(ds) = s^b mu(ds) / E[s^b] of theta0 / |theta0|) and E_s[Gamma_s] (a direction uniform on
  // the sphere), or the explicit weights of make_structured_traces. Isotropic inputs: all three are Gamma.
  struct DirectionTraces {
    Eigen::MatrixXd t, v, u;
  };
  virtual DirectionTraces direction_traces() const { return {Gamma(), Gamma(), Gamma()}; }
  // Their derivatives (S13.3) along (X_C, X_M), or with row_weight along the row weight Y = X_C
  // of (S6.3) (X_M unused). Isotropic: Gamma^X (Gamma^Y) for all three.
  virtual DirectionTraces direction_derivative(const Eigen::MatrixXd& XC, const Eigen::MatrixXd& XM,
                                               bool row_weight) const {
    Eigen::MatrixXd dDelta, dGamma, dGamma_t;
    if (row_weight) row_weight_derivative(XC, dDelta, dGamma, dGamma_t);
    else derivative(XC, XM, dDelta, dGamma);
    return {dGamma, dGamma, dGamma};
  }
};

// k sketch directions, gamma = d/p, radial nodes per panel of the zeta quadrature, and the
// options of the inner Newton on log Delta (k >= 1; docs/theory [D.8.4]).
std::unique_ptr<CoreTraces> make_deterministic_traces(
    int k, double gamma, int radial_nodes_per_panel,
    const numerics::DampedNewtonOptions& inner_newton = SaddlePointOptions{}.inner_newton());
// The same for structured inputs (docs/theory/structured.md [S.3]-[S.6]): every trace is a
// spectral average over `law` (model/spectral_law.hpp), which must outlive the traces; k = 0 solves
// the scalar Silverstein equation (S3.5) instead of the Marchenko-Pastur closed form.
// The direction traces are computed only with `weights.used` (an informed direction; they cost a
// third of the tables' pass over the atoms). `weights` replace their three laws by explicit weights on
// the law's atoms (theory/informed.hpp InformedDirection: the estimated_sigma direction,
// docs/theory/structured.md (S14.7)); an empty vector keeps its law (t: mu_t, v: mu_v, u: mu).
struct DirectionWeights {
  std::vector<double> t, v, u;
  bool used = false;
};
std::unique_ptr<CoreTraces> make_structured_traces(
    int k, double gamma, std::shared_ptr<const model::SpectralLaw> law, int radial_nodes_per_panel,
    const numerics::DampedNewtonOptions& inner_newton = SaddlePointOptions{}.inner_newton(),
    DirectionWeights weights = {});
// One sampled Theta (d x P, d = round(gamma P)) and zeta (P x k), drawn from `seed`.
std::unique_ptr<CoreTraces> make_sampled_traces(int k, double gamma, int size, std::uint64_t seed);

}  // namespace srf::theory
