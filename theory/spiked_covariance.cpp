// The generalised spiked covariance of docs/theory/structured.md [S.14]. Symbols: spiked_covariance.hpp.
#include <sobolev_rf/theory/spiked_covariance.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <boost/math/tools/roots.hpp>

#include <sobolev_rf/model/invalid_parameter.hpp>

namespace srf::theory {

namespace {

// A root of an increasing f on (lo, hi) with f(lo) < 0 < f(hi), to a relative width of a few ulp.
template <class F>
double increasing_root(F f, double lo, double hi) {
  std::uintmax_t iterations = 200;
  const auto tol = [](double a, double b) { return std::fabs(b - a) <= 4 * std::numeric_limits<double>::epsilon() * std::fabs(a); };
  const auto r = boost::math::tools::toms748_solve(f, lo, hi, f(lo), f(hi), tol, iterations);
  return 0.5 * (r.first + r.second);
}

}  // namespace

SpikedEigenvector spiked_eigenvector(const model::SpectralLaw& law, double ell, double delta, double c) {
  const std::size_t n = law.size();
  // A continuous law is a powerlaw:a quadrature, unbounded unless a = 0 (every node at s = 1).
  double top = 0, bottom = std::numeric_limits<double>::infinity();  // over the atoms with mass
  for (std::size_t i = 0; i < n; ++i)
    if (law.w[i] > 0.0) top = std::max(top, law.s[i]), bottom = std::min(bottom, law.s[i]);
  if (!std::isfinite(top) || (law.continuous && top != bottom))
    throw model::InvalidParameter(
        "informed", "informed = estimated_sigma: needs a bounded spectrum (twolevel or file:); in an unbounded "
                    "one (powerlaw:a, a > 0) the top sample eigenvector sits in the tail and the limit has no outlier");
  const double dtop = delta * top;
  // K(m) of (S14.2): from -infinity at m = -1/dtop+ (the top atom has mass) up to 1 at m = 0-.
  auto K = [&](double m) {
    double e = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double q = m * delta * law.s[i] / (1.0 + m * delta * law.s[i]);
      e += law.w[i] * q * q;
    }
    return 1.0 - c * e;
  };
  // h(m) = 1 + ell m E_v[1 / (1 + m Delta s)] (S14.4): increasing in m, 1 at m = 0.
  auto h = [&](double m) {
    double e = 0;
    for (std::size_t i = 0; i < n; ++i) e += law.wv[i] / (1.0 + m * delta * law.s[i]);
    return 1.0 + ell * m * e;
  };
  // The edge K(m_edge) = 0 (S14.2); K increases on (-1/dtop, 0).
  const double lo = -1.0 / dtop * (1.0 - 1e-15), hi = -1e-300;
  const double m_edge = increasing_root(K, lo, hi);
  SpikedEigenvector out;
  out.profile.assign(n, 0.0);
  out.bilinear.assign(n, 0.0);
  auto x_of = [&](double m) {
    double e = 0;
    for (std::size_t i = 0; i < n; ++i) e += law.w[i] * delta * law.s[i] / (1.0 + m * delta * law.s[i]);
    return -1.0 / m + c * e;
  };
  if (!(h(m_edge) < 0.0)) {
    // Below the transition ([S.14]): the top eigenvector is an edge eigenvector, u_r^2 ~ s_r / (1 + m Delta s_r)^2.
    out.m = m_edge;
    out.x = x_of(m_edge);
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double q = 1.0 + m_edge * delta * law.s[i];
      out.profile[i] = law.w[i] * law.s[i] / (q * q);
      total += out.profile[i];
    }
    for (double& p : out.profile) p /= total;
    return out;
  }
  const double m = increasing_root(h, m_edge, hi);
  const double x = x_of(m);
  const double Km = K(m);
  const double one_plus_delta2 = 1.0 / (x * m * x * m);  // (1 + delta)^2, 1 + delta = -1/(x m) (S14.3)
  // rho(s) = 1 / (x (1 + m Delta s)): the deterministic equivalent of (x - S_noise)^-1 (S14.3).
  std::vector<double> rho(n);
  double r_u = 0, A = 0, Es_Drho2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double D = delta * law.s[i];
    rho[i] = 1.0 / (x * (1.0 + m * D));
    r_u += law.wv[i] * rho[i];
    A += law.wv[i] * rho[i] * rho[i] * D;
    Es_Drho2 += law.w[i] * D * rho[i] * rho[i];
  }
  const double delta_x = c * Es_Drho2 / Km;
  double N2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double D = delta * law.s[i], r2 = rho[i] * rho[i];
    // (S14.6): v^T R f R v and y^T R f R y, each the deterministic equivalent of a random R's second moment.
    const double vv = law.wv[i] * r2 + A * c * law.w[i] * D * r2 / (Km * one_plus_delta2);
    const double yy = x * c * law.w[i] * r2 * (1.0 + D * delta_x / one_plus_delta2) - c * law.w[i] * rho[i];
    out.profile[i] = vv + ell * r_u * r_u * yy;
    N2 += out.profile[i];
  }
  const double N = std::sqrt(N2);
  for (std::size_t i = 0; i < n; ++i) {
    out.profile[i] /= N2;
    out.bilinear[i] = law.wv[i] * rho[i] / N;
  }
  out.outlier = true;
  out.m = m;
  out.x = x;
  out.cos2 = r_u * r_u / N2;
  return out;
}

}  // namespace srf::theory
