// `sobolev-rf simulate`: the finite-size Monte Carlo simulation at one parameter point. Its seeds
// run as tasks (distributed/simulation_runner.hpp): over MPI ranks, resumable (--output, --resume), or
// as job-array shards (--shard i/N, then `sobolev-rf merge`); docs/cluster.md.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/cli/progress.hpp>
#include <sobolev_rf/cli/simulation_flags.hpp>
#include <sobolev_rf/cli/run_flags.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/theory_json.hpp>

namespace srf::cli {

namespace {

struct SimulateArgs {
  ModelFlags model;
  SimulationFlags sim;
  std::string format = "json";
  RunFlags run;
};

void run_simulate(const SimulateArgs& a) {
  if (a.format != "json" && a.format != "table")
    throw std::invalid_argument("--format = '" + a.format + "': must be json or table");
  const model::ModelParams params = resolve_model(a.model, a.sim);
  simulation::SimulationOptions options = a.sim.resolve();
  check_memory_fits(params, options);  // before anything is allocated
  CliRunner runner(a.run, a.run.output.empty() ? "" : distributed::checkpoint_path_for(a.run.output), options.threads,
                   "simulate");
  const distributed::SimulationJob job{params, options};
  if (!runner.run({job})) return;  // a shard: its file is written
  const simulation::SimulationResult r = runner.result(job);
  std::ostringstream out;
  if (a.format == "json") {
    out << report::simulation_json(params, options, r).dump(2) << "\n";
  } else {
    out << fmt::format("simulate: sigma={} teacher={} alpha={} gamma={} lambda={} k={} beta={}\n", params.sigma,
                       params.teacher, params.alpha, params.gamma, params.lambda, params.k, params.beta);
    const std::string test = options.test_error == simulation::TestError::kExact
                                 ? std::string("exact")
                                 : fmt::format("sampled ({} inputs)", options.test_samples);
    out << fmt::format("n={} p={} d={} seeds={} threads={} test_error={} wall={:.2f} s\n", r.size.n, r.size.p,
                       r.size.d, r.seeds, r.threads, test, r.wall_seconds);
    out << fmt::format("{:<10} {:>14} {:>12}\n", "quantity", "mean", "se");
    for (const auto& [name, e] : r.estimates) out << fmt::format("{:<10} {:>14.6g} {:>12.3g}\n", name, e.mean, e.se);
  }
  if (a.run.output.empty()) std::cout << out.str();
  else write_output_file(a.run.output, out.str());
}

void add_simulate_command(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand("simulate", "finite-size Monte Carlo simulation of the model at one point");
  add_model_flags(*cmd, args->model);
  add_simulation_flags(*cmd, args->sim);
  cmd->add_option("--format", args->format, "json | table")->capture_default_str();
  cmd->add_option("--output,-o", args->run.output,
                  "write the result to this file instead of standard output; finished seeds go to "
                  "FILE.checkpoint as they finish (--resume)");
  add_run_flags(*cmd, args->run);
  cmd->callback([args] { run_simulate(*args); });
}

const CommandRegistrar reg(30, add_simulate_command);

}  // namespace

}  // namespace srf::cli
