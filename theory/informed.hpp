#pragma once
// Informed gradient projection in the proportional limit (docs/theory/informed.md [I.1]-[I.4]).
// An informed unit direction u enters the loss as beta_inf (u.(g_i - grad f(x_i)))^2 / n. Per
// feature, u.grad f = sum_j w_j sigma'(h_j) a_j with a = Theta^T u / sqrt d, |a|^2 -> 1/gamma:
// only the x-constant part kappa_1 a^T w survives the limit, so the term is the rank-one
// deterministic spike beta_inf (t mu_1 - kappa_1 a^T w)^2 (t = u . theta0): level 1 is
// unchanged and level 2 sees the signal field g shifted in its function component.
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::theory {

// [I.4] The squared overlap t^2 = (u . theta0)^2 of the informed direction with the teacher:
// 1 for oracle; for estimated the spiked-covariance (BBP) limit with signal-to-noise
// ell = E phi'(xi)^2 / Delta_u and aspect ratio c = d / n_u = gamma / alpha_u:
//   t^2 = (ell^2 - c) / (ell (ell + c))  if ell^2 > c,  else 0;   t^2 = 1 at Delta_u = 0.
// 0 for informed = none. `phi` are the teacher's constants.
double informed_overlap_sq(const model::ModelParams& params, const model::GaussianConstants& phi);

// [I.2] The shift of the function component of the signal field g (level 2, [D.4.1]):
//   delta = beta_inf kappa_1 (mu_1 - kappa_1 m0) / (scale + beta_inf kappa_1^2 Gamma_00),
// g~ = g + t^2 delta e_0, plus the orthogonal part of u adding -(1 - t^2) t^2 delta^2 Gamma^X_00
// to every second moment [I.3]. m0 = (Gamma g)_0 is the overlap without the informed term.
// `scale` is 1, or lambda in the rescaled ridgeless variables of [D.14] (Gamma_00, g, delta
// then in those variables too). Zero when informed = none or beta_inf = 0.
struct InformedShift {
  double t2 = 0;     // squared overlap t^2
  double delta = 0;  // the oracle shift delta
  // The informed limit quantities [I.3]: the student's informed gradient tends to the constant
  // c_inf = kappa_1 t (m0 + delta Gamma_00), so
  //   gen_inf = t^2 (E phi'^2 - mu_1^2) + (t mu_1 - c_inf)^2,   train_inf = gen_inf + Delta_g.
  double c_inf = 0;
  double gen_inf = 0;
  double train_inf = 0;
};
InformedShift informed_shift(const model::ModelParams& params, const model::GaussianConstants& sigma, const model::GaussianConstants& phi,
                             double m0, double Gamma00, double scale);

}  // namespace srf::theory

namespace srf::theory {

// [I.6] The finite-d version for k = 0: at input dimension d the informed direction is a sketch
// column of unit norm, i.e. (as theory/sketch_scale.hpp does for the random sketch) the k = 1
// model with an N(0, I)-scale column, weight beta_inf/d, alignment varpi = sqrt(d) t and label
// noise d Delta_g; it keeps the n informed equations per sample that the limit drops, so its
// ridgeless threshold is at p/n = 2. Its mean (the x-constant part) is a free intercept there,
// fitted exactly: right where the informed stiffness beta_inf kappa_1^2 Gamma_00 >> 1 (small
// lambda, the regime of the trap), not at large lambda (use the limit there).
// t = sqrt(informed_overlap_sq). Throws InvalidParameter for k != 0, informed = none, or d not
// finite and > 0.
model::ModelParams informed_finite_d_equivalent(const model::ModelParams& p, double d);
// The errors of that model as the informed model reports them: train_inf = train_g / d,
// gen_inf = gen_g / d, train_g = gen_g = 0, gen_h1 = gen_f.
model::Errors informed_finite_d_errors(const model::Errors& equivalent, double d);

}  // namespace srf::theory
