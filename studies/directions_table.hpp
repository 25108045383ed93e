#pragma once
// "How many directions do I need?" At a finite input dimension d, the tuned Sobolev fit with k = 1 .. d
// sketched directions per sample against the tuned L2 fit, at equal samples and at equal cost. Two
// theories answer: the fixed-k theory (k fixed as d grows, varpi averaged over the sketch) where k <= 8,
// and the extensive theory at kappa = k / d (docs/theory/extensive.md) from k = 1 up; both where they
// overlap, so that the crossover between the regimes shows. Every row is at its own optimal (lambda, beta)
// (optimize.hpp) for the comparison's objective; the equal-cost L2 fit of a row has n (1 + min(k c, C))
// samples (training_comparison.hpp's cost model).
#include <string>
#include <vector>

#include <sobolev_rf/studies/training_comparison.hpp>

namespace srf::studies {

struct DirectionsOptions {
  CompareOptions compare;   // the search, the objective, the cost model, the threads
  double d = 0;             // the input dimension (> 0): k = 1 .. d
  int fixed_k_max = 8;      // the fixed-k theory's rows: k = 1 .. fixed_k_max (at most 8)
  // The extensive theory's rows: k = 1, 2, 4, ... (powers of 2) below d, and d itself when the
  // sketch allows it (orthogonal: k <= d; gaussian: also 2d, 4d).
  void validate() const;  // throws model::InvalidParameter naming the field
};

struct DirectionsRow {
  int k = 0;
  double kappa = 0;            // k / d
  std::string theory;          // "fixed-k" or "extensive"
  double label_cost = 0;       // 1 + min(k c, C)
  Optimum sobolev;             // at its optimal (lambda, beta)
  Optimum l2_equal_cost;       // the L2 fit on n (1 + label cost) samples, at its optimal lambda
  double gain_equal_samples = 0;  // value(L2 on n) / value(sobolev)
  double gain_equal_cost = 0;     // value(l2_equal_cost) / value(sobolev)
};

struct DirectionsTable {
  Optimum l2;                       // the L2 fit on n samples (the reference at equal samples)
  std::vector<DirectionsRow> rows;  // fixed-k rows first, then extensive, each by k
  int smallest_k_gain = -1;         // the smallest k (any theory) whose equal-samples gain is >= 1.1; -1: none
  std::string smallest_k_theory;
  int best_k_equal_cost = -1;       // the k with the largest equal-cost gain (-1: none converged)
  std::string best_k_theory;
  bool converged = false;
};

// `base`: the request's model (its k, kappa, varpi are replaced row by row; its sketch law is the
// extensive rows'); sigma, teacher, alpha, gamma, noise and the objective are shared.
DirectionsTable compare_directions(const theory::TheoryRequest& base, const DirectionsOptions& options);

}  // namespace srf::studies
