#include <sobolev_rf/cli/theory_report.hpp>

#include <fmt/format.h>

#include <cmath>

#include <sobolev_rf/theory/varpi_law.hpp>

namespace srf::cli {

std::string theory_table(const model::ModelParams& p, const theory::TheoryResult& r, bool varpi_average,
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
    for (const auto& [name, field] : model::error_fields()) {
      const theory::VarpiStatistics st = theory::varpi_statistics(r.varpi_law, field, p.k);
      s += fmt::format("{:<10} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g} {:>12.6g}\n", name, st.mean,
                       st.std, st.q05, st.q50, st.q95, r.varpi_law.A0.*field, r.varpi_law.A2.*field);
    }
  } else {
    for (const auto& [name, field] : model::error_fields())
      s += fmt::format("{:<10} {:>14.8g}\n", name, r.errors.*field);
  }
  if (r.unpinned_sketch.applies && !varpi_average) {
    const auto& u = r.unpinned_sketch;
    s += fmt::format("beta = 0: gen_g is random over the sketch's free part: mean {:.8g} (reported above), std {:.8g} "
                     "(s_m ~ N(varpi_m m, {:.6g}); docs/theory [D.11])\n",
                     u.gen_g_mean, u.gen_g_std, u.s_variance);
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
