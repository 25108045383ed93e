#include <sobolev_rf/model/gaussian_equivalence.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include <sobolev_rf/numerics/gaussian_expectation.hpp>

namespace srf::model {

namespace {
GaussianConstants compute_constants(const Activation& a) {
  using numerics::gaussian_expectation;
  GaussianConstants c;
  c.kappa_0 = gaussian_expectation([&](double t) { return a.value(t); });
  c.kappa_1 = gaussian_expectation([&](double t) { return t * a.value(t); });
  c.second_moment = gaussian_expectation([&](double t) { const double v = a.value(t); return v * v; });
  c.kappa_star_sq = std::max(0.0, c.second_moment - c.kappa_0 * c.kappa_0 - c.kappa_1 * c.kappa_1);
  c.kappa1_prime = gaussian_expectation([&](double t) { return t * a.derivative(t); });
  c.derivative_second_moment =
      gaussian_expectation([&](double t) { const double v = a.derivative(t); return v * v; });
  const double mean_prime = gaussian_expectation([&](double t) { return a.derivative(t); });
  c.kappa_star_prime_sq =
      std::max(0.0, c.derivative_second_moment - mean_prime * mean_prime - c.kappa1_prime * c.kappa1_prime);
  c.cross_moment = gaussian_expectation([&](double t) { return a.value(t) * a.derivative(t); });
  c.c_star = c.cross_moment - c.kappa_0 * mean_prime - mean_prime * c.kappa1_prime;
  // Round-off below 1e-14 is not a real nonlinear part (linear activation has kappa_star = 0).
  if (c.kappa_star_sq < 1e-14) c.kappa_star_sq = 0.0;
  if (c.kappa_star_prime_sq < 1e-14) c.kappa_star_prime_sq = 0.0;
  if (std::abs(c.c_star) < 1e-14) c.c_star = 0.0;
  // Likewise for coefficients that vanish by symmetry (kappa'_1 of sigmoid, kappa_0 of tanh):
  // round-off of 1e-17 would otherwise enter C = K1 R K1 as a spurious 1e-36.
  for (double* v : {&c.kappa_0, &c.kappa_1, &c.kappa1_prime})
    if (std::abs(*v) < 1e-14) *v = 0.0;
  return c;
}
}  // namespace

GaussianConstants gaussian_constants(const Activation& a) {
  // Computed once per registered activation (a curve asks for the same constants at every point).
  static std::mutex mutex;
  static std::map<const Activation*, GaussianConstants> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(&a);
  if (it == cache.end()) it = cache.emplace(&a, compute_constants(a)).first;
  return it->second;
}

}  // namespace srf::model
