#pragma once
// Optimal regularisation: the ridge penalty lambda, the gradient weight beta, or both, that
// minimise one reported error (or its mean over the sketch varpi ~ N(0, I_k), [D.7]) at a model
// point. Each one-dimensional search is a coarse grid in the logarithm of the variable (an error
// need not be unimodal over decades) followed by Brent's method on the bracket around the best
// grid point (theory/optimal_lambda.hpp for lambda). Over both, the search is nested: Brent in
// log beta outside, the optimal lambda at each beta inside.
#include <limits>
#include <string>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/studies/optimal_lambda.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::studies {

enum class OptimizeOver { kLambda, kBeta, kBoth };

// "lambda", "beta", "both" (and back); throws std::invalid_argument for another name.
OptimizeOver parse_optimize_over(const std::string& name);
const char* to_string(OptimizeOver over);

struct OptimizeOptions {
  OptimizeOver over = OptimizeOver::kLambda;
  // The objective, the lambda range and grid, Brent's tolerance and the solver's options
  // (shared by the beta search: objective, varpi_average, bits, max_iterations, solver).
  OptimalLambdaOptions lambda;
  // The beta range (k >= 1; beta = 0, the L2 fit on the same sketch, is a separate limit, [D.11]):
  // grid_points values evenly spaced in log10 beta, then Brent to `lambda.bits`.
  double beta_min = 1e-3;
  double beta_max = 1e3;
  int beta_grid_points = 13;
  // Throws std::invalid_argument naming the field, its value and the broken rule.
  void validate() const;
};

struct Optimum {
  model::ModelParams params;  // the model at the minimiser (lambda and beta replaced)
  double value = std::numeric_limits<double>::quiet_NaN();  // the objective there
  bool lambda_on_boundary = false;  // the minimiser is an end of the lambda range (searched)
  bool beta_on_boundary = false;    // ... of the beta range (searched)
  bool converged = false;           // a converged saddle point at the minimiser
  int evaluations = 0;              // saddle-point solves
  theory::SaddlePointSolution solution;     // at the minimiser
};

// Minimises options.lambda.objective over options.over. Searching beta needs k >= 1. Never throws
// for non-convergence (converged = false, value NaN); throws std::invalid_argument for bad
// parameters or options.
Optimum optimize(const model::ModelParams& params, const OptimizeOptions& options = {});

}  // namespace srf::studies
