#include <sobolev_rf/studies/grid.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <stdexcept>

namespace srf::studies {

void GridOptions::validate() const {
  request.solver.validate();
  if (optimize) optimize->validate();
  if (threads < 0)
    throw model::InvalidParameter("threads", "threads = " + std::to_string(threads) + ": must be >= 0");
}

namespace {

// One row, warm-started along itself only: each solve from the previous converged state, each
// optimisation from the previous point's optimum.
std::vector<GridPoint> solve_row(const model::ModelParams* points, std::size_t count, const GridOptions& o) {
  std::vector<GridPoint> row(count);
  theory::SaddlePointState state;
  std::optional<OptimizeHint> hint;
  theory::TheoryRequest r = o.request;
  for (std::size_t j = 0; j < count; ++j) {
    GridPoint& g = row[j];
    g.params = points[j];
    r.model = points[j];
    if (o.optimize) {
      Optimum best = optimize(r, *o.optimize, hint);
      hint.reset();
      if (best.converged) {
        g.params = best.request.model;
        hint = OptimizeHint::from(best);
      }
      g.answer = best.answer;
      g.optimum = std::move(best);
    } else {
      g.answer = theory::solve(r, state);
      if (g.converged()) state = g.answer.solution.state;
    }
  }
  return row;
}

}  // namespace

int solve_grid(const model::ModelParams& base, const Sweep& outer, const Sweep& inner, const GridOptions& o,
               const GridRowCallback& on_row, const std::string& context) {
  o.validate();
  if (o.optimize) {
    const bool lambda = o.optimize->over != OptimizeOver::kBeta, beta = o.optimize->over != OptimizeOver::kLambda;
    for (const std::string& name : {outer.name, inner.name}) {
      if (lambda && name == "lambda") throw std::invalid_argument(context + ": cannot sweep lambda and optimise it");
      if (beta && name == "beta") throw std::invalid_argument(context + ": cannot sweep beta and optimise it");
    }
  }
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
