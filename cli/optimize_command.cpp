// sobolev-rf optimize: the lambda, beta or both that minimise one reported error (or its mean
// over varpi ~ N(0, I_k)) at a model point; the search itself is studies::optimize.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <memory>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/cli/theory_report.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/research_json.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::cli {

namespace {

struct OptimizeFlags {
  ModelFlags model;
  std::string over = "lambda";
  std::string format = "json";
  studies::OptimizeOptions options;
  SolverFlags solver;
};

void run_optimize(OptimizeFlags& f) {
  studies::OptimizeOptions o = f.options;
  o.over = studies::parse_optimize_over(f.over);
  o.lambda.solver = f.solver.resolve();
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {  // "lambda_min = ..." -> "--lambda-min = ..."
    const std::string m = e.what();
    throw std::invalid_argument(flag_message(m.substr(0, m.find(' ')), m));
  }
  const model::ModelParams p = f.model.resolve(o.lambda.varpi_average);
  const studies::Optimum best = studies::optimize(p, o);
  const theory::TheoryResult& r = best.solution.result;
  const bool lambda_searched = o.over != studies::OptimizeOver::kBeta;
  const bool beta_searched = o.over != studies::OptimizeOver::kLambda;
  if (f.format == "json") {
    const nlohmann::json j = report::optimum_json(best, o);
    std::cout << j.dump(2) << "\n";
  } else {
    std::string s = fmt::format("minimise {}{} over {}: value {:.10g}\n", o.lambda.objective,
                                o.lambda.varpi_average ? " (mean over varpi ~ N(0, I_k))" : "",
                                studies::to_string(o.over), best.value);
    if (lambda_searched)
      s += fmt::format("lambda_opt = {:.8g} in [{:.3g}, {:.3g}]{}\n", best.params.lambda, o.lambda.lambda_min,
                       o.lambda.lambda_max, best.lambda_on_boundary ? "  (ON THE BOUNDARY of the range)" : "");
    if (beta_searched)
      s += fmt::format("beta_opt = {:.8g} in [{:.3g}, {:.3g}]{}\n", best.params.beta, o.beta_min, o.beta_max,
                       best.beta_on_boundary ? "  (ON THE BOUNDARY of the range)" : "");
    s += fmt::format("{} saddle-point solves\n", best.evaluations);
    std::cout << s << theory_table(best.params, r, o.lambda.varpi_average, false);
  }
  if (!best.converged)
    throw CliError(3, "optimize: no converged saddle point in the range (" + r.summary.message + ")");
}

void add_optimize_command(CLI::App& app) {
  auto flags = std::make_shared<OptimizeFlags>();
  auto* cmd = app.add_subcommand(
      "optimize", "the lambda and/or beta that minimise one error (grid in log, then Brent), and the errors there");
  add_model_flags(*cmd, flags->model);
  auto& o = flags->options;
  cmd->add_option("--over", flags->over, "lambda | beta | both (the searched variables replace --lambda, --beta)")
      ->check(CLI::IsMember({"lambda", "beta", "both"}))
      ->capture_default_str();
  std::string names;
  for (const auto& [n, field] : model::error_fields()) names += (names.empty() ? "" : " | ") + std::string(n);
  cmd->add_option("--objective", o.lambda.objective, "the error to minimise: " + names)->capture_default_str();
  cmd->add_flag("--varpi-average", o.lambda.varpi_average,
                "minimise the error's mean over varpi ~ N(0, I_k) (no --varpi needed)");
  cmd->add_option("--lambda-min", o.lambda.lambda_min, "lambda search range, lower end")->capture_default_str();
  cmd->add_option("--lambda-max", o.lambda.lambda_max, "lambda search range, upper end")->capture_default_str();
  cmd->add_option("--grid-points", o.lambda.grid_points, "coarse grid in log10 lambda before Brent")
      ->capture_default_str();
  cmd->add_option("--beta-min", o.beta_min, "beta search range, lower end")->capture_default_str();
  cmd->add_option("--beta-max", o.beta_max, "beta search range, upper end")->capture_default_str();
  cmd->add_option("--beta-grid-points", o.beta_grid_points, "coarse grid in log10 beta before Brent")
      ->capture_default_str();
  cmd->add_option("--format", flags->format, "json | table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  add_solver_flags(*cmd, flags->solver);
  cmd->callback([flags] { run_optimize(*flags); });
}

const CommandRegistrar reg(15, add_optimize_command);

}  // namespace
}  // namespace srf::cli
