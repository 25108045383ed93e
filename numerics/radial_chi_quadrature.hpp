#pragma once
// Quadrature for E f(r), r = |zeta|, zeta ~ N(0, I_k): r follows the chi law with k degrees
// of freedom, density r^{k-1} exp(-r^2/2) / (2^{k/2-1} Gamma(k/2)).
//
// The saddle point needs E[r^{2j} / (s + h r^2)^m], which at small s/h is sharply peaked on the
// scale r_0 = sqrt(s/h) ([D.8.3]). The rule is composite Gauss-Legendre on
// panels [0, r_0/4], [r_0/4, r_0/2], [r_0/2, r_0], ... doubling up to width `max_panel_width`,
// then panels of that width up to `r_max` where the chi density is below 1e-30. On each doubling
// panel the poles +-i r_0 of the integrand sit at a Bernstein-ellipse parameter rho >= 5.8 from
// the panel, so an n-point rule errs by O(rho^{-2n}) (1e-15 at n = 10).
#include <vector>

namespace srf::numerics {

class RadialChiQuadrature {
 public:
  struct Rule {
    std::vector<double> r;  // nodes
    std::vector<double> w;  // weights including the chi density: sum w f(r) ~= E f(r)
  };
  // k >= 1 degrees of freedom, nodes_per_panel >= 2. Throws std::invalid_argument otherwise.
  RadialChiQuadrature(int k, int nodes_per_panel = 10, double max_panel_width = 1.0, double r_max = 13.0);

  // Builds the rule adapted to the peak scale r_0 > 0 (r_0 = +inf or very large: no peak).
  void build(double r0, Rule& rule) const;
  Rule build(double r0) const {
    Rule r;
    build(r0, r);
    return r;
  }
  int degrees_of_freedom() const { return k_; }

 private:
  void add_panel(double a, double b, Rule& rule) const;
  int k_;
  double max_width_, r_max_, log_norm_;
  std::vector<double> gl_x_, gl_w_;  // Gauss-Legendre on [-1, 1], built once
};

}  // namespace srf::numerics
