#include <sobolev_rf/studies/optimal_lambda.hpp>
#include <sobolev_rf/model/model_params.hpp>

#include <boost/math/tools/minima.hpp>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <stdexcept>

#include <sobolev_rf/theory/varpi_law.hpp>

namespace srf::studies {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

void OptimalLambdaOptions::validate() const {
  auto bad = [](const char* field, double v, const char* rule) {
    std::ostringstream os;
    os << field << " = " << v << ": " << rule;
    throw std::invalid_argument(os.str());
  };
  if (!(std::isfinite(lambda_min) && lambda_min > 0)) bad("lambda_min", lambda_min, "must be finite and > 0");
  if (!(std::isfinite(lambda_max) && lambda_max > lambda_min))
    bad("lambda_max", lambda_max, "must be finite and > lambda_min");
  if (grid_points < 3) bad("grid_points", grid_points, "must be >= 3");
  if (bits < 4 || bits > 52) bad("bits", bits, "must lie in [4, 52]");
  if (max_iterations < 1) bad("max_iterations", max_iterations, "must be >= 1");
  (void)model::error_value(model::Errors{}, objective);  // throws for an unknown name
  solver.validate();
}

double objective_value(const theory::TheoryResult& r, const OptimalLambdaOptions& o, int k) {
  if (!r.summary.converged()) return kNaN;
  if (!o.varpi_average) return model::error_value(r.errors, o.objective);
  return theory::varpi_statistics(model::error_value(r.varpi_law.A0, o.objective), model::error_value(r.varpi_law.A2, o.objective), k).mean;
}

OptimalLambda optimal_lambda(const model::ModelParams& params, const OptimalLambdaOptions& o,
                             std::vector<theory::SaddlePointState>* grid_states) {
  params.validate();
  o.validate();
  if (params.k > 0 && params.beta == 0.0 && o.objective == "train_g")
    throw model::InvalidParameter("beta", "beta = 0 with k > 0: train_g (the training residual of gradient labels the fit "
                                   "ignores) has no limit formula (docs/theory [D.11]) and cannot be minimised");
  const int n_grid = o.grid_points;
  const double lo = std::log10(o.lambda_min), hi = std::log10(o.lambda_max);
  std::vector<theory::SaddlePointState> local;
  std::vector<theory::SaddlePointState>& states = grid_states ? *grid_states : local;
  states.resize(static_cast<std::size_t>(n_grid));
  OptimalLambda best;
  auto evaluate = [&](double log_lambda, const theory::SaddlePointState& warm, theory::SaddlePointSolution& sol) {
    model::ModelParams p = params;
    p.lambda = std::pow(10.0, log_lambda);
    sol = theory::solve_saddle_point(p, o.solver, warm);
    ++best.evaluations;
    const double v = objective_value(sol.result, o, params.k);
    return std::isfinite(v) ? v : kInf;
  };
  // The grid descends from large lambda, where the saddle point is easy, passing states down.
  double best_value = kInf;
  int best_index = -1;
  std::vector<double> logs(static_cast<std::size_t>(n_grid));
  theory::SaddlePointState previous;
  for (int g = 0; g < n_grid; ++g) {
    logs[g] = hi + (lo - hi) * g / (n_grid - 1);
    theory::SaddlePointSolution sol;
    const double v = evaluate(logs[g], states[g].empty() ? previous : states[g], sol);
    if (sol.result.summary.converged()) {
      states[g] = sol.state;
      previous = sol.state;
    }
    if (g == 0) best.solution = sol;  // something to report if nothing converges
    if (v < best_value) {
      best_value = v;
      best_index = g;
      best.lambda = std::pow(10.0, logs[g]);
      best.solution = sol;
    }
  }
  if (best_index < 0) return best;
  // Brent on the bracket of the best grid point's neighbours, warm-started from it.
  const double a = logs[std::min(best_index + 1, n_grid - 1)], b = logs[std::max(best_index - 1, 0)];
  const theory::SaddlePointState warm = states[best_index];
  theory::SaddlePointSolution last;
  std::uintmax_t iterations = static_cast<std::uintmax_t>(o.max_iterations);
  const auto [x, fx] = boost::math::tools::brent_find_minima(
      [&](double t) { return evaluate(t, warm, last); }, a, b, o.bits, iterations);
  if (fx < best_value) {
    theory::SaddlePointSolution sol;
    best_value = evaluate(x, warm, sol);  // the solution at the minimiser itself
    best.lambda = std::pow(10.0, x);
    best.solution = sol;
  }
  best.value = best_value;
  best.converged = std::isfinite(best_value);
  // On the boundary: the best point is an end of the range, to within the bracket tolerance.
  const double log_best = std::log10(best.lambda);
  const double tol = 1e-3 * (hi - lo) / (n_grid - 1);
  best.on_boundary = log_best - lo <= tol || hi - log_best <= tol;
  return best;
}

}  // namespace srf::studies
