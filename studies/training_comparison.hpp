#pragma once
// "Should I train on my gradients?" At a Sobolev request (k >= 1 sketched gradients per sample,
// or an informed direction), four ways of training, each at its own optimum of one objective:
//   l2_equal_samples  the beta = 0 fit on the same sketch, n samples            (optimal lambda)
//   l2_equal_cost     the same on n (1 + label cost) samples: the same budget  (optimal lambda)
//   sobolev           Sobolev training on n samples                             (optimal lambda and beta)
//   sobolev_beta1     the same at beta = 1, the paper's setting                 (optimal lambda)
// where a sample's gradient labels cost min(k_labels c, C) function labels: c per directional
// derivative (forward mode), C for the whole gradient (reverse mode, adjoint_cost; independent of d),
// k_labels the gradient labels per sample (k, plus one for an informed direction). An extensive sketch
// has k = kappa d labels, infinitely many in the limit: only an adjoint cost C keeps the equal-cost
// reference finite (n (1 + C) samples); without one that row is not available (equal_cost_available
// = false) and the verdict says so. Every row is measured on
// the same sketch [D.11]: the L2 rows' gen_g is their mean over the sketch's free part, so gen_g,
// gen_h1 and weighted objectives compare like with like. The gains are objective(L2) /
// objective(Sobolev) (> 1: the gradients pay). Since beta = 0 is a candidate of the Sobolev
// search, gain_equal_samples >= 1 up to the optimiser's tolerance.
// With budget_directions = K, also: at a fixed total cost n (1 + K c), k = 0..K directions per
// sample on n_k = n (1 + K c) / (1 + k c) samples, each at its optimum, and the best k.
#include <string>
#include <vector>

#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/theory/request.hpp>

namespace srf::studies {

struct CompareOptions {
  OptimizeOptions search;      // ranges, grids, the objective (its `over` is set per row)
  double gradient_cost = 1.0;  // c > 0: one directional-derivative label in function labels
  double adjoint_cost = 0.0;   // C > 0: a whole gradient (reverse mode) in function labels; 0: none
  int budget_directions = -1;  // K >= 1: the budget table k = 0..K (needs varpi averaging); -1: none
  int threads = 0;             // rows in parallel (OpenMP); 0: OpenMP's default
  // Throws model::InvalidParameter naming the field.
  void validate() const;
};

// The options of CompareOptions itself (not of its search) as a field table.
const std::vector<model::Field<CompareOptions>>& compare_options_table();

struct CompareRow {
  double sample_factor = 1;  // samples relative to the request's n
  Optimum optimum;
};

struct BudgetRow {
  int k = 0;                 // directions per sample
  double sample_factor = 1;  // n_k / n
  Optimum optimum;
};

struct TrainingComparison {
  CompareRow l2_equal_samples, l2_equal_cost, sobolev, sobolev_beta1;
  double gain_equal_samples = 0;  // value(l2_equal_samples) / value(sobolev)
  double gain_equal_cost = 0;     // value(l2_equal_cost) / value(sobolev)
  double gain_beta1 = 0;          // value(l2_equal_samples) / value(sobolev_beta1)
  double label_cost = 0;          // 1 + min(k_labels c, C): a Sobolev sample's cost in function labels
  bool equal_cost_available = true;  // false: the label cost is infinite (an extensive sketch, no C)
  std::vector<BudgetRow> budget;  // with budget_directions
  int best_k = -1;                // the budget row with the smallest objective
  bool converged = false;         // every optimum converged
  std::string verdict;            // one line
};

// Throws model::InvalidParameter for bad input (k = 0 without an informed direction, ...).
// `neighbour`: the comparison at a nearby point (along a grid row); each row's search then
// starts from the neighbour's optimum (optimize.hpp, OptimizeHint).
TrainingComparison compare_training(const theory::TheoryRequest& sobolev, const CompareOptions& options = {},
                                    const TrainingComparison* neighbour = nullptr);

// The L2 counterpart of `sobolev` on `sample_factor` times its samples: the same sketch (k, varpi)
// with the gradient labels ignored (beta = 0, no informed direction).
model::ModelParams l2_counterpart(const model::ModelParams& sobolev, double sample_factor);

}  // namespace srf::studies
