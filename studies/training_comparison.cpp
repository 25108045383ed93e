#include <sobolev_rf/studies/training_comparison.hpp>

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <functional>
#include <sstream>

namespace srf::studies {

namespace {

// Gradient labels per sample: the k random directions and an informed one; an extensive sketch has
// k = kappa d of them, infinitely many in the limit.
double gradient_labels(const model::ModelParams& p) {
  if (p.extensive()) return std::numeric_limits<double>::infinity();
  return p.k + (p.has_informed() ? 1 : 0);
}

// 1 + min(k_labels c, C): forward mode pays c per direction, reverse mode C for the whole gradient.
double label_cost(double labels, const CompareOptions& o) {
  const double forward = labels * o.gradient_cost;
  return 1.0 + (o.adjoint_cost > 0 ? std::min(forward, o.adjoint_cost) : forward);
}

// Runs the tasks in parallel (OpenMP, each independent, so the results do not depend on the
// thread count) and rethrows the first exception.
void run_parallel(std::vector<std::function<void()>>& tasks, int threads) {
  std::exception_ptr error;
  const int n = static_cast<int>(tasks.size());
  const int t = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(t)
  for (int i = 0; i < n; ++i) {
    try {
      tasks[i]();
    } catch (...) {
#pragma omp critical(srf_compare_tasks)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

std::string verdict_of(const TrainingComparison& c, const theory::TheoryRequest& r, const CompareOptions& o) {
  if (!c.converged) return "no verdict: a saddle point did not converge";
  const std::string what = o.search.objective + (r.varpi_average ? " (mean over varpi)" : "");
  if (!c.equal_cost_available) {
    const std::string cost = "; equal cost: not available, since an extensive sketch's k = kappa d directional derivatives "
                             "cost infinitely many function labels in the limit at gradient_cost c > 0: give the cost of a "
                             "whole gradient (adjoint_cost, reverse mode) to compare at equal cost";
    if (c.sobolev.optimum.beta == 0.0)
      return fmt::format("weight 0: ignore your gradients: the best Sobolev fit puts beta = 0 ({} {:.6g}){}", what,
                         c.l2_equal_samples.optimum.value, cost);
    return fmt::format("gradients help at equal samples: at its optimal (lambda, beta = {:.3g}) Sobolev training lowers {} "
                       "{:.3g}x against L2 on the same n samples{}",
                       c.sobolev.optimum.beta, what, c.gain_equal_samples, cost);
  }
  if (c.sobolev.optimum.beta == 0.0)
    return fmt::format("weight 0: ignore your gradients: the best Sobolev fit puts beta = 0, which is the L2 fit on the "
                       "same n samples ({} {:.6g}); at beta = 1 the gradients cost {:.3g}x",
                       what, c.l2_equal_samples.optimum.value, 1.0 / c.gain_beta1);
  if (c.gain_equal_cost > 1.0)
    return fmt::format("train on your gradients: at its optimal (lambda, beta = {:.3g}) Sobolev training lowers {} "
                       "{:.3g}x against L2 on the same n samples and {:.3g}x against L2 on {:.3g}n samples (equal "
                       "cost, gradient cost c = {:g})",
                       c.sobolev.optimum.beta, what, c.gain_equal_samples, c.gain_equal_cost, c.label_cost,
                       o.gradient_cost);
  if (c.gain_equal_samples > 1.0)
    return fmt::format("gradients help at equal samples ({} {:.3g}x lower than L2 on n, beta = {:.3g}) but not at "
                       "equal cost: L2 on {:.3g}n samples is {:.3g}x better; spend the budget on more function values",
                       what, c.gain_equal_samples, c.sobolev.optimum.beta, c.label_cost, 1.0 / c.gain_equal_cost);
  return fmt::format("no gain from your gradients: the tuned Sobolev fit equals L2 on the same n samples in {} (gain "
                     "{:.6g})",
                     what, c.gain_equal_samples);
}

}  // namespace

void CompareOptions::validate() const {
  search.validate();
  if (!(std::isfinite(gradient_cost) && gradient_cost > 0)) {
    std::ostringstream os;
    os << "gradient_cost = " << gradient_cost << ": must be finite and > 0";
    throw model::InvalidParameter("gradient_cost", os.str());
  }
  if (!(std::isfinite(adjoint_cost) && adjoint_cost >= 0)) {
    std::ostringstream os;
    os << "adjoint_cost = " << adjoint_cost << ": must be finite and >= 0 (0: none)";
    throw model::InvalidParameter("adjoint_cost", os.str());
  }
  if (budget_directions != -1 && (budget_directions < 1 || budget_directions > 8))
    throw model::InvalidParameter("budget_directions", "budget_directions = " + std::to_string(budget_directions) +
                                                           ": must lie in [1, 8]");
  if (threads < 0) throw model::InvalidParameter("threads", "threads = " + std::to_string(threads) + ": must be >= 0");
}

const std::vector<model::Field<CompareOptions>>& compare_options_table() {
  using O = CompareOptions;
  static const std::vector<model::Field<O>> table = {
      model::real("gradient_cost", &O::gradient_cost,
                  "cost c of one directional-derivative label (forward mode), in function labels"),
      model::real("adjoint_cost", &O::adjoint_cost,
                  "cost C of a whole gradient (reverse mode), in function labels, independent of d (a sample's labels "
                  "cost 1 + min(k c, C)); 0: none"),
      model::integer("budget_directions", &O::budget_directions,
                     "K: at the cost of n (1 + K c) labels, k = 0..K directions on n (1 + K c)/(1 + k c) samples; "
                     "-1: none"),
      model::integer("threads", &O::threads, "rows solved in parallel (0: OpenMP's default)"),
  };
  return table;
}

model::ModelParams l2_counterpart(const model::ModelParams& sobolev, double sample_factor) {
  model::ModelParams p = sobolev;
  p.beta = 0.0;
  p.informed = "none";
  p.alpha = sobolev.alpha * sample_factor;
  return p;
}

TrainingComparison compare_training(const theory::TheoryRequest& sobolev, const CompareOptions& o,
                                    const TrainingComparison* neighbour) {
  sobolev.validate();
  o.validate();
  const model::ModelParams& p = sobolev.model;
  const double labels = gradient_labels(p);
  if (labels == 0)
    throw model::InvalidParameter("k", "k = 0: comparing with Sobolev training needs gradient labels (k >= 1, {kappa} > 0 "
                                       "or an {informed} direction)");
  if (o.budget_directions > 0 && !sobolev.varpi_average)
    throw model::InvalidParameter("budget_directions", "budget_directions: compares different k, so it needs "
                                                       "{varpi_average} (the mean over the sketch)");
  TrainingComparison c;
  c.label_cost = label_cost(labels, o);
  c.equal_cost_available = std::isfinite(c.label_cost);
  auto with_model = [&](const model::ModelParams& m) {
    theory::TheoryRequest r = sobolev;
    r.model = m;
    return r;
  };
  auto search = [&](OptimizeOver over) {
    OptimizeOptions s = o.search;
    s.over = over;
    return s;
  };
  const bool tune_beta = p.has_sketch();  // with an informed direction alone there is no beta to tune
  model::ModelParams beta1 = p;
  beta1.beta = 1.0;
  c.l2_equal_samples.sample_factor = 1.0;
  c.l2_equal_cost.sample_factor = c.label_cost;
  c.sobolev.sample_factor = c.sobolev_beta1.sample_factor = 1.0;
  // A neighbour's optimum for each row (none without a neighbour, or where it did not converge).
  auto hint = [&](const CompareRow TrainingComparison::*row) -> std::optional<OptimizeHint> {
    if (!neighbour || !((*neighbour).*row).optimum.converged) return std::nullopt;
    return OptimizeHint::from(((*neighbour).*row).optimum);
  };
  std::vector<std::function<void()>> tasks = {
      [&] {
        c.l2_equal_samples.optimum = optimize(with_model(l2_counterpart(p, 1.0)), search(OptimizeOver::kLambda),
                                              hint(&TrainingComparison::l2_equal_samples));
      },
      [&] {
        if (!c.equal_cost_available) return;  // infinitely many samples: no row
        c.l2_equal_cost.optimum = optimize(with_model(l2_counterpart(p, c.label_cost)), search(OptimizeOver::kLambda),
                                           hint(&TrainingComparison::l2_equal_cost));
      },
      [&] {
        c.sobolev.optimum = optimize(sobolev, search(tune_beta ? OptimizeOver::kBoth : OptimizeOver::kLambda),
                                     hint(&TrainingComparison::sobolev));
      },
      [&] {
        c.sobolev_beta1.optimum =
            optimize(with_model(beta1), search(OptimizeOver::kLambda), hint(&TrainingComparison::sobolev_beta1));
      },
  };
  if (o.budget_directions > 0) {
    const int K = o.budget_directions;
    c.budget.resize(static_cast<std::size_t>(K) + 1);
    for (int k = 0; k <= K; ++k) {
      BudgetRow& row = c.budget[k];
      row.k = k;
      row.sample_factor = (1.0 + K * o.gradient_cost) / (1.0 + k * o.gradient_cost);
      tasks.push_back([&, k] {
        BudgetRow& row = c.budget[k];
        model::ModelParams m = p;
        m.k = k;
        m.varpi.assign(static_cast<std::size_t>(k), 0.0);
        m.informed = "none";
        m.alpha = p.alpha * row.sample_factor;
        if (k == 0) m.rho = 0.0;
        else if (k * m.rho * m.rho > 1.0) m.rho = 1.0 / std::sqrt(static_cast<double>(k));  // keep the noise valid
        row.optimum = optimize(with_model(m), search(k == 0 ? OptimizeOver::kLambda : OptimizeOver::kBoth));
      });
    }
  }
  run_parallel(tasks, o.threads);
  c.converged = c.l2_equal_samples.optimum.converged &&
                (c.l2_equal_cost.optimum.converged || !c.equal_cost_available) && c.sobolev.optimum.converged &&
                c.sobolev_beta1.optimum.converged;
  const double s = c.sobolev.optimum.value;
  c.gain_equal_samples = c.l2_equal_samples.optimum.value / s;
  c.gain_equal_cost = c.l2_equal_cost.optimum.value / s;
  c.gain_beta1 = c.l2_equal_samples.optimum.value / c.sobolev_beta1.optimum.value;
  for (const BudgetRow& row : c.budget) {
    c.converged = c.converged && row.optimum.converged;
    if (row.optimum.converged && (c.best_k < 0 || row.optimum.value < c.budget[c.best_k].optimum.value)) c.best_k = row.k;
  }
  c.verdict = verdict_of(c, sobolev, o);
  if (c.best_k >= 0)
    c.verdict += fmt::format("; at a fixed budget of {:g}n labels the best is k = {} directions per sample",
                             1.0 + o.budget_directions * o.gradient_cost, c.best_k);
  return c;
}

}  // namespace srf::studies
