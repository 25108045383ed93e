#pragma once
// The one list of the model's parameters: names (as in ModelParams, CSV columns, sweeps,
// figure specs, points files and Python keywords), types and one-line descriptions. Front ends
// derive their own spelling from it (CLI: flag_name("delta_f") = "--delta-f").
// `p_over_n` is an alias: it sets alpha = 1 / value.
#include <string>
#include <string_view>
#include <vector>

#include "theory/model_params.hpp"

namespace srf::theory {

enum class ParameterType {
  kText,      // sigma, teacher: a name from the activation registry; informed: none|oracle|estimated
  kInteger,   // k
  kReal,      // alpha, p_over_n, gamma, lambda, beta, delta_f, delta_g, rho, beta_inf, alpha_u, delta_u
  kRealList,  // varpi: k numbers
};

struct ParameterInfo {
  std::string_view name;         // field name, CSV column, sweep and spec key
  ParameterType type;
  std::string_view description;  // one line, for help texts
  bool sweepable;                // a real value a sweep may vary (varpi: every component)
};

// Every parameter, in CSV column order: sigma, teacher, alpha, p_over_n, gamma, lambda, k,
// beta, delta_f, delta_g, rho, varpi, informed, beta_inf, alpha_u, delta_u.
const std::vector<ParameterInfo>& model_parameters();
// The entry named `name`, or nullptr.
const ParameterInfo* find_model_parameter(std::string_view name);
// "alpha, p_over_n, ..." (every name, or the sweepable ones), for messages.
std::string model_parameter_names(bool sweepable_only = false);
// The CLI's spelling of a field: "delta_f" -> "--delta-f".
std::string flag_name(std::string_view field);

// Sets parameter `name` to a number: p_over_n sets alpha = 1/value, varpi sets every one of
// its k components (needs k >= 1), k needs an integral value. Does not validate the model
// (call ModelParams::validate after). Throws InvalidParameter for an unknown name, a text
// parameter or a value the type cannot hold.
void set_model_parameter(ModelParams& p, std::string_view name, double value);
// Sets parameter `name` from text as written on a command line, in a spec or a points file:
// numbers in full (no trailing characters), varpi as numbers separated by ',', ';' or blanks.
void set_model_parameter_text(ModelParams& p, std::string_view name, const std::string& text);

// The parameters as CSV cells, in model_parameters() order (numbers as %.10g, varpi's
// components joined by ';'); model_parameter_header() gives the matching column names.
std::vector<std::string> model_parameter_cells(const ModelParams& p);
std::vector<std::string> model_parameter_header();

// Parses a list of numbers separated by ',' (and, when `blanks_and_semicolons`, by ';' or
// blanks too). Throws InvalidParameter naming `field` on a malformed entry.
std::vector<double> parse_real_list(const std::string& text, const std::string& field,
                                    bool blanks_and_semicolons = false);

}  // namespace srf::theory
