#include <sobolev_rf/numerics/radial_chi_quadrature.hpp>

#include <gsl/gsl_integration.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace srf::numerics {

RadialChiQuadrature::RadialChiQuadrature(int k, int n, double max_panel_width, double r_max)
    : k_(k), max_width_(max_panel_width), r_max_(r_max) {
  if (k < 1) throw std::invalid_argument("RadialChiQuadrature: k = " + std::to_string(k) + ", must be >= 1");
  if (n < 2) throw std::invalid_argument("RadialChiQuadrature: nodes_per_panel = " + std::to_string(n) + ", must be >= 2");
  if (!(max_panel_width > 0)) throw std::invalid_argument("RadialChiQuadrature: max_panel_width must be > 0");
  if (!(r_max > 0)) throw std::invalid_argument("RadialChiQuadrature: r_max must be > 0");
  gsl_integration_fixed_workspace* ws =
      gsl_integration_fixed_alloc(gsl_integration_fixed_legendre, n, -1.0, 1.0, 0.0, 0.0);
  gl_x_.assign(gsl_integration_fixed_nodes(ws), gsl_integration_fixed_nodes(ws) + n);
  gl_w_.assign(gsl_integration_fixed_weights(ws), gsl_integration_fixed_weights(ws) + n);
  gsl_integration_fixed_free(ws);
  // log of 1 / (2^{k/2-1} Gamma(k/2))
  log_norm_ = -((0.5 * k - 1.0) * std::log(2.0) + std::lgamma(0.5 * k));
}

void RadialChiQuadrature::add_panel(double a, double b, Rule& rule) const {
  const double half = 0.5 * (b - a), mid = 0.5 * (a + b);
  for (std::size_t i = 0; i < gl_x_.size(); ++i) {
    const double r = mid + half * gl_x_[i];
    const double log_density = log_norm_ + (k_ - 1) * std::log(r) - 0.5 * r * r;
    rule.r.push_back(r);
    rule.w.push_back(half * gl_w_[i] * std::exp(log_density));
  }
}

void RadialChiQuadrature::build(double r0, Rule& rule) const {
  rule.r.clear();
  rule.w.clear();
  double a = 0.0;
  if (std::isfinite(r0) && r0 > 0.0 && r0 < r_max_) {
    double b = 0.25 * r0;
    while (a < r_max_ && b - a <= max_width_) {
      add_panel(a, b, rule);
      a = b;
      b = 2.0 * a;
    }
  }
  while (a < r_max_) {
    const double b = std::min(r_max_, a + max_width_);
    add_panel(a, b, rule);
    a = b;
  }
}

}  // namespace srf::numerics
