// Fuzzes the spectrum parsers (model/spectrum.hpp): the first byte picks what the rest is.
//   even: the text of a spectrum file, model::parse_spectrum_file_text. An accepted file has 1 to
//         10^6 values, each finite and >= 0, not all 0, at most one per line; its empirical law
//         (model::discrete_spectral_law) has finite weights summing to 1, mean 1, tau^2 > 0.
//   odd:  a spectrum text, model::parse_spectrum (file: texts are skipped: no file system here);
//         an accepted powerlaw or twolevel has its numbers in range, and its limit law (at the
//         alignment b = second byte / 32 - 4) finite weights or a rejection naming the alignment.
// Every rejection is model::InvalidParameter naming "spectrum" (or "alignment") in a message that
// starts with that name and is one line.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/model/spectrum.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>

namespace {

void check_rejection(const srf::model::InvalidParameter& e) {
  const std::string what = e.what();
  SRF_FUZZ_CHECK(e.field() == "spectrum" || e.field() == "alignment");
  SRF_FUZZ_CHECK(what.rfind(e.field(), 0) == 0);
  SRF_FUZZ_CHECK(what.find('\n') == std::string::npos);
}

void check_law(const srf::model::SpectralLaw& law) {
  double w = 0, wt = 0, mean = 0;
  for (std::size_t i = 0; i < law.size(); ++i) {
    SRF_FUZZ_CHECK(std::isfinite(law.w[i]) && law.w[i] >= 0 && std::isfinite(law.wt[i]) && law.wt[i] >= 0);
    SRF_FUZZ_CHECK(law.s[i] >= 0);
    w += law.w[i], wt += law.wt[i];
    if (law.w[i] > 0 && std::isfinite(law.s[i])) mean += law.w[i] * law.s[i];
  }
  SRF_FUZZ_CHECK(std::fabs(w - 1) < 1e-9 && std::fabs(wt - 1) < 1e-9);
  // (A powerlaw quadrature's E s has its tail where e^(-t) underflows for a near 1; the theory
  // never integrates E s itself.)
  if (!law.continuous) SRF_FUZZ_CHECK(std::fabs(mean - 1) < 1e-6);
  SRF_FUZZ_CHECK(std::isfinite(law.tau2) && law.tau2 > 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);
  const double b = data[1] / 32.0 - 4.0;
  if (data[0] % 2 == 0) {
    std::vector<double> values;
    try {
      values = srf::model::parse_spectrum_file_text(text, "file:fuzz");
    } catch (const srf::model::InvalidParameter& e) {
      check_rejection(e);
      return 0;
    }
    SRF_FUZZ_CHECK(!values.empty() && values.size() <= srf::model::kMaxSpectrumFileValues);
    SRF_FUZZ_CHECK(values.size() <= static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    SRF_FUZZ_CHECK(std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v) && v >= 0; }));
    SRF_FUZZ_CHECK(std::any_of(values.begin(), values.end(), [](double v) { return v > 0; }));
    try {
      check_law(srf::model::discrete_spectral_law(values, b));
    } catch (const srf::model::InvalidParameter& e) {
      check_rejection(e);
      SRF_FUZZ_CHECK(e.field() == "alignment" && b < 0);  // a zero eigenvalue at b < 0 (R2)
    }
    return 0;
  }
  if (text.rfind("file:", 0) == 0) return 0;
  srf::model::Spectrum s;
  try {
    s = srf::model::parse_spectrum(text);
  } catch (const srf::model::InvalidParameter& e) {
    check_rejection(e);
    return 0;
  }
  if (s.family == srf::model::SpectrumFamily::kPowerLaw) SRF_FUZZ_CHECK(s.a >= 0 && s.a <= srf::model::kMaxPowerLawExponent);
  if (s.family == srf::model::SpectrumFamily::kTwoLevel)
    SRF_FUZZ_CHECK(s.f > 0 && s.f < 1 && s.r > 0 && std::isfinite(s.r));
  try {
    check_law(srf::model::make_spectral_law(s, b));
  } catch (const srf::model::InvalidParameter& e) {
    check_rejection(e);
    SRF_FUZZ_CHECK(e.field() == "alignment");
  }
  return 0;
}
