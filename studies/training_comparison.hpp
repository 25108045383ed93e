#pragma once
// "Should I train on my gradients?": at a Sobolev model (k >= 1 sketched gradients per sample),
// three ways of training, each at its own optimal lambda:
//   L2 on n samples            beta = 0, alpha (equal samples)
//   L2 on (k + 1) n samples    beta = 0, alpha' = (k + 1) alpha (equal cost: as many labels)
//   Sobolev on n samples       the model as given
// The L2 rows are the beta = 0 fit evaluated on the same k sketch directions [D.11]: their gen_g is
// its mean over the sketch's free part (k gen_grad over varpi ~ N(0, I_k)), gen_h1 = gen_f + gen_g,
// so every objective compares the same quantity on the same sketch.
// and the gains objective(L2) / objective(Sobolev) (> 1: the gradients pay off).
#include <string>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/studies/optimal_lambda.hpp>

namespace srf::studies {

struct TrainingOptimum {
  model::ModelParams params;     // with lambda at its optimum
  OptimalLambda optimum;  // value, on_boundary, converged, the solution there
};

struct TrainingComparison {
  TrainingOptimum l2_equal_samples, l2_equal_cost, sobolev;
  double gain_equal_samples = 0;  // value(L2, n) / value(Sobolev, n)
  double gain_equal_cost = 0;     // value(L2, (k + 1) n) / value(Sobolev, n)
  bool converged = false;         // all three optima converged
  std::string verdict;            // one line
};

// The three optima of `options.objective` (its mean over varpi with options.varpi_average) for
// the Sobolev model `sobolev` (k >= 1; lambda is searched, its value ignored). The L2 runs keep
// sigma, teacher, gamma (d/p), Delta_f. Throws std::invalid_argument for bad input.
TrainingComparison compare_training(const model::ModelParams& sobolev, const OptimalLambdaOptions& options = {});

// The L2 model on `sample_factor` times the samples of `sobolev`: the same sketch (k, varpi) with
// the gradient labels ignored (beta = 0, no informed direction).
model::ModelParams l2_counterpart(const model::ModelParams& sobolev, double sample_factor);

}  // namespace srf::studies
