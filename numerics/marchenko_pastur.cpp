#include <sobolev_rf/numerics/marchenko_pastur.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace srf::numerics {

MarchenkoPastur::MarchenkoPastur(double c) : c_(c) {
  if (!(c > 0.0) || !std::isfinite(c))
    throw std::invalid_argument("MarchenkoPastur: ratio c = " + std::to_string(c) + ", must be finite and > 0");
}

double MarchenkoPastur::lower_edge() const { return (1.0 - std::sqrt(c_)) * (1.0 - std::sqrt(c_)); }
double MarchenkoPastur::upper_edge() const { return (1.0 + std::sqrt(c_)) * (1.0 + std::sqrt(c_)); }
double MarchenkoPastur::atom_at_zero() const { return c_ > 1.0 ? 1.0 - 1.0 / c_ : 0.0; }

double MarchenkoPastur::density(double x) const {
  const double a = lower_edge(), b = upper_edge();
  if (x <= a || x >= b || x <= 0.0) return 0.0;
  return std::sqrt((b - x) * (x - a)) / (2.0 * M_PI * c_ * x);
}

double MarchenkoPastur::stieltjes(double z) const {
  if (!(z < 0.0)) throw std::invalid_argument("MarchenkoPastur::stieltjes: z = " + std::to_string(z) + ", must be < 0");
  // Quadratic a g^2 + b g + 1 = 0 with a = c z < 0, b = z - 1 + c. Its two roots have product
  // 1/a < 0, so exactly one is positive: g = (-b - sqrt(b^2 - 4a)) / (2a) = 2 / (sqrt(b^2 - 4a) - b).
  // sqrt(b^2 - 4a) > |b|; pick the form that adds same-sign terms: the first for b > 0 (the second
  // would cancel catastrophically when |4a| << b^2, e.g. c > 1 and small |z|), the second for b <= 0.
  const double a = c_ * z, b = z - 1.0 + c_;
  const double disc = std::sqrt(b * b - 4.0 * a);
  if (b > 0.0) return (b + disc) / (-2.0 * a);
  return 2.0 / (disc - b);
}

double MarchenkoPastur::stieltjes_derivative(double z) const {
  const double g = stieltjes(z);
  // Differentiate c z g^2 + (z - 1 + c) g + 1 = 0 in z.
  return -(c_ * g * g + g) / (2.0 * c_ * z * g + z - 1.0 + c_);
}

}  // namespace srf::numerics
