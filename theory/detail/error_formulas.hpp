#pragma once
// [D.4]-[D.6] The second level of the saddle point: the K^2 x K^2 linear system (4.5) for the
// population error on the linear parts, and the reported errors built from it. Everything that
// does not depend on the teacher's alignment varpi is prepared once at the solved block order
// parameters; errors_at() then costs one K^2 x K^2 back-substitution per varpi [D.7].
// Internal to theory/ (the public entry point is theory/saddle_point.hpp).
#include <Eigen/Dense>

#include <string>
#include <utility>
#include <vector>

#include <sobolev_rf/theory/detail/outer_equation.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::theory {

class SecondLevel {
 public:
  // Prepares [D.4] at the solution `op` of the outer equation; `outer` must outlive this
  // object, and its traces are re-pointed at `op` (CoreTraces::prepare).
  SecondLevel(const OuterEquation& outer, const BlockOrderParameters& op);

  // The reported errors [D.6] at alignment varpi (length k); with `order`, also the order
  // parameters by name (V_00, Delta_00, Vhat_00, ..., m, q_s, q_w, m_E, q_E).
  model::Errors errors_at(const std::vector<double>& varpi, std::vector<std::pair<std::string, double>>* order) const;

 private:
  const OuterEquation& outer_;
  // Gamma is the teacher's trace everywhere: Gamma_t (S5.1), and Gamma_tE (S6.2) for m_E; for
  // isotropic inputs both are Gamma [D.4.2].
  Eigen::MatrixXd V_, R_, Gamma_, Gamma_E_;
  // Per symmetrised block E^(ab), at index a + b K: the teacher's Gamma_t^X and V^X of (4.4),
  // (S5.4) for X = (K1_a K1_b E^(ab), Ks_ab E^(ab)).
  std::vector<Eigen::MatrixXd> dGamma_, dV_;
  // The same for X = (E^(00), 0) (w^T P_Sigma w), X = (0, E^(00)) (|w|^2) [D.6], and the row weights
  // Y = E^(00) (w^T P w, the Euclidean P = Theta^T Theta / d, (S6.3)).
  Eigen::MatrixXd dGamma_P_, dV_P_, dGamma_I_, dV_I_, dGamma_E_, dV_E_;
  // An informed direction (docs/theory/structured.md [S.13]): the direction traces at the point and
  // their derivatives along the same perturbations (per block, then P, I and the row weight E).
  CoreTraces::DirectionTraces dir_;
  std::vector<CoreTraces::DirectionTraces> dDir_;
  CoreTraces::DirectionTraces dDir_P_, dDir_I_, dDir_E_;
  // The response of the fit to its own residual, L_2(Y)_ab = sum_cd (R Y R)_cd (B_ab)_cd with
  // B_ab = -V^X_ab [D.4.5], as a K^2 x K^2 matrix, and the LU of I - L_2.
  Eigen::MatrixXd response_matrix_;
  Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
};

// The L2 fit's overlaps that the beta = 0 law of gen_g needs [D.11], [S.9]: tau^2 = lim |theta0|^2
// and the Euclidean m_E = u_E^T w, q_E = w^T P w (u_E = Theta^T theta0 / sqrt d, P = Theta^T Theta / d),
// with q_w = |w|^2. Isotropic inputs: tau^2 = 1, m_E = m, q_E = q_s.
struct UnpinnedOverlaps {
  double tau2 = 1, m_E = 0, q_E = 0, q_w = 0;
};

// The law of gen_g over the sketch's free part at beta = 0, k > 0 (theory_result.hpp,
// UnpinnedSketchLaw; [D.11], [S.9]): s_m ~ N(varpi_m m_E / tau^2, q_E - m_E^2 / tau^2).
UnpinnedSketchLaw unpinned_sketch_law(const model::GaussianConstants& student, const model::GaussianConstants& teacher,
                                      bool teacher_has_useful_gradient, const std::vector<double>& varpi,
                                      const UnpinnedOverlaps& overlaps);

// The L2 fit on the user's sketch (beta = 0, k > 0; [D.11], (S9.3)): the mean of gen_g over the
// sketch's free part is A0 + A2 |varpi|^2 with, v = q_E - m_E^2 / tau^2,
//   A0 = k [kappa_1^2 v + (E sigma'^2 - kappa_1^2) q_w],
//   A2 = E phi'^2 - 2 mu_1 kappa_1 m_E / tau^2 + kappa_1^2 m_E^2 / tau^4,
// so that its mean over varpi ~ N(0, tau^2 I_k) is k gen_grad. These coefficients are the
// VarpiLaw of gen_g (and, added to gen_f's, of gen_h1) for the beta = 0 fit.
struct UnpinnedGenGMean {
  double A0 = 0, A2 = 0;
};
UnpinnedGenGMean unpinned_gen_g_mean(const model::GaussianConstants& student, const model::GaussianConstants& teacher,
                                     bool teacher_has_useful_gradient, int k, const UnpinnedOverlaps& overlaps);

}  // namespace srf::theory
