#include <sobolev_rf/studies/objective.hpp>

#include <cmath>
#include <limits>

#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>

namespace srf::studies {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::string kWeighted = "weighted:";
}  // namespace

Objective::Objective(const std::string& name, bool varpi_average) : name_(name), varpi_average_(varpi_average) {
  if (name.rfind(kWeighted, 0) == 0) {
    const std::string w = name.substr(kWeighted.size());
    double v = kNaN;
    try {
      v = model::parse_number(w, "objective");
    } catch (const model::InvalidParameter&) {
    }
    if (!(std::isfinite(v) && v >= 0))
      throw model::InvalidParameter("objective", "objective = '" + name + "': weighted:W needs a number W >= 0 "
                                                 "(gen_f + W gen_grad)");
    weight_ = v;
    return;
  }
  std::string known;
  for (const auto& [n, field] : model::error_fields()) {
    if (name == n) return;
    known += std::string(known.empty() ? "" : ", ") + n;
  }
  throw model::InvalidParameter("objective", "objective = '" + name + "': unknown; known: " + known + ", weighted:W");
}

bool Objective::sketched() const { return name_ == "gen_g" || name_ == "gen_h1" || name_ == "train_g"; }

double Objective::combine(const model::Errors& at, const theory::VarpiLaw& law, int k) const {
  auto pick = [&](const model::Errors& e) {
    return weight_ >= 0 ? e.gen_f + weight_ * e.gen_grad : model::error_value(e, name_);
  };
  if (!varpi_average_) return pick(at);
  return theory::varpi_statistics(pick(law.A0), law.tau2 * pick(law.A2), k).mean;
}

double Objective::value(const theory::TheoryResult& r, int k) const {
  if (!r.summary.converged()) return kNaN;
  return combine(r.errors, r.varpi_law, k);
}

double Objective::d_lambda(const theory::TheoryResult& r, int k) const {
  const theory::Sensitivities& s = r.sensitivities;
  return s.computed ? combine(s.d_lambda, s.d_lambda_law, k) : kNaN;
}

double Objective::d_beta(const theory::TheoryResult& r, int k) const {
  const theory::Sensitivities& s = r.sensitivities;
  return s.computed ? combine(s.d_beta, s.d_beta_law, k) : kNaN;
}

}  // namespace srf::studies
