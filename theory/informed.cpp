// Informed gradient projection in the limit. Symbols: docs/theory/informed.md.
#include <sobolev_rf/theory/informed.hpp>

#include <cmath>
#include <list>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/theory/spiked_covariance.hpp>

namespace srf::theory {

namespace {

// (S14.1)-(S14.6): the estimated_sigma direction on a structured law. It depends on (law, ell,
// Delta_u, c) only, not on lambda, beta or p/n, so a curve or a lambda search would solve it again
// at every point: a small process-wide cache keyed by those (the entry holds the law, so its
// address is not reused while cached). Thread-safe; the result is the same computed or cached.
std::shared_ptr<const SpikedEigenvector> sigma_noise_direction(const model::ModelParams& params,
                                                               const model::GaussianConstants& phi,
                                                               const std::shared_ptr<const model::SpectralLaw>& law) {
  const double ell = law->tau2 * phi.derivative_second_moment, delta = params.delta_u, c = params.gamma / params.alpha_u;
  struct Entry {
    std::shared_ptr<const model::SpectralLaw> law;
    double ell, delta, c;
    std::shared_ptr<const SpikedEigenvector> result;
  };
  static std::mutex mutex;
  static std::list<Entry> cache;  // most recent first
  constexpr std::size_t kEntries = 8;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = cache.begin(); it != cache.end(); ++it)
      if (it->law == law && it->ell == ell && it->delta == delta && it->c == c) {
        cache.splice(cache.begin(), cache, it);
        return cache.front().result;
      }
  }
  auto result = std::make_shared<const SpikedEigenvector>(spiked_eigenvector(*law, ell, delta, c));
  std::lock_guard<std::mutex> lock(mutex);
  cache.push_front(Entry{law, ell, delta, c, result});
  if (cache.size() > kEntries) cache.pop_back();
  return result;
}

}  // namespace

double informed_cos_sq(const model::ModelParams& params, const model::GaussianConstants& phi) {
  if (params.informed == "oracle") return 1.0;
  if (!params.estimated_direction()) return 0.0;
  if (params.delta_u == 0.0) return 1.0;  // every sample is a multiple of theta0
  if (params.informed == "estimated_sigma" && params.structured())
    return sigma_noise_direction(params, phi, model::spectral_law(params.spectrum, params.alignment))->cos2;
  const double tau2 = params.structured() ? model::spectral_law(params.spectrum, params.alignment)->tau2 : 1.0;
  const double ell = tau2 * phi.derivative_second_moment / params.delta_u;  // spike / noise [I.4], (S13.5)
  const double c = params.gamma / params.alpha_u;                           // d / n_u
  if (ell * ell <= c) return 0.0;                                           // below the BBP transition
  return (ell * ell - c) / (ell * (ell + c));
}

InformedDirection informed_direction(const model::ModelParams& params, const model::GaussianConstants& phi,
                                     const std::shared_ptr<const model::SpectralLaw>& law) {
  InformedDirection d;
  if (!params.has_informed()) return d;
  const double tau2 = law ? law->tau2 : 1.0, tau = std::sqrt(tau2);
  if (params.informed == "estimated_sigma" && law && params.delta_u > 0.0) {
    const SpikedEigenvector& e = *sigma_noise_direction(params, phi, law);
    d.cos2 = e.cos2;
    const std::size_t n = law->size();
    d.t.resize(n), d.v = e.profile, d.u.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      d.t[i] = tau * law->s[i] * e.bilinear[i];  // a^T G D_b u = tau sum_r v_r u_r s_r Gamma_{s_r} (S14.7)
      d.u[i] = tau * e.bilinear[i];              // u_E^T G a = tau sum_r v_r u_r Gamma_{s_r}
    }
    d.c_t = 1.0, d.c_vv = 1.0, d.c_vu = 0.0, d.c_ov = 0.0, d.c_ou = 1.0;
    return d;
  }
  d.cos2 = informed_cos_sq(params, phi);
  const double cosine = std::sqrt(d.cos2);
  d.c_t = cosine / tau, d.c_vv = d.cos2, d.c_vu = 1.0 - d.cos2, d.c_ov = cosine * tau, d.c_ou = 0.0;
  return d;
}

double informed_overlap_sq(const model::ModelParams& params, const model::GaussianConstants& phi) {
  const double cos2 = informed_cos_sq(params, phi);
  if (!params.structured() || cos2 == 0.0) return cos2;
  return cos2 * model::spectral_law(params.spectrum, params.alignment)->tau2;
}

InformedShift informed_shift(const model::ModelParams& params, const model::GaussianConstants& sigma, const model::GaussianConstants& phi,
                             double tau2, double cos2, const InformedOverlaps& ov, double scale) {
  InformedShift s;
  if (!params.has_informed()) return s;
  s.cos2 = cos2;
  s.t2 = s.cos2 * tau2;
  const double t = std::sqrt(s.t2);
  const double k1 = sigma.kappa_1, mu1 = phi.kappa_1, b = params.beta_inf;
  const double denominator = scale + b * k1 * k1 * ov.Gamma_aa;
  s.epsilon = denominator > 0.0 ? b * k1 * (t * mu1 - k1 * ov.n) / denominator : 0.0;
  s.c_inf = k1 * (ov.n + s.epsilon * ov.Gamma_aa);
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
  if (p.structured()) {
    std::ostringstream os;
    os << "d = " << d << ": the finite-d informed version is derived for isotropic inputs only, not with spectrum = "
       << p.spectrum;
    throw model::InvalidParameter("d", os.str());
  }
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
