#include <sobolev_rf/plotting/figure_spec.hpp>

#include <fmt/format.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::plotting {

namespace {

// Keys that set model parameters, in every table that accepts them ([defaults], curves, markers).
const std::vector<std::string>& model_keys() {
  static const std::vector<std::string> keys = model::model_parameter_header();
  return keys;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// One TOML table being read: knows its file and name for messages and checks that every key
// present is one it understands (a typo must not be silently ignored).
class TableReader {
 public:
  TableReader(const toml::table& table, std::string file, std::string name)
      : table_(table), file_(std::move(file)), name_(std::move(name)) {}

  std::string where() const { return location(table_.source()); }
  std::string where(std::string_view key) const {
    const toml::node* n = table_.get(key);
    return n ? location(n->source()) : where();
  }
  const std::string& name() const { return name_; }

  [[noreturn]] void fail(std::string_view key, const std::string& rule) const {
    throw std::invalid_argument(fmt::format("{}: {} key '{}': {}", where(key), name_, key, rule));
  }

  void check_keys(const std::vector<std::string>& allowed) const {
    for (auto&& [key, node] : table_) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end())
        throw std::invalid_argument(fmt::format("{}: unknown key '{}' in {} (known: {})", location(node.source()),
                                                key.str(), name_, join(allowed)));
    }
  }

  bool has(std::string_view key) const { return table_.contains(key); }
  const toml::node* node(std::string_view key) const { return table_.get(key); }

  std::optional<std::string> string(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(key, "expected a string");
    return n->value<std::string>();
  }
  std::optional<double> number(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    if (!n->is_number()) fail(key, "expected a number");
    const double v = *n->value<double>();
    if (!std::isfinite(v)) fail(key, "must be finite");
    return v;
  }
  std::optional<int> integer(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) fail(key, "expected an integer");
    const auto v = *n->value<std::int64_t>();
    if (v < -1000000000 || v > 1000000000) fail(key, "out of range");
    return static_cast<int>(v);
  }
  std::optional<bool> boolean(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) fail(key, "expected true or false");
    return n->value<bool>();
  }
  // A number or an array of numbers.
  std::optional<std::vector<double>> numbers(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    std::vector<double> out;
    if (n->is_number()) {
      out.push_back(*n->value<double>());
    } else if (const toml::array* a = n->as_array()) {
      for (const toml::node& item : *a) {
        if (!item.is_number()) fail(key, "expected numbers");
        out.push_back(*item.value<double>());
      }
    } else {
      fail(key, "expected a number or an array of numbers");
    }
    for (double v : out)
      if (!std::isfinite(v)) fail(key, "must be finite");
    return out;
  }
  std::optional<std::vector<std::string>> strings(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return std::nullopt;
    std::vector<std::string> out;
    if (n->is_string()) {
      out.push_back(*n->value<std::string>());
    } else if (const toml::array* a = n->as_array()) {
      for (const toml::node& item : *a) {
        if (!item.is_string()) fail(key, "expected strings");
        out.push_back(*item.value<std::string>());
      }
    } else {
      fail(key, "expected a string or an array of strings");
    }
    return out;
  }
  std::optional<std::pair<double, double>> range(std::string_view key) const {
    const auto v = numbers(key);
    if (!v) return std::nullopt;
    if (v->size() != 2 || !((*v)[0] < (*v)[1])) fail(key, "expected [lo, hi] with lo < hi");
    return std::make_pair((*v)[0], (*v)[1]);
  }
  // A sub-table, or an inline table.
  const toml::table* table(std::string_view key) const {
    const toml::node* n = table_.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(key, "expected a table");
    return n->as_table();
  }

 private:
  std::string location(const toml::source_region& s) const {
    return s.begin.line ? fmt::format("{}:{}", file_, s.begin.line) : file_;
  }
  const toml::table& table_;
  std::string file_;
  std::string name_;
};

// The alignment as written: a scalar sets every component (as a varpi sweep does), an array is
// the vector itself. Resolved against k once all layers are applied.
struct VarpiSetting {
  bool set = false;
  bool scalar = false;
  std::vector<double> values;
};

// Applies the model keys present in `t` on top of `p` and `varpi`, by the parameter registry.
void apply_model_keys(const TableReader& t, model::ModelParams& p, VarpiSetting& varpi) {
  if (t.has("alpha") && t.has("p_over_n")) t.fail("p_over_n", "give alpha or p_over_n, not both");
  for (const auto& info : model::model_parameters()) {
    const std::string_view key = info.name;
    if (!t.has(key)) continue;
    try {
      switch (info.type) {
        case model::FieldType::kText:
        case model::FieldType::kChoice: model::set_model_parameter_text(p, key, *t.string(key)); break;
        case model::FieldType::kBool:
        case model::FieldType::kInteger: model::set_model_parameter(p, key, *t.integer(key)); break;
        case model::FieldType::kReal: {
          const double v = *t.number(key);
          if (key == "p_over_n" && !(v > 0)) t.fail(key, "must be > 0");
          model::set_model_parameter(p, key, v);
          break;
        }
        case model::FieldType::kRealList:
          varpi.set = true;
          varpi.scalar = t.node(key)->is_number();
          varpi.values = *t.numbers(key);
          break;
      }
    } catch (const model::InvalidParameter& e) {
      t.fail(key, e.what());
    }
  }
}

void resolve_varpi(model::ModelParams& p, const VarpiSetting& varpi) {
  if (!varpi.set) {
    // Unset alignment: a plain L2 curve needs none; a Sobolev curve gets the validate() message.
    if (p.k == 0) p.varpi.clear();
    return;
  }
  // A scalar fills k components. At most 64: validate() rejects k > 8 anyway (naming k), and
  // an absurd k (up to 10^9 in TOML) must not allocate gigabytes first (found by fuzz/).
  if (varpi.scalar) p.varpi.assign(static_cast<std::size_t>(std::clamp(p.k, 0, 64)), varpi.values.front());
  else p.varpi = varpi.values;
}

void validate_params(const model::ModelParams& p, const std::string& where) {
  try {
    p.validate();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
}

bool is_error_field(const std::string& q) {
  for (const auto& [name, field] : model::error_fields())
    if (q == name) return true;
  return false;
}

std::vector<std::string> error_field_names() {
  std::vector<std::string> out;
  for (const auto& [name, field] : model::error_fields()) out.emplace_back(name);
  return out;
}

// The optimal-lambda search of a curve: lambda_range = [lo, hi] and the error to minimise.
void parse_lambda_search(const TableReader& t, CurveSpec& c) {
    if (auto r = t.range("lambda_range")) {
      if (!(r->first > 0)) t.fail("lambda_range", "needs lo > 0");
      c.lambda_min = r->first;
      c.lambda_max = r->second;
    }
    c.optimise = t.string("optimise").value_or("gen_f");
    if (!is_error_field(c.optimise)) t.fail("optimise", "'" + c.optimise + "' is not one of " + join(error_field_names()));
}

CurveKind parse_kind(const TableReader& t) {
  const std::string kind = t.string("kind").value_or("theory");
  if (kind == "theory") return CurveKind::kTheory;
  if (kind == "varpi_law") return CurveKind::kVarpiLaw;
  if (kind == "legendre_error") return CurveKind::kLegendreError;
  if (kind == "legendre_interpolant") return CurveKind::kLegendreInterpolant;
  if (kind == "legendre_target") return CurveKind::kLegendreTarget;
  if (kind == "gradient_gain") return CurveKind::kGradientGain;
  t.fail("kind", "'" + kind + "' is not one of theory, varpi_law, legendre_error, legendre_interpolant, legendre_target, gradient_gain");
}

// A sweep of the input dimension, "d=lo:hi:count[:log]" (x = "d"): the finite-d theory of a structured
// spectrum at each d, rounded to a whole number >= 10 (docs/theory/structured.md [S.15]).
std::vector<double> finite_d_sweep(const TableReader& t, const std::string& text, const std::string& name) {
  if (text.rfind("d=", 0) != 0) t.fail("sweep", "'" + text + "' must sweep d: d=lo:hi:count[:log]");
  std::vector<double> values = studies::parse_sweep(text.substr(2), t.where("sweep") + ": " + name + " key 'sweep'");
  for (double& v : values) {
    v = std::round(v);
    if (!(v >= 10 && v <= 1e8)) t.fail("sweep", "d must lie in [10, 1e8]");
  }
  return values;
}

// The x values of a marker set: `at = [...]` or `sweep = "name=lo:hi:count"`.
std::vector<double> marker_positions(const TableReader& m, const std::string& x) {
  if (m.has("at") && m.has("sweep")) m.fail("at", "give at or sweep, not both");
  if (auto at = m.numbers("at")) return *at;
  if (auto s = m.string("sweep")) {
    if (x == "d") return finite_d_sweep(m, *s, m.name());
    const studies::Sweep sweep = studies::parse_sweep_spec(*s, m.where("sweep") + ": " + m.name() + " key 'sweep'");
    if (sweep.name != x) m.fail("sweep", "sweeps '" + sweep.name + "' but the panel's x is '" + x + "'");
    return sweep.values;
  }
  m.fail("sweep", "markers need `sweep = \"" + x + "=lo:hi:count\"` or `at = [...]`");
}

MarkerSpec parse_markers(const TableReader& m, const CurveSpec& curve, const model::ModelParams& curve_params,
                         const VarpiSetting& curve_varpi, const std::string& x) {
  std::vector<std::string> keys = {"sweep", "at", "p", "seeds", "test_samples", "seed", "sketch_scale", "optional"};
  keys.insert(keys.end(), model_keys().begin(), model_keys().end());
  m.check_keys(keys);
  MarkerSpec spec;
  spec.source = m.where();
  if (curve.kind == CurveKind::kTheory) {
    spec.at = marker_positions(m, x);
  } else if (m.has("sweep") || m.has("at")) {
    m.fail(m.has("sweep") ? "sweep" : "at", "a varpi_law curve's markers draw varpi; they take no positions");
  }
  spec.params = curve_params;
  VarpiSetting varpi = curve_varpi;
  apply_model_keys(m, spec.params, varpi);
  resolve_varpi(spec.params, varpi);
  validate_params(spec.params, spec.source + " (" + m.name() + ")");
  auto& o = spec.options;
  o.p = m.integer("p").value_or(o.p);
  o.seeds = m.integer("seeds").value_or(o.seeds);
  o.test_samples = m.integer("test_samples").value_or(o.test_samples);
  if (auto s = m.integer("seed")) {
    if (*s < 0) m.fail("seed", "must be >= 0");
    o.base_seed = static_cast<std::uint64_t>(*s);
  }
  if (auto s = m.string("sketch_scale")) {
    if (*s == "normal") o.sketch_scale = model::SketchScale::kNormal;
    else if (*s == "unit") o.sketch_scale = model::SketchScale::kUnit;
    else m.fail("sketch_scale", "'" + *s + "' must be normal or unit");
  }
  // Markers of the mean over varpi's law draw varpi per seed, as the law does.
  o.varpi_mode = curve.kind == CurveKind::kVarpiLaw || curve.varpi_average ? simulation::VarpiMode::kDrawn
                                                                           : simulation::VarpiMode::kGiven;
  if (curve.kind == CurveKind::kVarpiLaw && spec.params.k < 1)
    m.fail("k", "the varpi law needs k >= 1 (L2 training has no varpi)");
  if (curve.kind == CurveKind::kVarpiLaw && o.seeds < 5) m.fail("seeds", "an empirical CDF needs at least 5 seeds");
  spec.optional = m.boolean("optional").value_or(false);
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(spec.source + ": " + m.name() + ": " + e.what());
  }
  return spec;
}

LegendreSpec parse_legendre(const TableReader& t, CurveKind kind) {
  LegendreSpec l;
  if (auto v = t.string("target")) {
    if (*v != "runge" && *v != "sin3" && *v != "exp") t.fail("target", "'" + *v + "' must be runge, sin3 or exp");
    l.target = *v;
  }
  if (auto v = t.integer("n")) {
    if (*v < 1 || *v > 1000) t.fail("n", "must be in [1, 1000]");
    l.n = *v;
  }
  if (auto v = t.string("nodes")) {
    if (*v != "equispaced" && *v != "random") t.fail("nodes", "'" + *v + "' must be equispaced or random");
    l.nodes = *v;
  }
  if (auto v = t.integer("seed")) {
    if (*v < 0) t.fail("seed", "must be >= 0");
    l.seed = static_cast<unsigned>(*v);
  }
  if (auto v = t.string("data")) {
    if (*v != "values" && *v != "hermite") t.fail("data", "'" + *v + "' must be values or hermite");
    l.hermite = *v == "hermite";
  }
  l.normalised = t.boolean("normalised").value_or(true);
  if (kind == CurveKind::kLegendreInterpolant) {
    const auto d = t.integer("degree");
    if (!d) t.fail("degree", "a legendre_interpolant curve needs `degree = p`");
    if (*d < 0 || *d > 2000) t.fail("degree", "must be in [0, 2000]");
    l.degree = *d;
  }
  return l;
}

CurveSpec parse_curve(const toml::table& table, const std::string& file, const std::string& name,
                      const model::ModelParams& defaults, const VarpiSetting& default_varpi, const PanelSpec& panel) {
  const TableReader t(table, file, name);
  CurveSpec c;
  c.source = t.where();
  c.kind = parse_kind(t);
  std::vector<std::string> keys = {"kind", "label", "quantities", "quantity_labels", "color", "dash"};
  switch (c.kind) {
    case CurveKind::kTheory:
      keys.insert(keys.end(), {"sweep", "sample_factor", "d_over_n", "optimal_lambda", "lambda_range", "optimise", "markers",
                               "sketch_scale", "d", "varpi_average", "limit"});
      keys.insert(keys.end(), model_keys().begin(), model_keys().end());
      break;
    case CurveKind::kGradientGain:
      keys.insert(keys.end(), {"sweep", "sweep_y", "gain", "lambda_range", "optimise", "varpi_average"});
      keys.insert(keys.end(), model_keys().begin(), model_keys().end());
      break;
    case CurveKind::kVarpiLaw:
      keys.insert(keys.end(), {"law", "points", "markers"});
      keys.insert(keys.end(), model_keys().begin(), model_keys().end());
      break;
    case CurveKind::kLegendreError:
      keys.insert(keys.end(), {"sweep", "target", "n", "nodes", "seed", "data", "normalised"});
      break;
    case CurveKind::kLegendreInterpolant:
    case CurveKind::kLegendreTarget:
      keys.insert(keys.end(), {"target", "n", "nodes", "seed", "data", "normalised", "degree"});
      break;
  }
  t.check_keys(keys);
  c.label = t.string("label").value_or("");
  c.color = t.string("color").value_or("");
  if (!c.color.empty()) {
    const bool hex = c.color.size() == 7 && c.color[0] == '#' &&
                     std::all_of(c.color.begin() + 1, c.color.end(),
                                 [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); });
    if (!hex) t.fail("color", "'" + c.color + "' must be #rrggbb");
  }
  if (auto d = t.integer("dash")) {
    if (*d < 1 || *d > 5) t.fail("dash", "must be 1 (solid) to 5");
    c.dash = *d;
  }

  const bool legendre = c.kind == CurveKind::kLegendreError || c.kind == CurveKind::kLegendreInterpolant ||
                        c.kind == CurveKind::kLegendreTarget;
  c.quantities = t.strings("quantities").value_or(std::vector<std::string>{"gen_f"});
  if (c.quantities.empty()) t.fail("quantities", "needs at least one quantity");
  for (const auto& q : c.quantities) {
    if (legendre) {
      if (q != "gen_f" && q != "gen_g" && q != "gen_h1")
        t.fail("quantities", "'" + q + "': the Legendre example reports gen_f, gen_g, gen_h1");
    } else if (!is_error_field(q)) {
      t.fail("quantities", "'" + q + "' is not one of " + join(error_field_names()));
    }
  }
  c.quantity_labels = t.strings("quantity_labels").value_or(std::vector<std::string>{});
  if (!c.quantity_labels.empty() && c.quantity_labels.size() != c.quantities.size())
    t.fail("quantity_labels", "needs one label per quantity");

  if (legendre) {
    c.legendre = parse_legendre(t, c.kind);
    const std::string expected_x = c.kind == CurveKind::kLegendreError ? "degree" : "x";
    if (panel.x != expected_x)
      t.fail("kind", fmt::format("a {} curve needs the panel's x = \"{}\" (it is \"{}\")",
                                 c.kind == CurveKind::kLegendreError ? "legendre_error" : "Legendre function",
                                 expected_x, panel.x));
    if (c.kind == CurveKind::kLegendreError) {
      const auto s = t.string("sweep");
      if (!s) t.fail("sweep", "a legendre_error curve needs `sweep = \"degree=lo:hi:count\"`");
      const auto eq = s->find('=');
      if (eq == std::string::npos || s->substr(0, eq) != "degree")
        t.fail("sweep", "'" + *s + "' must sweep the degree: degree=lo:hi:count");
      const std::vector<double> values = studies::parse_sweep(s->substr(eq + 1), t.where("sweep") + ": " + name + " key 'sweep'");
      std::set<int> degrees;
      for (double v : values) {
        if (v < 0 || v > 2000) t.fail("sweep", "degrees must lie in [0, 2000]");
        degrees.insert(static_cast<int>(std::lround(v)));
      }
      c.sweep_name = "degree";
      c.sweep_values.assign(degrees.begin(), degrees.end());
    }
    return c;
  }

  model::ModelParams params = defaults;
  VarpiSetting varpi = default_varpi;
  apply_model_keys(t, params, varpi);

  if (c.kind == CurveKind::kGradientGain) {
    const auto s = t.string("sweep");
    if (!s) t.fail("sweep", "a gradient_gain curve needs `sweep = \"" + panel.x + "=lo:hi:count\"`");
    const studies::Sweep sweep = studies::parse_sweep_spec(*s, t.where("sweep") + ": " + name + " key 'sweep'");
    if (sweep.name != panel.x) t.fail("sweep", "sweeps '" + sweep.name + "' but the panel's x is '" + panel.x + "'");
    c.sweep_name = sweep.name;
    c.sweep_values = sweep.values;
    const auto sy = t.string("sweep_y");
    if (!sy) t.fail("sweep_y", "a gradient_gain curve needs `sweep_y = \"NAME=lo:hi:count\"`");
    const auto eq = sy->find('=');
    if (eq == std::string::npos) t.fail("sweep_y", "expected NAME=lo:hi:count");
    c.y_name = sy->substr(0, eq);
    if (c.y_name != "noise" && c.y_name != "d_over_n") {
      const model::ParameterInfo* info = model::find_model_parameter(c.y_name);
      if (!info || !info->sweepable)
        t.fail("sweep_y", "'" + c.y_name + "' is not one of noise, d_over_n, " + model::model_parameter_names(true));
    }
    if (c.y_name == c.sweep_name) t.fail("sweep_y", "sweeps the same quantity as `sweep`");
    if (panel.y != c.y_name) t.fail("sweep_y", "sweeps '" + c.y_name + "' but the panel's y is '" + panel.y + "'");
    c.y_values = studies::parse_sweep(sy->substr(eq + 1), t.where("sweep_y") + ": " + name + " key 'sweep_y'");
    c.gain = t.string("gain").value_or("equal_samples");
    if (c.gain != "equal_samples" && c.gain != "equal_cost" && c.gain != "beta1_equal_samples" &&
        c.gain != "beta1_equal_cost")
      t.fail("gain", "'" + c.gain + "' must be equal_samples, equal_cost, beta1_equal_samples or beta1_equal_cost");
    c.varpi_average = t.boolean("varpi_average").value_or(false);
    if (c.varpi_average && !varpi.set) {  // the mean over varpi needs no varpi (the same below)
      varpi.set = true;
      varpi.scalar = true;
      varpi.values = {0.0};
    }
    c.optimal_lambda = true;
    parse_lambda_search(t, c);
    if (params.k < 1) t.fail("k", "the gradient gain needs k >= 1");
  } else if (c.kind == CurveKind::kTheory) {
    const auto s = t.string("sweep");
    if (!s) t.fail("sweep", "a theory curve needs `sweep = \"" + panel.x + "=lo:hi:count\"`");
    if (panel.x == "d") {
      c.sweep_name = "d";
      c.sweep_values = finite_d_sweep(t, *s, name);
    } else {
      const studies::Sweep sweep = studies::parse_sweep_spec(*s, t.where("sweep") + ": " + name + " key 'sweep'");
      if (sweep.name != panel.x) t.fail("sweep", "sweeps '" + sweep.name + "' but the panel's x is '" + panel.x + "'");
      c.sweep_name = sweep.name;
      c.sweep_values = sweep.values;
    }
    if (auto f = t.number("sample_factor")) {
      if (!(*f > 0)) t.fail("sample_factor", "must be > 0");
      c.sample_factor = *f;
    }
    if (auto r = t.number("d_over_n")) {
      if (!(*r > 0)) t.fail("d_over_n", "must be > 0");
      if (c.sweep_name == "gamma") t.fail("d_over_n", "cannot sweep gamma and fix d/n");
      c.d_over_n = *r;
    }
    const std::string scale = t.string("sketch_scale").value_or("normal");
    if (scale == "unit") {
      const auto d = t.number("d");
      if (!d || !(*d > 0)) t.fail("d", "sketch_scale = \"unit\" needs the input dimension d > 0");
      c.unit_sketch_d = *d;
    } else if (scale != "normal") {
      t.fail("sketch_scale", "'" + scale + "' must be normal or unit");
    } else if (t.has("d")) {
      // The finite-d theory of a structured spectrum at one d (docs/theory/structured.md [S.15]).
      const auto d = t.number("d");
      if (!params.structured()) t.fail("d", "only with sketch_scale = \"unit\" or a structured spectrum");
      if (!d || !(*d >= 10 && *d == std::floor(*d))) t.fail("d", "the finite-d theory needs a whole d >= 10");
      if (panel.x == "d") t.fail("d", "the panel's x is d: the sweep sets it");
      c.finite_d = *d;
    }
    c.limit = t.boolean("limit").value_or(false);
    if (t.has("limit") && panel.x != "d") t.fail("limit", "only in a panel with x = \"d\" (the limit's asymptote)");
    if (panel.x == "d" && !params.structured())
      t.fail("sweep", "a sweep of d is the finite-d theory of a structured spectrum: set spectrum");
    c.varpi_average = t.boolean("varpi_average").value_or(false);
    if (c.varpi_average) {
      if (varpi.set) t.fail("varpi_average", "the mean over varpi's law takes no `varpi`");
      if (params.k < 1) t.fail("varpi_average", "needs k >= 1 (L2 training has no varpi)");
      if (c.unit_sketch_d > 0) t.fail("varpi_average", "not with sketch_scale = \"unit\"");
      varpi = {true, true, {0.0}};
    }
    c.optimal_lambda = t.boolean("optimal_lambda").value_or(false);
    if (c.optimal_lambda && c.unit_sketch_d > 0) t.fail("sketch_scale", "a unit-sketch curve cannot optimise lambda");
    if (c.optimal_lambda && c.varpi_average) t.fail("varpi_average", "not with optimal_lambda (optimise a gradient_gain curve)");
    parse_lambda_search(t, c);
    if (c.optimal_lambda && c.sweep_name == "lambda") t.fail("optimal_lambda", "cannot sweep lambda and optimise it");
    if (!c.optimal_lambda && (t.has("lambda_range") || t.has("optimise")))
      t.fail(t.has("lambda_range") ? "lambda_range" : "optimise", "needs optimal_lambda = true");
  } else {  // varpi law
    c.law = t.string("law").value_or("cdf");
    if (c.law != "cdf" && c.law != "density") t.fail("law", "'" + c.law + "' must be cdf or density");
    if (auto n = t.integer("points")) {
      if (*n < 10 || *n > 100000) t.fail("points", "must be in [10, 100000]");
      c.law_points = *n;
    }
    if (panel.x != "error") t.fail("kind", "a varpi_law curve needs the panel's x = \"error\" (it is \"" + panel.x + "\")");
    if (params.k < 1) t.fail("k", "the varpi law needs k >= 1 (L2 training has no varpi)");
    if (!varpi.set) varpi = {true, true, {0.0}};  // the law does not depend on the given varpi
  }
  resolve_varpi(params, varpi);
  // Every point of the sweep must be valid, not only the base point.
  validate_params(params, c.source + " (" + name + ")");
  for (double v : c.sweep_values) {
    if (c.kind == CurveKind::kGradientGain) break;  // validated point by point when computed
    if (c.sweep_name == "d") break;                 // not a model parameter: the model is the same at every d
    model::ModelParams p = params;
    model::set_model_parameter(p, c.sweep_name, v);
    if (c.d_over_n > 0) p.gamma = c.d_over_n * p.alpha;
    p.alpha *= c.sample_factor;
    validate_params(p, fmt::format("{} ({}, {} = {})", t.where("sweep"), name, c.sweep_name, v));
  }
  c.params = params;
  if (const toml::table* m = t.table("markers")) {
    c.markers = parse_markers(TableReader(*m, file, name + ".markers"), c, params, varpi, panel.x);
  }
  return c;
}

PanelSpec parse_panel(const toml::table& table, const std::string& file, int index,
                      const model::ModelParams& defaults, const VarpiSetting& default_varpi) {
  const std::string name = fmt::format("[[panel]] {}", index + 1);
  const TableReader t(table, file, name);
  t.check_keys({"title", "x", "y", "x_label", "y_label", "log_x", "log_y", "x_range", "y_range", "legend", "curve"});
  PanelSpec p;
  p.title = t.string("title").value_or("");
  const auto x = t.string("x");
  if (!x) t.fail("x", "each panel needs its x quantity, e.g. x = \"p_over_n\"");
  p.x = *x;
  const model::ParameterInfo* info = model::find_model_parameter(p.x);
  const bool known = (info && info->sweepable) || p.x == "error" || p.x == "degree" || p.x == "x" || p.x == "d";
  if (!known) t.fail("x", "'" + p.x + "' is not one of " + model::model_parameter_names(true) + ", error, degree, x, d");
  p.y = t.string("y").value_or("");
  p.x_label = t.string("x_label").value_or(p.x == "p_over_n" ? "p/n" : p.x);
  p.y_label = t.string("y_label").value_or("");
  p.log_x = t.boolean("log_x").value_or(false);
  p.log_y = t.boolean("log_y").value_or(false);
  p.x_range = t.range("x_range");
  p.y_range = t.range("y_range");
  if (p.log_x && p.x_range && !(p.x_range->first > 0)) t.fail("x_range", "log_x needs lo > 0");
  if (p.log_y && p.y_range && !(p.y_range->first > 0)) t.fail("y_range", "log_y needs lo > 0");
  p.legend = t.string("legend").value_or("top right");
  for (char ch : p.legend)
    if (!std::isalpha(static_cast<unsigned char>(ch)) && ch != ' ')
      t.fail("legend", "'" + p.legend + "' must be words such as \"top left\", \"bottom right\" or \"off\"");
  const toml::node* curves = t.node("curve");
  const toml::array* arr = curves ? curves->as_array() : nullptr;
  if (!arr || arr->empty()) t.fail("curve", "each panel needs at least one [[panel.curve]]");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::table* c = (*arr)[i].as_table();
    if (!c) t.fail("curve", "expected [[panel.curve]] tables");
    p.curves.push_back(
        parse_curve(*c, file, fmt::format("{} curve {}", name, i + 1), defaults, default_varpi, p));
  }
  return p;
}

}  // namespace

std::string quantity_display_name(const std::string& q) {
  if (q == "gen_f") return "L_2 test error";
  if (q == "gen_h1") return "H^1 test error";
  if (q == "gen_g") return "sketched-gradient test error";
  if (q == "gen_grad") return "full-gradient test error";
  if (q == "train_f") return "L_2 training error";
  if (q == "train_g") return "sketched-gradient training error";
  return q;
}

FigureSpec parse_figure_spec_text(const std::string& text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw std::invalid_argument(fmt::format("{}:{}: {}", path, e.source().begin.line, e.description()));
  }
  const TableReader t(root, path, "the figure");
  t.check_keys({"title", "output", "panel_width", "panel_height", "columns", "defaults", "panel"});
  FigureSpec f;
  f.path = path;
  f.title = t.string("title").value_or("");
  const auto output = t.string("output");
  if (!output) t.fail("output", "needs `output = \"name\"` (base name of the files written)");
  if (output->empty() || !std::all_of(output->begin(), output->end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
      }))
    t.fail("output", "'" + *output + "' must be a plain file name: letters, digits, _ and -");
  f.output = *output;
  if (auto w = t.number("panel_width")) {
    if (*w < 1 || *w > 20) t.fail("panel_width", "must be in [1, 20] inches");
    f.panel_width = *w;
  }
  if (auto h = t.number("panel_height")) {
    if (*h < 1 || *h > 20) t.fail("panel_height", "must be in [1, 20] inches");
    f.panel_height = *h;
  }
  if (auto c = t.integer("columns")) {
    if (*c < 1 || *c > 6) t.fail("columns", "must be in [1, 6]");
    f.columns = *c;
  }

  model::ModelParams defaults;
  VarpiSetting default_varpi;
  if (const toml::table* d = t.table("defaults")) {
    const TableReader dr(*d, path, "[defaults]");
    dr.check_keys(model_keys());
    apply_model_keys(dr, defaults, default_varpi);
  }
  const toml::node* panels = t.node("panel");
  const toml::array* arr = panels ? panels->as_array() : nullptr;
  if (!arr || arr->empty()) t.fail("panel", "needs at least one [[panel]]");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::table* p = (*arr)[i].as_table();
    if (!p) t.fail("panel", "expected [[panel]] tables");
    f.panels.push_back(parse_panel(*p, path, static_cast<int>(i), defaults, default_varpi));
  }
  return f;
}

FigureSpec parse_figure_spec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(path + ": cannot open the figure spec");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_figure_spec_text(ss.str(), path);
}

}  // namespace srf::plotting
