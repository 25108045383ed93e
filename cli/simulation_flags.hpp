#pragma once
// The simulation flags shared by `simulate` and `validate` (--p, --seeds, --threads, --seed,
// --test-samples, --batch-rows, --sketch-scale, --varpi-drawn, --solve) and the
// resolution of the model with a drawn sketch.
#include <CLI/CLI.hpp>

#include <string>

#include "cli/model_flags.hpp"
#include "validation/simulator.hpp"

namespace srf::cli {

struct SimulationFlags {
  validation::SimulationOptions options;
  std::string sketch_scale = "normal";  // normal | unit
  bool varpi_drawn = false;
  std::string solve = "auto";           // auto | primal | dual
  // Fills options.sketch_scale/varpi_mode/solve_method from the strings and validates.
  validation::SimulationOptions resolve() const;
};

void add_simulation_flags(CLI::App& cmd, SimulationFlags& flags);

// ModelFlags::resolve(), except that with --varpi-drawn the alignment is an output: --varpi
// must then be absent and is filled with zeros for validation.
theory::ModelParams resolve_model(const ModelFlags& model, const SimulationFlags& sim);

}  // namespace srf::cli
