// sobolev-rf curve: the asymptotic errors along a sweep, or on the grid of two sweeps, as a tidy
// CSV written row by row (a long run loses nothing already computed), with a sidecar
// NAME.meta.json (version, command line, parameters) next to an --output file. Each point
// warm-starts from its neighbour along its row; rows of a grid run in parallel; a point that does
// not converge is flagged (converged = 0, errors empty). --optimize lambda adds the optimal
// lambda per point and reports the errors there.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <memory>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/cli/progress.hpp>
#include <sobolev_rf/report/curve_csv.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/studies/grid.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>

namespace srf::cli {

namespace {

struct CurveFlags {
  ModelFlags model;
  std::vector<std::string> sweeps;
  std::string output;  // empty: stdout
  bool varpi_average = false;
  std::string optimize;  // "" or "lambda"
  std::string objective = "gen_f";
  double lambda_min = 1e-8, lambda_max = 10.0;
  int grid_points = 25;
  int threads = 0;
  bool resume = false;
  SolverFlags solver;
};

// The command line a sidecar records: a resumed run records the run it completes.
std::string recorded_command_line() {
  std::string s = invocation();
  for (std::size_t at; (at = s.find(" --resume")) != std::string::npos;) s.erase(at, 9);
  return s;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void run_curve(const CurveFlags& f) {
  if (f.sweeps.empty() || f.sweeps.size() > 2)
    throw std::invalid_argument("--sweep: give one sweep (a curve) or two (a grid, the first one outer)");
  studies::Sweep outer, inner;
  inner = studies::parse_sweep_spec(f.sweeps.back(), "--sweep");
  if (f.sweeps.size() == 2) {
    outer = studies::parse_sweep_spec(f.sweeps.front(), "--sweep");
    if (outer.name == inner.name) throw std::invalid_argument("--sweep: the two sweeps vary the same parameter " + inner.name);
  }
  studies::GridOptions options;
  options.solver = f.solver.resolve();
  options.threads = f.threads;
  if (!f.optimize.empty()) {
    studies::OptimalLambdaOptions o;
    o.objective = f.objective;
    o.varpi_average = f.varpi_average;
    o.lambda_min = f.lambda_min;
    o.lambda_max = f.lambda_max;
    o.grid_points = f.grid_points;
    o.solver = options.solver;
    try {
      o.validate();
    } catch (const std::invalid_argument& e) {
      const std::string m = e.what();
      throw std::invalid_argument(flag_message(m.substr(0, m.find(' ')), m));
    }
    options.optimal_lambda = o;
  }
  const model::ModelParams base = f.model.resolve(f.varpi_average);
  // Validates every point before any output.
  const std::size_t total = studies::grid_points(base, outer, inner, "--sweep").size();
  if (f.resume && f.output.empty()) throw std::invalid_argument("--resume: needs --output FILE (the CSV to complete)");
  std::vector<std::string> extra;
  if (options.optimal_lambda) extra = {"lambda_opt", "lambda_on_boundary", "optimum_value"};
  std::ofstream file;
  std::size_t rows_kept = 0;
  bool resumed = false;  // the header is there
  if (!f.output.empty()) {
    nlohmann::json meta = {{"model", report::params_json(base)},
                           {"sweeps", f.sweeps},
                           {"varpi_average", f.varpi_average},
                           {"solver", report::solver_options_json(options.solver)},
                           {"seeds", nullptr}};
    if (options.optimal_lambda)
      meta["optimize"] = {{"over", "lambda"},
                          {"objective", f.objective},
                          {"lambda_range", {f.lambda_min, f.lambda_max}},
                          {"grid_points", f.grid_points}};
    // --resume: keep the whole grid rows already written (a row warm-starts along itself only,
    // so the rows computed now are the ones an uninterrupted run writes) and append the rest.
    if (f.resume && std::filesystem::exists(f.output)) {
      const std::string sidecar = report::sidecar_path(f.output);
      nlohmann::json old;
      try {
        old = nlohmann::json::parse(read_text(sidecar));
      } catch (const nlohmann::json::exception&) {
        throw std::invalid_argument("--resume: " + sidecar + " is missing or unreadable; cannot tell which run wrote " + f.output);
      }
      for (auto it = meta.begin(); it != meta.end(); ++it)
        if (!old.contains(it.key()) || old[it.key()] != it.value())
          throw std::invalid_argument("--resume: " + f.output + " was written by another run (its " + it.key() +
                                      " differ; see " + sidecar + ")");
      const report::CsvResumePoint rp = report::csv_resume_point(
          read_text(f.output), report::CurveCsvWriter::header_line(f.varpi_average, extra), inner.values.size());
      if (!rp.same_header)
        throw std::invalid_argument("--resume: " + f.output + " does not start with this run's CSV header");
      if (rp.bytes > 0) {
        std::filesystem::resize_file(f.output, rp.bytes);
        rows_kept = rp.groups;
        resumed = true;
        options.first_row = rows_kept;
        file.open(f.output, std::ios::app);
      } else {
        file.open(f.output);  // cut inside the header: start afresh
      }
    } else {
      file.open(f.output);
    }
    if (!file) throw std::invalid_argument("--output = " + f.output + ": cannot open for writing");
    report::write_csv_sidecar(f.output, recorded_command_line(), meta);
  }
  std::ostream& out = f.output.empty() ? std::cout : file;
  report::CurveCsvWriter csv(out, f.varpi_average, extra, !resumed);
  Progress progress(outer.name.empty() ? "curve " + inner.name : "grid " + outer.name + " x " + inner.name,
                    static_cast<int>(total));
  int written = static_cast<int>(rows_kept * inner.values.size());
  const int failed = studies::solve_grid(
      base, outer, inner, options,
      [&](std::size_t, const std::vector<studies::GridPoint>& row) {
        for (const studies::GridPoint& g : row) {
          if (options.optimal_lambda) csv.write_row(g.params, g.solution.result, {g.lambda_opt, g.on_boundary ? 1.0 : 0.0, g.value});
          else csv.write_row(g.params, g.solution.result);
        }
        written += static_cast<int>(row.size());
        progress.update(written);
      },
      "--sweep");
  if (failed)
    std::cerr << fmt::format("sobolev-rf curve: {} of {} points did not converge (rows flagged converged=0)\n",
                             failed, total);
}

void add_curve_command(CLI::App& app) {
  auto flags = std::make_shared<CurveFlags>();
  auto* cmd = app.add_subcommand("curve", "asymptotic errors along a sweep or on a grid of two sweeps, as CSV");
  add_model_flags(*cmd, flags->model);
  cmd->add_option("--sweep", flags->sweeps,
                  "name=lo:hi:count[:log], e.g. p_over_n=0.1:5:200; twice for a grid (the first one outer, "
                  "one row per value)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--output,-o", flags->output,
                  "CSV file (default: standard output); writes NAME.meta.json next to it");
  cmd->add_flag("--varpi-average", flags->varpi_average,
                "add each error's law over varpi ~ N(0, I_k): _mean _std _q05 _q50 _q95 _A0 _A2 columns (no "
                "--varpi needed); with --optimize, minimise the mean");
  cmd->add_option("--optimize", flags->optimize,
                  "lambda: each point at the lambda minimising --objective (columns lambda_opt, "
                  "lambda_on_boundary, optimum_value; the errors are at the optimum)")
      ->check(CLI::IsMember({"lambda"}));
  cmd->add_option("--objective", flags->objective, "the error --optimize minimises")->capture_default_str();
  cmd->add_option("--lambda-min", flags->lambda_min, "--optimize: lambda range, lower end")->capture_default_str();
  cmd->add_option("--lambda-max", flags->lambda_max, "--optimize: lambda range, upper end")->capture_default_str();
  cmd->add_option("--grid-points", flags->grid_points, "--optimize: coarse grid in log10 lambda before Brent")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "threads for the rows of a grid (0: OMP_NUM_THREADS)")
      ->capture_default_str();
  cmd->add_flag("--resume", flags->resume,
                "complete an --output CSV that an interrupted run with the same flags left: keep its whole grid "
                "rows (a single curve is one row) and compute the rest");
  add_solver_flags(*cmd, flags->solver);
  cmd->callback([flags] { run_curve(*flags); });
}

const CommandRegistrar reg(20, add_curve_command);

}  // namespace
}  // namespace srf::cli
