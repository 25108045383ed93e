// `sobolev-rf simulate`: the finite-size Monte Carlo simulation at one parameter point.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/model_flags.hpp"
#include "cli/progress.hpp"
#include "cli/simulation_flags.hpp"
#include "report/run_metadata.hpp"
#include "report/theory_json.hpp"

namespace srf::cli {

namespace {

struct SimulateArgs {
  ModelFlags model;
  SimulationFlags sim;
  std::string format = "json";
};

void run_simulate(const SimulateArgs& a) {
  if (a.format != "json" && a.format != "table")
    throw std::invalid_argument("--format = '" + a.format + "': must be json or table");
  const theory::ModelParams params = resolve_model(a.model, a.sim);
  validation::SimulationOptions options = a.sim.resolve();
  check_memory_fits(params, options);  // before anything is allocated
  Progress progress("simulate", options.seeds);
  if (progress.enabled()) options.on_seed_done = [&](int done, int) { progress.update(done); };
  const validation::SimulationResult r = validation::simulate(params, options);
  if (a.format == "json") {
    std::cout << report::simulation_json(params, options, r).dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("simulate: sigma={} teacher={} alpha={} gamma={} lambda={} k={} beta={}\n", params.sigma,
                           params.teacher, params.alpha, params.gamma, params.lambda, params.k, params.beta);
  const std::string test = options.test_error == validation::TestError::kExact
                               ? std::string("exact")
                               : fmt::format("sampled ({} inputs)", options.test_samples);
  std::cout << fmt::format("n={} p={} d={} seeds={} threads={} test_error={} wall={:.2f} s\n", r.size.n, r.size.p,
                           r.size.d, r.seeds, r.threads, test, r.wall_seconds);
  std::cout << fmt::format("{:<10} {:>14} {:>12}\n", "quantity", "mean", "se");
  for (const auto& [name, e] : r.estimates)
    std::cout << fmt::format("{:<10} {:>14.6g} {:>12.3g}\n", name, e.mean, e.se);
}

void add_simulate_command(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand("simulate", "finite-size Monte Carlo simulation of the model at one point");
  add_model_flags(*cmd, args->model);
  add_simulation_flags(*cmd, args->sim);
  cmd->add_option("--format", args->format, "json | table")->capture_default_str();
  cmd->callback([args] { run_simulate(*args); });
}

const CommandRegistrar reg(30, add_simulate_command);

}  // namespace

}  // namespace srf::cli
