#include "theory/parameter_registry.hpp"

#include <fmt/format.h>

#include <cmath>
#include <sstream>

namespace srf::theory {

const std::vector<ParameterInfo>& model_parameters() {
  using T = ParameterType;
  static const std::vector<ParameterInfo> list = {
      {"sigma", T::kText, "student activation sigma", false},
      {"teacher", T::kText, "teacher function phi", false},
      {"alpha", T::kReal, "alpha = n/p, samples per feature", true},
      {"p_over_n", T::kReal, "p/n = 1/alpha (sets alpha)", true},
      {"gamma", T::kReal, "gamma = d/p, input dimension per feature", true},
      {"lambda", T::kReal, "ridge penalty lambda >= 0 (0: the ridgeless limit lambda -> 0+)", true},
      {"k", T::kInteger, "number of sketched gradient directions (0 = L2 training)", false},
      {"beta", T::kReal, "weight of the gradient loss", true},
      {"delta_f", T::kReal, "function-label noise variance Delta_f", true},
      {"delta_g", T::kReal, "gradient-label noise variance Delta_g", true},
      {"rho", T::kReal, "correlation of function and gradient noise", true},
      {"varpi", T::kRealList, "alignment varpi = V^T theta0, k values", true},
      {"informed", T::kText, "informed direction: none | oracle (theta0) | estimated (top gradient eigenvector)", false},
      {"beta_inf", T::kReal, "weight of the informed-direction gradient loss", true},
      {"alpha_u", T::kReal, "n_u/p, gradient samples estimating the informed direction", true},
      {"delta_u", T::kReal, "noise variance Delta_u of those gradient samples", true},
  };
  return list;
}

const ParameterInfo* find_model_parameter(std::string_view name) {
  for (const auto& info : model_parameters())
    if (info.name == name) return &info;
  return nullptr;
}

std::string model_parameter_names(bool sweepable_only) {
  std::string out;
  for (const auto& info : model_parameters())
    if (!sweepable_only || info.sweepable) out += (out.empty() ? "" : ", ") + std::string(info.name);
  return out;
}

std::string flag_name(std::string_view field) {
  std::string f = "--" + std::string(field);
  for (char& c : f)
    if (c == '_') c = '-';
  return f;
}

namespace {

[[noreturn]] void unknown(std::string_view name) {
  throw InvalidParameter(std::string(name), fmt::format("unknown parameter '{}'; known: {}", name,
                                                        model_parameter_names()));
}

double parse_real(const std::string& text, const std::string& field) {
  try {
    std::size_t pos = 0;
    const double v = std::stod(text, &pos);
    if (pos == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw InvalidParameter(field, fmt::format("{} = '{}': not a number", field, text));
}

std::string cell(double v) { return fmt::format("{:.10g}", v); }

}  // namespace

std::vector<double> parse_real_list(const std::string& text, const std::string& field, bool blanks_and_semicolons) {
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
      throw InvalidParameter(field, fmt::format("{} = '{}': '{}' is not a number", field, text, item));
    }
  }
  if (!blanks_and_semicolons && !list.empty() && list.back() == ',')
    throw InvalidParameter(field, fmt::format("{} = '{}': '' is not a number", field, text));
  return out;
}

void set_model_parameter(ModelParams& p, std::string_view name, double value) {
  const std::string field(name);
  if (name == "alpha") p.alpha = value;
  else if (name == "p_over_n") p.alpha = 1.0 / value;
  else if (name == "gamma") p.gamma = value;
  else if (name == "lambda") p.lambda = value;
  else if (name == "beta") p.beta = value;
  else if (name == "delta_f") p.delta_f = value;
  else if (name == "delta_g") p.delta_g = value;
  else if (name == "rho") p.rho = value;
  else if (name == "beta_inf") p.beta_inf = value;
  else if (name == "alpha_u") p.alpha_u = value;
  else if (name == "delta_u") p.delta_u = value;
  else if (name == "varpi") {
    if (p.k < 1) throw InvalidParameter(field, fmt::format("varpi = {:g}: a scalar varpi needs k >= 1", value));
    p.varpi.assign(static_cast<std::size_t>(p.k), value);
  } else if (name == "k") {
    if (!(std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e9))
      throw InvalidParameter(field, fmt::format("k = {:g}: must be an integer", value));
    p.k = static_cast<int>(value);
  } else if (name == "sigma" || name == "teacher") {
    throw InvalidParameter(field, fmt::format("{} = {:g}: expects an activation name, not a number", name, value));
  } else if (name == "informed") {
    throw InvalidParameter(field, fmt::format("informed = {:g}: expects none, oracle or estimated", value));
  } else {
    unknown(name);
  }
  if (name == "p_over_n" && !(std::isfinite(value) && value > 0.0))
    throw InvalidParameter(field, fmt::format("p_over_n = {:g}: must be finite and > 0", value));
}

void set_model_parameter_text(ModelParams& p, std::string_view name, const std::string& text) {
  const std::string field(name);
  if (name == "sigma") p.sigma = text;
  else if (name == "teacher") p.teacher = text;
  else if (name == "informed") p.informed = text;
  else if (name == "varpi") p.varpi = parse_real_list(text, field, true);
  else if (name == "k") {
    try {
      std::size_t pos = 0;
      const long v = std::stol(text, &pos);
      if (pos != text.size() || v < -1000000 || v > 1000000) throw std::invalid_argument("range");
      p.k = static_cast<int>(v);
    } catch (const std::exception&) {
      throw InvalidParameter(field, fmt::format("k = '{}': not an integer", text));
    }
  } else if (find_model_parameter(name)) {
    set_model_parameter(p, name, parse_real(text, field));
  } else {
    unknown(name);
  }
}

std::vector<std::string> model_parameter_header() {
  std::vector<std::string> out;
  for (const auto& info : model_parameters()) out.emplace_back(info.name);
  return out;
}

std::vector<std::string> model_parameter_cells(const ModelParams& p) {
  std::string varpi;
  for (std::size_t i = 0; i < p.varpi.size(); ++i) varpi += (i ? ";" : "") + cell(p.varpi[i]);
  std::vector<std::string> out;
  for (const auto& info : model_parameters()) {
    const std::string_view n = info.name;
    if (n == "sigma") out.push_back(p.sigma);
    else if (n == "teacher") out.push_back(p.teacher);
    else if (n == "alpha") out.push_back(cell(p.alpha));
    else if (n == "p_over_n") out.push_back(cell(1.0 / p.alpha));
    else if (n == "gamma") out.push_back(cell(p.gamma));
    else if (n == "lambda") out.push_back(cell(p.lambda));
    else if (n == "k") out.push_back(std::to_string(p.k));
    else if (n == "beta") out.push_back(cell(p.beta));
    else if (n == "delta_f") out.push_back(cell(p.delta_f));
    else if (n == "delta_g") out.push_back(cell(p.delta_g));
    else if (n == "rho") out.push_back(cell(p.rho));
    else if (n == "varpi") out.push_back(varpi);
    else if (n == "informed") out.push_back(p.informed);
    else if (n == "beta_inf") out.push_back(cell(p.beta_inf));
    else if (n == "alpha_u") out.push_back(cell(p.alpha_u));
    else if (n == "delta_u") out.push_back(cell(p.delta_u));
  }
  return out;
}

}  // namespace srf::theory
