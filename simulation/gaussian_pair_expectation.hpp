#pragma once
// E[f(u) g(v)] for a jointly Gaussian pair by adaptive quadrature in polar coordinates, for the pairs whose
// correlation is too close to +-1 for the Mehler series (simulation/hermite_expansion.hpp):
//   u = s_u z_1,  v = s_v (rho z_1 + sqrt(1 - rho^2) z_2),  z_1, z_2 i.i.d. N(0,1).
// The kinks of f and g at 0 are rays through the origin: the angular integral runs between
// consecutive rays (tanh-sinh), the radial one along each ray (exp-sinh); both converge
// exponentially for integrands analytic inside their intervals, for every rho in [-1, 1].
// Costs ~10^4 evaluations: for a few pairs, not for p^2 of them.
#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/simulation/hermite_expansion.hpp>

namespace srf::simulation {

struct PairExpectation {
  double value = 0;
  double error_estimate = 0;  // the quadrature's own estimate, propagated through the outer rule
};

PairExpectation gaussian_pair_expectation(const model::Activation& f, ActivationPart f_part, double s_u,
                                          const model::Activation& g, ActivationPart g_part, double s_v,
                                          double rho);

}  // namespace srf::simulation
