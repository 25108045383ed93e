#include <sobolev_rf/report/research_json.hpp>

#include <cmath>

#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/theory_json.hpp>

namespace srf::report {

namespace {

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

// The theory report at an optimum with what the search found.
nlohmann::json at_optimum(const studies::Optimum& best) {
  nlohmann::json j = theory_json(best.answer.model, best.answer.solution.result, best.request.varpi_average);
  j["lambda_opt"] = number(best.lambda);
  j["beta_opt"] = number(best.beta);
  j["lambda_on_boundary"] = best.lambda_on_boundary;
  j["beta_on_boundary"] = best.beta_on_boundary;
  j["value"] = number(best.value);
  j["converged"] = best.converged;
  j["evaluations"] = best.evaluations;
  return j;
}

}  // namespace

nlohmann::json optimum_json(const studies::Optimum& best, const studies::OptimizeOptions& o) {
  nlohmann::json j = theory_answer_json(best.request, best.answer);
  j["over"] = studies::to_string(o.over);
  j["objective"] = o.objective;
  j["varpi_average"] = best.request.varpi_average;
  j["value"] = number(best.value);
  if (o.over != studies::OptimizeOver::kBeta) {
    j["lambda_opt"] = number(best.lambda);
    j["lambda_range"] = {o.lambda_min, o.lambda_max};
    j["lambda_on_boundary"] = best.lambda_on_boundary;
  }
  if (o.over != studies::OptimizeOver::kLambda) {
    j["beta_opt"] = number(best.beta);
    j["beta_range"] = {o.beta_min, o.beta_max};
    j["beta_zero"] = o.beta_zero;
    j["beta_on_boundary"] = best.beta_on_boundary;
  }
  j["converged"] = best.converged;
  j["evaluations"] = best.evaluations;
  return j;
}

nlohmann::json training_comparison_json(const theory::TheoryRequest& r, const studies::CompareOptions& o,
                                        const studies::TrainingComparison& c) {
  nlohmann::json j = params_json(r.model);
  j["objective"] = o.search.objective;
  j["varpi_average"] = r.varpi_average;
  j["lambda_range"] = {o.search.lambda_min, o.search.lambda_max};
  j["beta_range"] = {o.search.beta_min, o.search.beta_max};
  j["gradient_cost"] = o.gradient_cost;
  j["adjoint_cost"] = o.adjoint_cost;
  j["label_cost"] = number(c.label_cost);
  j["equal_cost_available"] = c.equal_cost_available;
  auto row = [&](const studies::CompareRow& row) {
    nlohmann::json x = at_optimum(row.optimum);
    x["sample_factor"] = row.sample_factor;
    return x;
  };
  j["l2_equal_samples"] = row(c.l2_equal_samples);
  j["l2_equal_cost"] = row(c.l2_equal_cost);
  j["sobolev"] = row(c.sobolev);
  j["sobolev_beta1"] = row(c.sobolev_beta1);
  j["gain_equal_samples"] = number(c.gain_equal_samples);
  j["gain_equal_cost"] = number(c.gain_equal_cost);
  j["gain_beta1"] = number(c.gain_beta1);
  if (!c.budget.empty()) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& b : c.budget)
      rows.push_back({{"k", b.k},
                      {"sample_factor", b.sample_factor},
                      {"lambda_opt", number(b.optimum.lambda)},
                      {"beta_opt", number(b.optimum.beta)},
                      {"value", number(b.optimum.value)},
                      {"converged", b.optimum.converged}});
    j["budget"] = rows;
    j["budget_directions"] = o.budget_directions;
    j["best_k"] = c.best_k;
  }
  j["converged"] = c.converged;
  j["verdict"] = c.verdict;
  j.update(run_metadata_json(r.solver));
  return j;
}

nlohmann::json directions_json(const theory::TheoryRequest& base, const studies::DirectionsOptions& o,
                               const studies::DirectionsTable& t) {
  nlohmann::json j = params_json(base.model);
  j["d"] = o.d;
  j["objective"] = o.compare.search.objective;
  j["lambda_range"] = {o.compare.search.lambda_min, o.compare.search.lambda_max};
  j["beta_range"] = {o.compare.search.beta_min, o.compare.search.beta_max};
  j["gradient_cost"] = o.compare.gradient_cost;
  j["adjoint_cost"] = o.compare.adjoint_cost;
  j["l2"] = {{"lambda_opt", number(t.l2.lambda)}, {"value", number(t.l2.value)}, {"converged", t.l2.converged}};
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : t.rows)
    rows.push_back({{"k", r.k},
                    {"kappa", r.kappa},
                    {"theory", r.theory},
                    {"label_cost", r.label_cost},
                    {"lambda_opt", number(r.sobolev.lambda)},
                    {"beta_opt", number(r.sobolev.beta)},
                    {"value", number(r.sobolev.value)},
                    {"l2_equal_cost_lambda_opt", number(r.l2_equal_cost.lambda)},
                    {"l2_equal_cost_value", number(r.l2_equal_cost.value)},
                    {"gain_equal_samples", number(r.gain_equal_samples)},
                    {"gain_equal_cost", number(r.gain_equal_cost)},
                    {"converged", r.sobolev.converged && r.l2_equal_cost.converged}});
  j["rows"] = rows;
  j["smallest_k_gain"] = t.smallest_k_gain;
  j["smallest_k_theory"] = t.smallest_k_theory;
  j["best_k_equal_cost"] = t.best_k_equal_cost;
  j["best_k_theory"] = t.best_k_theory;
  j["converged"] = t.converged;
  j.update(run_metadata_json(base.solver));
  return j;
}

}  // namespace srf::report
