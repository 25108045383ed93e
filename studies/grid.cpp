#include <sobolev_rf/studies/grid.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>

namespace srf::studies {

void GridOptions::validate() const {
  solver.validate();
  if (optimal_lambda) optimal_lambda->validate();
  if (threads < 0) throw std::invalid_argument("threads = " + std::to_string(threads) + ": must be >= 0");
}

namespace {

// One row, warm-started along itself only.
std::vector<GridPoint> solve_row(const model::ModelParams* points, std::size_t count, const GridOptions& o) {
  std::vector<GridPoint> row(count);
  theory::SaddlePointState state;
  std::vector<theory::SaddlePointState> grid_states;  // the optimiser's coarse grid, carried along the row
  std::vector<theory::SaddlePointState> local_states;  // the same for the local bracket
  for (std::size_t j = 0; j < count; ++j) {
    GridPoint& g = row[j];
    g.params = points[j];
    if (o.optimal_lambda) {
      const OptimalLambdaOptions& full = *o.optimal_lambda;
      OptimalLambda best;
      // Along a row the optimum moves little: search +-1 decade around the previous point's
      // optimum first (5 grid points, then Brent), and the full range only when the local
      // minimum lies on an end of that bracket that is not an end of the full range.
      const double previous = j > 0 && row[j - 1].converged() ? row[j - 1].lambda_opt : 0.0;
      bool local_ok = false;
      if (std::isfinite(previous) && previous > 0) {
        OptimalLambdaOptions local = full;
        local.lambda_min = std::max(full.lambda_min, previous / 10.0);
        local.lambda_max = std::min(full.lambda_max, previous * 10.0);
        local.grid_points = 5;
        if (local.lambda_max > local.lambda_min) {
          best = optimal_lambda(points[j], local, &local_states);
          const double t = std::log10(best.lambda);
          const double tol = 1e-6;
          const bool at_low = t - std::log10(local.lambda_min) <= tol, at_high = std::log10(local.lambda_max) - t <= tol;
          const bool range_end = (at_low && local.lambda_min == full.lambda_min) || (at_high && local.lambda_max == full.lambda_max);
          local_ok = best.converged && ((!at_low && !at_high) || range_end);
          if (local_ok) best.on_boundary = range_end;
        }
      }
      if (!local_ok) {
        const int spent = best.evaluations;
        best = optimal_lambda(points[j], full, &grid_states);
        best.evaluations += spent;
      }
      g.lambda_opt = best.lambda;
      g.value = best.value;
      g.on_boundary = best.on_boundary;
      g.evaluations = best.evaluations;
      if (std::isfinite(best.lambda)) g.params.lambda = best.lambda;
      g.solution = std::move(best.solution);
    } else {
      g.solution = theory::solve_saddle_point(points[j], o.solver, state);
      if (g.converged()) state = g.solution.state;
    }
  }
  return row;
}

}  // namespace

int solve_grid(const model::ModelParams& base, const Sweep& outer, const Sweep& inner, const GridOptions& o,
               const GridRowCallback& on_row, const std::string& context) {
  o.validate();
  if (o.optimal_lambda && (outer.name == "lambda" || inner.name == "lambda"))
    throw std::invalid_argument(context + ": cannot sweep lambda and optimise it");
  const std::vector<model::ModelParams> points = grid_points(base, outer, inner, context);
  const std::size_t columns = inner.values.size();
  const std::size_t rows = columns ? points.size() / columns : 0;
  std::vector<std::vector<GridPoint>> done(rows);
  std::vector<char> finished(rows, 0);
  std::size_t next = std::min(o.first_row, rows);  // the first row not yet handed to on_row
  int failed = 0;
  std::exception_ptr error;
  const int threads = o.threads > 0 ? o.threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t r = next; r < rows; ++r) {
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

}  // namespace srf::studies
