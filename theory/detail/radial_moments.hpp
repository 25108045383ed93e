#pragma once
// [D.3.3], [D.4.4] The zeta averages shared by every deterministic-equivalent trace (isotropic,
// theory/detail/deterministic_traces.cpp, and structured, theory/detail/structured_traces.cpp):
// on the block form the inner fixed point sees zeta ~ N(0, I_k) only through r = |zeta|, and the
// level-2 tensor T only through the radial moments of q(zeta) = 1/(s + h r^2).
// Internal to theory/.
#include <Eigen/Dense>

#include <sobolev_rf/numerics/radial_chi_quadrature.hpp>

namespace srf::theory {

// q1[j] = E[q r^{2j}] (j = 0, 1),  q2[j] = E[q^2 r^{2j}] (j = 0, 1, 2).
struct RadialMoments {
  double q1[2] = {0, 0};
  double q2[3] = {0, 0, 0};
};

// The radial chi_k rule of [D.8.3], adapted to each (s, h). Not thread-safe (one rule buffer).
class RadialMomentRule {
 public:
  RadialMomentRule(int k, int nodes_per_panel) : k_(k), radial_(k > 1 ? k : 1, nodes_per_panel) {}
  // The moments at q = 1/(s + h r^2); k = 0 or h <= 0: q = 1/s (E r^2 = k, E r^4 = k(k+2)).
  RadialMoments operator()(double s, double h) const;

 private:
  int k_;
  numerics::RadialChiQuadrature radial_;
  mutable numerics::RadialChiQuadrature::Rule rule_;
};

// The fourth-moment tensor T_abcd = (1/gamma) E[q^2 e_a e_b e_c e_d], e = (1, zeta) [D.4.4], as a
// K^2 x K^2 matrix in the column-major flattening Y(a, b) at a + b K (K = k + 1). Only even
// numbers of each gradient index survive; by isotropy E[q^2 z_m z_n] = delta_mn E[q^2 r^2]/k and
// E[q^2 z_m z_n z_o z_p] = E[q^2 r^4]/(k(k+2)) (3 pairings).
Eigen::MatrixXd fourth_moment_tensor(int k, double gamma, const RadialMoments& m);

}  // namespace srf::theory
