#pragma once
// The flags that map one-to-one onto ModelParams, shared by theory, curve, simulate, validate.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "theory/model_params.hpp"

namespace srf::cli {

struct ModelFlags {
  theory::ModelParams params;
  std::optional<double> p_over_n;  // --p-over-n X is --alpha 1/X
  std::string varpi_text;          // "0.7" or "1.0,-0.5"
  // Applies --p-over-n and --varpi, then params.validate(); throws std::invalid_argument.
  theory::ModelParams resolve() const;
};

void add_model_flags(CLI::App& cmd, ModelFlags& flags);

// Parses "a,b,c" into doubles; throws std::invalid_argument naming `flag` on a malformed list.
std::vector<double> parse_double_list(const std::string& text, const std::string& flag);

}  // namespace srf::cli
