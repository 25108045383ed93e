#pragma once
// A grid: the saddle point on the Cartesian product of two sweeps (theory/parameter_sweep.hpp),
// one row per value of the outer (slower) sweep. Rows are solved in parallel (OpenMP); each row
// warm-starts only along itself, from its own first point, so every result is independent of
// the number of threads. Optionally each point is solved at its optimal lambda
// (theory/optimal_lambda.hpp), the coarse-grid states carried along the row as warm starts.
#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/studies/optimal_lambda.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::studies {

struct GridOptions {
  theory::SaddlePointOptions solver;  // for every solve (with optimal_lambda: replaced by its own solver)
  // When set, each point at the lambda in [lambda_min, lambda_max] that minimises the objective;
  // the swept parameters must not include lambda.
  std::optional<OptimalLambdaOptions> optimal_lambda;
  int threads = 0;  // OpenMP threads for the rows; 0: OpenMP's default (OMP_NUM_THREADS)
  // Rows before this one are skipped, neither solved nor handed to the callback (a resumed run
  // has them; a row warm-starts along itself only, so the other rows come out the same).
  std::size_t first_row = 0;
  void validate() const;  // throws std::invalid_argument naming the field
};

struct GridPoint {
  model::ModelParams params;             // with lambda = the optimum when optimising
  theory::SaddlePointSolution solution;   // NaN errors and a non-converged summary where it failed
  // With optimal_lambda: the minimiser (NaN if none), its objective value, whether it lies on an
  // end of the range, and the saddle-point solves it took.
  double lambda_opt = std::numeric_limits<double>::quiet_NaN();
  double value = std::numeric_limits<double>::quiet_NaN();
  bool on_boundary = false;
  int evaluations = 1;
  bool converged() const { return solution.result.summary.converged(); }
};

// Called once per row, in row order (row 0 first), from one thread at a time, as soon as that row
// and every row before it are done (a long grid writes what it has).
using GridRowCallback = std::function<void(std::size_t row, const std::vector<GridPoint>& points)>;

// Solves the grid of `outer` (rows; may be unnamed for a single row) x `inner` (columns) on top of
// `base`; every point is validated before any is solved (std::invalid_argument starting with
// `context`). Returns the number of points that did not converge.
int solve_grid(const model::ModelParams& base, const Sweep& outer, const Sweep& inner, const GridOptions& options,
               const GridRowCallback& on_row, const std::string& context = "sweep");

}  // namespace srf::studies
