#pragma once
// Optimal regularisation: the ridge penalty lambda, the gradient weight beta, or both, that
// minimise an objective (objective.hpp) at a theory request. Each one-dimensional search is
// log_search.hpp (a grid in log10, then Brent). Over beta (k >= 1) the range is [beta_min,
// beta_max] in log10 *and* beta = 0, the L2 fit on the same sketch [D.11] (a separate limit, not
// beta -> 0+): when it wins, the optimum is beta = 0, "ignore the gradients". Over both, the
// search is nested (Brent in log beta outside, the optimal lambda at each beta inside).
// A hint (a neighbouring point's optimum, as along a grid row) replaces the global search by a
// local one: +-1 decade in lambda (5 grid points, then Brent), or for both a damped Newton
// in (log lambda, log beta) with finite-difference derivatives of the objective; the global
// search runs when the local one ends on the edge of its bracket.
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/studies/objective.hpp>
#include <sobolev_rf/theory/request.hpp>

namespace srf::studies {

enum class OptimizeOver { kLambda, kBeta, kBoth };
inline constexpr model::EnumName<OptimizeOver> kOptimizeOverNames[] = {
    {"lambda", OptimizeOver::kLambda}, {"beta", OptimizeOver::kBeta}, {"both", OptimizeOver::kBoth}};
inline const char* to_string(OptimizeOver over) { return model::enum_to_string(kOptimizeOverNames, over); }
// Throws model::InvalidParameter naming "over".
inline OptimizeOver parse_optimize_over(const std::string& name) { return model::enum_parse(kOptimizeOverNames, name, "over"); }

struct OptimizeOptions {
  OptimizeOver over = OptimizeOver::kLambda;
  std::string objective = "gen_f";  // objective.hpp (averaged over varpi with the request's varpi_average)
  double lambda_min = 1e-8;         // lambda's range, 0 < lambda_min < lambda_max
  double lambda_max = 10.0;
  int grid_points = 25;             // lambda's coarse grid, evenly spaced in log10, >= 3
  double beta_min = 1e-3;           // beta's range in log10 (k >= 1), 0 < beta_min < beta_max;
  double beta_max = 1e3;            //   beta = 0 is tried besides (beta_zero)
  int beta_grid_points = 13;
  bool beta_zero = true;            // also try beta = 0, the L2 fit on the same sketch
  int bits = 28;                    // Brent's stopping rule (log_search.hpp), in [4, 52]
  int max_iterations = 100;         // Brent iterations per search
  // Throws model::InvalidParameter naming the field, its value and the broken rule.
  void validate() const;
};

// The options as a field table (CLI flags, Python keywords, JSON).
const std::vector<model::Field<OptimizeOptions>>& optimize_options_table();

struct Optimum {
  theory::TheoryRequest request;  // the request at the minimiser (model.lambda and model.beta set)
  theory::TheoryAnswer answer;    // the theory there (or the last attempt when nothing converged)
  double value = std::numeric_limits<double>::quiet_NaN();  // the objective there
  double lambda = std::numeric_limits<double>::quiet_NaN();  // the minimiser (the request's when not searched)
  double beta = std::numeric_limits<double>::quiet_NaN();
  bool lambda_on_boundary = false;  // the minimiser is an end of the searched range
  bool beta_on_boundary = false;    // (beta = 0 is a candidate, not a boundary)
  bool converged = false;           // a converged saddle point at the minimiser
  int evaluations = 0;              // saddle-point solves
  // With beta searched, the two branches: the best over beta in [beta_min, beta_max], and the
  // best at beta = 0 (the L2 fit on the same sketch; NaN when not tried).
  double positive_value = std::numeric_limits<double>::quiet_NaN();
  double positive_lambda = std::numeric_limits<double>::quiet_NaN();
  double positive_beta = std::numeric_limits<double>::quiet_NaN();
  double zero_value = std::numeric_limits<double>::quiet_NaN();
  double zero_lambda = std::numeric_limits<double>::quiet_NaN();
};

// A neighbouring point's optimum, to start a local search from: the minimiser over the searched
// range (lambda, and beta > 0 when searched) and, when beta = 0 was a candidate, its lambda.
struct OptimizeHint {
  double lambda = 0, beta = 0, lambda_zero = 0;
  static OptimizeHint from(const Optimum& o);
};

// Minimises options.objective over options.over at `request` (its lambda and beta are the values
// kept when not searched). Searching beta needs k >= 1. Never throws for non-convergence
// (converged = false, value NaN); throws model::InvalidParameter for bad parameters or options.
Optimum optimize(const theory::TheoryRequest& request, const OptimizeOptions& options,
                 const std::optional<OptimizeHint>& hint = std::nullopt);

}  // namespace srf::studies
