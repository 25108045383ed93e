// Informed gradient projection in the limit. Symbols: docs/theory/informed.md.
#include "theory/informed.hpp"

#include <cmath>

namespace srf::theory {

double informed_overlap_sq(const ModelParams& params, const GaussianConstants& phi) {
  if (params.informed == "oracle") return 1.0;
  if (params.informed != "estimated") return 0.0;
  if (params.delta_u == 0.0) return 1.0;  // every sample is a multiple of theta0
  const double ell = phi.derivative_second_moment / params.delta_u;  // spike / noise [I.4]
  const double c = params.gamma / params.alpha_u;                    // d / n_u
  if (ell * ell <= c) return 0.0;                                    // below the BBP transition
  return (ell * ell - c) / (ell * (ell + c));
}

InformedShift informed_shift(const ModelParams& params, const GaussianConstants& sigma, const GaussianConstants& phi,
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
