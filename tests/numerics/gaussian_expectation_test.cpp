// Half-line exp-sinh Gaussian expectations for kinked integrands (numerics/gaussian_expectation.hpp).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <sobolev_rf/numerics/gaussian_expectation.hpp>

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();
using srf::numerics::gaussian_expectation;
using srf::numerics::gaussian_expectation_with_error;
}  // namespace

TEST_CASE("Gaussian expectations of relu and its powers match their closed forms") {
  const double inv_sqrt_2pi = 1.0 / std::sqrt(2.0 * M_PI);
  auto relu = [](double t) { return t > 0.0 ? t : 0.0; };
  // E relu(xi) = int_0^inf t phi(t) dt = 1/sqrt(2 pi).
  CHECK(std::abs(gaussian_expectation(relu) - inv_sqrt_2pi) <= 16 * eps);
  // E relu(xi)^2 = E xi^2 / 2 = 1/2 by symmetry.
  CHECK(std::abs(gaussian_expectation([&](double t) { return relu(t) * relu(t); }) - 0.5) <= 16 * eps);
  // E |xi| = sqrt(2/pi), E |xi|^3 = 2 sqrt(2/pi) (half-normal moments E|xi|^k = 2^(k/2) Gamma((k+1)/2)/sqrt(pi)).
  CHECK(std::abs(gaussian_expectation([](double t) { return std::abs(t); }) - std::sqrt(2.0 / M_PI)) <= 16 * eps);
  CHECK(std::abs(gaussian_expectation([](double t) { return std::pow(std::abs(t), 3); }) -
                 2.0 * std::sqrt(2.0 / M_PI)) <= 32 * eps);
  // Step function: P(xi > 0) = 1/2, E xi 1{xi > 0} = 1/sqrt(2 pi).
  CHECK(std::abs(gaussian_expectation([](double t) { return t > 0.0 ? 1.0 : 0.0; }) - 0.5) <= 16 * eps);
  CHECK(std::abs(gaussian_expectation([](double t) { return t > 0.0 ? t : 0.0; }) - inv_sqrt_2pi) <= 16 * eps);
  // sign: mean 0 and E xi sign(xi) = E |xi|.
  auto sign = [](double t) { return t > 0.0 ? 1.0 : (t < 0.0 ? -1.0 : 0.0); };
  CHECK(std::abs(gaussian_expectation(sign)) <= 16 * eps);
  CHECK(std::abs(gaussian_expectation([&](double t) { return t * sign(t); }) - std::sqrt(2.0 / M_PI)) <= 16 * eps);
}

TEST_CASE("Gaussian expectations of smooth functions match closed forms and report a small error estimate") {
  // E 1 = 1, E xi^2 = 1, E xi^4 = 3, E cos xi = exp(-1/2), E exp(xi) = exp(1/2).
  struct Case {
    double (*f)(double);
    double exact;
  };
  const Case cases[] = {{[](double) { return 1.0; }, 1.0},
                        {[](double t) { return t * t; }, 1.0},
                        {[](double t) { return t * t * t * t; }, 3.0},
                        {[](double t) { return std::cos(t); }, std::exp(-0.5)},
                        {[](double t) { return std::exp(t); }, std::exp(0.5)}};
  for (const Case& c : cases) {
    const auto r = gaussian_expectation_with_error(c.f);
    CAPTURE(c.exact);
    CHECK(std::abs(r.value - c.exact) <= 64 * eps * c.exact);
    CHECK(r.error_estimate >= 0.0);
    CHECK(r.error_estimate <= 1e-10 * c.exact);
  }
}
