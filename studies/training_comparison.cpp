#include <sobolev_rf/studies/training_comparison.hpp>

#include <fmt/format.h>

#include <cmath>

namespace srf::studies {

model::ModelParams l2_counterpart(const model::ModelParams& sobolev, double sample_factor) {
  model::ModelParams p = sobolev;
  p.beta = 0.0;
  p.informed = "none";
  p.alpha = sobolev.alpha * sample_factor;
  return p;
}

TrainingComparison compare_training(const model::ModelParams& sobolev, const OptimalLambdaOptions& options) {
  sobolev.validate();
  options.validate();
  if (sobolev.k < 1) throw model::InvalidParameter("k", "k = 0: comparing with Sobolev training needs k >= 1");
  TrainingComparison c;
  auto solve = [&](const model::ModelParams& p) {
    TrainingOptimum t;
    t.optimum = optimal_lambda(p, options);
    t.params = p;
    if (std::isfinite(t.optimum.lambda)) t.params.lambda = t.optimum.lambda;
    return t;
  };
  c.l2_equal_samples = solve(l2_counterpart(sobolev, 1.0));
  c.l2_equal_cost = solve(l2_counterpart(sobolev, sobolev.k + 1.0));
  c.sobolev = solve(sobolev);
  c.converged = c.l2_equal_samples.optimum.converged && c.l2_equal_cost.optimum.converged && c.sobolev.optimum.converged;
  const double s = c.sobolev.optimum.value;
  c.gain_equal_samples = c.l2_equal_samples.optimum.value / s;
  c.gain_equal_cost = c.l2_equal_cost.optimum.value / s;
  if (!c.converged) {
    c.verdict = "no verdict: a saddle point did not converge";
    return c;
  }
  const std::string what = options.objective + (options.varpi_average ? " (mean over varpi)" : "");
  if (c.gain_equal_cost > 1.0)
    c.verdict = fmt::format(
        "train on your gradients: at its optimal lambda Sobolev training lowers {} {:.3g}x against L2 on the "
        "same n samples and {:.3g}x against L2 on (k+1)n = {:.3g}n samples (equal cost)",
        what, c.gain_equal_samples, c.gain_equal_cost, sobolev.k + 1.0);
  else if (c.gain_equal_samples > 1.0)
    c.verdict = fmt::format(
        "gradients help at equal samples ({} {:.3g}x lower than L2 on n) but not at equal cost: L2 on "
        "(k+1)n samples is {:.3g}x better; spend the budget on more function values",
        what, c.gain_equal_samples, 1.0 / c.gain_equal_cost);
  else
    c.verdict = fmt::format("do not train on your gradients: L2 on the same n samples is {:.3g}x better in {}",
                            1.0 / c.gain_equal_samples, what);
  return c;
}

}  // namespace srf::studies
