#pragma once
// The gain atlas: "where do gradients pay?" on the grid of two sweeps (rows: the outer sweep y,
// columns: x), for several objectives. At every point and objective, compare_training
// (training_comparison.hpp): L2 on the same sketch at its optimal lambda (n and equal-cost
// samples), Sobolev at its optimal (lambda, beta) and at beta = 1; the gains are
// error(L2) / error(Sobolev) (> 1: the gradients pay). Rows run in parallel; each point's searches
// start from its left neighbour's optima, so every result is independent of the thread count.
#include <functional>
#include <string>
#include <vector>

#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>

namespace srf::studies {

struct GainMapOptions {
  CompareOptions compare;  // search ranges and gradient cost (objective and threads are set here)
  std::vector<std::string> objectives = {"gen_f", "gen_grad", "gen_h1"};
  int threads = 0;  // rows in parallel; 0: OpenMP's default
  void validate() const;  // throws model::InvalidParameter naming the field
};

struct GainCell {
  model::ModelParams params;
  std::vector<TrainingComparison> per_objective;  // in GainMapOptions::objectives order
};

// Called once per row, in row order, from one thread at a time.
using GainRowCallback = std::function<void(std::size_t row, double y, const std::vector<GainCell>& cells)>;

// Solves the map of `y` (rows) x `x` (columns) on top of `base` (its model; y applied after x,
// so that a shorthand such as d_over_n = d/n sees the row's alpha). Returns the number of
// comparisons that did not converge.
int solve_gain_map(const theory::TheoryRequest& base, const Sweep& x, const Sweep& y, const GainMapOptions& options,
                   const GainRowCallback& on_row);

}  // namespace srf::studies
