#include <sobolev_rf/theory/varpi_law.hpp>

#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace srf::theory {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
bool point_mass(double A2, int k) { return k == 0 || A2 == 0.0; }
}  // namespace

VarpiStatistics varpi_statistics(double A0, double A2, int k) {
  if (point_mass(A2, k)) return {A0, 0.0, A0, A0, A0};
  return {A0 + A2 * k, std::fabs(A2) * std::sqrt(2.0 * k), varpi_law_quantile(A0, A2, k, 0.05),
          varpi_law_quantile(A0, A2, k, 0.50), varpi_law_quantile(A0, A2, k, 0.95)};
}

VarpiStatistics varpi_statistics(const VarpiLaw& law, double model::Errors::*field, int k) {
  return varpi_statistics(law.A0.*field, law.tau2 * (law.A2.*field), k);
}

double varpi_law_quantile(double A0, double A2, int k, double prob) {
  if (!(prob > 0.0 && prob < 1.0)) throw std::invalid_argument("varpi_law_quantile: prob must lie in (0, 1)");
  if (point_mass(A2, k)) return A0;
  const boost::math::chi_squared chi(k);
  // A2 < 0 reverses the order of the quantiles.
  return A0 + A2 * boost::math::quantile(chi, A2 > 0 ? prob : 1.0 - prob);
}

double varpi_law_cdf(double A0, double A2, int k, double e) {
  if (point_mass(A2, k)) return e >= A0 ? 1.0 : 0.0;
  const double x = (e - A0) / A2;  // X = |varpi|^2 at which E = e
  const boost::math::chi_squared chi(k);
  const double P = x <= 0 ? 0.0 : boost::math::cdf(chi, x);
  return A2 > 0 ? P : 1.0 - P;
}

double varpi_law_density(double A0, double A2, int k, double e) {
  if (point_mass(A2, k)) return kNaN;
  const double x = (e - A0) / A2;
  if (x < 0) return 0.0;
  if (x == 0) return k == 1 ? std::numeric_limits<double>::infinity() : (k == 2 ? 0.5 / std::fabs(A2) : 0.0);
  return boost::math::pdf(boost::math::chi_squared(k), x) / std::fabs(A2);
}

std::vector<VarpiLawPoint> varpi_law_curve(double A0, double A2, int k, int points) {
  if (points < 2) throw std::invalid_argument("varpi_law_curve: points must be >= 2");
  if (point_mass(A2, k)) return {{A0, 0.0, kNaN}, {A0, 1.0, kNaN}};
  const boost::math::chi_squared chi(k);
  const double x_max = boost::math::quantile(chi, 0.995);
  std::vector<VarpiLawPoint> out;
  out.reserve(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i) {
    const double u = static_cast<double>(i) / (points - 1);
    const double x = x_max * u * u;
    const double P = boost::math::cdf(chi, x);
    const double density = x > 0 ? boost::math::pdf(chi, x) / std::fabs(A2) : kNaN;
    out.push_back({A0 + A2 * x, A2 > 0 ? P : 1.0 - P, density});
  }
  if (A2 < 0) std::reverse(out.begin(), out.end());  // keep the error increasing
  return out;
}

}  // namespace srf::theory
