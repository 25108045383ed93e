#include <sobolev_rf/studies/gain_map.hpp>

#include <omp.h>

#include <exception>

#include <sobolev_rf/model/parameter_table.hpp>

namespace srf::studies {

void GainMapOptions::validate() const {
  compare.validate();
  if (objectives.empty()) throw model::InvalidParameter("objectives", "objectives: give at least one");
  for (const std::string& o : objectives) (void)Objective(o);
  if (threads < 0) throw model::InvalidParameter("threads", "threads = " + std::to_string(threads) + ": must be >= 0");
}

namespace {

std::vector<GainCell> solve_row(const theory::TheoryRequest& base, const Sweep& x, const Sweep& y, double yv,
                                const GainMapOptions& o, int& failed) {
  std::vector<GainCell> row(x.values.size());
  for (std::size_t j = 0; j < x.values.size(); ++j) {
    theory::TheoryRequest r = base;
    model::set_model_parameter(r.model, x.name, x.values[j]);
    model::set_model_parameter(r.model, y.name, yv);
    row[j].params = r.model;
    for (std::size_t q = 0; q < o.objectives.size(); ++q) {
      CompareOptions c = o.compare;
      c.search.objective = o.objectives[q];
      c.threads = 1;
      const TrainingComparison* left = j > 0 ? &row[j - 1].per_objective[q] : nullptr;
      row[j].per_objective.push_back(compare_training(r, c, left));
      if (!row[j].per_objective.back().converged) ++failed;
    }
  }
  return row;
}

}  // namespace

int solve_gain_map(const theory::TheoryRequest& base, const Sweep& x, const Sweep& y, const GainMapOptions& o,
                   const GainRowCallback& on_row) {
  base.validate();
  o.validate();
  const std::size_t rows = y.values.size();
  std::vector<std::vector<GainCell>> done(rows);
  std::vector<char> finished(rows, 0);
  std::size_t next = 0;
  int failed = 0;
  std::exception_ptr error;
  const int threads = o.threads > 0 ? o.threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t r = 0; r < rows; ++r) {
    std::vector<GainCell> row;
    int row_failed = 0;
    try {
      row = solve_row(base, x, y, y.values[r], o, row_failed);
    } catch (...) {
#pragma omp critical(srf_gain_rows)
      if (!error) error = std::current_exception();
    }
#pragma omp critical(srf_gain_rows)
    {
      failed += row_failed;
      done[r] = std::move(row);
      finished[r] = 1;
      while (next < rows && finished[next]) {
        if (!error && on_row) {
          try {
            on_row(next, y.values[next], done[next]);
          } catch (...) {
            error = std::current_exception();
          }
        }
        done[next].clear();
        ++next;
      }
    }
  }
  if (error) std::rethrow_exception(error);
  return failed;
}

}  // namespace srf::studies
