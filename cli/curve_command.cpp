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
#include <sobolev_rf/theory/structured_finite_d.hpp>

namespace srf::cli {

namespace {

struct CurveFlags {
  RequestFlags request;
  std::vector<std::string> sweeps;
  std::string output;  // empty: stdout
  std::string optimize;  // "" or lambda | beta | both
  FieldFlags<studies::OptimizeOptions> search;
  int threads = 0;
  bool resume = false;
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
  options.request = f.request.resolve();
  options.threads = f.threads;
  studies::OptimizeOptions search;
  if (!f.optimize.empty()) {
    f.search.apply(search);
    search.over = studies::parse_optimize_over(f.optimize);
    search.validate();
    options.optimize = search;
  }
  const bool varpi_average = options.request.varpi_average;
  const model::ModelParams base = options.request.model;
  // Validates every point before any output.
  const std::size_t total = studies::grid_points(base, outer, inner, "--sweep").size();
  if (f.resume && f.output.empty()) throw std::invalid_argument("--resume: needs --output FILE (the CSV to complete)");
  std::vector<std::string> extra;
  const bool beta_searched = options.optimize && search.over != studies::OptimizeOver::kLambda;
  if (options.optimize) extra = {"lambda_opt", "lambda_on_boundary", "optimum_value"};
  if (beta_searched) extra.insert(extra.end(), {"beta_opt", "beta_on_boundary"});
  // Structured inputs: the finite-size estimate of every row [S.15].
  bool structured = false;
  for (const auto& p : studies::grid_points(base, outer, inner, "--sweep")) structured = structured || p.structured();
  if (structured) extra.insert(extra.end(), {"regime_index", "finite_size_d", "finite_size_correction"});
  std::ofstream file;
  std::size_t rows_kept = 0;
  bool resumed = false;  // the header is there
  if (!f.output.empty()) {
    nlohmann::json meta = {{"model", report::params_json(base)},
                           {"sweeps", f.sweeps},
                           {"varpi_average", varpi_average},
                           {"solver", report::solver_options_json(options.request.solver)},
                           {"seeds", nullptr}};
    if (options.optimize) {
      meta["optimize"] = {{"over", studies::to_string(search.over)},
                          {"objective", search.objective},
                          {"lambda_range", {search.lambda_min, search.lambda_max}},
                          {"grid_points", search.grid_points}};
      if (beta_searched) meta["optimize"]["beta_range"] = {search.beta_min, search.beta_max};
    }
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
          read_text(f.output), report::CurveCsvWriter::header_line(varpi_average, extra), inner.values.size());
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
  report::CurveCsvWriter csv(out, varpi_average, extra, !resumed);
  Progress progress(outer.name.empty() ? "curve " + inner.name : "grid " + outer.name + " x " + inner.name,
                    static_cast<int>(total));
  int written = static_cast<int>(rows_kept * inner.values.size());
  int warned = 0;  // limit rows whose finite-size correction exceeds kFiniteSizeWarning
  theory::FiniteSizeEstimate worst;
  const int failed = studies::solve_grid(
      base, outer, inner, options,
      [&](std::size_t, const std::vector<studies::GridPoint>& row) {
        for (const studies::GridPoint& g : row) {
          const theory::TheoryResult& r = g.answer.solution.result;
          std::vector<double> cells;
          if (g.optimum) {
            const studies::Optimum& o = *g.optimum;
            cells = {o.lambda, o.lambda_on_boundary ? 1.0 : 0.0, o.value};
            if (beta_searched) cells.insert(cells.end(), {o.beta, o.beta_on_boundary ? 1.0 : 0.0});
          }
          if (structured) {
            const theory::FiniteSizeEstimate& e = r.finite_size;
            const double nan = std::nan("");
            cells.insert(cells.end(), {e.applies ? e.regime_index : nan, e.applies ? e.d : nan,
                                       e.applies ? e.correction : nan});
            if (!theory::finite_size_warning(e).empty()) {
              ++warned;
              if (!(e.correction <= worst.correction)) worst = e;
            }
          }
          csv.write_row(g.params, r, cells);
        }
        written += static_cast<int>(row.size());
        progress.update(written);
      },
      "--sweep");
  if (failed)
    std::cerr << fmt::format("sobolev-rf curve: {} of {} points did not converge (rows flagged converged=0)\n",
                             failed, total);
  if (warned)  // one line for the whole curve: its largest correction
    std::cerr << fmt::format("warning (at {} of {} points; the largest):", warned, total)
              << theory::finite_size_warning(worst).substr(std::string("warning:").size()) << "\n";
}

void add_curve_command(CLI::App& app) {
  auto flags = std::make_shared<CurveFlags>();
  auto* cmd = app.add_subcommand("curve", "asymptotic errors along a sweep or on a grid of two sweeps, as CSV");
  add_request_flags(*cmd, flags->request);
  cmd->add_option("--sweep", flags->sweeps,
                  "name=lo:hi:count[:log], e.g. p_over_n=0.1:5:200; twice for a grid (the first one outer, "
                  "one row per value)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--output,-o", flags->output,
                  "CSV file (default: standard output); writes NAME.meta.json next to it");
  cmd->add_option("--optimize", flags->optimize,
                  "lambda | beta | both: each point at the optimum of --objective (columns lambda_opt, "
                  "lambda_on_boundary, optimum_value, and beta_opt, beta_on_boundary; the errors are at the optimum)")
      ->check(CLI::IsMember({"lambda", "beta", "both"}));
  add_field_flags(*cmd, studies::optimize_options_table(), flags->search, {"over", "max_iterations", "bits"});
  cmd->add_option("--threads", flags->threads, "threads for the rows of a grid (0: OMP_NUM_THREADS)")
      ->capture_default_str();
  cmd->add_flag("--resume", flags->resume,
                "complete an --output CSV that an interrupted run with the same flags left: keep its whole grid "
                "rows (a single curve is one row) and compute the rest");
  cmd->callback([flags] { run_curve(*flags); });
}

const CommandRegistrar reg(20, add_curve_command);

}  // namespace
}  // namespace srf::cli
