#include "cli/simulation_flags.hpp"

#include <algorithm>
#include <stdexcept>


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
  cmd.add_option("--test-samples", o.test_samples, "fresh test inputs per seed")->capture_default_str();
  cmd.add_option("--batch-rows", o.batch_rows, "rows per feature batch, bounds memory (0: about 4 MiB per buffer)")->capture_default_str();
  cmd.add_option("--sketch-scale", f.sketch_scale,
                 "normal: V ~ N(0,1) entries (docs/model.md); unit: V ~ N(0, I/d), the 'wrong scaling'")
      ->capture_default_str();
  cmd.add_flag("--varpi-drawn", f.varpi_drawn, "draw V freely (varpi = V^T theta0 random, reported per seed)");
  cmd.add_option("--solve", f.solve, "auto | primal | dual (auto: the smaller system)")->capture_default_str();
}

validation::SimulationOptions SimulationFlags::resolve() const {
  validation::SimulationOptions o = options;
  if (sketch_scale == "normal") o.sketch_scale = validation::SketchScale::kNormal;
  else if (sketch_scale == "unit") o.sketch_scale = validation::SketchScale::kUnit;
  else throw std::invalid_argument("--sketch-scale = '" + sketch_scale + "': must be normal or unit");
  if (solve == "auto") o.solve_method = validation::SolveMethod::kAuto;
  else if (solve == "primal") o.solve_method = validation::SolveMethod::kPrimal;
  else if (solve == "dual") o.solve_method = validation::SolveMethod::kDual;
  else throw std::invalid_argument("--solve = '" + solve + "': must be auto, primal or dual");
  o.varpi_mode = varpi_drawn ? validation::VarpiMode::kDrawn : validation::VarpiMode::kGiven;
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

theory::ModelParams resolve_model(const ModelFlags& model, const SimulationFlags& sim) {
  theory::ModelParams p = model.base();
  if (sim.varpi_drawn) {
    if (model.has("varpi"))
      throw std::invalid_argument("--varpi = " + model.text.at("varpi") + ": not allowed with --varpi-drawn");
    p.varpi.assign(static_cast<std::size_t>(std::max(p.k, 0)), 0.0);
  }
  p.validate();
  return p;
}

}  // namespace srf::cli
