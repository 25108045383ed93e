// sobolev-rf figure: the talk's figures from small TOML specs (figures/*.toml). For each spec:
// theory along every curve (warm starts), simulation markers, then one folder per figure,
// OUT_DIR/OUTPUT/, with the gnuplot script, the PDF and the PNG (through gnuplot), and the tidy
// CSVs with their sidecars in OUT_DIR/OUTPUT/data/ (plotting/figure_output.hpp). Every spec is
// parsed and validated before anything is computed; a missing gnuplot is reported only after all
// CSVs are written, so that no computation is lost (exit status 5). The marker seeds are saved in
// OUT_DIR/markers.checkpoint as they finish (for --resume after an interruption); the file is
// removed once every figure's data are written.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/progress.hpp>
#include <sobolev_rf/cli/run_flags.hpp>
#include <sobolev_rf/plotting/figure_output.hpp>
#include <sobolev_rf/plotting/figure_data.hpp>
#include <sobolev_rf/plotting/figure_spec.hpp>
#include <sobolev_rf/plotting/gnuplot_script.hpp>

namespace srf::cli {

namespace {

using namespace srf::plotting;

// Exit status when the data are written but the figures could not be rendered.
constexpr int kRenderFailed = 5;

struct FigureFlags {
  std::vector<std::string> specs;
  std::string out_dir = "out";
  bool quick = false;
  bool all_markers = false;
  bool no_markers = false;
  bool csv_only = false;
  bool resume = false;
};

void run_figure(const FigureFlags& f) {
  std::vector<FigureSpec> specs;
  for (const auto& path : f.specs) specs.push_back(parse_figure_spec(path));
  for (std::size_t i = 0; i < specs.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (specs[i].output == specs[j].output)
        throw std::invalid_argument(fmt::format("{}: output = \"{}\" is also the output of {}", specs[i].path,
                                                specs[i].output, specs[j].path));
  FigureRunOptions options;
  options.markers = f.no_markers ? MarkerMode::kNone : f.all_markers ? MarkerMode::kAll : MarkerMode::kDefault;
  try {
    std::filesystem::create_directories(f.out_dir);
  } catch (const std::filesystem::filesystem_error& e) {
    throw std::invalid_argument("--out-dir = " + f.out_dir + ": cannot create: " + e.code().message());
  }

  // Marker simulations run as (job, seed) tasks: over MPI ranks under mpirun, and with every
  // finished seed saved in OUT_DIR/markers.checkpoint, which --resume reads back.
  RunFlags run_flags;
  run_flags.resume = f.resume;
  const std::string checkpoint = (std::filesystem::path(f.out_dir) / "markers.checkpoint").string();
  auto runner = std::make_unique<CliRunner>(run_flags, checkpoint, 0, "figure", /*quiet=*/true);
  options.simulate = [&runner](const model::ModelParams& p, const simulation::SimulationOptions& o) {
    const distributed::SimulationJob job{p, o};
    runner->run({job});
    for (int s = 0; s < o.seeds; ++s)
      if (o.on_seed_done) o.on_seed_done(s + 1, o.seeds);
    return runner->result(job);
  };

  const std::string gnuplot = f.csv_only ? "" : find_gnuplot();
  std::vector<std::string> unrendered;
  for (FigureSpec& spec : specs) {
    const auto start = std::chrono::steady_clock::now();
    if (f.quick) apply_quick(spec);
    Progress progress("figure " + spec.output, 1);
    FigureRunOptions run = options;  // (shares the runner)
    if (progress.enabled()) run.on_progress = [&](int done, int total) { progress.update(done, total); };
    const FigureOutput written = write_figure_data(spec, run, f.out_dir, invocation());
    const FigureFiles& files = written.files;
    const std::string& script = written.script;
    const std::string& script_path = written.script_path;
    const int failed = files.failed_points();
    if (failed)
      std::cerr << fmt::format("sobolev-rf figure: {}: {} theory point(s) did not converge (left out as gaps)\n",
                               spec.output, failed);
    std::string rendered = fmt::format("{}/{}/*.csv and {}", written.folder, kFigureDataFolder, script_path);
    if (!f.csv_only) {
      if (gnuplot.empty()) {
        unrendered.push_back(spec.output);
      } else {
        try {
          run_gnuplot(gnuplot, script, written.folder);
        } catch (const std::runtime_error& e) {
          throw CliError(kRenderFailed, fmt::format("figure {}: {} (the CSVs and {} are written)", spec.output,
                                                    e.what(), script_path));
        }
        rendered = fmt::format("{}, {}", written.pdf_path, written.png_path);
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << fmt::format("{}: {} ({:.1f} s)\n", spec.output, rendered, seconds) << std::flush;
  }
  // Every figure's data are written: the markers are in their CSVs, the checkpoint has served.
  runner.reset();
  std::error_code ignored;
  std::filesystem::remove(checkpoint, ignored);
  if (!unrendered.empty()) {
    std::string names;
    for (const auto& n : unrendered) names += (names.empty() ? "" : ", ") + n;
    throw CliError(kRenderFailed,
                   fmt::format("figure: gnuplot not found on PATH, so {} not rendered; the CSVs and the gnuplot "
                               "scripts are in {}/NAME/ (install gnuplot, then: cd {}/NAME && gnuplot NAME.gp)",
                               names, f.out_dir, f.out_dir));
  }
}

void add_figure_command(CLI::App& app) {
  auto flags = std::make_shared<FigureFlags>();
  auto* cmd = app.add_subcommand(
      "figure", "figures from TOML specs (figures/*.toml): CSVs, gnuplot script, PDF and PNG; exit 5: not rendered");
  cmd->add_option("specs", flags->specs, "figure spec files (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out-dir", flags->out_dir,
                  "folder of the figures: OUT_DIR/NAME/ holds NAME.gp, NAME.pdf, NAME.png and data/ (CSVs)")
      ->capture_default_str();
  cmd->add_flag("--quick", flags->quick,
                "cheaper markers: at most 8 points per curve, p <= 400, <= 3 seeds (20 for a varpi law)");
  auto* all = cmd->add_flag("--all-markers", flags->all_markers,
                            "also the marker sets flagged optional (expensive, e.g. large p)");
  auto* none = cmd->add_flag("--no-markers", flags->no_markers, "theory curves only, no simulation");
  all->excludes(none);
  cmd->add_flag("--csv-only", flags->csv_only, "write the CSVs and gnuplot scripts, do not run gnuplot");
  cmd->add_flag("--resume", flags->resume,
                "keep the marker seeds an interrupted run saved in OUT_DIR/markers.checkpoint; compute the rest");
  cmd->callback([flags] { run_figure(*flags); });
}

const CommandRegistrar reg(60, add_figure_command);

}  // namespace
}  // namespace srf::cli
