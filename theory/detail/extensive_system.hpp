#pragma once
// Extensive sketches (docs/theory/extensive.md): k = kappa d directions, the gradient term the mean
// over them. In the limit the gradient block concentrates to a deterministic penalty, and the fit is a
// generalized ridge on the function rows whose deterministic equivalent has two unknowns,
//   x = (tau, g):  tau = 1 / (1 + delta(tau, g))  [E.5],   g = 1 / (c0 + int m / u dnu)  [E.6],
// with c0 = lambda + beta v' + tau kappa_star^2, m(c) = kappa_1^2 (tau + beta c), u = 1 + m g / gamma,
// nu the law of the sketch metric C (sketch_spectrum.hpp). The second level [E.7]-[E.10] is explicit
// in (tau, g). No inner fixed point. Internal to theory/.
#include <string>

#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/detail/saddle_point_system.hpp>
#include <sobolev_rf/theory/detail/sketch_spectrum.hpp>

namespace srf::theory {

class ExtensiveSystem : public SaddlePointSystem {
 public:
  // Validated extensive parameters (kappa > 0); lambda >= 0 with beta v' + lambda > 0 or kappa_star > 0
  // (else unsolvable(): the ridgeless L2 fit is the fixed-k family's, see make_model_system).
  ExtensiveSystem(const model::ModelParams& params, const SaddlePointOptions& options);

  std::string state_key() const override { return "extensive"; }
  int dim() const override { return 2; }
  std::string unsolvable() const override { return unsolvable_; }
  bool outer_map(double lambda, const Eigen::VectorXd& x, Eigen::VectorXd& Tx, Eigen::VectorXd& inner) const override;
  void default_start(double lambda, Eigen::VectorXd& x, Eigen::VectorXd& inner) const override;
  void second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& out) const override;
  std::string converged_message(double residual) const override;

  // The errors at (tau, g) and ridge lambda, with the order parameters when `order` is given (also
  // for the sensitivities and tests).
  model::Errors errors_at(double lambda, double tau, double g, std::vector<std::pair<std::string, double>>* order) const;

 private:
  // The traces of [E.6]-[E.9] at (tau, g): the Silverstein denominators u = P + Q c and the moments.
  struct Point;
  Point point(double lambda, double tau, double g) const;

  model::ModelParams params_;
  SketchSpectrum nu_;
  model::GaussianConstants sig_, phi_;
  double v_prime_ = 0;        // v' = E sigma'^2 - kappa_1^2 = kappa'_1^2 + kappa'_star^2 [E.2]
  double noise_ = 0;          // Delta_eff = Delta_f + mu_star^2 (+ mu_0^2 without an intercept) [E.4]
  double unfittable_ = 0;     // mu_0^2 when the student has no mean to fit it (kappa_0 = 0) [E.4]
  double teacher_grad_ = 0;   // E phi'^2 (0 for a teacher without a useful gradient)
  std::string unsolvable_;
};

}  // namespace srf::theory
