#pragma once
// The input spectrum of docs/model.md "Structured inputs": inputs x ~ N(0, Sigma), Sigma =
// diag(s_1..s_d), every family rescaled to mean(s) = 1 (docs/theory/structured.md [S.1]).
//   isotropic        s = 1 (the base model)
//   powerlaw:a       0 <= a < 1 (numerically a <= 0.999); s_i = c ((i - 1/2)/d)^(-a), limit law
//                    s = (1 - a) U^(-a)
//   twolevel:f,r     0 < f < 1, r > 0; the first ceil(f d) eigenvalues r times the others
//                    (also read as twolevel:f;r, the form of a CSV cell)
//   file:PATH        eigenvalues one per line (finite, >= 0, not all 0; blank lines and lines
//                    starting with '#' are skipped; at most 10^6), rescaled to mean 1
// ModelParams holds the text; parse_spectrum() reads it. A file is read once per process and
// shared (a registry keyed by path, re-read when the file's size or time changes), so copying
// a ModelParams per curve point costs a string. The limit law the theory uses is
// model/spectral_law.hpp.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace srf::model {

enum class SpectrumFamily { kIsotropic, kPowerLaw, kTwoLevel, kFile };

struct Spectrum {
  SpectrumFamily family = SpectrumFamily::kIsotropic;
  double a = 0;       // powerlaw: the exponent
  double f = 0.5;     // twolevel: the fraction of strong directions
  double r = 1;       // twolevel: their ratio to the others
  std::string path;   // file: as written after "file:"
  // file: the eigenvalues in file order, rescaled to mean 1 (shared with the registry).
  std::shared_ptr<const std::vector<double>> values;

  bool isotropic() const { return family == SpectrumFamily::kIsotropic; }
};

// The largest powerlaw exponent: the limit law's quadrature grows like 1/(1 - a) (model/spectral_law.hpp).
inline constexpr double kMaxPowerLawExponent = 0.999;
// The largest number of eigenvalues a spectrum file may hold.
inline constexpr std::size_t kMaxSpectrumFileValues = 1000000;

// Parses a spectrum text (the `spectrum` parameter). Throws InvalidParameter naming "spectrum"
// with a one-line reason: an unknown family, a bad number, a value out of range, a missing or
// unreadable file, or a bad file (see parse_spectrum_file_text).
Spectrum parse_spectrum(const std::string& text);

// The eigenvalues in the text of a spectrum file, not rescaled: one finite number >= 0 per
// line, surrounding blanks (and a '\r') allowed, blank lines and '#' comment lines skipped.
// Throws InvalidParameter naming "spectrum" ("spectrum = 'file:PATH': line 3: ..."), `source`
// being the text after "spectrum = " in the message: a non-numeric, NaN, infinite or negative
// entry, no entry, only zeros, more than kMaxSpectrumFileValues entries.
std::vector<double> parse_spectrum_file_text(std::string_view text, std::string_view source);

// The d eigenvalues of the finite-size model (the simulator's Sigma), mean 1, per family:
// powerlaw c ((i - 1/2)/d)^(-a); twolevel r for the first ceil(f d) (f d within 1e-9 of an
// integer counts as that integer), 1 for the rest; file: the listed values repeated cyclically
// to length d (the contract leaves L != d open: docs/theory/structured.md, open doubt 3). Throws
// InvalidParameter naming "spectrum" when the first d file values are all 0, std::invalid_argument
// for d < 1.
std::vector<double> finite_spectrum(const Spectrum& spectrum, long d);

// "powerlaw:A" and "twolevel:F,R" with the numbers written exactly (shortest round trip).
std::string powerlaw_spectrum_text(double a);
std::string twolevel_spectrum_text(double f, double r);

}  // namespace srf::model
