#include <sobolev_rf/cli/model_flags.hpp>

#include <stdexcept>

#include <sobolev_rf/model/parameter_table.hpp>

namespace srf::cli {

std::string flag_message(const std::string& field, const std::string& message) {
  if (message.rfind(field, 0) == 0) return model::flag_name(field) + message.substr(field.size());
  return message;
}

model::ModelParams ModelFlags::base() const {
  model::ModelParams p;
  apply(p);
  return p;
}

model::ModelParams ModelFlags::resolve() const {
  const model::ModelParams p = base();
  p.validate();
  return p;
}

model::ModelParams ModelFlags::resolve(bool varpi_average) const {
  model::ModelParams p = base();
  if (varpi_average && !has("varpi") && p.k >= 0) p.varpi.assign(static_cast<std::size_t>(p.k), 0.0);
  p.validate();
  return p;
}

void add_model_flags(CLI::App& cmd, ModelFlags& f) {
  // The shorthands noise and d_over_n are for sweeps and specs; p_over_n is a flag.
  add_field_flags(cmd, model::model_parameters(), f, {"noise", "d_over_n"});
  cmd.get_option("--alpha")->excludes(cmd.get_option("--p-over-n"));
}

theory::SaddlePointOptions SolverFlags::resolve() const {
  theory::SaddlePointOptions o = options;
  o.traces = traces == "sampled" ? theory::TraceMethod::kSampled : theory::TraceMethod::kDeterministic;
  if (o.traces == theory::TraceMethod::kSampled && (o.trace_size < 10 || o.trace_size > 20000))
    throw std::invalid_argument("--trace-size = " + std::to_string(o.trace_size) + ": must lie in [10, 20000]");
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {
    // "SaddlePointOptions.max_iterations = 0: ..." -> "--max-iterations = 0: ..."
    std::string m = e.what();
    const std::string prefix = "SaddlePointOptions.";
    if (m.rfind(prefix, 0) == 0) {
      const std::string rest = m.substr(prefix.size());
      const std::string field = rest.substr(0, rest.find(' '));
      m = flag_message(field, rest);
    }
    throw std::invalid_argument(m);
  }
  return o;
}

void add_solver_flags(CLI::App& cmd, SolverFlags& f) {
  auto& o = f.options;
  cmd.add_option("--tolerance", o.tolerance, "stop when max |log V - log T(V)| <= tolerance")->capture_default_str();
  cmd.add_option("--max-iterations", o.max_iterations, "Newton iterations per lambda-continuation stage")
      ->capture_default_str();
  cmd.add_option("--max-continuation-stages", o.max_continuation_stages,
                 "lambda-continuation stages (from max(lambda,1) down by 4) if a direct solve fails")
      ->capture_default_str();
  cmd.add_option("--traces", f.traces,
                 "core traces: deterministic (the limit) | sampled (one sampled matrix of --trace-size, a check)")
      ->check(CLI::IsMember({"deterministic", "sampled"}))
      ->capture_default_str();
  cmd.add_option("--trace-size", o.trace_size, "P of the sampled trace matrix")->capture_default_str();
  cmd.add_option("--trace-seed", o.trace_seed, "seed of the sampled trace matrix")->capture_default_str();
}

}  // namespace srf::cli
