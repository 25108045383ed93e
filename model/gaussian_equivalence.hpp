#pragma once
// Gaussian-equivalence constants of an activation sigma (docs/model.md, [D.1.2]),
// xi ~ N(0,1):
//   kappa_0 = E sigma,  kappa_1 = E xi sigma = E sigma',  kappa_star^2 = E sigma^2 - kappa_0^2 - kappa_1^2,
//   kappa'_0 = kappa_1, kappa'_1 = E xi sigma',  kappa'_star^2 = E sigma'^2 - kappa_1^2 - kappa'_1^2,
//   cross  c_star = E[sigma sigma'] - kappa_0 kappa_1 - kappa_1 kappa'_1.
// The same numbers of a teacher phi are called mu_0, mu_1, mu_2 (= kappa'_1 of phi),
// mu_star, mu'_star, c_phi.
#include <sobolev_rf/model/activation.hpp>

namespace srf::model {

struct GaussianConstants {
  double kappa_0 = 0;          // E sigma(xi)
  double kappa_1 = 0;          // E xi sigma(xi) = E sigma'(xi)
  double kappa_star_sq = 0;    // kappa_star^2
  double kappa1_prime = 0;     // kappa'_1 = E xi sigma'(xi)
  double kappa_star_prime_sq = 0;  // kappa'_star^2
  double c_star = 0;           // E sigma sigma' - kappa_0 kappa_1 - kappa_1 kappa'_1
  double second_moment = 0;        // E sigma^2
  double derivative_second_moment = 0;  // E sigma'^2
  double cross_moment = 0;     // E sigma sigma'
};

// Computes every constant by Gaussian quadrature (half-line exp-sinh, exact at kinks).
// E xi sigma(xi) and E sigma'(xi) are equal by Stein's lemma; kappa_1 uses E xi sigma, which
// stays correct for sign (whose a.e. derivative misses the jump).
GaussianConstants gaussian_constants(const Activation& a);

}  // namespace srf::model
