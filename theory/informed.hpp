#pragma once
// Informed gradient projection in the proportional limit (docs/theory/informed.md [I.1]-[I.4]).
// An informed unit direction u enters the loss as beta_inf (u.(g_i - grad f(x_i)))^2 / n. Per
// feature, u.grad f = sum_j w_j sigma'(h_j) a_j with a = Theta^T u / sqrt d, |a|^2 -> 1/gamma:
// only the x-constant part kappa_1 a^T w survives the limit, so the term is the rank-one
// deterministic spike beta_inf (t mu_1 - kappa_1 a^T w)^2 (t = u . theta0): level 1 is
// unchanged and level 2 sees the signal field g shifted in its function component.
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

#include <memory>
#include <vector>

namespace srf::theory {

// [I.4], (S13.5) The overlap of the informed unit direction u with the teacher. With structured
// inputs |theta0|^2 -> tau^2 (docs/theory/structured.md (S1.3)), so the cosine and the overlap
// differ: cos^2 = (u . theta0)^2 / |theta0|^2 is 1 for oracle; for estimated the spiked-covariance
// (BBP) limit with signal-to-noise ell = tau^2 E phi'(xi)^2 / Delta_u (the spike |theta0|^2 E phi'^2
// against the noise Delta_u I) and aspect ratio c = d / n_u = gamma / alpha_u:
//   cos^2 = (ell^2 - c) / (ell (ell + c))  if ell^2 > c,  else 0;   cos^2 = 1 at Delta_u = 0;
// 0 for informed = none. informed_overlap_sq is t^2 = (u . theta0)^2 = tau^2 cos^2 (isotropic
// inputs: the two agree). `phi` are the teacher's constants.
// estimated_sigma (noise Delta_u Sigma, docs/theory/structured.md [S.14]): with isotropic inputs the
// same as estimated; with a structured spectrum the generalised spiked limit of
// theory/spiked_covariance.hpp (throws InvalidParameter naming "informed" for an unbounded spectrum).
double informed_cos_sq(const model::ModelParams& params, const model::GaussianConstants& phi);
double informed_overlap_sq(const model::ModelParams& params, const model::GaussianConstants& phi);

// The informed direction as the level-2 formulas see it (docs/theory/structured.md (S13.2), (S14.7)).
// The structured core traces average Gamma_s over three weightings of the spectral law's atoms,
//   T = sum_i t_i Gamma_{s_i},  V = sum_i v_i Gamma_{s_i},  U = sum_i u_i Gamma_{s_i}
// (empty weights: the laws mu_t, mu_v and mu of model/spectral_law.hpp; isotropic inputs: all
// three are Gamma), and the direction's overlaps are the combinations
//   a^T G D_b u = c_t T_0b,   a^T G a = c_vv V_00 + c_vu U_00,   u_E^T G a = c_ov V_00 + c_ou U_00.
// oracle and estimated (u = cos v + sin u_perp, u_perp uniform): the three laws, c_t = cos / tau,
// (c_vv, c_vu) = (cos^2, sin^2), (c_ov, c_ou) = (cos tau, 0) (S13.2). estimated_sigma with a
// structured spectrum: t_i = tau s_i bilinear_i, v_i = profile_i, u_i = tau bilinear_i of
// spiked_eigenvector, c_t = 1, (c_vv, c_vu) = (1, 0), (c_ov, c_ou) = (0, 1) (S14.7).
struct InformedDirection {
  double cos2 = 0;  // (u . theta0)^2 / |theta0|^2
  std::vector<double> t, v, u;
  double c_t = 0, c_vv = 0, c_vu = 0, c_ov = 0, c_ou = 0;
};
// `law`: the structured spectral law, or null for isotropic inputs. informed = none: all zero.
InformedDirection informed_direction(const model::ModelParams& params, const model::GaussianConstants& phi,
                                     const std::shared_ptr<const model::SpectralLaw>& law);

// [I.2], (S13.4) The informed term is the rank-one spike beta_inf (t mu_1 - kappa_1 a^T w)^2
// (a = Theta^T u / sqrt d, t = u . theta0). By Sherman-Morrison the fit is w = w_0 + eps G a with
//   eps = beta_inf kappa_1 (t mu_1 - kappa_1 n) / (scale + beta_inf kappa_1^2 Gamma_aa),
// from two overlaps of the uninformed fit w_0 = G(URc + xi): Gamma_aa = a^T G a and
// n = a^T G URc = a^T w_0. `scale` is 1, or lambda in the rescaled ridgeless variables of [D.14]
// (Gamma_aa and eps then in those variables too). Zero when informed = none or beta_inf = 0.
struct InformedOverlaps {
  double Gamma_aa = 0;  // a^T G a
  double n = 0;         // a^T w_0
};
struct InformedShift {
  double t2 = 0;       // t^2 = (u . theta0)^2
  double cos2 = 0;     // t^2 / tau^2
  double epsilon = 0;  // the coefficient of G a in w
  // The informed limit quantities [I.3]: the student's informed gradient tends to the constant
  // c_inf = kappa_1 a^T w = kappa_1 (n + eps Gamma_aa), so
  //   gen_inf = t^2 (E phi'^2 - mu_1^2) + (t mu_1 - c_inf)^2,   train_inf = gen_inf + Delta_g.
  double c_inf = 0;
  double gen_inf = 0;
  double train_inf = 0;
};
// cos2 = informed_cos_sq (or InformedDirection::cos2).
InformedShift informed_shift(const model::ModelParams& params, const model::GaussianConstants& sigma, const model::GaussianConstants& phi,
                             double tau2, double cos2, const InformedOverlaps& overlaps, double scale);

}  // namespace srf::theory

namespace srf::theory {

// [I.6] The finite-d version for k = 0: at input dimension d the informed direction is a sketch
// column of unit norm, i.e. (as theory/sketch_scale.hpp does for the random sketch) the k = 1
// model with an N(0, I)-scale column, weight beta_inf/d, alignment varpi = sqrt(d) t and label
// noise d Delta_g; it keeps the n informed equations per sample that the limit drops, so its
// ridgeless threshold is at p/n = 2. Its mean (the x-constant part) is a free intercept there,
// fitted exactly: right where the informed stiffness beta_inf kappa_1^2 Gamma_00 >> 1 (small
// lambda, the regime of the trap), not at large lambda (use the limit there).
// t = sqrt(informed_overlap_sq). Throws InvalidParameter for k != 0, informed = none, d not
// finite and > 0, or a structured spectrum (naming d: derived for isotropic inputs only).
model::ModelParams informed_finite_d_equivalent(const model::ModelParams& p, double d);
// The errors of that model as the informed model reports them: train_inf = train_g / d,
// gen_inf = gen_g / d, train_g = gen_g = 0, gen_h1 = gen_f.
model::Errors informed_finite_d_errors(const model::Errors& equivalent, double d);

}  // namespace srf::theory
