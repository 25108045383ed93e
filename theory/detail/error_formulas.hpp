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
  // parameters by name (V_00, Delta_00, Vhat_00, ..., m, q_s, q_w).
  model::Errors errors_at(const std::vector<double>& varpi, std::vector<std::pair<std::string, double>>* order) const;

 private:
  const OuterEquation& outer_;
  Eigen::MatrixXd V_, R_, Gamma_;
  // Per symmetrised block E^(ab), at index a + b K: Gamma^X and V^X of (4.4) for
  // X = (K1_a K1_b E^(ab), Ks_ab E^(ab)).
  std::vector<Eigen::MatrixXd> dGamma_, dV_;
  // The same for X = (E^(00), 0) (w^T P w) and X = (0, E^(00)) (|w|^2) [D.6].
  Eigen::MatrixXd dGamma_P_, dV_P_, dGamma_I_, dV_I_;
  // The response of the fit to its own residual, L_2(Y)_ab = sum_cd (R Y R)_cd (B_ab)_cd with
  // B_ab = -V^X_ab [D.4.5], as a K^2 x K^2 matrix, and the LU of I - L_2.
  Eigen::MatrixXd response_matrix_;
  Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
};

// The law of gen_g over the sketch's free part at beta = 0, k > 0 (theory_result.hpp,
// UnpinnedSketchLaw; [D.11]), from the L2 fit's order parameters m, q_s, q_w.
UnpinnedSketchLaw unpinned_sketch_law(const model::GaussianConstants& student, const model::GaussianConstants& teacher,
                                      bool teacher_has_useful_gradient, const std::vector<double>& varpi, double m,
                                      double q_s, double q_w);

// The L2 fit on the user's sketch (beta = 0, k > 0; [D.11]): the mean of gen_g over the sketch's
// free part is A0 + A2 |varpi|^2 with
//   A0 = k [kappa_1^2 (q_s - m^2) + (E sigma'^2 - kappa_1^2) q_w],   A2 = E phi'^2 - 2 mu_1 kappa_1 m + kappa_1^2 m^2,
// so that its mean over varpi ~ N(0, I_k) is k gen_grad. These coefficients are the VarpiLaw of
// gen_g (and, added to gen_f's, of gen_h1) for the beta = 0 fit.
struct UnpinnedGenGMean {
  double A0 = 0, A2 = 0;
};
UnpinnedGenGMean unpinned_gen_g_mean(const model::GaussianConstants& student, const model::GaussianConstants& teacher,
                                     bool teacher_has_useful_gradient, int k, double m, double q_s, double q_w);

}  // namespace srf::theory
