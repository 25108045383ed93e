#pragma once
// JSON reports of the research commands, the same for the CLI (`optimize`, `compare`) and Python
// (sobolev_rf.optimize, sobolev_rf.compare): the theory report at the optimum (theory_json.hpp)
// plus the search's outcome, the version and the solver options.
#include <nlohmann/json.hpp>

#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>

namespace srf::report {

// `optimize`: the model and every error at the minimiser, "over", "objective", "value",
// "lambda_opt"/"lambda_range"/"lambda_on_boundary" (lambda searched), the same for beta,
// "converged", "evaluations".
nlohmann::json optimum_json(const studies::Optimum& best, const studies::OptimizeOptions& options);

// `compare`: the Sobolev model, "l2_equal_samples", "l2_equal_cost", "sobolev" (each the theory
// report at its optimal lambda with "lambda_opt", "lambda_on_boundary", "value"), the two gains,
// "converged" and the one-line "verdict".
nlohmann::json training_comparison_json(const model::ModelParams& sobolev, const studies::OptimalLambdaOptions& options,
                                        const studies::TrainingComparison& comparison);

}  // namespace srf::report
