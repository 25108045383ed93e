#include <sobolev_rf/report/curve_csv.hpp>

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>

namespace srf::report {

namespace {
std::string cell(double v, bool ok) { return ok && std::isfinite(v) ? fmt::format("{:.10g}", v) : ""; }
constexpr const char* kLawColumns[] = {"mean", "std", "q05", "q50", "q95", "A0", "A2"};
}  // namespace

std::vector<std::string> CurveCsvWriter::columns(bool varpi_average, const std::vector<std::string>& extra_columns) {
  std::vector<std::string> c = model::model_parameter_header();
  c.insert(c.end(), extra_columns.begin(), extra_columns.end());
  for (const auto& [name, field] : model::error_fields()) {
    c.emplace_back(name);
    if (varpi_average)
      for (const char* s : kLawColumns) c.push_back(std::string(name) + "_" + s);
  }
  for (const char* s : {"converged", "termination", "iterations", "residual"}) c.emplace_back(s);
  return c;
}

std::string CurveCsvWriter::header_line(bool varpi_average, const std::vector<std::string>& extra_columns) {
  const auto c = columns(varpi_average, extra_columns);
  std::string line;
  for (std::size_t i = 0; i < c.size(); ++i) line += (i ? "," : "") + c[i];
  return line + "\n";
}

CurveCsvWriter::CurveCsvWriter(std::ostream& out, bool varpi_average, std::vector<std::string> extra_columns,
                               bool write_header)
    : out_(out), varpi_average_(varpi_average), extra_(extra_columns.size()) {
  if (!write_header) return;
  out_ << header_line(varpi_average, extra_columns);
  out_.flush();
}

CsvResumePoint csv_resume_point(const std::string& text, const std::string& header, std::size_t group) {
  CsvResumePoint r;
  if (text.size() < header.size()) {
    r.same_header = header.compare(0, text.size(), text) == 0;
    return r;
  }
  if (group == 0 || text.compare(0, header.size(), header) != 0) return r;
  r.same_header = true;
  std::size_t pos = header.size(), lines = 0;
  r.bytes = pos;
  for (;;) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) break;  // a line cut short
    pos = end + 1;
    if (++lines % group == 0) {
      r.bytes = pos;
      ++r.groups;
    }
  }
  return r;
}

void CurveCsvWriter::write_row(const model::ModelParams& p, const theory::TheoryResult& r,
                               const std::vector<double>& extra) {
  if (extra.size() != extra_) throw std::invalid_argument("CurveCsvWriter::write_row: wrong number of extra values");
  const bool ok = r.summary.converged();
  const auto cells = model::model_parameter_cells(p);
  for (std::size_t i = 0; i < cells.size(); ++i) out_ << (i ? "," : "") << cells[i];
  for (double v : extra) out_ << "," << cell(v, true);
  for (const auto& [name, field] : model::error_fields()) {
    out_ << "," << cell(r.errors.*field, ok);
    if (varpi_average_) {
      const double A0 = r.varpi_law.A0.*field, A2 = r.varpi_law.A2.*field;
      const theory::VarpiStatistics s = theory::varpi_statistics(r.varpi_law, field, p.k);
      for (double v : {s.mean, s.std, s.q05, s.q50, s.q95, A0, A2}) out_ << "," << cell(v, ok);
    }
  }
  out_ << fmt::format(",{},{},{},{:.3e}\n", ok ? 1 : 0, numerics::to_string(r.summary.termination),
                      r.summary.iterations, r.summary.residual);
  out_.flush();
}

}  // namespace srf::report
