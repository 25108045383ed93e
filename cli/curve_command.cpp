// sobolev-rf curve: the asymptotic errors along a one-parameter sweep, as a tidy CSV written row
// by row (a long sweep loses nothing already computed). Each point warm-starts from its
// neighbour; a point that does not converge is flagged (converged = 0, errors empty).
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/model_flags.hpp"
#include "cli/progress.hpp"
#include "report/curve_csv.hpp"
#include "theory/curve.hpp"
#include "theory/parameter_sweep.hpp"

namespace srf::cli {

namespace {

struct CurveFlags {
  ModelFlags model;
  std::string sweep;
  std::string output;  // empty: stdout
  bool varpi_average = false;
  SolverFlags solver;
};

void run_curve(const CurveFlags& f) {
  const theory::Sweep sweep = theory::parse_sweep_spec(f.sweep, "--sweep");
  const std::vector<theory::ModelParams> points = theory::sweep_points(f.model.resolve(), sweep, "--sweep");
  const theory::SaddlePointOptions options = f.solver.resolve();
  std::ofstream file;
  if (!f.output.empty()) {
    file.open(f.output);
    if (!file) throw std::invalid_argument("--output = " + f.output + ": cannot open for writing");
  }
  std::ostream& out = f.output.empty() ? std::cout : file;
  report::CurveCsvWriter csv(out, f.varpi_average);
  Progress progress("curve " + sweep.name, static_cast<int>(points.size()));
  const int failed = theory::solve_curve(points, options, [&](std::size_t i, const theory::ModelParams& p,
                                                              const theory::SaddlePointSolution& sol) {
    csv.write_row(p, sol.result);
    progress.update(static_cast<int>(i + 1));
  });
  if (failed)
    std::cerr << fmt::format("sobolev-rf curve: {} of {} points did not converge (rows flagged converged=0)\n",
                             failed, points.size());
}

void add_curve_command(CLI::App& app) {
  auto flags = std::make_shared<CurveFlags>();
  auto* cmd = app.add_subcommand("curve", "asymptotic errors along a sweep, as CSV");
  add_model_flags(*cmd, flags->model);
  cmd->add_option("--sweep", flags->sweep, "name=lo:hi:count[:log], e.g. p_over_n=0.1:5:200")->required();
  cmd->add_option("--output,-o", flags->output, "CSV file (default: standard output)");
  cmd->add_flag("--varpi-average", flags->varpi_average,
                "add each error's law over varpi ~ N(0, I_k): _mean _std _q05 _q50 _q95 _A0 _A2 columns");
  add_solver_flags(*cmd, flags->solver);
  cmd->callback([flags] { run_curve(*flags); });
}

const CommandRegistrar reg(20, add_curve_command);

}  // namespace
}  // namespace srf::cli
