// sobolev-rf theory: the asymptotic errors at one parameter point.
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/model_flags.hpp"
#include "cli/theory_report.hpp"
#include "report/run_metadata.hpp"
#include "report/theory_json.hpp"
#include "theory/saddle_point.hpp"

namespace srf::cli {

namespace {

struct TheoryFlags {
  ModelFlags model;
  std::string format = "json";
  bool varpi_average = false;
  bool full = false;
  SolverFlags solver;
};

void run_theory(const TheoryFlags& f) {
  const theory::ModelParams p = f.model.resolve(f.varpi_average);
  const theory::SaddlePointOptions options = f.solver.resolve();
  const theory::SaddlePointSolution sol = theory::solve_saddle_point(p, options);
  const theory::TheoryResult& r = sol.result;
  if (f.format == "json") {
    nlohmann::json j = report::theory_json(p, r, f.varpi_average);
    if (f.full) j["residual_history"] = r.summary.residual_history;
    j.update(report::run_metadata_json(options));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << theory_table(p, r, f.varpi_average, f.full);
  }
  if (!r.summary.converged())
    throw CliError(3, "theory did not converge (" + std::string(numerics::to_string(r.summary.termination)) +
                          "): " + r.summary.message);
}

void add_theory_command(CLI::App& app) {
  auto flags = std::make_shared<TheoryFlags>();
  auto* cmd = app.add_subcommand("theory", "asymptotic errors at one point (replica saddle point)");
  add_model_flags(*cmd, flags->model);
  cmd->add_option("--format", flags->format, "json | table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  cmd->add_flag("--varpi-average", flags->varpi_average,
                "report each error's law over varpi ~ N(0, I_k): mean, std, quantiles, A0, A2");
  cmd->add_flag("--full", flags->full, "add the residual history");
  add_solver_flags(*cmd, flags->solver);
  cmd->callback([flags] { run_theory(*flags); });
}

const CommandRegistrar reg(10, add_theory_command);

}  // namespace
}  // namespace srf::cli
