#include <sobolev_rf/simulation/options_table.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <utility>

#include <sobolev_rf/simulation/memory_estimate.hpp>

namespace srf::simulation {

namespace {

using O = SimulationOptions;
using model::Field;
using model::FieldType;
using model::InvalidParameter;

std::string number_text(double v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

// A row bound by hand (its accessors set by the caller).
Field<O> row(std::string_view name, FieldType type, std::string_view description) {
  Field<O> f{};
  f.name = name;
  f.type = type;
  f.description = description;
  return f;
}

std::vector<Field<O>> make_table() {
  Field<O> max_memory = row("max_memory", FieldType::kText,
                            "memory limit for the run's estimated peak: MiB, or with a unit (512M, 4G, 1T); "
                            "default: the memory available now");
  max_memory.get_text = [](const O& o) { return format_memory_size(o.max_memory_bytes); };
  max_memory.set_text = [](O& o, const std::string& t) { o.max_memory_bytes = t.empty() ? 0 : parse_memory_size(t); };
  Field<O> varpi_drawn =
      row("varpi_drawn", FieldType::kBool, "draw V freely (varpi = V^T theta0 random, reported per seed)");
  varpi_drawn.get_number = [](const O& o) { return o.varpi_mode == VarpiMode::kDrawn ? 1.0 : 0.0; };
  varpi_drawn.set_number = [](O& o, double v) {
    if (v != 0.0 && v != 1.0)
      throw InvalidParameter("varpi_drawn", "varpi_drawn = " + number_text(v) + ": must be true or false");
    o.varpi_mode = v != 0.0 ? VarpiMode::kDrawn : VarpiMode::kGiven;
  };
  return {
      model::integer("p", &O::p, "number of random features p (n = round(alpha p), d = round(gamma p))"),
      model::integer("seeds", &O::seeds, "independent repetitions (mean and standard error over them)"),
      model::integer("threads", &O::threads, "threads (0: OMP_NUM_THREADS or all cores)"),
      model::integer("seed", &O::base_seed, "base seed; seed s draws from streams of (seed, s) only"),
      model::choice("test_error", &O::test_error, kTestErrorNames,
                   "exact: gen_* as Gaussian expectations given the draws and w (no test-set noise); "
                   "sampled: averages over test_samples fresh inputs"),
      model::integer("test_samples", &O::test_samples, "fresh test inputs per seed (test_error = sampled only)"),
      std::move(max_memory),
      model::integer("batch_rows", &O::batch_rows, "rows per feature batch, bounds memory (0: about 4 MiB per buffer)"),
      model::choice("sketch_scale", &O::sketch_scale, model::kSketchScaleNames,
                   "normal: V ~ N(0,1) entries (docs/model.md); unit: V ~ N(0, I/d), the 'wrong scaling'"),
      std::move(varpi_drawn),
      model::choice("solve", &O::solve_method, kSolveMethodNames,
                   "auto | primal | dual (auto: the smaller system)"),
  };
}

[[noreturn]] void bad(const std::string& field, long long value, const std::string& rule) {
  throw InvalidParameter(field, field + " = " + std::to_string(value) + ": " + rule);
}

}  // namespace

const std::vector<model::Field<SimulationOptions>>& simulation_options_table() {
  static const std::vector<Field<O>> table = make_table();
  return table;
}

void validate_options(const SimulationOptions& o) {
  if (o.p < 1) bad("p", o.p, "must be >= 1");
  if (o.seeds < 1) bad("seeds", o.seeds, "must be >= 1");
  if (o.threads < 0) bad("threads", o.threads, "must be >= 0");
  if (o.test_samples < 1) bad("test_samples", o.test_samples, "must be >= 1");
  if (o.batch_rows < 0) bad("batch_rows", o.batch_rows, "must be >= 0 (0: automatic)");
  o.validate();
}

void check_given_options(const SimulationOptions& o, const std::function<bool(std::string_view)>& given) {
  if (o.test_error == TestError::kExact && given("test_samples"))
    throw InvalidParameter("test_samples", "test_samples = " + std::to_string(o.test_samples) +
                                               ": only with {test_error} sampled (the default, exact, uses no test set)");
}

model::ModelParams simulation_model(const model::ModelParams& params, const SimulationOptions& o, bool varpi_given) {
  model::ModelParams p = params;
  if (o.varpi_mode == VarpiMode::kDrawn) {
    if (varpi_given) {
      std::string text;
      for (double v : p.varpi) {
        if (!text.empty()) text += ',';
        text += model::format_number(v);
      }
      throw InvalidParameter("varpi", "varpi = " + text + ": not allowed with {varpi_drawn}");
    }
    p.varpi.assign(static_cast<std::size_t>(std::max(p.k, 0)), 0.0);
  }
  p.validate();
  return p;
}

void check_simulation_fits(const model::ModelParams& params, const SimulationOptions& o) {
  const std::string p_text = "p = " + std::to_string(o.p);
  for (const auto& [name, ratio] : {std::pair<const char*, double>{"n", params.alpha}, {"d", params.gamma}}) {
    const double size = std::round(ratio * o.p);
    if (!(size >= 1) || size > 1e8) {
      std::ostringstream os;
      const char* of = name[0] == 'n' ? "alpha" : "gamma";
      os << p_text << ": " << name << " = round(" << of << " p) = " << size << " with " << of << " = " << ratio
         << "; needs 1 <= " << name << " <= 1e8";
      throw InvalidParameter("p", os.str());
    }
  }
  const AvailableMemory limit = memory_limit(o);
  if (limit.bytes == 0) return;
  const MemoryEstimate e = estimate_peak_memory(params, o);
  if (e.peak_bytes <= limit.bytes) return;
  throw InvalidParameter(
      "p", p_text + ": needs about " + format_bytes(e.peak_bytes) + " of memory (estimated peak, " +
               std::to_string(e.concurrent_seeds) + " seed(s) at once), more than the " + format_bytes(limit.bytes) +
               " " + (o.max_memory_bytes > 0 ? "allowed by {max_memory}" : "available (" + limit.source + ")") +
               "; the largest {p} that fits is " + std::to_string(largest_p_that_fits(params, o, limit.bytes)));
}

std::uint64_t parse_memory_size(const std::string& text) {
  auto bad_size = [&] {
    return InvalidParameter("max_memory", "max_memory = '" + text +
                                              "': must be a positive size in MiB or with a unit K, M, G or T "
                                              "(e.g. 512M, 4G)");
  };
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw bad_size();
  }
  std::string unit = text.substr(used);
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::toupper(c); });
  for (const std::string suffix : {"IB", "B"})
    if (unit.size() > 1 && unit.size() >= suffix.size() &&
        unit.compare(unit.size() - suffix.size(), std::string::npos, suffix) == 0) {
      unit.resize(unit.size() - suffix.size());
      break;
    }
  double scale;
  if (unit.empty() || unit == "M") scale = 1024.0 * 1024;
  else if (unit == "K") scale = 1024.0;
  else if (unit == "G") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
  else throw bad_size();
  const double bytes = value * scale;
  if (!(bytes >= 1) || bytes > 1e18) throw bad_size();
  return static_cast<std::uint64_t>(bytes);
}

std::string format_memory_size(std::uint64_t bytes) {
  if (bytes == 0) return "";
  for (const auto& [unit, shift] : {std::pair<const char*, int>{"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}})
    if (bytes % (std::uint64_t{1} << shift) == 0) return std::to_string(bytes >> shift) + unit;
  return number_text(static_cast<double>(bytes) / 1024.0) + "K";  // exact: a power-of-two division
}

}  // namespace srf::simulation
