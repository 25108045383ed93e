// Informed gradient projection in the limit. Symbols: docs/theory/informed.md.
#include <sobolev_rf/theory/informed.hpp>

#include <cmath>
#include <sstream>
#include <string>

#include <sobolev_rf/model/activation.hpp>

namespace srf::theory {

double informed_overlap_sq(const model::ModelParams& params, const model::GaussianConstants& phi) {
  if (params.informed == "oracle") return 1.0;
  if (params.informed != "estimated") return 0.0;
  if (params.delta_u == 0.0) return 1.0;  // every sample is a multiple of theta0
  const double ell = phi.derivative_second_moment / params.delta_u;  // spike / noise [I.4]
  const double c = params.gamma / params.alpha_u;                    // d / n_u
  if (ell * ell <= c) return 0.0;                                    // below the BBP transition
  return (ell * ell - c) / (ell * (ell + c));
}

InformedShift informed_shift(const model::ModelParams& params, const model::GaussianConstants& sigma, const model::GaussianConstants& phi,
                             double m0, double Gamma00, double scale) {
  InformedShift s;
  if (!params.has_informed()) return s;
  s.t2 = informed_overlap_sq(params, phi);
  const double t = std::sqrt(s.t2);
  const double k1 = sigma.kappa_1, mu1 = phi.kappa_1, b = params.beta_inf;
  const double denominator = scale + b * k1 * k1 * Gamma00;
  s.delta = denominator > 0.0 ? b * k1 * (mu1 - k1 * m0) / denominator : 0.0;
  s.c_inf = k1 * t * (m0 + s.delta * Gamma00);
  const double miss = t * mu1 - s.c_inf;
  s.gen_inf = s.t2 * (phi.derivative_second_moment - mu1 * mu1) + miss * miss;
  s.train_inf = s.gen_inf + params.delta_g;
  return s;
}

}  // namespace srf::theory

namespace srf::theory {

model::ModelParams informed_finite_d_equivalent(const model::ModelParams& p, double d) {
  if (!std::isfinite(d) || !(d > 0)) {
    std::ostringstream os;
    os << "d = " << d << ": must be finite and > 0 (the input dimension of the finite-d version)";
    throw model::InvalidParameter("d", os.str());
  }
  if (p.k != 0) throw model::InvalidParameter("k", "k = " + std::to_string(p.k) + ": the finite-d informed version needs k = 0");
  if (!p.has_informed()) throw model::InvalidParameter("informed", "informed = none: no informed direction to map");
  p.validate();
  const double t = std::sqrt(informed_overlap_sq(p, model::gaussian_constants(model::activation(p.teacher))));
  model::ModelParams q = p;
  q.informed = "none";
  q.k = 1;
  q.varpi = {std::sqrt(d) * t};
  q.beta = p.beta_inf / d;
  q.delta_g = p.delta_g * d;
  q.rho = 0.0;  // the informed label noise is independent of eps
  return q;
}

model::Errors informed_finite_d_errors(const model::Errors& e, double d) {
  model::Errors u = e;
  u.train_inf = e.train_g / d;
  u.gen_inf = e.gen_g / d;
  u.train_g = 0.0;
  u.gen_g = 0.0;
  u.gen_h1 = e.gen_f;
  return u;
}

}  // namespace srf::theory
