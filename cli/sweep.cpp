#include "cli/sweep.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace srf::cli {

namespace {
[[noreturn]] void bad(const std::string& flag, const std::string& text, const std::string& rule) {
  throw std::invalid_argument(flag + " = '" + text + "': " + rule);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  if (!text.empty() && text.back() == sep) out.emplace_back();
  return out;
}

double to_double(const std::string& item, const std::string& flag, const std::string& text) {
  try {
    std::size_t pos = 0;
    const double v = std::stod(item, &pos);
    if (pos == item.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  bad(flag, text, "'" + item + "' is not a finite number");
}
}  // namespace

std::vector<double> parse_sweep(const std::string& range, const std::string& flag) {
  const auto parts = split(range, ':');
  if (parts.size() == 1) return {to_double(parts[0], flag, range)};
  if (parts.size() != 3 && parts.size() != 4) bad(flag, range, "expected lo:hi:count[:lin|log] or a single number");
  const double lo = to_double(parts[0], flag, range);
  const double hi = to_double(parts[1], flag, range);
  int count = 0;
  try {
    std::size_t pos = 0;
    count = std::stoi(parts[2], &pos);
    if (pos != parts[2].size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    bad(flag, range, "count '" + parts[2] + "' is not an integer");
  }
  if (count < 1) bad(flag, range, "count must be >= 1");
  bool log_spaced = false;
  if (parts.size() == 4) {
    if (parts[3] == "log") log_spaced = true;
    else if (parts[3] != "lin") bad(flag, range, "spacing '" + parts[3] + "' must be lin or log");
  }
  if (log_spaced && !(lo > 0.0 && hi > 0.0)) bad(flag, range, "log spacing needs lo > 0 and hi > 0");
  if (count == 1) {
    if (lo != hi) bad(flag, range, "count = 1 needs lo = hi");
    return {lo};
  }
  std::vector<double> v(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const double t = static_cast<double>(i) / (count - 1);
    v[i] = log_spaced ? std::pow(10.0, std::log10(lo) + t * (std::log10(hi) - std::log10(lo))) : lo + t * (hi - lo);
  }
  // Endpoints exactly as typed (no pow/log round-off).
  v.front() = lo;
  v.back() = hi;
  return v;
}

const std::vector<std::string>& swept_parameter_names() {
  static const std::vector<std::string> names = {"alpha",   "p_over_n", "gamma", "lambda", "beta",
                                                 "delta_f", "delta_g",  "rho",   "varpi"};
  return names;
}

Sweep parse_sweep_spec(const std::string& text, const std::string& flag) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) bad(flag, text, "expected name=lo:hi:count[:lin|log]");
  Sweep s;
  s.name = text.substr(0, eq);
  bool known = false;
  for (const auto& n : swept_parameter_names()) known = known || n == s.name;
  if (!known) {
    std::string list;
    for (const auto& n : swept_parameter_names()) list += (list.empty() ? "" : ", ") + n;
    bad(flag, text, "unknown parameter '" + s.name + "'; known: " + list);
  }
  s.values = parse_sweep(text.substr(eq + 1), flag);
  return s;
}

void set_swept_parameter(theory::ModelParams& p, const std::string& name, double value) {
  if (name == "alpha") p.alpha = value;
  else if (name == "p_over_n") p.alpha = 1.0 / value;
  else if (name == "gamma") p.gamma = value;
  else if (name == "lambda") p.lambda = value;
  else if (name == "beta") p.beta = value;
  else if (name == "delta_f") p.delta_f = value;
  else if (name == "delta_g") p.delta_g = value;
  else if (name == "rho") p.rho = value;
  else if (name == "varpi") {
    if (p.k < 1) throw std::invalid_argument("--sweep varpi needs --k >= 1");
    p.varpi.assign(static_cast<std::size_t>(p.k), value);
  } else {
    throw std::invalid_argument("--sweep: unknown parameter '" + name + "'");
  }
}

std::vector<theory::ModelParams> sweep_points(const theory::ModelParams& base, const Sweep& sweep,
                                              const std::string& flag) {
  std::vector<theory::ModelParams> points;
  for (double v : sweep.values) {
    theory::ModelParams p = base;
    set_swept_parameter(p, sweep.name, v);
    try {
      p.validate();
    } catch (const std::invalid_argument& e) {
      std::ostringstream os;
      os << flag << " " << sweep.name << "=" << v << ": " << e.what();
      throw std::invalid_argument(os.str());
    }
    points.push_back(p);
  }
  return points;
}

}  // namespace srf::cli
