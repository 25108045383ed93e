#pragma once
// E f(xi), xi ~ N(0,1), for integrands that are smooth on each half-line but may have a
// kink or jump at 0 (relu, sign, the step sigma' of relu). Each half-line is integrated by
// the exp-sinh double-exponential rule (Boost.Math), which converges exponentially for
// integrands analytic on (0, inf) whatever happens at the end point 0.
#include <boost/math/quadrature/exp_sinh.hpp>

#include <cmath>
#include <limits>

namespace srf::numerics {

struct GaussianExpectationResult {
  double value = 0.0;
  double error_estimate = 0.0;  // sum of the two half-line error estimates
};

template <class F>
GaussianExpectationResult gaussian_expectation_with_error(F&& f) {
  // Non-const: Boost 1.74 declares integrate() without const. thread_local: the rule caches levels.
  static thread_local boost::math::quadrature::exp_sinh<double> rule;
  const double norm = 1.0 / std::sqrt(2.0 * M_PI);
  // Where the weight underflows to 0 the integrand is 0; evaluating f there could give inf * 0 = NaN
  // (exp-sinh samples t up to ~1e300, where t^3 or e^t overflow).
  auto pos = [&](double t) { const double w = std::exp(-0.5 * t * t); return w == 0.0 ? 0.0 : f(t) * w; };
  auto neg = [&](double t) { const double w = std::exp(-0.5 * t * t); return w == 0.0 ? 0.0 : f(-t) * w; };
  double e1 = 0.0, e2 = 0.0;
  const double tol = std::sqrt(std::numeric_limits<double>::epsilon()) * 1e-3;
  const double a = rule.integrate(pos, tol, &e1);
  const double b = rule.integrate(neg, tol, &e2);
  return {norm * (a + b), norm * (e1 + e2)};
}

template <class F>
double gaussian_expectation(F&& f) {
  return gaussian_expectation_with_error(std::forward<F>(f)).value;
}

}  // namespace srf::numerics
