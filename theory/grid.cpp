#include "theory/grid.hpp"

#include <omp.h>

#include <cmath>
#include <exception>
#include <stdexcept>

namespace srf::theory {

void GridOptions::validate() const {
  solver.validate();
  if (optimal_lambda) optimal_lambda->validate();
  if (threads < 0) throw std::invalid_argument("threads = " + std::to_string(threads) + ": must be >= 0");
}

namespace {

// One row, warm-started along itself only.
std::vector<GridPoint> solve_row(const ModelParams* points, std::size_t count, const GridOptions& o) {
  std::vector<GridPoint> row(count);
  SaddlePointState state;
  std::vector<SaddlePointState> grid_states;  // the optimiser's coarse grid, carried along the row
  for (std::size_t j = 0; j < count; ++j) {
    GridPoint& g = row[j];
    g.params = points[j];
    if (o.optimal_lambda) {
      OptimalLambda best = optimal_lambda(points[j], *o.optimal_lambda, &grid_states);
      g.lambda_opt = best.lambda;
      g.value = best.value;
      g.on_boundary = best.on_boundary;
      g.evaluations = best.evaluations;
      if (std::isfinite(best.lambda)) g.params.lambda = best.lambda;
      g.solution = std::move(best.solution);
    } else {
      g.solution = solve_saddle_point(points[j], o.solver, state);
      if (g.converged()) state = g.solution.state;
    }
  }
  return row;
}

}  // namespace

int solve_grid(const ModelParams& base, const Sweep& outer, const Sweep& inner, const GridOptions& o,
               const GridRowCallback& on_row, const std::string& context) {
  o.validate();
  if (o.optimal_lambda && (outer.name == "lambda" || inner.name == "lambda"))
    throw std::invalid_argument(context + ": cannot sweep lambda and optimise it");
  const std::vector<ModelParams> points = grid_points(base, outer, inner, context);
  const std::size_t columns = inner.values.size();
  const std::size_t rows = columns ? points.size() / columns : 0;
  std::vector<std::vector<GridPoint>> done(rows);
  std::vector<char> finished(rows, 0);
  std::size_t next = 0;  // the first row not yet handed to on_row
  int failed = 0;
  std::exception_ptr error;
  const int threads = o.threads > 0 ? o.threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t r = 0; r < rows; ++r) {
    std::vector<GridPoint> row;
    try {
      row = solve_row(points.data() + r * columns, columns, o);
    } catch (...) {
#pragma omp critical(srf_grid_rows)
      if (!error) error = std::current_exception();
    }
#pragma omp critical(srf_grid_rows)
    {
      for (const GridPoint& g : row) failed += g.converged() ? 0 : 1;
      done[r] = std::move(row);
      finished[r] = 1;
      while (next < rows && finished[next]) {
        if (!error && on_row) {
          try {
            on_row(next, done[next]);
          } catch (...) {
            error = std::current_exception();
          }
        }
        done[next].clear();
        done[next].shrink_to_fit();
        ++next;
      }
    }
  }
  if (error) std::rethrow_exception(error);
  return failed;
}

}  // namespace srf::theory
