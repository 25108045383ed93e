// `sobolev-rf validate`: the asymptotic theory against the finite-size simulation at sizes p and
// 2p (--p-large), point by point, with z-scores and the finite-size trend. The checks, sizes, seeds,
// comparisons and verdict are the library's plan (studies/validation_plan.hpp), shared with Python;
// this command collects the points, runs the simulations and prints.
//
// Points come from one of
//   * the model flags alone (one point),
//   * --sweep name=lo:hi:count[:log] on top of the model flags (as `curve`),
//   * --points FILE: a CSV file of points (studies/points_file.hpp); a column absent or left
//     empty takes the model flag's value.
// Exit status 0 when every comparison agrees, 1 (after the table and CSV are written) when some
// quantity has |z| > --z-threshold at 2p and its gap to the theory does not shrink from p to 2p,
// 2 for bad input.
//
// The simulations of all points run as one set of (point, seed) tasks (distributed/simulation_runner.hpp):
// over MPI ranks under mpirun, resumable with --output FILE --resume, or as job-array shards
// (--shard i/N) combined by `sobolev-rf merge` (docs/cluster.md).
#include <fmt/format.h>

#include <algorithm>
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
#include <sobolev_rf/report/comparison_csv.hpp>
#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/studies/points_file.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/studies/theory_vs_simulation.hpp>
#include <sobolev_rf/studies/validation_plan.hpp>
#include <sobolev_rf/simulation/options_table.hpp>

namespace srf::cli {

namespace {

struct ValidateArgs {
  ModelFlags model;
  SimulationFlags sim;
  std::string sweep;
  std::string points_file;
  RunFlags run;  // run.output: the CSV
  FieldFlags<studies::ValidationOptions> validation;  // --p-large, --z-threshold
};

std::vector<model::ModelParams> collect_points(const ValidateArgs& a) {
  if (!a.points_file.empty()) {
    std::ifstream in(a.points_file);
    if (!in) throw std::invalid_argument("--points = " + a.points_file + ": cannot open for reading");
    // The model flags are the starting point, not validated (a points file may set k and varpi).
    return studies::read_points(in, a.model.base(), "--points = " + a.points_file);
  }
  const model::ModelParams base = a.model.resolve();
  if (a.sweep.empty()) return {base};
  return studies::sweep_points(base, studies::parse_sweep_spec(a.sweep, "--sweep"), "--sweep");
}

std::string describe(const model::ModelParams& p) {
  std::string s = fmt::format("sigma={} teacher={} alpha={:g} (p/n={:g}) gamma={:g} lambda={:g} k={}", p.sigma,
                              p.teacher, p.alpha, 1.0 / p.alpha, p.gamma, p.lambda, p.k);
  if (p.k > 0) {
    s += fmt::format(" beta={:g} varpi=", p.beta);
    for (std::size_t j = 0; j < p.varpi.size(); ++j) s += fmt::format("{}{:g}", j ? ";" : "", p.varpi[j]);
  }
  if (p.delta_f != 0 || p.delta_g != 0 || p.rho != 0)
    s += fmt::format(" delta_f={:g} delta_g={:g} rho={:g}", p.delta_f, p.delta_g, p.rho);
  if (p.has_informed()) {
    s += fmt::format(" informed={} beta_inf={:g}", p.informed, p.beta_inf);
    if (p.estimated_direction()) s += fmt::format(" alpha_u={:g} delta_u={:g}", p.alpha_u, p.delta_u);
  }
  if (p.structured()) s += fmt::format(" spectrum={} alignment={:g}", p.spectrum, p.alignment);
  return s;
}

void run_validate(const ValidateArgs& a) {
  if (!a.sweep.empty() && !a.points_file.empty())
    throw std::invalid_argument("--sweep and --points: give one of them, not both");
  // The checks, the sizes, the simulations and the comparisons: the library's plan
  // (studies/validation_plan.hpp), the same as sobolev_rf.validate's.
  studies::ValidationOptions vo;
  a.validation.apply(vo);
  simulation::SimulationOptions so;
  a.sim.apply(so);
  simulation::check_given_options(so, [&a](std::string_view name) { return a.sim.has(std::string(name)); });
  studies::ValidationPlan plan(so, vo);
  plan.add_points(collect_points(a));
  const simulation::SimulationOptions& small = plan.small();
  const simulation::SimulationOptions& large = plan.large();

  // Every point's simulations at both sizes are (job, seed) tasks of one run: spread over the
  // threads or MPI ranks, resumable, or sliced into job-array shards.
  std::vector<distributed::SimulationJob> jobs;
  for (const auto& s : plan.simulations()) jobs.push_back({s.params, s.options});
  CliRunner runner(a.run, a.run.output.empty() ? "" : distributed::checkpoint_path_for(a.run.output), small.threads,
                   "validate");
  if (!runner.run(jobs)) return;  // a shard: its file is written

  std::ostringstream csv_text;
  std::unique_ptr<report::ComparisonCsvWriter> csv;
  if (!a.run.output.empty()) csv = std::make_unique<report::ComparisonCsvWriter>(csv_text);
  studies::ValidationTally tally;
  const std::vector<model::ModelParams>& points = plan.points();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const studies::PointValidation v = plan.compare(i, runner.result(jobs[2 * i]), runner.result(jobs[2 * i + 1]));
    tally.add(v);
    std::cout << fmt::format("point {}: {}\n", i + 1, describe(v.params));
    std::cout << fmt::format("  theory: {}; simulation: n={} d={} at p={}, n={} d={} at p={}, {} seeds each\n",
                             v.theory_status, v.small.size.n, v.small.size.d, small.p, v.large.size.n, v.large.size.d,
                             large.p, small.seeds);
    std::cout << fmt::format("  {:<9} {:>12} {:>24} {:>7} {:>24} {:>7} {:>7}  {}\n", "quantity", "theory",
                             fmt::format("sim p={}", small.p), "z", fmt::format("sim p={}", large.p), "z", "shrinks",
                             "verdict");
    for (const auto& q : v.quantities) {
      const auto pm = [](const simulation::Estimate& e) { return fmt::format("{:.6g} ± {:.2g}", e.mean, e.se); };
      const auto z = [](double x) { return std::isnan(x) ? std::string("-") : fmt::format("{:.2f}", x); };
      const bool with_theory = q.verdict != studies::Verdict::kSimulationOnly;
      // The finite-d theory has a value per size (theory at p / at the larger p).
      const std::string theory = !with_theory ? "-"
                                 : v.finite_d ? fmt::format("{:.4g}/{:.4g}", q.theory, q.theory_large)
                                              : fmt::format("{:.6g}", q.theory);
      std::cout << fmt::format("  {:<9} {:>12} {:>24} {:>7} {:>24} {:>7} {:>7}  {}\n", q.name, theory, pm(q.small), z(q.z_small),
                               pm(q.large), z(q.z_large), with_theory ? (q.gap_shrinks ? "yes" : "no") : "-",
                               studies::to_string(q.verdict));
    }
    if (csv) csv->write_point(static_cast<int>(i + 1), v);
  }
  if (csv) {
    write_output_file(a.run.output, csv_text.str());
    nlohmann::json params = nlohmann::json::array();
    for (const auto& point : points) params.push_back(report::params_json(point));
    report::write_csv_sidecar(a.run.output, invocation(),
                              {{"points", params},
                               {"p", small.p},
                               {"p_large", large.p},
                               {"seeds", small.seeds},
                               {"base_seed", small.base_seed},
                               {"test_error", simulation::to_string(small.test_error)},
                               {"z_threshold", plan.options().z_threshold}});
  }
  std::cout << "validate: " << tally.summary(plan) << "\n";
  std::cout.flush();
  if (!tally.agree())
    throw CliError(1, fmt::format("validate: {} of {} comparisons disagree", tally.disagreements, tally.comparisons));
}

void add_validate_command(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  auto* cmd = app.add_subcommand(
      "validate",
      "theory against simulation at sizes p and 2p: z-scores and finite-size trend; exit 1 on disagreement");
  add_model_flags(*cmd, args->model);
  add_simulation_flags(*cmd, args->sim);
  cmd->add_option("--sweep", args->sweep, "name=lo:hi:count[:log] on top of the model flags, e.g. p_over_n=0.3:3:6");
  cmd->add_option("--points", args->points_file,
                  "CSV of points: header of sigma,teacher,alpha,p_over_n,gamma,lambda,k,beta,delta_f,delta_g,rho,"
                  "varpi (varpi components separated by ';'), one point per line; empty cells take the flags");
  cmd->add_option("--output,-o", args->run.output,
                  "also write the comparison as CSV to this file; finished seeds go to FILE.checkpoint as they "
                  "finish (--resume)");
  add_run_flags(*cmd, args->run);
  add_field_flags(*cmd, studies::validation_options_table(), args->validation);
  cmd->callback([args] { run_validate(*args); });
}

const CommandRegistrar reg(40, add_validate_command);

}  // namespace

}  // namespace srf::cli
