#pragma once
// The simulation flags shared by `simulate` and `validate` (--p, --seeds, --threads, --seed,
// --test-samples, --batch-rows, --sketch-scale, --varpi-drawn, --solve) and the JSON/table
// rendering of a simulation result.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

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

// The parameters (flat, with the names `theory` uses), sizes, options, {"mean","se"} per error,
// per-seed values and wall_seconds.
nlohmann::json simulation_json(const theory::ModelParams& params, const validation::SimulationOptions& options,
                               const validation::SimulationResult& result);

}  // namespace srf::cli
