#include "cli/model_flags.hpp"

#include <stdexcept>

#include "theory/parameter_registry.hpp"

namespace srf::cli {

std::string flag_message(const std::string& field, const std::string& message) {
  if (message.rfind(field, 0) == 0) return theory::flag_name(field) + message.substr(field.size());
  return message;
}

theory::ModelParams ModelFlags::base() const {
  theory::ModelParams p;
  for (const auto& [name, option] : given)
    if (option->count() > 0) theory::set_model_parameter_text(p, name, text.at(name));
  return p;
}

theory::ModelParams ModelFlags::resolve() const {
  const theory::ModelParams p = base();
  p.validate();
  return p;
}

theory::ModelParams ModelFlags::resolve(bool varpi_average) const {
  theory::ModelParams p = base();
  if (varpi_average && !has("varpi") && p.k >= 0) p.varpi.assign(static_cast<std::size_t>(p.k), 0.0);
  p.validate();
  return p;
}

bool ModelFlags::has(const std::string& name) const {
  for (const auto& [n, option] : given)
    if (n == name) return option->count() > 0;
  return false;
}

void add_model_flags(CLI::App& cmd, ModelFlags& f) {
  const theory::ModelParams defaults;
  const std::vector<std::string> cells = theory::model_parameter_cells(defaults);
  const auto& params = theory::model_parameters();
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string name(params[i].name);
    CLI::Option* o = cmd.add_option(theory::flag_name(name), f.text[name], std::string(params[i].description));
    if (name != "p_over_n" && name != "varpi") o->default_str(cells[i]);
    switch (params[i].type) {
      case theory::ParameterType::kText: o->type_name("NAME"); break;
      case theory::ParameterType::kInteger: o->type_name("INT"); break;
      case theory::ParameterType::kReal: o->type_name("FLOAT"); break;
      case theory::ParameterType::kRealList: o->type_name("FLOAT,..."); break;
    }
    f.given.emplace_back(name, o);
  }
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
