// The spectral laws mu, mu_t and tau^2 (docs/theory/structured.md [S.1], [S.11]).
#include <sobolev_rf/model/spectral_law.hpp>

#include <fmt/format.h>
#include <gsl/gsl_integration.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <list>
#include <mutex>
#include <tuple>

#include <sobolev_rf/model/invalid_parameter.hpp>

namespace srf::model {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The law of atoms s_i with weights w_i (any positive scale), rescaled to mean 1, with the
// teacher law and tau^2 at alignment b [S.1]. Zero atoms: s^(b+1) = 0 (b > -1 here, (R2)),
// s^0 = 1 in E[s^b] at b = 0 (theta0_i = g_i there), as docs/theory/structured.md [S.11] says.
SpectralLaw weighted_law(std::vector<double> s, std::vector<double> w, double b) {
  double total = 0, mean = 0;
  for (std::size_t i = 0; i < s.size(); ++i) total += w[i], mean += w[i] * s[i];
  mean /= total;
  SpectralLaw law;
  const std::size_t n = s.size();
  law.s.resize(n), law.inv_s.resize(n), law.w.resize(n), law.wt.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    law.s[i] = s[i] / mean;
    law.inv_s[i] = law.s[i] > 0 ? 1.0 / law.s[i] : kInf;
    law.w[i] = w[i] / total;
  }
  // wt_i proportional to w_i s_i^(b+1), in logarithms: s^(b+1) may overflow for a large |b|.
  double top = -kInf;
  std::vector<double> log_wt(n, -kInf);
  for (std::size_t i = 0; i < n; ++i)
    if (law.s[i] > 0 && law.w[i] > 0) top = std::max(top, log_wt[i] = std::log(law.w[i]) + (b + 1) * std::log(law.s[i]));
  double norm = 0, zero_mass = 0;
  for (std::size_t i = 0; i < n; ++i) norm += law.wt[i] = std::exp(log_wt[i] - top);
  double tau2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    law.wt[i] /= norm;
    if (law.s[i] > 0) tau2 += law.wt[i] * law.inv_s[i];  // E_t[1/s] = E[s^b]/E[s^(b+1)] over s > 0
    else zero_mass += law.w[i];
  }
  // At b = 0 the zero atoms add E[s^0 1{s = 0}] / E[s] = their mass to tau^2.
  if (b == 0.0) tau2 += zero_mass;
  if (!std::isfinite(tau2))  // an atom near 0 with b < -1: E[s^b] / E[s^(b+1)] ~ 1 / s_min overflows
    throw InvalidParameter("alignment", fmt::format("alignment = {}: tau^2 = E[s^b] / E[s^(b+1)] overflows (an "
                                                    "eigenvalue too close to 0 for this b)", b));
  law.tau2 = tau2;
  // mu_v: wv_i proportional to w_i s_i^b = wt_i / (s_i tau^2) (S13.1); at b = 0 it is mu itself,
  // zero atoms included (s^0 = 1 there; for b > 0 they weigh 0, b < 0 has none (R2)).
  law.wv.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    law.wv[i] = b == 0.0 ? law.w[i] : (law.s[i] > 0 ? law.wt[i] * law.inv_s[i] / tau2 : 0.0);
  return law;
}

// powerlaw:a [S.11]: s = (1 - a) e^(a t), t = -log U ~ Exp(1); E_s[f] = int f e^(-t) dt and
// E_t[f] = c_t int f e^(-c_t t) dt, c_t = 1 - a (b + 1) > 0 (R1).
SpectralLaw powerlaw_law(double a, double b, const SpectralLawOptions& o) {
  const int n = o.nodes_per_panel;
  gsl_integration_fixed_workspace* ws = gsl_integration_fixed_alloc(gsl_integration_fixed_legendre, n, -1.0, 1.0, 0.0, 0.0);
  const std::vector<double> x(gsl_integration_fixed_nodes(ws), gsl_integration_fixed_nodes(ws) + n);
  const std::vector<double> gw(gsl_integration_fixed_weights(ws), gsl_integration_fixed_weights(ws) + n);
  gsl_integration_fixed_free(ws);
  const double ct = 1.0 - a * (b + 1.0);
  const double t_end = o.tail / std::min(1.0 - a, ct);
  SpectralLaw law;
  law.continuous = true;
  for (double lo = 0.0; lo < t_end;) {
    // A teacher density faster than e^(-2 t) (b < -1) needs narrower panels while it lives.
    double width = o.panel_width;
    if (ct > 2.0 && lo < o.tail / ct) width = std::min(width, 8.0 / ct);
    const double hi = std::min(lo + width, t_end), half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
    for (int i = 0; i < n; ++i) {
      const double t = mid + half * x[i];
      law.s.push_back((1.0 - a) * std::exp(a * t));
      law.inv_s.push_back(std::exp(-a * t) / (1.0 - a));
      law.w.push_back(half * gw[i] * std::exp(-t));
      law.wt.push_back(half * gw[i] * ct * std::exp(-ct * t));
      law.wv.push_back(half * gw[i] * (1.0 - a * b) * std::exp(-(1.0 - a * b) * t));  // s^b e^(-t), normalised
    }
    lo = hi;
  }
  // E[s^m] = (1 - a)^m / (1 - a m) for a m < 1 (closed form, [S.1]).
  law.tau2 = ct / ((1.0 - a) * (1.0 - a * b));
  return law;
}

}  // namespace

void SpectralLawOptions::validate() const {
  if (!(panel_width > 0 && panel_width <= 8))
    throw InvalidParameter("panel_width", fmt::format("panel_width = {}: must lie in (0, 8]", panel_width));
  if (nodes_per_panel < 4 || nodes_per_panel > 64)
    throw InvalidParameter("nodes_per_panel", fmt::format("nodes_per_panel = {}: must lie in [4, 64]", nodes_per_panel));
  if (!(tail >= 20 && tail <= 300)) throw InvalidParameter("tail", fmt::format("tail = {}: must lie in [20, 300]", tail));
}

void check_alignment(const Spectrum& spectrum, double b) {
  if (!std::isfinite(b)) throw InvalidParameter("alignment", fmt::format("alignment = {}: must be finite", b));
  if (spectrum.family == SpectrumFamily::kPowerLaw && spectrum.a * (b + 1.0) >= 1.0)
    throw InvalidParameter(
        "alignment",
        fmt::format("alignment = {}: with {{spectrum}} = {}, E[s^(b+1)] is infinite (a (b + 1) = {:.6g} >= 1): the "
                    "teacher would live in O(1) input directions, outside the proportional limit "
                    "(docs/theory/structured.md (R1)); needs b < 1/a - 1 = {:.6g}",
                    b, powerlaw_spectrum_text(spectrum.a), spectrum.a * (b + 1.0), 1.0 / spectrum.a - 1.0));
  // The teacher law's quadrature reaches t ~ 72.6 / (1 - a(b+1)): keep it below ~3e5 nodes.
  if (spectrum.family == SpectrumFamily::kPowerLaw && 1.0 - spectrum.a * (b + 1.0) < 1e-3)
    throw InvalidParameter(
        "alignment", fmt::format("alignment = {}: with {{spectrum}} = {}, 1 - a (b + 1) = {:.3g} is within 1e-3 of the "
                                 "edge (R1) of the proportional regime, beyond the quadrature of the teacher law; "
                                 "needs b <= {:.6g}",
                                 b, powerlaw_spectrum_text(spectrum.a), 1.0 - spectrum.a * (b + 1.0),
                                 (1.0 - 1e-3) / spectrum.a - 1.0));
  if (spectrum.family == SpectrumFamily::kFile && b < 0.0 &&
      std::find(spectrum.values->begin(), spectrum.values->end(), 0.0) != spectrum.values->end())
    throw InvalidParameter("alignment",
                           fmt::format("alignment = {}: the spectrum file {} has an eigenvalue 0, where theta0_i = "
                                       "s_i^(b/2) g_i is infinite for b < 0 (docs/theory/structured.md (R2))",
                                       b, spectrum.path));
}

SpectralLaw discrete_spectral_law(const std::vector<double>& values, double b) {
  std::vector<double> v = values;
  bool nonzero = false;
  for (double x : v) {
    if (!(std::isfinite(x) && x >= 0.0))
      throw InvalidParameter("spectrum", fmt::format("spectrum: eigenvalue {} must be finite and >= 0", x));
    nonzero = nonzero || x > 0;
  }
  if (!nonzero) throw InvalidParameter("spectrum", "spectrum: needs an eigenvalue > 0");
  if (b < 0.0 && std::find(v.begin(), v.end(), 0.0) != v.end())
    throw InvalidParameter("alignment", fmt::format("alignment = {}: an eigenvalue 0 with b < 0 (docs/theory/structured.md (R2))", b));
  std::sort(v.begin(), v.end());
  std::vector<double> atoms, weights;
  for (double x : v) {
    if (!atoms.empty() && atoms.back() == x) weights.back() += 1.0;
    else atoms.push_back(x), weights.push_back(1.0);
  }
  return weighted_law(std::move(atoms), std::move(weights), b);
}

SpectralLaw make_spectral_law(const Spectrum& spectrum, double b, const SpectralLawOptions& options) {
  options.validate();
  check_alignment(spectrum, b);
  switch (spectrum.family) {
    case SpectrumFamily::kIsotropic: return weighted_law({1.0}, {1.0}, b);
    case SpectrumFamily::kPowerLaw: return powerlaw_law(spectrum.a, b, options);
    case SpectrumFamily::kTwoLevel: return weighted_law({spectrum.r, 1.0}, {spectrum.f, 1.0 - spectrum.f}, b);
    case SpectrumFamily::kFile: return discrete_spectral_law(*spectrum.values, b);
  }
  return {};
}

std::shared_ptr<const SpectralLaw> spectral_law(const std::string& text, double b) {
  const Spectrum spectrum = parse_spectrum(text);
  // Keyed by the text, b and the file's values (a re-read file is a new law); the entry keeps
  // those values alive, so their address is not reused while it is cached.
  struct Entry {
    std::string text;
    double b;
    std::shared_ptr<const std::vector<double>> values;
    std::shared_ptr<const SpectralLaw> law;
  };
  static std::mutex mutex;
  static std::list<Entry> cache;  // most recent first; a few entries (a file law may be large)
  constexpr std::size_t kEntries = 8;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = cache.begin(); it != cache.end(); ++it)
      if (it->text == text && it->b == b && it->values == spectrum.values) {
        cache.splice(cache.begin(), cache, it);
        return cache.front().law;
      }
  }
  auto law = std::make_shared<const SpectralLaw>(make_spectral_law(spectrum, b));
  std::lock_guard<std::mutex> lock(mutex);
  cache.push_front(Entry{text, b, spectrum.values, law});
  if (cache.size() > kEntries) cache.pop_back();
  return law;
}

}  // namespace srf::model
