#include <sobolev_rf/simulation/gaussian_pair_expectation.hpp>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace srf::simulation {

namespace {

double evaluate(const model::Activation& a, ActivationPart part, double t) {
  return part == ActivationPart::kValue ? a.value(t) : a.derivative(t);
}

}  // namespace

PairExpectation gaussian_pair_expectation(const model::Activation& f, ActivationPart f_part, double s_u,
                                          const model::Activation& g, ActivationPart g_part, double s_v,
                                          double rho) {
  // Polar coordinates (z_1, z_2) = R (cos t, sin t):
  //   E[f(u) g(v)] = (1 / 2 pi) int_0^{2 pi} dt int_0^inf R e^{-R^2/2} f(s_u R cos t) g(s_v R (rho cos t + r sin t)) dR.
  // The kinks u = 0 and v = 0 are rays, at angles pi/2 + m pi and atan2(-rho, r) + m pi: between
  // consecutive rays the angular integrand is analytic (tanh-sinh), and along each ray the
  // radial one is analytic on (0, inf) (exp-sinh). Coinciding rays (rho = +-1) just leave empty
  // intervals.
  static thread_local boost::math::quadrature::tanh_sinh<double> angular;
  static thread_local boost::math::quadrature::exp_sinh<double> radial;
  const double r = std::sqrt(std::max(0.0, 1.0 - rho * rho));
  const double tol = 1e-12;
  double radial_error = 0;
  // Inside an interval between kink rays the signs of u and v are fixed; at abscissas within
  // rounding of an end, cos t or rho cos t + r sin t can come out with the wrong sign and put a
  // ~1e-16 piece of the other branch of a kinked activation into the integrand (relu: an
  // identically zero interval turns into noise of size 1e-32 that a relative tolerance never
  // meets, 10^7 evaluations). The signs are therefore those of the interval's midpoint.
  double sign_u = 1, sign_v = 1;
  auto along_ray = [&](double t) {
    const double cu = std::copysign(s_u * std::fabs(std::cos(t)), sign_u);
    const double cv = std::copysign(s_v * std::fabs(rho * std::cos(t) + r * std::sin(t)), sign_v);
    auto integrand = [&](double R) {
      const double w = R * std::exp(-0.5 * R * R);
      return w == 0.0 ? 0.0 : w * evaluate(f, f_part, cu * R) * evaluate(g, g_part, cv * R);
    };
    double err = 0;
    const double value = radial.integrate(integrand, tol, &err);
    radial_error = std::max(radial_error, err);
    return value;
  };
  std::vector<double> rays = {0.5 * M_PI, 1.5 * M_PI};
  double tv = std::atan2(-rho, r);  // in (-pi, pi]
  if (tv < 0) tv += M_PI;           // in [0, pi)
  rays.push_back(tv);
  rays.push_back(tv + M_PI);
  std::sort(rays.begin(), rays.end());
  rays.push_back(rays.front() + 2 * M_PI);
  PairExpectation out;
  for (std::size_t i = 0; i + 1 < rays.size(); ++i) {
    const double a = rays[i], b = rays[i + 1];
    if (b - a <= 1e-15) continue;
    const double mid = 0.5 * (a + b);
    sign_u = std::cos(mid) < 0 ? -1.0 : 1.0;
    sign_v = rho * std::cos(mid) + r * std::sin(mid) < 0 ? -1.0 : 1.0;
    double err = 0;
    // The two-argument integrand (t, distance to the nearer end): Boost's one-argument form
    // asserts that no abscissa rounds onto an end of [a, b], which happens for a far from 0; the
    // integrand is smooth in t, so evaluating at an end is harmless.
    out.value += angular.integrate([&](double t, double) { return along_ray(t); }, a, b, tol, &err);
    out.error_estimate += err;
  }
  out.value /= 2 * M_PI;
  out.error_estimate = out.error_estimate / (2 * M_PI) + radial_error;
  return out;
}

}  // namespace srf::simulation
