// Gauss-Hermite rule for E f(xi), xi ~ N(0,1) (numerics/gauss_hermite.hpp).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include <sobolev_rf/numerics/gauss_hermite.hpp>

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();

double double_factorial_odd(int m) {  // (2m-1)!! = E xi^{2m}
  double r = 1.0;
  for (int j = 2 * m - 1; j > 1; j -= 2) r *= j;
  return r;
}
}  // namespace

TEST_CASE("Gauss-Hermite weights are positive and sum to one, nodes are symmetric") {
  for (std::size_t n : {1u, 2u, 5u, 20u, 40u, 100u}) {
    CAPTURE(n);
    const srf::numerics::GaussHermite gh(n);
    REQUIRE(gh.size() == n);
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(gh.weights()[i] > 0.0);
      sum += gh.weights()[i];
    }
    CHECK(std::abs(sum - 1.0) <= 8.0 * n * eps);
    // Symmetric rule: sum of nodes (odd moment) vanishes, the node set is closed under t -> -t.
    double max_abs = 0.0, odd = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      max_abs = std::max(max_abs, std::abs(gh.nodes()[i]));
      odd += gh.weights()[i] * gh.nodes()[i];
    }
    CHECK(std::abs(odd) <= 8.0 * n * eps * std::max(1.0, max_abs));
  }
}

TEST_CASE("Gauss-Hermite with n nodes integrates xi^(2m) = (2m-1)!! exactly for 2m <= 2n-1") {
  // Exactness for polynomials of degree <= 2n-1 (Gauss quadrature); only round-off remains,
  // and every term of the sum is positive, so the relative error stays a few eps times the degree.
  for (std::size_t n : {3u, 10u, 20u}) {
    const srf::numerics::GaussHermite gh(n);
    for (int m = 0; 2 * m <= static_cast<int>(2 * n - 1); ++m) {
      CAPTURE(n);
      CAPTURE(m);
      const double value = gh.integrate([m](double t) { return std::pow(t, 2 * m); });
      CHECK(std::abs(value - double_factorial_odd(m)) <= 16.0 * (m + n) * eps * double_factorial_odd(m));
    }
  }
  // One degree beyond exactness the rule is off: E xi^{2n} is not reproduced by n nodes.
  const srf::numerics::GaussHermite gh(4);
  CHECK(std::abs(gh.integrate([](double t) { return std::pow(t, 8); }) - 105.0) > 1.0);
}

TEST_CASE("Gauss-Hermite with 40 nodes integrates cos(xi) and exp(a xi) to machine precision") {
  // Node count: the n-point remainder for the normal weight is E f - Q_n f = n!/(2n)! f^(2n)(eta)
  // (Abramowitz & Stegun 25.4.46 rescaled from exp(-x^2) to the normal density). For cos,
  // |f^(2n)| <= 1 and 40!/80! ~ 1e-71; for exp(a xi), |f^(2n)| = a^(2n) e^(a eta) and a = 2 gives
  // 2^80 40!/80! ~ 1e-47 times e^(2 eta): both far below eps. n = 40 is the node count we use for
  // smooth integrands; 20 nodes would already do (20!/40! ~ 3e-30).
  const srf::numerics::GaussHermite gh(40);
  CHECK(std::abs(gh.integrate([](double t) { return std::cos(t); }) - std::exp(-0.5)) <= 16 * eps);
  for (double a : {0.5, 1.0, 2.0}) {
    CAPTURE(a);
    const double exact = std::exp(0.5 * a * a);  // moment generating function of N(0,1)
    CHECK(std::abs(gh.integrate([a](double t) { return std::exp(a * t); }) - exact) <= 64 * eps * exact);
  }
}

TEST_CASE("Gauss-Hermite rejects zero nodes") {
  CHECK_THROWS_AS(srf::numerics::GaussHermite(0), std::invalid_argument);
}
