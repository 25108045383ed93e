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
