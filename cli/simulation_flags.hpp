#pragma once
// The simulation flags shared by `simulate` and `validate`: one flag per row of the simulation
// options table (simulation/options_table.hpp): --p, --seeds, --threads, --seed, --test-error,
// --test-samples, --max-memory, --batch-rows, --sketch-scale, --varpi-drawn, --solve.
#include <CLI/CLI.hpp>

#include <string>

#include <sobolev_rf/cli/field_flags.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::cli {

struct SimulationFlags : FieldFlags<simulation::SimulationOptions> {
  // The defaults with the given flags applied, checked (throws model::InvalidParameter).
  simulation::SimulationOptions resolve() const;
};

void add_simulation_flags(CLI::App& cmd, SimulationFlags& flags);

// The memory guard with the CLI's names (simulation::check_simulation_fits): throws
// model::InvalidParameter naming --p and --max-memory, with the estimate, the limit and the
// largest --p that fits.
void check_memory_fits(const model::ModelParams& params, const simulation::SimulationOptions& options);

// ModelFlags::resolve(), except that with --varpi-drawn the alignment is an output: --varpi
// must then be absent and is filled with zeros for validation.
model::ModelParams resolve_model(const ModelFlags& model, const SimulationFlags& sim);

}  // namespace srf::cli
