#include <sobolev_rf/numerics/gauss_hermite.hpp>

#include <gsl/gsl_integration.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace srf::numerics {

GaussHermite::GaussHermite(std::size_t n) {
  if (n < 1) throw std::invalid_argument("GaussHermite: n = 0, must be >= 1");
  // GSL's Hermite rule integrates against exp(-b (x-a)^2); b = 1/2 gives the normal kernel.
  gsl_integration_fixed_workspace* w =
      gsl_integration_fixed_alloc(gsl_integration_fixed_hermite, n, 0.0, 0.5, 0.0, 0.0);
  if (!w) throw std::runtime_error("GaussHermite: GSL could not build the rule for n = " + std::to_string(n));
  const double* x = gsl_integration_fixed_nodes(w);
  const double* wt = gsl_integration_fixed_weights(w);
  const double norm = 1.0 / std::sqrt(2.0 * M_PI);
  nodes_.assign(x, x + n);
  weights_.resize(n);
  for (std::size_t i = 0; i < n; ++i) weights_[i] = wt[i] * norm;
  gsl_integration_fixed_free(w);
}

}  // namespace srf::numerics
