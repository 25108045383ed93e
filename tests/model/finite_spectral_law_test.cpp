// The finite-d teacher laws (model/finite_spectral_law.hpp, docs/theory/structured.md [S.15]): the
// quadrature of (S15.3)-(S15.5) against Monte Carlo over teacher draws and against closed forms, the
// sum rules, and the drawn teacher's law.
#include <doctest/doctest.h>

#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <vector>

#include <sobolev_rf/model/finite_spectral_law.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/spectrum.hpp>

namespace {

using namespace srf::model;

// E[X1 / (X1 + kappa X2)], X_i ~ chi^2(m_i) independent: with B = X1 / (X1 + X2) ~ Beta(m1/2, m2/2) it
// is int_0^1 b / (b + kappa (1 - b)) Beta(b) db, by GSL's adaptive quadrature (an independent closed form
// of (S15.3) for a two-atom spectrum).
double two_atom_share(double m1, double m2, double kappa) {
  struct P {
    double a, b, kappa;
  } p{m1 / 2, m2 / 2, kappa};
  gsl_function f;
  f.function = [](double x, void* v) {
    const P& q = *static_cast<P*>(v);
    return x / (x + q.kappa * (1 - x)) * gsl_ran_beta_pdf(x, q.a, q.b);
  };
  f.params = &p;
  gsl_integration_workspace* w = gsl_integration_workspace_alloc(1000);
  double result = 0, error = 0;
  gsl_integration_qags(&f, 0, 1, 0, 1e-13, 1000, w, &result, &error);
  gsl_integration_workspace_free(w);
  return result;
}

}  // namespace

TEST_CASE("finite teacher law: isotropic inputs give E[pi_r] = 1/d and E|theta0|^2 = 1 to rounding") {
  const FiniteSpectralLaws L = finite_spectral_laws(std::vector<double>(50, 1.0), 0.7);
  REQUIRE(L.s.size() == 1);
  CHECK(L.averaged->wt[0] == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(L.averaged->tau2 == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(L.tilted->wt[0] == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(L.quadrature_error < 1e-14);
}

TEST_CASE("finite teacher law: two atoms against the Beta closed form of E[pi] (S15.3)") {
  // d = 40: 4 eigenvalues 9 times the other 36, b = 1 (c = s^2): the strong atom's share of omega's variance.
  std::vector<double> values(40, 1.0);
  for (int i = 0; i < 4; ++i) values[i] = 9.0;
  const FiniteSpectralLaws L = finite_spectral_laws(values, 1.0);
  REQUIRE(L.s.size() == 2);
  // Atom 1 (s = 9 / mean) carries c = 81 per coordinate, atom 0 carries 1: E[81 X1 / (81 X1 + X0)].
  const double exact = two_atom_share(4, 36, 1.0 / 81.0);
  INFO("quadrature " << L.averaged->wt[1] << ", Beta integral " << exact);
  CHECK(L.averaged->wt[1] == doctest::Approx(exact).epsilon(1e-12));
  // The naive share c-weighted (81 * 4 / (81 * 4 + 36) = 0.9) is not it: the normaliser matters.
  CHECK(std::fabs(exact - 0.9) > 1e-3);
}

TEST_CASE("finite teacher law: the sum rules sum E[pi] = 1 and sum E[|theta0|^2 pi] = E|theta0|^2 hold to 1e-13") {
  for (double b : {-1.0, 0.0, 0.5, 2.0}) {
    const std::vector<double> s = finite_spectrum(parse_spectrum("powerlaw:0.4"), 500);
    const FiniteSpectralLaws L = finite_spectral_laws(s, b);
    double total = 0, tilted = 0;
    for (std::size_t i = 0; i < L.s.size(); ++i) total += L.averaged->wt[i], tilted += L.tilted->wt[i];
    INFO("b = " << b);
    CHECK(std::fabs(total - 1) < 1e-13);
    CHECK(std::fabs(tilted - 1) < 1e-13);
  }
}

TEST_CASE("finite teacher law: (S15.3)-(S15.5) against Monte Carlo over teacher draws near the edge") {
  // powerlaw:0.6 at b = 0.5 (a (b + 1) = 0.9), d = 30: a few coordinates carry most of omega's variance.
  const std::vector<double> s = finite_spectrum(parse_spectrum("powerlaw:0.6"), 30);
  const double b = 0.5;
  const FiniteSpectralLaws L = finite_spectral_laws(s, b);
  REQUIRE(L.s.size() == 30);
  const std::uint64_t seed = 20240529;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  const int draws = 200000;
  const std::size_t d = s.size();
  // The coordinates, in the laws' (sorted) order; direct draws of g, not the chi^2 of drawn_teacher_law.
  std::vector<double> sorted = s;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> sum_pi(d), sum2_pi(d), sum_tpi(d), sum2_tpi(d);
  double sum_t = 0, sum2_t = 0;
  for (int k = 0; k < draws; ++k) {
    std::vector<double> c(d), e(d);
    double Z = 0, T = 0;
    for (std::size_t r = 0; r < d; ++r) {
      const double g2 = std::pow(normal(rng), 2);
      c[r] = std::pow(sorted[r], b + 1) * g2;
      e[r] = std::pow(sorted[r], b) * g2;
      Z += c[r], T += e[r];
    }
    const double tau2 = T / Z;
    sum_t += tau2, sum2_t += tau2 * tau2;
    for (std::size_t r = 0; r < d; ++r) {
      const double pi = c[r] / Z;
      sum_pi[r] += pi, sum2_pi[r] += pi * pi;
      sum_tpi[r] += tau2 * pi, sum2_tpi[r] += tau2 * tau2 * pi * pi;
    }
  }
  auto mean_se = [&](double sum, double sum2) {
    const double m = sum / draws;
    return std::pair<double, double>{m, std::sqrt((sum2 / draws - m * m) / (draws - 1))};
  };
  const auto [t_mean, t_se] = mean_se(sum_t, sum2_t);
  INFO("E|theta0|^2: quadrature " << L.averaged->tau2 << ", Monte Carlo " << t_mean << " +- " << t_se);
  CHECK(std::fabs(L.averaged->tau2 - t_mean) < 4 * t_se);
  // The strongest coordinates (the last in sorted order) and a weak one.
  for (std::size_t r : {d - 1, d - 2, d - 5, std::size_t{0}}) {
    const auto [pi, pi_se] = mean_se(sum_pi[r], sum2_pi[r]);
    const auto [tpi, tpi_se] = mean_se(sum_tpi[r], sum2_tpi[r]);
    INFO("coordinate " << r << ": E[pi] " << L.averaged->wt[r] << " vs " << pi << " +- " << pi_se
                       << "; E[|theta0|^2 pi] / E|theta0|^2 " << L.tilted->wt[r] << " vs " << tpi / t_mean << " +- "
                       << tpi_se / t_mean);
    CHECK(std::fabs(L.averaged->wt[r] - pi) < 4 * pi_se);
    CHECK(std::fabs(L.tilted->wt[r] * L.averaged->tau2 - tpi) < 4 * tpi_se);
  }
}

TEST_CASE("finite teacher law: a drawn teacher's weights average to E[pi] (chi^2 per atom)") {
  std::vector<double> values(60, 1.0);
  for (int i = 0; i < 6; ++i) values[i] = 8.0;
  for (int i = 6; i < 20; ++i) values[i] = 0.25;
  const FiniteSpectralLaws L = finite_spectral_laws(values, 0.0);
  REQUIRE(L.s.size() == 3);
  const std::uint64_t seed = 7;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const int draws = 40000;
  std::vector<double> sum(3), sum2(3);
  double t = 0, t2 = 0;
  for (int k = 0; k < draws; ++k) {
    const SpectralLaw one = drawn_teacher_law(L, rng);
    double total = 0;
    for (int i = 0; i < 3; ++i) sum[i] += one.wt[i], sum2[i] += one.wt[i] * one.wt[i], total += one.wt[i];
    CHECK(std::fabs(total - 1) < 1e-14);
    t += one.tau2, t2 += one.tau2 * one.tau2;
  }
  for (int i = 0; i < 3; ++i) {
    const double m = sum[i] / draws, se = std::sqrt((sum2[i] / draws - m * m) / (draws - 1));
    INFO("atom " << i << ": drawn " << m << " +- " << se << ", quadrature " << L.averaged->wt[i]);
    CHECK(std::fabs(m - L.averaged->wt[i]) < 4 * se);
  }
  const double m = t / draws, se = std::sqrt((t2 / draws - m * m) / (draws - 1));
  CHECK(std::fabs(m - L.averaged->tau2) < 4 * se);
}

TEST_CASE("finite teacher law: an eigenvalue 0 counts in |theta0|^2 at b = 0 only; b < 0 with one is rejected") {
  std::vector<double> values(20, 1.0);
  values[0] = 0.0;
  const FiniteSpectralLaws L0 = finite_spectral_laws(values, 0.0);
  // At b = 0, theta0_r = g_r / Z^(1/2) for every r, so E|theta0|^2 = E[sum g^2 / sum_{s > 0} s g^2] > 1.
  CHECK(L0.averaged->tau2 > 1.0);
  CHECK(L0.averaged->wt[0] == 0.0);
  const FiniteSpectralLaws L1 = finite_spectral_laws(values, 1.0);
  CHECK(L1.averaged->wv[0] == 0.0);
  CHECK_THROWS_AS(finite_spectral_laws(values, -0.5), InvalidParameter);
  CHECK_THROWS_AS(finite_spectral_laws(std::vector<double>(3, 1.0), 0.0), InvalidParameter);
}

TEST_CASE("finite teacher law: beyond 20000 eigenvalues the compressed atoms reproduce every average to 1e-11") {
  // d = 10^5, powerlaw:0.6 at b = 0.5 (near the edge) and b = -1: averages of the theory's integrands
  // s S, s^2 S^2, S (S = 1 / (1 + s x)) under the uniform and the teacher weights, and E|theta0|^2.
  const std::vector<double> s = finite_spectrum(parse_spectrum("powerlaw:0.6"), 100000);
  for (double b : {0.5, -1.0}) {
    const FiniteSpectralLaws full = finite_spectral_laws(s, b, false);
    const FiniteSpectralLaws fast = finite_spectral_laws(s, b, true);
    REQUIRE(full.s.size() == 100000);
    INFO("b = " << b << ": " << fast.s.size() << " atoms");
    CHECK(fast.s.size() < 2000);
    CHECK(fast.averaged->tau2 == doctest::Approx(full.averaged->tau2).epsilon(1e-11));
    for (double x : {1e-4, 1e-2, 1.0, 100.0}) {
      auto sums = [x](const SpectralLaw& L) {
        std::array<double, 6> out{};
        for (std::size_t i = 0; i < L.size(); ++i) {
          const double S = 1 / (1 + L.s[i] * x), sS = L.s[i] * S;
          out[0] += L.w[i] * sS, out[1] += L.w[i] * sS * sS, out[2] += L.wt[i] * S;
          out[3] += L.wt[i] * sS, out[4] += L.wt[i] * sS * sS, out[5] += L.wv[i] * S;
        }
        return out;
      };
      const auto a = sums(*full.averaged), c = sums(*fast.averaged);
      const auto at = sums(*full.tilted), ct = sums(*fast.tilted);
      for (int k = 0; k < 6; ++k) {
        INFO("x = " << x << ", average " << k << ": " << c[k] << " vs " << a[k]);
        CHECK(c[k] == doctest::Approx(a[k]).epsilon(1e-11));
        CHECK(ct[k] == doctest::Approx(at[k]).epsilon(1e-11));
      }
    }
  }
}
