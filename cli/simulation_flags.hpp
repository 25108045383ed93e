#pragma once
// The simulation flags shared by `simulate` and `validate` (--p, --seeds, --threads, --seed,
// --test-error, --test-samples, --max-memory, --batch-rows, --sketch-scale, --varpi-drawn,
// --solve) and the JSON/table rendering of a simulation result.
#include <CLI/CLI.hpp>

#include <string>

#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::cli {

struct SimulationFlags {
  simulation::SimulationOptions options;
  std::string sketch_scale = "normal";  // normal | unit
  bool varpi_drawn = false;
  std::string solve = "auto";           // auto | primal | dual
  std::string test_error = "exact";     // exact | sampled
  std::string max_memory;               // MiB, or with a unit: 512M, 4G, 2GiB, 1T ("": available)
  CLI::Option* test_samples_flag = nullptr;  // to tell a given --test-samples from the default
  // Fills options.sketch_scale/varpi_mode/solve_method from the strings and validates.
  simulation::SimulationOptions resolve() const;
};

void add_simulation_flags(CLI::App& cmd, SimulationFlags& flags);

// "4096" (MiB), "512M", "4G", "2.5GiB", "1T", "300MB" -> bytes (binary units). Throws
// std::invalid_argument naming --max-memory.
std::uint64_t parse_memory_size(const std::string& text);

// The memory guard with the CLI's names: throws std::invalid_argument naming --p and
// --max-memory, with the estimate, the limit and the largest --p that fits.
void check_memory_fits(const model::ModelParams& params, const simulation::SimulationOptions& options);

// ModelFlags::resolve(), except that with --varpi-drawn the alignment is an output: --varpi
// must then be absent and is filled with zeros for validation.
model::ModelParams resolve_model(const ModelFlags& model, const SimulationFlags& sim);


}  // namespace srf::cli
