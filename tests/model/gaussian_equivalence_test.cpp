// Gaussian-equivalence constants (model/gaussian_equivalence.hpp) against closed forms and an
// independent quadrature. xi ~ N(0,1), phi the standard normal density.
#include <doctest/doctest.h>

#include <cmath>
#include <iomanip>
#include <limits>

#include <sobolev_rf/numerics/gauss_hermite.hpp>
#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();
using srf::model::activation;
using srf::model::gaussian_constants;
constexpr double kTol = 64 * eps;  // the quadrature is converged far below its 1.5e-11 request
}  // namespace

TEST_CASE("Gaussian constants of relu match their closed forms") {
  // E relu = int_0^inf t phi = 1/sqrt(2 pi); E xi relu = E xi^2 1{xi>0} = 1/2; E relu^2 = 1/2;
  // relu' = 1{xi>0}: E relu' = 1/2 (= kappa_1, Stein), kappa'_1 = E xi 1{xi>0} = 1/sqrt(2 pi),
  // E relu'^2 = 1/2, E relu relu' = E relu = 1/sqrt(2 pi).
  const double s = 1.0 / std::sqrt(2.0 * M_PI);
  const auto c = gaussian_constants(activation("relu"));
  CHECK(std::abs(c.kappa_0 - s) <= kTol);
  CHECK(std::abs(c.kappa_1 - 0.5) <= kTol);
  CHECK(std::abs(c.second_moment - 0.5) <= kTol);
  CHECK(std::abs(c.kappa_star_sq - (0.25 - 1.0 / (2 * M_PI))) <= kTol);
  CHECK(std::abs(c.kappa1_prime - s) <= kTol);
  CHECK(std::abs(c.derivative_second_moment - 0.5) <= kTol);
  CHECK(std::abs(c.kappa_star_prime_sq - (0.25 - 1.0 / (2 * M_PI))) <= kTol);
  CHECK(std::abs(c.cross_moment - s) <= kTol);
  // c_star = E relu relu' - kappa_0 kappa_1 - kappa_1 kappa'_1 = s - s/2 - s/2 = 0.
  CHECK(std::abs(c.c_star) <= kTol);
}

TEST_CASE("Gaussian constants of erf match their closed forms") {
  // erf is odd: kappa_0 = 0, kappa'_1 = E xi erf' = 0, E erf erf' = 0.
  // kappa_1 = E erf'(xi) = (2/sqrt(pi)) E exp(-xi^2) = (2/sqrt(pi)) / sqrt(3)  (E exp(-a xi^2) = 1/sqrt(1+2a)).
  // E erf(xi)^2 = (2/pi) arcsin(2/3): E erf(a xi) erf(b xi) = (2/pi) arcsin(2ab / sqrt((1+2a^2)(1+2b^2)))
  //   (Williams 1998, "Computation with infinite neural networks", Neural Comput. 10(5)).
  // E erf'(xi)^2 = (4/pi) E exp(-2 xi^2) = (4/pi) / sqrt(5).
  const auto c = gaussian_constants(activation("erf"));
  const double k1 = 2.0 / std::sqrt(3.0 * M_PI);
  const double m2 = (2.0 / M_PI) * std::asin(2.0 / 3.0);
  const double d2 = 4.0 / (M_PI * std::sqrt(5.0));
  CHECK(std::abs(c.kappa_0) <= kTol);
  CHECK(std::abs(c.kappa_1 - k1) <= kTol);
  CHECK(std::abs(c.second_moment - m2) <= kTol);
  CHECK(std::abs(c.kappa_star_sq - (m2 - k1 * k1)) <= kTol);
  CHECK(std::abs(c.kappa1_prime) <= kTol);
  CHECK(std::abs(c.derivative_second_moment - d2) <= kTol);
  CHECK(std::abs(c.kappa_star_prime_sq - (d2 - k1 * k1)) <= kTol);
  CHECK(std::abs(c.cross_moment) <= kTol);
  CHECK(std::abs(c.c_star) <= kTol);
}

TEST_CASE("Gaussian constants of linear, he3 and sign match their closed forms") {
  const auto lin = gaussian_constants(activation("linear"));
  CHECK(std::abs(lin.kappa_0) <= kTol);
  CHECK(std::abs(lin.kappa_1 - 1.0) <= kTol);
  CHECK(lin.kappa_star_sq == 0.0);  // exactly: no nonlinear part
  CHECK(std::abs(lin.kappa1_prime) <= kTol);
  CHECK(lin.kappa_star_prime_sq == 0.0);
  CHECK(lin.c_star == 0.0);
  // he3 = xi^3 - 3 xi is the third Hermite polynomial: E he3 = E xi he3 = 0, E he3^2 = 3! = 6;
  // he3' = 3 (xi^2 - 1) = 3 He2: mean 0, E xi he3' = 0, E he3'^2 = 9 * 2! = 18; E he3 he3' = 0 (odd).
  const auto h = gaussian_constants(activation("he3"));
  CHECK(std::abs(h.kappa_0) <= kTol);
  CHECK(std::abs(h.kappa_1) <= 8 * kTol);
  CHECK(std::abs(h.second_moment - 6.0) <= 8 * kTol * 6.0);
  CHECK(std::abs(h.kappa_star_sq - 6.0) <= 8 * kTol * 6.0);
  CHECK(std::abs(h.kappa1_prime) <= 8 * kTol);
  CHECK(std::abs(h.derivative_second_moment - 18.0) <= 8 * kTol * 18.0);
  CHECK(std::abs(h.kappa_star_prime_sq - 18.0) <= 8 * kTol * 18.0);
  CHECK(std::abs(h.c_star) <= 8 * kTol);
  // sign: mean 0, kappa_1 = E xi sign(xi) = E|xi| = sqrt(2/pi) (not E sign' = 0), E sign^2 = 1.
  const auto sg = gaussian_constants(activation("sign"));
  CHECK(std::abs(sg.kappa_0) <= kTol);
  CHECK(std::abs(sg.kappa_1 - std::sqrt(2.0 / M_PI)) <= kTol);
  CHECK(std::abs(sg.second_moment - 1.0) <= kTol);
  CHECK(std::abs(sg.kappa_star_sq - (1.0 - 2.0 / M_PI)) <= kTol);
}

TEST_CASE("Gaussian constants of sigmoid, softplus and tanh obey their exact symmetry identities") {
  // sigmoid(t) + sigmoid(-t) = 1  =>  E sigmoid = 1/2.
  // softplus(t) - softplus(-t) = t  =>  E xi softplus = E xi^2 / 2 = 1/2, and softplus' = sigmoid,
  //   so kappa'_1(softplus) = E xi sigmoid = kappa_1(sigmoid).
  // tanh' = 1 - tanh^2  =>  kappa_1 = E tanh' = 1 - E tanh^2 (Stein's lemma).
  const auto sig = gaussian_constants(activation("sigmoid"));
  const auto sp = gaussian_constants(activation("softplus"));
  const auto th = gaussian_constants(activation("tanh"));
  CHECK(std::abs(sig.kappa_0 - 0.5) <= kTol);
  CHECK(std::abs(sp.kappa_1 - 0.5) <= kTol);
  CHECK(std::abs(sp.kappa1_prime - sig.kappa_1) <= kTol);
  CHECK(std::abs(sp.derivative_second_moment - sig.second_moment) <= kTol);
  CHECK(std::abs(th.kappa_0) <= kTol);
  CHECK(std::abs(th.kappa_1 + th.second_moment - 1.0) <= kTol);
}

TEST_CASE("Gaussian constants of smooth activations match a 300-node Gauss-Hermite rule") {
  // Independent quadrature: Gauss-Hermite instead of the half-line exp-sinh rule of the code under test.
  // tanh, sigmoid, softplus are analytic in the strip |Im t| < pi/2 (poles at +-i pi/2 or branch points at
  // +-i pi), so the GH error falls like exp(-c sqrt(n)); at n = 300 it is below 1e-15 (checked against n = 200).
  const srf::numerics::GaussHermite gh(300);
  for (const char* name : {"tanh", "sigmoid", "softplus", "erf"}) {
    CAPTURE(name);
    const auto& a = activation(name);
    const auto c = gaussian_constants(a);
    const double k0 = gh.integrate([&](double t) { return a.value(t); });
    const double k1 = gh.integrate([&](double t) { return t * a.value(t); });
    const double m2 = gh.integrate([&](double t) { return a.value(t) * a.value(t); });
    const double k1p = gh.integrate([&](double t) { return t * a.derivative(t); });
    const double d2 = gh.integrate([&](double t) { return a.derivative(t) * a.derivative(t); });
    const double mean_d = gh.integrate([&](double t) { return a.derivative(t); });
    const double cross = gh.integrate([&](double t) { return a.value(t) * a.derivative(t); });
    const double tol = 256 * eps;
    CHECK(std::abs(c.kappa_0 - k0) <= tol);
    CHECK(std::abs(c.kappa_1 - k1) <= tol);
    CHECK(std::abs(c.kappa_1 - mean_d) <= tol);  // Stein's lemma E xi sigma = E sigma'
    CHECK(std::abs(c.second_moment - m2) <= tol);
    CHECK(std::abs(c.kappa_star_sq - (m2 - k0 * k0 - k1 * k1)) <= tol);
    CHECK(std::abs(c.kappa1_prime - k1p) <= tol);
    CHECK(std::abs(c.derivative_second_moment - d2) <= tol);
    CHECK(std::abs(c.kappa_star_prime_sq - (d2 - k1 * k1 - k1p * k1p)) <= tol);
    CHECK(std::abs(c.cross_moment - cross) <= tol);
    CHECK(std::abs(c.c_star - (cross - k0 * k1 - k1 * k1p)) <= tol);
  }
  // Reference values for tanh (printed to 16 digits for the record).
  const auto th = gaussian_constants(activation("tanh"));
  MESSAGE("tanh: kappa_1 = " << std::setprecision(16) << th.kappa_1 << ", E tanh^2 = " << th.second_moment
                             << ", kappa_star^2 = " << th.kappa_star_sq);
}
