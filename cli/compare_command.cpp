// sobolev-rf compare: "should I train on my gradients?" L2 on n samples, L2 on (k+1) n samples
// (equal cost) and Sobolev training on n samples, each at its optimal lambda, and a verdict
// (studies::compare_training).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <memory>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/research_json.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>

namespace srf::cli {

namespace {

struct CompareFlags {
  ModelFlags model;
  std::string format = "table";
  studies::OptimalLambdaOptions options;
  SolverFlags solver;
};

void run_compare(CompareFlags& f) {
  studies::OptimalLambdaOptions o = f.options;
  o.solver = f.solver.resolve();
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    throw std::invalid_argument(flag_message(m.substr(0, m.find(' ')), m));
  }
  const model::ModelParams p = f.model.resolve(o.varpi_average);
  const studies::TrainingComparison c = studies::compare_training(p, o);
  if (f.format == "json") {
    const nlohmann::json j = report::training_comparison_json(p, o, c);
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("{} at its optimal lambda in [{:.3g}, {:.3g}]{}:\n", o.objective, o.lambda_min,
                             o.lambda_max, o.varpi_average ? " (mean over varpi ~ N(0, I_k))" : "");
    std::cout << fmt::format("{:<28} {:>10} {:>14} {:>12}\n", "training", "samples", "lambda_opt", o.objective);
    auto line = [&](const char* name, const std::string& samples, const studies::TrainingOptimum& t) {
      std::cout << fmt::format("{:<28} {:>10} {:>14.6g} {:>12.6g}{}\n", name, samples, t.optimum.lambda,
                               t.optimum.value, t.optimum.on_boundary ? "  (lambda on the boundary)" : "");
    };
    line("L2", "n", c.l2_equal_samples);
    line("L2 (equal cost)", fmt::format("{}n", p.k + 1), c.l2_equal_cost);
    line(fmt::format("Sobolev (k = {})", p.k).c_str(), "n", c.sobolev);
    std::cout << fmt::format("gain at equal samples {:.4g}, at equal cost {:.4g}\n", c.gain_equal_samples,
                             c.gain_equal_cost);
    std::cout << c.verdict << "\n";
  }
  if (!c.converged) throw CliError(3, "compare: " + c.verdict);
}

void add_compare_command(CLI::App& app) {
  auto flags = std::make_shared<CompareFlags>();
  auto* cmd = app.add_subcommand(
      "compare", "should I train on my gradients? L2 on n and on (k+1)n samples vs Sobolev on n, each at its optimal lambda");
  add_model_flags(*cmd, flags->model);
  auto& o = flags->options;
  cmd->add_option("--objective", o.objective, "the error compared (and minimised over lambda)")->capture_default_str();
  cmd->add_flag("--varpi-average", o.varpi_average, "compare the mean over varpi ~ N(0, I_k) (no --varpi needed)");
  cmd->add_option("--lambda-min", o.lambda_min, "lambda search range, lower end")->capture_default_str();
  cmd->add_option("--lambda-max", o.lambda_max, "lambda search range, upper end")->capture_default_str();
  cmd->add_option("--format", flags->format, "table | json")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  add_solver_flags(*cmd, flags->solver);
  cmd->callback([flags] { run_compare(*flags); });
}

const CommandRegistrar reg(17, add_compare_command);

}  // namespace
}  // namespace srf::cli
