#include <sobolev_rf/model/parameter_table.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include <sobolev_rf/model/spectrum.hpp>

namespace srf::model {

namespace {

using F = Field<ModelParams>;

// A shorthand: a real that reads and writes other fields, not a column of its own.
F shorthand(std::string_view name, std::string_view description, std::function<double(const ModelParams&)> get,
            std::function<void(ModelParams&, double)> set) {
  F f{name, FieldType::kReal, description};
  f.sweepable = true;
  f.column = false;
  f.get_number = std::move(get);
  f.set_number = std::move(set);
  return f;
}

// A number of the spectrum (powerlaw's a, twolevel's f or r), NaN for another family.
std::function<double(const ModelParams&)> spectrum_number(double Spectrum::*member, SpectrumFamily family) {
  return [member, family](const ModelParams& p) {
    try {
      const Spectrum s = parse_spectrum(p.spectrum);
      if (s.family == family) return s.*member;
    } catch (const InvalidParameter&) {
    }
    return std::nan("");
  };
}

// The two-level spectrum whose f or r the shorthand `name` sets to `value`.
Spectrum twolevel_of(const ModelParams& p, const char* name, double value) {
  if (p.spectrum.rfind("twolevel:", 0) != 0)
    throw InvalidParameter(name, fmt::format("{} = {}: sets a number of a two-level {{spectrum}} (twolevel:f,r), but "
                                             "{{spectrum}} = {}; give a two-level {{spectrum}} too",
                                             name, format_number(value), p.spectrum));
  return parse_spectrum(p.spectrum);
}

std::vector<F> make_table() {
  using P = ModelParams;
  std::vector<F> t = {
      text("sigma", &P::sigma, "student activation sigma"),
      text("teacher", &P::teacher, "teacher function phi"),
      real("alpha", &P::alpha, "alpha = n/p, samples per feature", true),
      // p_over_n is a column (the plots' x-axis) that sets alpha.
      shorthand("p_over_n", "p/n = 1/alpha (sets alpha)", [](const P& p) { return 1.0 / p.alpha; },
                [](P& p, double v) {
                  if (!(std::isfinite(v) && v > 0.0))
                    throw InvalidParameter("p_over_n", "p_over_n = " + format_number(v) + ": must be finite and > 0");
                  p.alpha = 1.0 / v;
                }),
      real("gamma", &P::gamma, "gamma = d/p, input dimension per feature", true),
      real("lambda", &P::lambda, "ridge penalty lambda >= 0 (0: the ridgeless limit lambda -> 0+)", true),
      integer("k", &P::k, "number of sketched gradient directions (0 = L2 training)"),
      real("beta", &P::beta, "weight of the gradient loss", true),
      real("delta_f", &P::delta_f, "function-label noise variance Delta_f", true),
      real("delta_g", &P::delta_g, "gradient-label noise variance Delta_g", true),
      real("rho", &P::rho, "correlation of function and gradient noise", true),
      real_list("varpi", &P::varpi, "alignment varpi = V^T theta0, k values"),
      text("informed", &P::informed, "informed direction: none | oracle (theta0) | estimated (top gradient eigenvector, noise Delta_u I) | "
           "estimated_sigma (the same, noise Delta_u Sigma)"),
      real("beta_inf", &P::beta_inf, "weight of the informed-direction gradient loss", true),
      real("alpha_u", &P::alpha_u, "n_u/p, gradient samples estimating the informed direction", true),
      real("delta_u", &P::delta_u, "noise variance Delta_u of those gradient samples", true),
      text("spectrum", &P::spectrum,
           "input covariance spectrum, mean 1: isotropic | powerlaw:a (0 <= a < 1) | twolevel:f,r (first ceil(f d) "
           "eigenvalues r times the others) | file:PATH (eigenvalues, one per line)"),
      real("alignment", &P::alignment,
           "teacher alignment b: theta0_i ~ s_i^(b/2) g_i (> 0: high-variance directions, < 0: low, 0: uniform)", true),
      real("kappa", &P::kappa,
           "extensive sketch: k = kappa d directions (k = round(kappa d) at a finite d), the gradient loss their mean; "
           "0: k fixed (the base model)", true),
      choice("sketch", &P::sketch, kSketchLawNames,
             "law of the extensive sketch: gaussian (i.i.d. N(0,1), any kappa) | orthogonal (sqrt(d) x Haar orthonormal "
             "columns, kappa <= 1; kappa = 1: the full gradient)"),
      shorthand("noise", "Delta_f = Delta_g = value (sets both)", [](const P& p) {
        return p.delta_f == p.delta_g ? p.delta_f : std::nan("");
      }, [](P& p, double v) { p.delta_f = p.delta_g = v; }),
      shorthand("d_over_n", "d/n (sets gamma = value * alpha; apply after alpha)",
                [](const P& p) { return p.gamma / p.alpha; }, [](P& p, double v) { p.gamma = v * p.alpha; }),
      // The spectrum's numbers, for sweeps: each rewrites the spectrum text.
      shorthand("powerlaw_a", "a of spectrum = powerlaw:a (sets spectrum)", spectrum_number(&Spectrum::a, SpectrumFamily::kPowerLaw),
                [](P& p, double v) {
                  if (!(v >= 0.0 && v < 1.0))
                    throw InvalidParameter("powerlaw_a", "powerlaw_a = " + format_number(v) + ": must lie in [0, 1)");
                  p.spectrum = powerlaw_spectrum_text(v);
                }),
      shorthand("twolevel_f", "f of spectrum = twolevel:f,r (sets spectrum; needs a twolevel spectrum)",
                spectrum_number(&Spectrum::f, SpectrumFamily::kTwoLevel), [](P& p, double v) {
                  if (!(v > 0.0 && v < 1.0))
                    throw InvalidParameter("twolevel_f", "twolevel_f = " + format_number(v) + ": must lie in (0, 1)");
                  p.spectrum = twolevel_spectrum_text(v, twolevel_of(p, "twolevel_f", v).r);
                }),
      shorthand("twolevel_r", "r of spectrum = twolevel:f,r (sets spectrum; needs a twolevel spectrum)",
                spectrum_number(&Spectrum::r, SpectrumFamily::kTwoLevel), [](P& p, double v) {
                  if (!(v > 0.0 && std::isfinite(v)))
                    throw InvalidParameter("twolevel_r", "twolevel_r = " + format_number(v) + ": must be finite and > 0");
                  p.spectrum = twolevel_spectrum_text(twolevel_of(p, "twolevel_r", v).f, v);
                }),
  };
  auto row = [&t](std::string_view name) -> F& {
    for (F& f : t)
      if (f.name == name) return f;
    throw std::logic_error("model table: no row " + std::string(name));
  };
  row("p_over_n").column = true;  // the plots' x-axis: a column, though it sets alpha
  // varpi: sweepable (every component at once) and settable from one number.
  F& varpi = row("varpi");
  varpi.sweepable = true;
  varpi.set_number = [](P& p, double v) {
    if (p.k < 1) throw InvalidParameter("varpi", fmt::format("varpi = {:g}: a scalar varpi needs k >= 1", v));
    p.varpi.assign(static_cast<std::size_t>(p.k), v);
  };
  // k: an integer written as text is read as such (not through a double).
  F& k = row("k");
  k.set_text = [](P& p, const std::string& text) {
    try {
      std::size_t pos = 0;
      const long v = std::stol(text, &pos);
      if (pos != text.size() || v < -1000000 || v > 1000000) throw std::invalid_argument("range");
      p.k = static_cast<int>(v);
    } catch (const std::exception&) {
      throw InvalidParameter("k", fmt::format("k = '{}': not an integer", text));
    }
  };
  return t;
}

[[noreturn]] void unknown(std::string_view name) {
  throw InvalidParameter(std::string(name), fmt::format("unknown parameter '{}'; known: {}", name, model_parameter_names()));
}

}  // namespace

const std::vector<Field<ModelParams>>& model_parameters() {
  static const std::vector<F> table = make_table();
  return table;
}

const Field<ModelParams>* find_model_parameter(std::string_view name) { return find_field(model_parameters(), name); }

std::string model_parameter_names(bool sweepable_only) { return field_names(model_parameters(), sweepable_only); }

void set_model_parameter(ModelParams& p, std::string_view name, double value) {
  const F* f = find_model_parameter(name);
  if (!f) unknown(name);
  if (!f->set_number) {
    // What the field takes, from its own row: its choices, or its description.
    std::string expects;
    for (const auto& c : f->choices) expects += (expects.empty() ? "one of " : ", ") + c;
    if (expects.empty()) expects = std::string(f->description);
    throw InvalidParameter(std::string(name), fmt::format("{} = {:g}: not a number; expects {}", name, value, expects));
  }
  f->set_number(p, value);
}

void set_model_parameter_text(ModelParams& p, std::string_view name, const std::string& text) {
  const F* f = find_model_parameter(name);
  if (!f) unknown(name);
  set_field_text(p, *f, text);
}

std::vector<std::string> model_parameter_header() {
  std::vector<std::string> out;
  for (const auto& f : model_parameters())
    if (f.column) out.emplace_back(f.name);
  return out;
}

std::vector<std::string> model_parameter_cells(const ModelParams& p) {
  std::vector<std::string> out;
  for (const auto& f : model_parameters())
    if (f.column) {
      std::string cell = field_text(p, f);
      // A CSV cell holds no ',': a text's commas (twolevel:f,r) are written ';', as varpi's are;
      // the spectrum reads both back.
      if (f.type == FieldType::kText) std::replace(cell.begin(), cell.end(), ',', ';');
      out.push_back(std::move(cell));
    }
  return out;
}

// ---- field_table.hpp ------------------------------------------------------------------------

std::string format_number(double v) { return fmt::format("{:.10g}", v); }

double parse_number(const std::string& text, std::string_view field) {
  try {
    std::size_t pos = 0;
    const double v = std::stod(text, &pos);
    if (pos == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw InvalidParameter(std::string(field), fmt::format("{} = '{}': not a number", field, text));
}

std::vector<double> parse_real_list(const std::string& text, std::string_view field, bool blanks_and_semicolons) {
  std::string list = text;
  if (blanks_and_semicolons)
    for (char& c : list)
      if (c == ';' || c == ' ' || c == '\t') c = ',';
  std::vector<double> out;
  if (list.empty()) return out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (blanks_and_semicolons && item.empty()) continue;  // "0.7; -0.3": separators run together
    try {
      std::size_t pos = 0;
      const double v = std::stod(item, &pos);
      if (pos != item.size()) throw std::invalid_argument("trailing characters");
      out.push_back(v);
    } catch (const std::exception&) {
      throw InvalidParameter(std::string(field), fmt::format("{} = '{}': '{}' is not a number", field, text, item));
    }
  }
  if (!blanks_and_semicolons && !list.empty() && list.back() == ',')
    throw InvalidParameter(std::string(field), fmt::format("{} = '{}': '' is not a number", field, text));
  return out;
}

std::string flag_name(std::string_view field) {
  std::string f = "--" + std::string(field);
  for (char& c : f)
    if (c == '_') c = '-';
  return f;
}

}  // namespace srf::model
