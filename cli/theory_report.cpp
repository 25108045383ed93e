#include "cli/theory_report.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <fmt/format.h>

#include <cmath>

namespace srf::cli {

nlohmann::json theory_params_json(const theory::ModelParams& p) {
  return {{"sigma", p.sigma},     {"teacher", p.teacher}, {"alpha", p.alpha},     {"p_over_n", 1.0 / p.alpha},
          {"gamma", p.gamma},     {"lambda", p.lambda},   {"k", p.k},             {"beta", p.beta},
          {"delta_f", p.delta_f}, {"delta_g", p.delta_g}, {"rho", p.rho},         {"varpi", p.varpi}};
}

VarpiStatistics varpi_statistics(double A0, double A2, int k) {
  if (k == 0) return {A0, 0.0, A0, A0, A0};
  boost::math::chi_squared chi(k);
  auto q = [&](double prob) {
    // A2 < 0 reverses the order of the quantiles.
    return A0 + A2 * boost::math::quantile(chi, A2 >= 0 ? prob : 1.0 - prob);
  };
  return {A0 + A2 * k, std::fabs(A2) * std::sqrt(2.0 * k), q(0.05), q(0.50), q(0.95)};
}

static nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json theory_json(const theory::ModelParams& p, const theory::TheoryResult& r, bool varpi_average) {
  nlohmann::json j = theory_params_json(p);
  for (const auto& [name, field] : theory::error_fields()) {
    if (varpi_average) {
      const double A0 = r.varpi_law.A0.*field, A2 = r.varpi_law.A2.*field;
      const VarpiStatistics s = varpi_statistics(A0, A2, p.k);
      j[name] = {{"mean", number(s.mean)}, {"std", number(s.std)}, {"q05", number(s.q05)}, {"q50", number(s.q50)},
                 {"q95", number(s.q95)},   {"A0", number(A0)},      {"A2", number(A2)}};
    } else {
      j[name] = number(r.errors.*field);
    }
  }
  j["converged"] = r.summary.converged();
  j["termination"] = numerics::to_string(r.summary.termination);
  j["message"] = r.summary.message;
  j["iterations"] = r.summary.iterations;
  j["residual"] = number(r.summary.residual);
  nlohmann::json op = nlohmann::json::object();
  for (const auto& [name, v] : r.order_parameters) op[name] = number(v);
  j["order_parameters"] = op;
  return j;
}

std::string theory_table(const theory::ModelParams& p, const theory::TheoryResult& r, bool varpi_average,
                         bool full) {
  std::string s = fmt::format("sigma={} teacher={} p/n={:.6g} gamma={:.6g} lambda={:.6g} k={}", p.sigma, p.teacher,
                              1.0 / p.alpha, p.gamma, p.lambda, p.k);
  if (p.k) {
    s += fmt::format(" beta={:.6g} varpi=", p.beta);
    for (std::size_t i = 0; i < p.varpi.size(); ++i) s += fmt::format("{}{:.6g}", i ? "," : "", p.varpi[i]);
  }
  if (p.delta_f > 0 || p.delta_g > 0) s += fmt::format(" delta_f={:.6g} delta_g={:.6g} rho={:.6g}", p.delta_f, p.delta_g, p.rho);
  s += "\n";
  s += fmt::format("status: {} after {} Newton iterations, residual {:.3e}{}\n",
                   numerics::to_string(r.summary.termination), r.summary.iterations, r.summary.residual,
                   r.summary.converged() ? "" : " (" + r.summary.message + ")");
  if (varpi_average) {
    s += fmt::format("{:<10} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}\n", "quantity", "mean", "std", "q05",
                     "q50", "q95", "A0", "A2");
    for (const auto& [name, field] : theory::error_fields()) {
      const VarpiStatistics st = varpi_statistics(r.varpi_law.A0.*field, r.varpi_law.A2.*field, p.k);
      s += fmt::format("{:<10} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g}\n", name, st.mean,
                       st.std, st.q05, st.q50, st.q95, r.varpi_law.A0.*field, r.varpi_law.A2.*field);
    }
  } else {
    for (const auto& [name, field] : theory::error_fields())
      s += fmt::format("{:<10} {:>14.8g}\n", name, r.errors.*field);
  }
  if (full) {
    s += "order parameters:\n";
    for (const auto& [name, v] : r.order_parameters) s += fmt::format("  {:<10} {:>14.8g}\n", name, v);
    s += "residual history:";
    for (double h : r.summary.residual_history) s += fmt::format(" {:.2e}", h);
    s += "\n";
  }
  return s;
}

}  // namespace srf::cli
