#include <sobolev_rf/report/comparison_csv.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <sobolev_rf/model/parameter_table.hpp>

namespace srf::report {

namespace {
std::string num(double x) { return std::isnan(x) ? "" : fmt::format("{:.10g}", x); }
}  // namespace

ComparisonCsvWriter::ComparisonCsvWriter(std::ostream& out) : out_(out) {
  out_ << "point";
  for (const auto& c : model::model_parameter_header()) out_ << "," << c;
  out_ << ",quantity,theory,theory_large,theory_status,p_small,mean_small,se_small,z_small,p_large,mean_large,se_large,z_large,"
          "gap_shrinks,verdict\n";
  out_.flush();
}

void ComparisonCsvWriter::write_point(int point, const studies::PointValidation& v) {
  std::string status = v.theory_status;
  std::replace(status.begin(), status.end(), ',', ';');
  std::replace(status.begin(), status.end(), '"', '\'');
  const auto cells = model::model_parameter_cells(v.params);
  for (const auto& q : v.quantities) {
    out_ << point;
    for (const auto& c : cells) out_ << "," << c;
    const bool with_theory = q.verdict != studies::Verdict::kSimulationOnly;
    out_ << fmt::format(",{},{},{},\"{}\",{},{},{},{},{},{},{},{},{},{}\n", q.name, num(q.theory), num(q.theory_large),
                        status, v.small.size.p,
                        num(q.small.mean), num(q.small.se), num(q.z_small), v.large.size.p, num(q.large.mean),
                        num(q.large.se), num(q.z_large), with_theory ? (q.gap_shrinks ? 1 : 0) : 0,
                        studies::to_string(q.verdict));
  }
  out_.flush();
}

}  // namespace srf::report
