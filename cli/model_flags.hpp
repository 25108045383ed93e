#pragma once
// The flags that map one-to-one onto ModelParams, shared by theory, curve, simulate, validate.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "theory/model_params.hpp"
#include "theory/saddle_point.hpp"

namespace srf::cli {

struct ModelFlags {
  theory::ModelParams params;
  std::optional<double> p_over_n;  // --p-over-n X is --alpha 1/X
  std::string varpi_text;          // "0.7" or "1.0,-0.5"
  // Applies --p-over-n and --varpi, then params.validate(); throws std::invalid_argument.
  theory::ModelParams resolve() const;
};

void add_model_flags(CLI::App& cmd, ModelFlags& flags);

// The saddle-point solver's options that a user may set (theory, curve):
// --tolerance, --max-iterations, --max-continuation-stages, --traces, --trace-size, --trace-seed.
struct SolverFlags {
  theory::SaddlePointOptions options;
  std::string traces = "deterministic";
  // Applies --traces, then options.validate() (its message names the struct field; the flag
  // has the same name with '-' for '_'). Throws std::invalid_argument.
  theory::SaddlePointOptions resolve() const;
};
void add_solver_flags(CLI::App& cmd, SolverFlags& flags);

// Parses "a,b,c" into doubles; throws std::invalid_argument naming `flag` on a malformed list.
std::vector<double> parse_double_list(const std::string& text, const std::string& flag);

}  // namespace srf::cli
