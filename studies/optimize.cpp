#include <sobolev_rf/studies/optimize.hpp>

#include <boost/math/tools/minima.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace srf::studies {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The smallest value seen by a one-dimensional search in t = log10 x over [lo, hi]: a grid of
// n_grid points, then Brent on the bracket of the best grid point's neighbours. `f` returns the
// objective (+inf where it is undefined) and is told when its point is the best so far.
struct LogSearch {
  double t = std::numeric_limits<double>::quiet_NaN();
  double value = kInf;
  bool on_boundary = false;
};

LogSearch log_search(const std::function<double(double)>& f, const std::function<void()>& keep_best, double lo,
                     double hi, int n_grid, int bits, int max_iterations) {
  LogSearch best;
  auto evaluate = [&](double t) {
    const double v = f(t);
    if (v < best.value) {
      best.value = v;
      best.t = t;
      keep_best();
    }
    return v;
  };
  std::vector<double> ts(static_cast<std::size_t>(n_grid));
  int best_index = -1;
  for (int g = 0; g < n_grid; ++g) {
    ts[g] = hi + (lo - hi) * g / (n_grid - 1);  // from the top, where solves are easy
    const double before = best.value;
    evaluate(ts[g]);
    if (best.value < before) best_index = g;
  }
  if (best_index < 0) return best;
  const double a = ts[std::min(best_index + 1, n_grid - 1)], b = ts[std::max(best_index - 1, 0)];
  std::uintmax_t iterations = static_cast<std::uintmax_t>(max_iterations);
  (void)boost::math::tools::brent_find_minima(evaluate, a, b, bits, iterations);
  const double tol = 1e-3 * (hi - lo) / (n_grid - 1);
  best.on_boundary = best.t - lo <= tol || hi - best.t <= tol;
  return best;
}

}  // namespace

OptimizeOver parse_optimize_over(const std::string& name) {
  if (name == "lambda") return OptimizeOver::kLambda;
  if (name == "beta") return OptimizeOver::kBeta;
  if (name == "both") return OptimizeOver::kBoth;
  throw std::invalid_argument("over = '" + name + "': must be lambda, beta or both");
}

const char* to_string(OptimizeOver over) {
  switch (over) {
    case OptimizeOver::kLambda: return "lambda";
    case OptimizeOver::kBeta: return "beta";
    case OptimizeOver::kBoth: return "both";
  }
  return "?";
}

void OptimizeOptions::validate() const {
  lambda.validate();
  auto bad = [](const char* field, double v, const char* rule) {
    std::ostringstream os;
    os << field << " = " << v << ": " << rule;
    throw std::invalid_argument(os.str());
  };
  if (over == OptimizeOver::kLambda) return;
  if (!(std::isfinite(beta_min) && beta_min > 0)) bad("beta_min", beta_min, "must be finite and > 0");
  if (!(std::isfinite(beta_max) && beta_max > beta_min)) bad("beta_max", beta_max, "must be finite and > beta_min");
  if (beta_grid_points < 3) bad("beta_grid_points", beta_grid_points, "must be >= 3");
}

Optimum optimize(const model::ModelParams& params, const OptimizeOptions& o) {
  params.validate();
  o.validate();
  Optimum out;
  out.params = params;
  if (o.over == OptimizeOver::kLambda) {
    OptimalLambda best = optimal_lambda(params, o.lambda);
    out.params.lambda = best.lambda;
    out.value = best.value;
    out.lambda_on_boundary = best.on_boundary;
    out.converged = best.converged;
    out.evaluations = best.evaluations;
    out.solution = std::move(best.solution);
    return out;
  }
  if (params.k == 0)
    throw model::InvalidParameter("k", "k = 0: optimising over beta needs gradient labels (k >= 1)");
  const OptimalLambdaOptions& lo = o.lambda;
  // Warm starts: along the beta grid from one solve to the next (beta), or the lambda grid's
  // states carried from one beta to the next (both).
  theory::SaddlePointState previous;
  std::vector<theory::SaddlePointState> lambda_grid_states;
  Optimum trial;  // the current evaluation
  auto f = [&](double t) {
    model::ModelParams p = params;
    p.beta = std::pow(10.0, t);
    trial.params = p;
    if (o.over == OptimizeOver::kBeta) {
      trial.solution = theory::solve_saddle_point(p, lo.solver, previous);
      ++out.evaluations;
      if (trial.solution.result.summary.converged()) previous = trial.solution.state;
      trial.value = objective_value(trial.solution.result, lo, p.k);
    } else {
      OptimalLambda best = optimal_lambda(p, lo, &lambda_grid_states);
      out.evaluations += best.evaluations;
      trial.params.lambda = best.lambda;
      trial.value = best.value;
      trial.lambda_on_boundary = best.on_boundary;
      trial.solution = std::move(best.solution);
    }
    return std::isfinite(trial.value) ? trial.value : kInf;
  };
  Optimum best;
  const LogSearch s = log_search(f, [&] { best = trial; }, std::log10(o.beta_min), std::log10(o.beta_max),
                                 o.beta_grid_points, lo.bits, lo.max_iterations);
  const int evaluations = out.evaluations;
  if (!std::isfinite(s.value)) {
    out.solution = std::move(trial.solution);  // the last attempt, for its status
    return out;
  }
  out = std::move(best);
  out.evaluations = evaluations;
  out.value = s.value;
  out.beta_on_boundary = s.on_boundary;
  out.converged = true;
  return out;
}

}  // namespace srf::studies
