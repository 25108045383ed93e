#pragma once
// The spectral laws of docs/theory/structured.md [S.1] and [S.11], built once per (spectrum,
// alignment): the limit law mu of the input spectrum, the teacher law
//   mu_t(ds) = s^(b+1) mu(ds) / E[s^(b+1)]                                      (S1.2)
// of the alignment b, the direction law mu_v(ds) = s^b mu(ds) / E[s^b] of theta0 / |theta0|
// (S13.1), and tau^2 = E[s^b] / E[s^(b+1)] = lim |theta0|^2 (S1.3). Both laws are one
// discrete measure with two weight vectors: the atoms of twolevel and file spectra, or for
// powerlaw:a a composite Gauss-Legendre rule in t = -log U (s = (1 - a) e^(a t)), which turns
// the U -> 0 end (s -> infinity) into an exponentially decaying tail in t.
#include <memory>
#include <string>
#include <vector>

#include <sobolev_rf/model/spectrum.hpp>

namespace srf::model {

struct SpectralLaw {
  std::vector<double> s;      // nodes: atoms, or quadrature nodes (powerlaw: +inf far out)
  std::vector<double> inv_s;  // 1/s at each node (+inf at an atom s = 0, 0 where s = +inf)
  std::vector<double> w;      // mu: E_s[f] = sum_i w_i f(s_i); sum w = 1, sum w s = 1
  std::vector<double> wt;     // mu_t: E_t[f] = sum_i wt_i f(s_i); sum wt = 1
  // mu_v(ds) = s^b mu(ds) / E[s^b], the law of the coordinates of theta0 / |theta0| (the weights
  // theta0_r^2 / |theta0|^2 -> s_r^b / sum s^b): E_v[f] = sum_i wv_i f(s_i) = E_t[f / s] / tau^2,
  // docs/theory/structured.md (S13.1); sum wv = 1.
  std::vector<double> wv;
  double tau2 = 1.0;          // E[s^b] / E[s^(b+1)]
  // A quadrature of a continuous law (powerlaw): its far nodes have s = +inf, so integrands
  // are evaluated through inv_s (s/(1 + s x) = 1/(inv_s + x)); atoms use s.
  bool continuous = false;
  std::size_t size() const { return s.size(); }
};

// The powerlaw quadrature: panels of `panel_width` in t (narrower where the teacher density
// e^(-(1 - a(b+1)) t) decays faster than e^(-2 t)), `nodes_per_panel` Gauss-Legendre nodes
// each, up to T = tail / min(1 - a, 1 - a(b+1)). The integrands of the theory are s^j S(s)^m,
// S = 1/(1 + s x) (x = Delta_a C_a > 0), j <= m <= 2: bounded by min(s, 1/x)^j, so beyond T
// they carry at most e^(-tail) / x^2 of the mass (E s = 1 at x = 0 included); tail = 45 + 2 ln 10^6
// keeps that below e^-45 for x >= 1e-6 (the largest lambda of practice). They are analytic in
// the strip |Im t| < pi/a, so 16 nodes on panels of width 4 err by ~1e-17
// (tests/model/spectrum_test.cpp checks closed-form moments and a finer rule).
struct SpectralLawOptions {
  double panel_width = 4.0;
  int nodes_per_panel = 16;
  double tail = 72.6;
  void validate() const;  // throws InvalidParameter naming the field
};

// The proportional regime of docs/theory/structured.md [S.1]: (R1) E[s^(b+1)] < infinity
// (powerlaw: a (b + 1) < 1) and (R2) no atom at s = 0 when b < 0. Throws InvalidParameter
// naming "alignment" (b must also be finite).
void check_alignment(const Spectrum& spectrum, double b);

// The laws of `spectrum` at alignment b (checked by check_alignment). isotropic: one atom at 1.
SpectralLaw make_spectral_law(const Spectrum& spectrum, double b, const SpectralLawOptions& options = {});
// The empirical law of `values` (finite, >= 0, not all 0; rescaled to mean 1; equal values
// merged into one atom) at alignment b: a file spectrum, or a simulator's finite-d spectrum.
SpectralLaw discrete_spectral_law(const std::vector<double>& values, double b);

// make_spectral_law(parse_spectrum(spectrum), b), shared: a small process-wide cache keyed by
// (spectrum, b) (a curve over p/n builds its law once). Thread-safe. Throws as the two do.
std::shared_ptr<const SpectralLaw> spectral_law(const std::string& spectrum, double b);

}  // namespace srf::model
