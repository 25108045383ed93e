#include "cli_arguments.hpp"

#include <CLI/CLI.hpp>

#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/cli/simulation_flags.hpp>

namespace srf::python {

Arguments parse_arguments(const std::vector<std::string>& words, const FlagSets& sets, bool validate_model) {
  CLI::App app{"sobolev_rf"};
  cli::ModelFlags model;
  cli::add_model_flags(app, model);
  cli::SolverFlags solver;
  if (sets.solver) cli::add_solver_flags(app, solver);
  cli::SimulationFlags simulation;
  if (sets.simulation) cli::add_simulation_flags(app, simulation);
  std::vector<std::string> reversed(words.rbegin(), words.rend());  // CLI11 takes them last first
  app.parse(reversed);

  Arguments a;
  if (sets.simulation) {
    a.model = validate_model ? cli::resolve_model(model, simulation) : model.base();
    a.simulation = simulation.resolve();
    a.varpi_drawn = simulation.varpi_drawn;
    a.sketch_scale = simulation.sketch_scale;
  } else {
    a.model = validate_model ? model.resolve(sets.varpi_average) : model.base();
  }
  if (sets.solver) a.solver = solver.resolve();
  return a;
}

}  // namespace srf::python
