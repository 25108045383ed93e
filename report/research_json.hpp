#pragma once
// JSON reports of the research commands, the same for the CLI (`optimize`, `compare`) and Python
// (sobolev_rf.optimize, sobolev_rf.compare): the theory report at each optimum (theory_json.hpp)
// plus the search's outcome, the version and the solver options.
#include <nlohmann/json.hpp>

#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/studies/directions_table.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>

namespace srf::report {

// `optimize`: the request's report at the minimiser (theory_answer_json), "over", "objective",
// "varpi_average", "value", "lambda_opt"/"lambda_range"/"lambda_on_boundary" (lambda searched),
// "beta_opt"/"beta_range"/"beta_on_boundary" (beta searched; beta_opt = 0: the L2 fit on the
// same sketch won), "converged", "evaluations".
nlohmann::json optimum_json(const studies::Optimum& best, const studies::OptimizeOptions& options);

// `compare`: the Sobolev model, the objective and options, the rows "l2_equal_samples",
// "l2_equal_cost", "sobolev", "sobolev_beta1" (each the report at its optimum with "lambda_opt",
// "beta_opt", "sample_factor", "value", ...), the gains, "label_cost", the budget table ("budget":
// rows with "k", "sample_factor", "lambda_opt", "beta_opt", "value"; "best_k") when asked,
// "converged" and the one-line "verdict".
nlohmann::json training_comparison_json(const theory::TheoryRequest& sobolev, const studies::CompareOptions& options,
                                        const studies::TrainingComparison& comparison);

// `compare --directions`: the shared model, "d", the objective and cost options, "l2" (the L2 fit on n at
// its optimum), "rows" (each "k", "kappa", "theory", "label_cost", "lambda_opt", "beta_opt", "value",
// "l2_equal_cost_value", "gain_equal_samples", "gain_equal_cost", "converged"), "smallest_k_gain" with
// its "smallest_k_theory", "best_k_equal_cost" with its "best_k_theory", "converged".
nlohmann::json directions_json(const theory::TheoryRequest& base, const studies::DirectionsOptions& options,
                               const studies::DirectionsTable& table);

}  // namespace srf::report
