#pragma once
// The model's parameter table: every field of ModelParams (docs/model.md) bound to its name,
// type, description and whether a sweep may vary it, plus the shorthands that set other fields
// (p_over_n sets alpha = 1/value; noise sets delta_f = delta_g; d_over_n sets gamma = value *
// alpha). Names are the keys everywhere: ModelParams fields, CSV columns, JSON keys, sweeps,
// figure specs, points files; the CLI writes them as flags (--delta-f), Python as keywords
// (lam for lambda). A new parameter is one row here.
#include <string>
#include <string_view>
#include <vector>

#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/model/model_params.hpp>

namespace srf::model {

using ParameterInfo = Field<ModelParams>;

// Every parameter, in CSV column order (columns first), then the shorthands.
const std::vector<Field<ModelParams>>& model_parameters();
// The entry named `name`, or nullptr.
const Field<ModelParams>* find_model_parameter(std::string_view name);
// "alpha, p_over_n, ..." (every name, or the sweepable ones), for messages.
std::string model_parameter_names(bool sweepable_only = false);

// Sets parameter `name` to a number (a real, an integer, or every component of varpi; needs
// k >= 1 for varpi). Does not validate the model (call ModelParams::validate after). Throws
// InvalidParameter for an unknown name, a text parameter or a value the type cannot hold.
void set_model_parameter(ModelParams& p, std::string_view name, double value);
// Sets parameter `name` from text as written on a command line, in a spec or a points file:
// numbers in full (no trailing characters), varpi as numbers separated by ',', ';' or blanks.
void set_model_parameter_text(ModelParams& p, std::string_view name, const std::string& text);

// The columns as CSV cells (numbers as %.10g, varpi's components joined by ';', a text's ','
// written ';': twolevel:0.05;20), in table order;
// model_parameter_header() gives their names.
std::vector<std::string> model_parameter_cells(const ModelParams& p);
std::vector<std::string> model_parameter_header();

}  // namespace srf::model
