#include <sobolev_rf/cli/simulation_flags.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include <sobolev_rf/simulation/memory_estimate.hpp>

namespace srf::cli {

void add_simulation_flags(CLI::App& cmd, SimulationFlags& f) {
  auto& o = f.options;
  cmd.add_option("--p", o.p, "number of random features p (n = round(alpha p), d = round(gamma p))")
      ->capture_default_str();
  cmd.add_option("--seeds", o.seeds, "independent repetitions (mean and standard error over them)")
      ->capture_default_str();
  cmd.add_option("--threads", o.threads, "threads (0: OMP_NUM_THREADS or all cores)")->capture_default_str();
  cmd.add_option("--seed", o.base_seed, "base seed; seed s draws from streams of (seed, s) only")
      ->capture_default_str();
  cmd.add_option("--test-error", f.test_error,
                 "exact: gen_* as Gaussian expectations given the draws and w (no test-set noise); "
                 "sampled: averages over --test-samples fresh inputs")
      ->capture_default_str();
  f.test_samples_flag =
      cmd.add_option("--test-samples", o.test_samples, "fresh test inputs per seed (--test-error sampled only)")
          ->capture_default_str();
  cmd.add_option("--max-memory", f.max_memory,
                 "memory limit for the run's estimated peak: MiB, or with a unit (512M, 4G, 1T); "
                 "default: the memory available now");
  cmd.add_option("--batch-rows", o.batch_rows, "rows per feature batch, bounds memory (0: about 4 MiB per buffer)")->capture_default_str();
  cmd.add_option("--sketch-scale", f.sketch_scale,
                 "normal: V ~ N(0,1) entries (docs/model.md); unit: V ~ N(0, I/d), the 'wrong scaling'")
      ->capture_default_str();
  cmd.add_flag("--varpi-drawn", f.varpi_drawn, "draw V freely (varpi = V^T theta0 random, reported per seed)");
  cmd.add_option("--solve", f.solve, "auto | primal | dual (auto: the smaller system)")->capture_default_str();
}

simulation::SimulationOptions SimulationFlags::resolve() const {
  simulation::SimulationOptions o = options;
  if (sketch_scale == "normal") o.sketch_scale = model::SketchScale::kNormal;
  else if (sketch_scale == "unit") o.sketch_scale = model::SketchScale::kUnit;
  else throw std::invalid_argument("--sketch-scale = '" + sketch_scale + "': must be normal or unit");
  if (solve == "auto") o.solve_method = simulation::SolveMethod::kAuto;
  else if (solve == "primal") o.solve_method = simulation::SolveMethod::kPrimal;
  else if (solve == "dual") o.solve_method = simulation::SolveMethod::kDual;
  else throw std::invalid_argument("--solve = '" + solve + "': must be auto, primal or dual");
  o.varpi_mode = varpi_drawn ? simulation::VarpiMode::kDrawn : simulation::VarpiMode::kGiven;
  if (test_error == "exact") o.test_error = simulation::TestError::kExact;
  else if (test_error == "sampled") o.test_error = simulation::TestError::kSampled;
  else throw std::invalid_argument("--test-error = '" + test_error + "': must be exact or sampled");
  if (o.test_error == simulation::TestError::kExact && test_samples_flag && test_samples_flag->count() > 0)
    throw std::invalid_argument("--test-samples = " + std::to_string(o.test_samples) +
                                ": only with --test-error sampled (the default, exact, uses no test set)");
  if (!max_memory.empty()) o.max_memory_bytes = parse_memory_size(max_memory);
  // Name the CLI flags, not the struct fields, in messages.
  if (o.p < 1) throw std::invalid_argument("--p = " + std::to_string(o.p) + ": must be >= 1");
  if (o.seeds < 1) throw std::invalid_argument("--seeds = " + std::to_string(o.seeds) + ": must be >= 1");
  if (o.threads < 0) throw std::invalid_argument("--threads = " + std::to_string(o.threads) + ": must be >= 0");
  if (o.test_samples < 1)
    throw std::invalid_argument("--test-samples = " + std::to_string(o.test_samples) + ": must be >= 1");
  if (o.batch_rows < 0)
    throw std::invalid_argument("--batch-rows = " + std::to_string(o.batch_rows) + ": must be >= 0 (0: automatic)");
  o.validate();
  return o;
}

std::uint64_t parse_memory_size(const std::string& text) {
  auto bad = [&] {
    return std::invalid_argument("--max-memory = '" + text +
                                 "': must be a positive size in MiB or with a unit K, M, G or T (e.g. 512M, 4G)");
  };
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw bad();
  }
  std::string unit = text.substr(used);
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::toupper(c); });
  for (const char* suffix : {"IB", "B"})
    if (unit.size() > 1 && unit.size() >= std::string(suffix).size() &&
        unit.compare(unit.size() - std::string(suffix).size(), std::string::npos, suffix) == 0) {
      unit.resize(unit.size() - std::string(suffix).size());
      break;
    }
  double scale;
  if (unit.empty() || unit == "M") scale = 1024.0 * 1024;
  else if (unit == "K") scale = 1024.0;
  else if (unit == "G") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
  else throw bad();
  const double bytes = value * scale;
  if (!(bytes >= 1) || bytes > 1e18) throw bad();
  return static_cast<std::uint64_t>(bytes);
}

void check_memory_fits(const model::ModelParams& params, const simulation::SimulationOptions& options) {
  const simulation::AvailableMemory limit = simulation::memory_limit(options);
  if (limit.bytes == 0) return;
  const simulation::MemoryEstimate e = simulation::estimate_peak_memory(params, options);
  if (e.peak_bytes <= limit.bytes) return;
  throw std::invalid_argument("--p = " + std::to_string(options.p) + ": needs about " +
                              simulation::format_bytes(e.peak_bytes) + " of memory (estimated peak, " +
                              std::to_string(e.concurrent_seeds) + " seed(s) at once), more than the " +
                              simulation::format_bytes(limit.bytes) + " " +
                              (options.max_memory_bytes > 0 ? "allowed by --max-memory" : "available (" + limit.source + ")") +
                              "; the largest --p that fits is " +
                              std::to_string(simulation::largest_p_that_fits(params, options, limit.bytes)));
}

model::ModelParams resolve_model(const ModelFlags& model, const SimulationFlags& sim) {
  model::ModelParams p = model.base();
  if (sim.varpi_drawn) {
    if (model.has("varpi"))
      throw std::invalid_argument("--varpi = " + model.text.at("varpi") + ": not allowed with --varpi-drawn");
    p.varpi.assign(static_cast<std::size_t>(std::max(p.k, 0)), 0.0);
  }
  p.validate();
  return p;
}


}  // namespace srf::cli
