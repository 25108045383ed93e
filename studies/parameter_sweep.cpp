#include <sobolev_rf/studies/parameter_sweep.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>

#include <sobolev_rf/model/parameter_table.hpp>

namespace srf::studies {

namespace {
[[noreturn]] void bad(const std::string& context, const std::string& text, const std::string& rule) {
  throw std::invalid_argument(context + " = '" + text + "': " + rule);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  if (!text.empty() && text.back() == sep) out.emplace_back();
  return out;
}

double to_double(const std::string& item, const std::string& context, const std::string& text) {
  try {
    std::size_t pos = 0;
    const double v = std::stod(item, &pos);
    if (pos == item.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  bad(context, text, "'" + item + "' is not a finite number");
}
}  // namespace

std::vector<double> parse_sweep(const std::string& range, const std::string& context) {
  const auto parts = split(range, ':');
  if (parts.size() == 1) return {to_double(parts[0], context, range)};
  if (parts.size() != 3 && parts.size() != 4) bad(context, range, "expected lo:hi:count[:lin|log] or a single number");
  const double lo = to_double(parts[0], context, range);
  const double hi = to_double(parts[1], context, range);
  int count = 0;
  try {
    std::size_t pos = 0;
    count = std::stoi(parts[2], &pos);
    if (pos != parts[2].size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    bad(context, range, "count '" + parts[2] + "' is not an integer");
  }
  if (count < 1) bad(context, range, "count must be >= 1");
  if (count > 10000000) bad(context, range, "count must be <= 10^7");
  bool log_spaced = false;
  if (parts.size() == 4) {
    if (parts[3] == "log") log_spaced = true;
    else if (parts[3] != "lin") bad(context, range, "spacing '" + parts[3] + "' must be lin or log");
  }
  if (log_spaced && !(lo > 0.0 && hi > 0.0)) bad(context, range, "log spacing needs lo > 0 and hi > 0");
  // lo + t (hi - lo) below: an infinite span would put inf and nan between finite ends.
  if (!std::isfinite(hi - lo)) bad(context, range, "hi - lo must be finite");
  if (count == 1) {
    if (lo != hi) bad(context, range, "count = 1 needs lo = hi");
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

Sweep parse_sweep_spec(const std::string& text, const std::string& context) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) bad(context, text, "expected name=lo:hi:count[:lin|log]");
  Sweep s;
  s.name = text.substr(0, eq);
  const model::ParameterInfo* info = model::find_model_parameter(s.name);
  if (!info || !info->sweepable)
    bad(context, text, "unknown parameter '" + s.name + "'; known: " + model::model_parameter_names(true));
  s.values = parse_sweep(text.substr(eq + 1), context);
  return s;
}

std::vector<model::ModelParams> sweep_points(const model::ModelParams& base, const Sweep& sweep, const std::string& context) {
  return grid_points(base, Sweep{}, sweep, context);
}

std::vector<model::ModelParams> grid_points(const model::ModelParams& base, const Sweep& outer, const Sweep& inner,
                                     const std::string& context) {
  std::vector<model::ModelParams> points;
  const std::vector<double> outer_values = outer.name.empty() ? std::vector<double>{0.0} : outer.values;
  for (double u : outer_values)
    for (double v : inner.values) {
      model::ModelParams p = base;
      std::ostringstream where;
      where << context << " ";
      if (!outer.name.empty()) where << outer.name << "=" << u << ", ";
      where << inner.name << "=" << v;
      try {
        if (!outer.name.empty()) model::set_model_parameter(p, outer.name, u);
        model::set_model_parameter(p, inner.name, v);
        p.validate();
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where.str() + ": " + e.what());
      }
      points.push_back(p);
    }
  return points;
}

}  // namespace srf::studies
