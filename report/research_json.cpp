#include <sobolev_rf/report/research_json.hpp>

#include <cmath>

#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/theory_json.hpp>

namespace srf::report {

namespace {
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json training_optimum_json(const studies::TrainingOptimum& t, bool varpi_average) {
  nlohmann::json j = theory_json(t.params, t.optimum.solution.result, varpi_average);
  j["lambda_opt"] = number(t.optimum.lambda);
  j["lambda_on_boundary"] = t.optimum.on_boundary;
  j["value"] = number(t.optimum.value);
  return j;
}
}  // namespace

nlohmann::json optimum_json(const studies::Optimum& best, const studies::OptimizeOptions& o) {
  nlohmann::json j = theory_json(best.params, best.solution.result, o.lambda.varpi_average);
  j["over"] = studies::to_string(o.over);
  j["objective"] = o.lambda.objective;
  j["varpi_average"] = o.lambda.varpi_average;
  j["value"] = number(best.value);
  if (o.over != studies::OptimizeOver::kBeta) {
    j["lambda_opt"] = number(best.params.lambda);
    j["lambda_range"] = {o.lambda.lambda_min, o.lambda.lambda_max};
    j["lambda_on_boundary"] = best.lambda_on_boundary;
  }
  if (o.over != studies::OptimizeOver::kLambda) {
    j["beta_opt"] = number(best.params.beta);
    j["beta_range"] = {o.beta_min, o.beta_max};
    j["beta_on_boundary"] = best.beta_on_boundary;
  }
  j["converged"] = best.converged;
  j["evaluations"] = best.evaluations;
  j.update(run_metadata_json(o.lambda.solver));
  return j;
}

nlohmann::json training_comparison_json(const model::ModelParams& p, const studies::OptimalLambdaOptions& o,
                                        const studies::TrainingComparison& c) {
  nlohmann::json j = params_json(p);
  j["objective"] = o.objective;
  j["varpi_average"] = o.varpi_average;
  j["lambda_range"] = {o.lambda_min, o.lambda_max};
  j["l2_equal_samples"] = training_optimum_json(c.l2_equal_samples, o.varpi_average);
  j["l2_equal_cost"] = training_optimum_json(c.l2_equal_cost, o.varpi_average);
  j["sobolev"] = training_optimum_json(c.sobolev, o.varpi_average);
  j["gain_equal_samples"] = number(c.gain_equal_samples);
  j["gain_equal_cost"] = number(c.gain_equal_cost);
  j["converged"] = c.converged;
  j["verdict"] = c.verdict;
  j.update(run_metadata_json(o.solver));
  return j;
}

}  // namespace srf::report
