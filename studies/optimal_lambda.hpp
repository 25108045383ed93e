#pragma once
// The ridge penalty that minimises one reported error at a model point: a coarse grid in
// log10 lambda (the error need not be unimodal over many decades), then Brent's method
// (boost::math::tools::brent_find_minima) on the bracket around the best grid point.
#include <limits>
#include <string>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::studies {

struct OptimalLambdaOptions {
  double lambda_min = 1e-8;  // search range, 0 < lambda_min < lambda_max
  double lambda_max = 10.0;
  int grid_points = 25;      // coarse grid, evenly spaced in log10 lambda, >= 3
  // Brent's stopping rule: the bracket in log10 lambda is narrower than about 2^(1 - bits)
  // relative to the abscissa (boost's convention), here ~1e-8 in log10 lambda.
  int bits = 28;
  int max_iterations = 100;  // Brent iterations
  // The objective: an error name of error_fields(); with varpi_average, its mean over
  // varpi ~ N(0, I_k), A0 + k A2 [D.7], instead of its value at the model's varpi.
  std::string objective = "gen_f";
  bool varpi_average = false;
  theory::SaddlePointOptions solver;  // for every saddle-point solve
  // Throws std::invalid_argument naming the field, its value and the broken rule.
  void validate() const;
};

struct OptimalLambda {
  double lambda = std::numeric_limits<double>::quiet_NaN();  // the minimiser (NaN: none found)
  double value = std::numeric_limits<double>::quiet_NaN();   // the objective there
  // The minimum lies on an end of [lambda_min, lambda_max] (within Brent's tolerance): the
  // true minimiser may be outside the range.
  bool on_boundary = false;
  bool converged = false;     // a converged saddle point at the reported lambda
  int evaluations = 0;        // saddle-point solves
  theory::SaddlePointSolution solution;  // at lambda (or the last attempt when nothing converged)
};

// The objective's value in `result` (NaN unless converged).
double objective_value(const theory::TheoryResult& result, const OptimalLambdaOptions& options, int k);

// `grid_states` (optional) carries warm starts for the grid points from one call to the next,
// as along a curve. Never throws for non-convergence; throws std::invalid_argument for bad
// parameters or options.
OptimalLambda optimal_lambda(const model::ModelParams& params, const OptimalLambdaOptions& options = {},
                             std::vector<theory::SaddlePointState>* grid_states = nullptr);

}  // namespace srf::studies
