// Marchenko-Pastur law of P = Theta^T Theta / d, Theta d x p Gaussian, c = p/d (numerics/marchenko_pastur.hpp).
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <boost/math/quadrature/tanh_sinh.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include <sobolev_rf/numerics/marchenko_pastur.hpp>

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();

// int rho(x) x^power / (x - z)^order dx over the support, by tanh-sinh: the density vanishes like
// sqrt at both edges (and blows up like 1/sqrt(x) at x = 0 when c = 1); tanh-sinh converges
// exponentially for such algebraic end-point behaviour, unlike Gauss-Kronrod.
double density_integral(const srf::numerics::MarchenkoPastur& mp, double z, int order, int power = 0) {
  static boost::math::quadrature::tanh_sinh<double> rule;  // its (f, a, b) overload is not const
  auto f = [&](double x) { return mp.density(x) * std::pow(x, power) / std::pow(x - z, order); };
  return rule.integrate(f, mp.lower_edge(), mp.upper_edge(), 1e-15);
}
}  // namespace

TEST_CASE("Marchenko-Pastur density integrates to one minus the atom at zero, with mean one") {
  for (double c : {0.3, 1.0, 2.5}) {
    CAPTURE(c);
    const srf::numerics::MarchenkoPastur mp(c);
    CHECK(mp.atom_at_zero() == doctest::Approx(c > 1.0 ? 1.0 - 1.0 / c : 0.0).epsilon(4 * eps));
    CHECK(std::abs(density_integral(mp, -1.0, 0, 0) + mp.atom_at_zero() - 1.0) <= 1e-13);
    // First moment of MP with unit variance: E x = 1 (trace of P / p).
    CHECK(std::abs(density_integral(mp, -1.0, 0, 1) - 1.0) <= 1e-13);
    CHECK(mp.lower_edge() == doctest::Approx((1 - std::sqrt(c)) * (1 - std::sqrt(c))).epsilon(4 * eps));
    CHECK(mp.upper_edge() == doctest::Approx((1 + std::sqrt(c)) * (1 + std::sqrt(c))).epsilon(4 * eps));
  }
}

TEST_CASE("Marchenko-Pastur Stieltjes transform matches the density integral plus the atom") {
  // g(z) = int rho(x)/(x - z) dx + atom / (0 - z), z < 0. The quadrature is converged to ~1e-15;
  // the bound allows a few hundred eps for the integrand's round-off near the sqrt edges.
  for (double c : {0.3, 1.0, 2.5}) {
    const srf::numerics::MarchenkoPastur mp(c);
    for (double z : {-1e-6, -1e-3, -0.1, -1.0, -10.0, -1e3}) {
      CAPTURE(c);
      CAPTURE(z);
      const double expected = density_integral(mp, z, 1) + mp.atom_at_zero() / (-z);
      CHECK(std::abs(mp.stieltjes(z) - expected) <= 256 * eps * expected);
    }
  }
}

TEST_CASE("Marchenko-Pastur Stieltjes derivative matches the density integral and a central difference") {
  for (double c : {0.3, 1.0, 2.5}) {
    const srf::numerics::MarchenkoPastur mp(c);
    for (double z : {-1e-2, -0.1, -1.0, -10.0}) {
      CAPTURE(c);
      CAPTURE(z);
      const double dg = mp.stieltjes_derivative(z);
      // g'(z) = int rho(x)/(x - z)^2 dx + atom / z^2.
      const double expected = density_integral(mp, z, 2) + mp.atom_at_zero() / (z * z);
      CHECK(std::abs(dg - expected) <= 512 * eps * expected);
      // Central difference with h = 1e-4 |z|: truncation h^2 |g'''| / 6 and round-off eps |g| / h give a
      // relative error well below 1e-7 for these z (g is smooth on z < 0 with scale |z| or the gap).
      const double h = 1e-4 * std::abs(z);
      const double fd = (mp.stieltjes(z + h) - mp.stieltjes(z - h)) / (2 * h);
      CHECK(std::abs(dg - fd) <= 1e-7 * dg);
    }
  }
}

TEST_CASE("Marchenko-Pastur Stieltjes transform is the positive root that behaves as -1/z at infinity") {
  for (double c : {0.3, 1.0, 2.5}) {
    const srf::numerics::MarchenkoPastur mp(c);
    CAPTURE(c);
    for (double z : {-1e-6, -1.0, -1e6}) {
      const double g = mp.stieltjes(z);
      CHECK(g > 0.0);
      // The defining quadratic c z g^2 + (z - 1 + c) g + 1 = 0 (Bai & Silverstein 2010, eq. 3.1.2).
      const double terms = std::abs(c * z * g * g) + std::abs((z - 1 + c) * g) + 1.0;
      CHECK(std::abs(c * z * g * g + (z - 1 + c) * g + 1.0) <= 16 * eps * terms);
    }
    CHECK(1e8 * mp.stieltjes(-1e8) == doctest::Approx(1.0).epsilon(1e-7));
  }
}

TEST_CASE("Marchenko-Pastur Stieltjes transform matches the spectrum of one sampled Wishart matrix") {
  // P = Theta^T Theta / d with Theta d x p, p = 800. Linear spectral statistics (1/p) sum f(l_i) have
  // bias and fluctuation O(1/p) (Bai & Silverstein 2004 CLT); offline over 30 seeds the relative gap
  // times p had standard deviation <= 1.3 and maximum 2.6 at z = -0.1: allow 8/p.
  const unsigned seed = 12345;
  MESSAGE("Wishart seed = " << seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> N01;
  const int p = 800;
  for (double c : {0.3, 1.0, 2.5}) {
    const int d = static_cast<int>(std::lround(p / c));
    Eigen::MatrixXd Th(d, p);
    for (int j = 0; j < p; ++j)
      for (int i = 0; i < d; ++i) Th(i, j) = N01(rng);
    const Eigen::MatrixXd P = Th.transpose() * Th / static_cast<double>(d);
    const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(P, Eigen::EigenvaluesOnly).eigenvalues();
    const srf::numerics::MarchenkoPastur mp(static_cast<double>(p) / d);
    for (double z : {-0.1, -1.0, -5.0}) {
      CAPTURE(c);
      CAPTURE(z);
      const double empirical = (1.0 / (ev.array() - z)).mean();
      CHECK(std::abs(empirical - mp.stieltjes(z)) <= 8.0 / p * mp.stieltjes(z));
    }
    if (c > 1.0) {
      // The atom: exactly p - d eigenvalues vanish (rank d), i.e. a fraction 1 - 1/c.
      int zeros = 0;
      for (int i = 0; i < p; ++i) zeros += ev[i] < 1e-8 * ev.maxCoeff();
      CHECK(zeros == p - d);
      CHECK(static_cast<double>(p - d) / p == doctest::Approx(mp.atom_at_zero()).epsilon(1.0 / p));
      // The nonzero eigenvalues lie near the support edges (Tracy-Widom scale p^(-2/3)).
      CHECK(ev[p - d] > 0.8 * mp.lower_edge());
    }
    CHECK(ev[p - 1] < 1.05 * mp.upper_edge());
  }
}

TEST_CASE("Marchenko-Pastur rejects a bad ratio and a non-negative or NaN argument") {
  CHECK_THROWS_AS(srf::numerics::MarchenkoPastur(0.0), std::invalid_argument);
  CHECK_THROWS_AS(srf::numerics::MarchenkoPastur(-1.0), std::invalid_argument);
  CHECK_THROWS_AS(srf::numerics::MarchenkoPastur{std::numeric_limits<double>::infinity()}, std::invalid_argument);
  CHECK_THROWS_AS(srf::numerics::MarchenkoPastur(std::nan("")), std::invalid_argument);
  const srf::numerics::MarchenkoPastur mp(0.5);
  CHECK_THROWS_AS(mp.stieltjes(0.0), std::invalid_argument);
  CHECK_THROWS_AS(mp.stieltjes(1.0), std::invalid_argument);
  CHECK_THROWS_AS(mp.stieltjes(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(mp.stieltjes_derivative(0.0), std::invalid_argument);
}
