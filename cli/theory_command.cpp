// sobolev-rf theory: the asymptotic errors at one parameter point.
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/cli/theory_report.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/informed.hpp>
#include <sobolev_rf/theory/sketch_scale.hpp>

namespace srf::cli {

namespace {

struct TheoryFlags {
  ModelFlags model;
  std::string format = "json";
  bool varpi_average = false;
  bool full = false;
  std::string sketch_scale = "normal";
  double d = 0;
  SolverFlags solver;
};

void run_theory(const TheoryFlags& f) {
  const model::ModelParams p = f.model.resolve(f.varpi_average);
  const theory::SaddlePointOptions options = f.solver.resolve();
  const bool unit = f.sketch_scale == "unit";
  // An informed direction with --d: its finite-d version (theory/informed.hpp [I.6], k = 0).
  const bool finite_d_informed = !unit && p.has_informed() && f.d != 0;
  if (unit && !(f.d > 0)) throw std::invalid_argument("--sketch-scale unit needs --d D (the input dimension), D > 0");
  if (!unit && !finite_d_informed && f.d != 0)
    throw std::invalid_argument("--d: only with --sketch-scale unit or an --informed direction");
  if (finite_d_informed && !(f.d > 0)) throw std::invalid_argument("--d = " + std::to_string(f.d) + ": must be > 0");
  if (finite_d_informed && f.varpi_average) throw std::invalid_argument("--varpi-average: not with --informed and --d");
  // Unit-scale sketch V ~ N(0, I/d): the N(0, I) model with beta/d and d Delta_g (theory/sketch_scale.hpp).
  const model::ModelParams solved = unit                ? theory::unit_sketch_equivalent(p, f.d)
                                     : finite_d_informed ? theory::informed_finite_d_equivalent(p, f.d)
                                                         : p;
  theory::TheoryResult r =
      unit ? theory::solve_unit_sketch(p, f.d, options).result : theory::solve_saddle_point(solved, options).result;
  if (finite_d_informed) {
    r.errors = theory::informed_finite_d_errors(r.errors, f.d);
    r.varpi_law = {r.errors, model::Errors{}};  // k = 0: no law over a sketch
  }
  if (f.format == "json") {
    nlohmann::json j = report::theory_json(p, r, f.varpi_average);
    if (f.full) j["residual_history"] = r.summary.residual_history;
    j.update(report::run_metadata_json(options));
    j["sketch_scale"] = f.sketch_scale;
    if (finite_d_informed) {
      j["d"] = f.d;
      j["informed_version"] = "finite-d";
    }
    if (unit) {
      j["d"] = f.d;
      j["equivalent_beta"] = solved.beta;
      j["equivalent_delta_g"] = solved.delta_g;
    }
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
  cmd->add_option("--sketch-scale", flags->sketch_scale,
                  "normal: V ~ N(0, I); unit: V ~ N(0, I/d) at finite --d (solved as beta/d, d Delta_g)")
      ->check(CLI::IsMember({"normal", "unit"}))
      ->capture_default_str();
  cmd->add_option("--d", flags->d,
                  "input dimension d for --sketch-scale unit, or for the finite-d version of an --informed direction (k = 0)");
  add_solver_flags(*cmd, flags->solver);
  cmd->callback([flags] { run_theory(*flags); });
}

const CommandRegistrar reg(10, add_theory_command);

}  // namespace
}  // namespace srf::cli
