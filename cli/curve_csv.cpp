#include "cli/curve_csv.hpp"

#include <fmt/format.h>

#include <cmath>

#include "cli/theory_report.hpp"

namespace srf::cli {

namespace {
std::string cell(double v, bool ok) { return ok && std::isfinite(v) ? fmt::format("{:.10g}", v) : ""; }
}  // namespace

CurveCsvWriter::CurveCsvWriter(std::ostream& out, bool varpi_average) : out_(out), varpi_average_(varpi_average) {
  out_ << "sigma,teacher,alpha,p_over_n,gamma,lambda,k,beta,delta_f,delta_g,rho,varpi";
  for (const auto& [name, field] : theory::error_fields()) {
    out_ << "," << name;
    if (varpi_average_)
      for (const char* s : {"mean", "std", "q05", "q50", "q95", "A0", "A2"}) out_ << "," << name << "_" << s;
  }
  out_ << ",converged,termination,iterations,residual\n";
  out_.flush();
}

void CurveCsvWriter::write_row(const theory::ModelParams& p, const theory::TheoryResult& r) {
  const bool ok = r.summary.converged();
  std::string varpi;
  for (std::size_t i = 0; i < p.varpi.size(); ++i) varpi += fmt::format("{}{:.10g}", i ? ";" : "", p.varpi[i]);
  out_ << fmt::format("{},{},{:.10g},{:.10g},{:.10g},{:.10g},{},{:.10g},{:.10g},{:.10g},{:.10g},{}", p.sigma,
                      p.teacher, p.alpha, 1.0 / p.alpha, p.gamma, p.lambda, p.k, p.beta, p.delta_f, p.delta_g, p.rho,
                      varpi);
  for (const auto& [name, field] : theory::error_fields()) {
    out_ << "," << cell(r.errors.*field, ok);
    if (varpi_average_) {
      const double A0 = r.varpi_law.A0.*field, A2 = r.varpi_law.A2.*field;
      const VarpiStatistics s = varpi_statistics(A0, A2, p.k);
      for (double v : {s.mean, s.std, s.q05, s.q50, s.q95, A0, A2}) out_ << "," << cell(v, ok);
    }
  }
  out_ << fmt::format(",{},{},{},{:.3e}\n", ok ? 1 : 0, numerics::to_string(r.summary.termination),
                      r.summary.iterations, r.summary.residual);
  out_.flush();
}

}  // namespace srf::cli
