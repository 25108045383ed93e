#include "cli/model_flags.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace srf::cli {

std::vector<double> parse_double_list(const std::string& text, const std::string& flag) {
  std::vector<double> out;
  if (text.empty()) return out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      std::size_t pos = 0;
      const double v = std::stod(item, &pos);
      if (pos != item.size()) throw std::invalid_argument("trailing characters");
      out.push_back(v);
    } catch (const std::exception&) {
      throw std::invalid_argument(flag + " = '" + text + "': '" + item + "' is not a number");
    }
  }
  return out;
}

theory::ModelParams ModelFlags::resolve() const {
  theory::ModelParams p = params;
  if (p_over_n) {
    if (!std::isfinite(*p_over_n) || !(*p_over_n > 0.0)) {
      std::ostringstream os;
      os << "--p-over-n = " << *p_over_n << ": must be finite and > 0";
      throw std::invalid_argument(os.str());
    }
    p.alpha = 1.0 / *p_over_n;
  }
  p.varpi = parse_double_list(varpi_text, "--varpi");
  p.validate();
  return p;
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
      m = "--" + m.substr(prefix.size());
      for (std::size_t i = 2; i < m.size() && m[i] != ' '; ++i)
        if (m[i] == '_') m[i] = '-';
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

void add_model_flags(CLI::App& cmd, ModelFlags& f) {
  auto& p = f.params;
  cmd.add_option("--sigma", p.sigma, "student activation sigma")->capture_default_str();
  cmd.add_option("--teacher", p.teacher, "teacher function phi")->capture_default_str();
  auto* a = cmd.add_option("--alpha", p.alpha, "alpha = n/p")->capture_default_str();
  auto* pn = cmd.add_option("--p-over-n", f.p_over_n, "p/n = 1/alpha (replaces --alpha)");
  a->excludes(pn);
  cmd.add_option("--gamma", p.gamma, "gamma = d/p")->capture_default_str();
  cmd.add_option("--lambda", p.lambda, "ridge penalty lambda > 0")->capture_default_str();
  cmd.add_option("--k", p.k, "number of sketched gradient directions (0 = L2 training)")->capture_default_str();
  cmd.add_option("--beta", p.beta, "weight of the gradient loss")->capture_default_str();
  cmd.add_option("--delta-f", p.delta_f, "function-label noise variance Delta_f")->capture_default_str();
  cmd.add_option("--delta-g", p.delta_g, "gradient-label noise variance Delta_g")->capture_default_str();
  cmd.add_option("--rho", p.rho, "correlation of function and gradient noise")->capture_default_str();
  cmd.add_option("--varpi", f.varpi_text, "alignment varpi = V^T theta0, k comma-separated values");
}

}  // namespace srf::cli
