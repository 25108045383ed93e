#pragma once
// Gauss-Hermite quadrature for expectations over a standard normal variable,
//   E f(xi) = int f(t) exp(-t^2/2) dt / sqrt(2 pi)  ~=  sum_i w_i f(t_i).
// Exact for polynomials of degree <= 2n-1; for smooth (analytic) f the error falls
// geometrically with n. For integrands with a kink (relu) use gaussian_expectation.hpp.
#include <cstddef>
#include <vector>

namespace srf::numerics {

class GaussHermite {
 public:
  // Builds the n-point rule once (GSL's fixed Hermite rule, rescaled from the weight
  // exp(-x^2) to the standard normal density). Throws std::invalid_argument if n < 1.
  explicit GaussHermite(std::size_t n);

  template <class F>
  double integrate(F&& f) const {
    double s = 0.0;
    for (std::size_t i = 0; i < nodes_.size(); ++i) s += weights_[i] * f(nodes_[i]);
    return s;
  }

  const std::vector<double>& nodes() const { return nodes_; }
  const std::vector<double>& weights() const { return weights_; }
  std::size_t size() const { return nodes_.size(); }

 private:
  std::vector<double> nodes_;
  std::vector<double> weights_;
};

}  // namespace srf::numerics
