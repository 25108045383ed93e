#include "cli/simulation_flags.hpp"

#include <stdexcept>

#include "cli/theory_report.hpp"

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
                 "normal: V ~ N(0,1) entries (MODEL.md); unit: V ~ N(0, I/d), the 'wrong scaling'")
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
  ModelFlags m = model;
  if (sim.varpi_drawn) {
    if (!m.varpi_text.empty()) throw std::invalid_argument("--varpi = " + m.varpi_text + ": not allowed with --varpi-drawn");
    std::string zeros;
    for (int j = 0; j < m.params.k; ++j) zeros += j ? ",0" : "0";
    m.varpi_text = zeros;
  }
  return m.resolve();
}

nlohmann::json simulation_json(const theory::ModelParams& params, const validation::SimulationOptions& o,
                               const validation::SimulationResult& r) {
  nlohmann::json j = theory_params_json(params);  // the same names and layout as `theory`
  if (o.varpi_mode == validation::VarpiMode::kDrawn) j["varpi"] = nullptr;
  j["n"] = r.size.n;
  j["p"] = r.size.p;
  j["d"] = r.size.d;
  j["k"] = r.size.k;
  j["seeds"] = r.seeds;
  j["threads"] = r.threads;
  j["seeds_in_parallel"] = r.seeds_in_parallel;
  j["base_seed"] = o.base_seed;
  j["test_samples"] = o.test_samples;
  j["sketch_scale"] = o.sketch_scale == validation::SketchScale::kUnit ? "unit" : "normal";
  j["varpi_mode"] = o.varpi_mode == validation::VarpiMode::kDrawn ? "drawn" : "given";
  for (const auto& [name, e] : r.estimates) j[name] = {{"mean", e.mean}, {"se", e.se}};  // NaN se -> null
  nlohmann::json seeds = nlohmann::json::array();
  for (const auto& s : r.per_seed) {
    nlohmann::json js = {{"seed", s.seed_index}, {"varpi", s.varpi}, {"solve", s.primal ? "primal" : "dual"}};
    for (const auto& [name, field] : theory::error_fields()) js[name] = s.errors.*field;
    seeds.push_back(js);
  }
  j["per_seed"] = seeds;
  j["wall_seconds"] = r.wall_seconds;
  return j;
}

}  // namespace srf::cli
