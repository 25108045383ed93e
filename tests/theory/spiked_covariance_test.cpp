// Specification of the generalised spiked covariance (theory/spiked_covariance.hpp,
// docs/theory/structured.md [S.14]): at Sigma = I it is the BBP limit, an independent closed form.
// The simulator's sampled eigenvectors check it with structured noise
// (tests/simulation/informed_simulator_test.cpp).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/model/spectrum.hpp>
#include <sobolev_rf/theory/spiked_covariance.hpp>

using namespace srf;

TEST_CASE("spiked covariance: one atom is the BBP limit [I.4]") {
  // Samples a theta0 + sqrt(Delta) z with spike ell = |theta0|^2 E a^2: with l = ell / Delta,
  // cos^2 = (l^2 - c) / (l (l + c)) above l = sqrt(c), the outlier at (ell + Delta)(1 + c Delta / ell),
  // and below the transition the Marchenko-Pastur edge Delta (1 + sqrt c)^2 (Baik, Ben Arous and
  // Peche 2005; Paul 2007).
  const model::SpectralLaw law = model::discrete_spectral_law({1.0, 1.0, 1.0}, 0.0);
  REQUIRE(law.size() == 1);
  const double eps = std::numeric_limits<double>::epsilon();
  int above = 0, below = 0;
  for (double ell : {0.05, 0.3, 1.0, 4.0})
    for (double delta : {0.02, 0.1, 1.0})
      for (double c : {0.1, 0.5, 2.0}) {
        const theory::SpikedEigenvector e = theory::spiked_eigenvector(law, ell, delta, c);
        const double l = ell / delta;
        INFO("ell " << ell << " delta " << delta << " c " << c);
        CHECK(e.profile[0] == doctest::Approx(1.0).epsilon(16 * eps));
        if (l * l > c) {
          ++above;
          const double cos2 = (l * l - c) / (l * (l + c));
          CHECK(e.outlier);
          CHECK(std::fabs(e.cos2 - cos2) <= 1e3 * eps);
          CHECK(std::fabs(e.bilinear[0] - std::sqrt(cos2)) <= 1e3 * eps);
          CHECK(e.x == doctest::Approx((ell + delta) * (1.0 + c * delta / ell)).epsilon(1e3 * eps));
        } else {
          ++below;
          CHECK_FALSE(e.outlier);
          CHECK(e.cos2 == 0.0);
          CHECK(e.bilinear[0] == 0.0);
          CHECK(e.x == doctest::Approx(delta * (1.0 + std::sqrt(c)) * (1.0 + std::sqrt(c))).epsilon(1e-10));
        }
      }
  CHECK(above > 10);
  CHECK(below > 5);
}

TEST_CASE("spiked covariance: the overlap grows with the spike and vanishes below a transition") {
  // twolevel:0.1,5 (b = 0), Delta = 0.2, c = 0.5: cos^2 is nondecreasing in ell, 0 at a small spike
  // and close to 1 at a large one.
  const model::SpectralLaw law = model::make_spectral_law(model::parse_spectrum("twolevel:0.1,5"), 0.0);
  double previous = -1;
  for (double ell : {0.1, 0.2, 0.4, 0.6, 0.8, 1.2, 2.0, 4.0, 16.0}) {
    const theory::SpikedEigenvector e = theory::spiked_eigenvector(law, ell, 0.2, 0.5);
    INFO("ell " << ell << ": cos^2 " << e.cos2);
    CHECK(e.cos2 >= previous);
    previous = e.cos2;
  }
  CHECK(theory::spiked_eigenvector(law, 0.1, 0.2, 0.5).cos2 == 0.0);
  CHECK(theory::spiked_eigenvector(law, 16.0, 0.2, 0.5).cos2 > 0.9);
}

TEST_CASE("spiked covariance: an unbounded spectrum is rejected naming informed") {
  const model::SpectralLaw law = model::make_spectral_law(model::parse_spectrum("powerlaw:0.5"), 0.0);
  std::string field;
  try {
    theory::spiked_eigenvector(law, 1.0, 0.1, 0.5);
  } catch (const model::InvalidParameter& e) {
    field = e.field();
  }
  CHECK(field == "informed");
}
