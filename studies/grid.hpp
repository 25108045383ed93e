#pragma once
// A grid: the saddle point on the Cartesian product of two sweeps (studies/parameter_sweep.hpp),
// one row per value of the outer (slower) sweep. Rows are solved in parallel (OpenMP); each row
// warm-starts only along itself, from its own first point, so every result is independent of
// the number of threads. Optionally each point is solved at its optimum over lambda, beta or both
// (optimize.hpp), each point's search started from its row neighbour's optimum.
#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/theory/request.hpp>

namespace srf::studies {

struct GridOptions {
  theory::TheoryRequest request;  // solver, varpi averaging, sketch scale, d (its model: each point's)
  // When set, each point at its optimum (the swept parameters must not include what is searched).
  std::optional<OptimizeOptions> optimize;
  int threads = 0;  // OpenMP threads for the rows; 0: OpenMP's default (OMP_NUM_THREADS)
  // Rows before this one are skipped, neither solved nor handed to the callback (a resumed run
  // has them; a row warm-starts along itself only, so the other rows come out the same).
  std::size_t first_row = 0;
  void validate() const;  // throws model::InvalidParameter naming the field
};

struct GridPoint {
  model::ModelParams params;       // with lambda (and beta) = the optimum when optimising
  theory::TheoryAnswer answer;     // NaN errors and a non-converged summary where it failed
  std::optional<Optimum> optimum;  // when optimising: the minimiser, its value, boundaries, solves
  bool converged() const { return answer.solution.result.summary.converged(); }
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
