#include <sobolev_rf/studies/optimize.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include <sobolev_rf/studies/log_search.hpp>

namespace srf::studies {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using theory::SaddlePointState;
using theory::TheoryAnswer;
using theory::TheoryRequest;

// Solves the request at (lambda, beta) from a warm start and scores it (+inf where undefined).
class Evaluator {
 public:
  Evaluator(const TheoryRequest& base, const Objective& objective) : base_(base), objective_(objective) {}
  double operator()(double lambda, double beta, const SaddlePointState& warm, TheoryAnswer& out) {
    TheoryRequest r = base_;
    r.model.lambda = lambda;
    r.model.beta = beta;
    r.finite_size_estimate = false;  // a trial point: the optimum's answer gets it (optimize)
    out = theory::solve(r, warm);
    ++evaluations;
    const double v = objective_.value(out.solution.result, r.model.k);
    return std::isfinite(v) ? v : kInf;
  }
  int evaluations = 0;

 private:
  const TheoryRequest& base_;
  const Objective& objective_;
};

// The outcome of one search: the minimiser and the theory there.
struct Found {
  double lambda = kNaN, beta = kNaN, value = kInf;
  bool lambda_on_boundary = false, beta_on_boundary = false;
  TheoryAnswer answer;
  bool ok() const { return std::isfinite(value); }
};

// The optimal lambda at fixed beta over [lo, hi]: the grid descends from large lambda passing
// converged states down (or reusing `states`, carried from a neighbouring search), Brent starts
// from the best grid point's state.
Found search_lambda(Evaluator& eval, double beta, double lo, double hi, int grid_points, const OptimizeOptions& o,
                    std::vector<SaddlePointState>& states) {
  states.resize(static_cast<std::size_t>(grid_points));
  SaddlePointState previous, best_grid_state;
  TheoryAnswer trial;
  Found best;
  int index = -1;
  bool reported = false;
  auto f = [&](double lambda, int g) {
    index = g;
    const SaddlePointState& warm = g >= 0 ? (states[g].empty() ? previous : states[g]) : best_grid_state;
    const double v = eval(lambda, beta, warm, trial);
    if (g >= 0 && trial.solution.result.summary.converged()) previous = states[g] = trial.solution.state;
    if (!reported) best.answer = trial, reported = true;  // something to report if nothing converges
    return v;
  };
  const LogSearchResult r = log_search(f, {lo, hi, grid_points, o.bits, o.max_iterations}, [&] {
    best.answer = trial;
    if (index >= 0) best_grid_state = trial.solution.state;
  });
  best.lambda = r.x, best.beta = beta, best.value = r.value, best.lambda_on_boundary = r.on_boundary;
  return best;
}

// The optimal beta at fixed lambda over [beta_min, beta_max], each solve warm-started from the last.
Found search_beta(Evaluator& eval, double lambda, double lo, double hi, int grid_points, const OptimizeOptions& o) {
  SaddlePointState previous;
  TheoryAnswer trial;
  Found best;
  bool reported = false;
  auto f = [&](double beta, int) {
    const double v = eval(lambda, beta, previous, trial);
    if (trial.solution.result.summary.converged()) previous = trial.solution.state;
    if (!reported) best.answer = trial, reported = true;
    return v;
  };
  const LogSearchResult r =
      log_search(f, {lo, hi, grid_points, o.bits, o.max_iterations}, [&] { best.answer = trial; });
  best.lambda = lambda, best.beta = r.x, best.value = r.value, best.beta_on_boundary = r.on_boundary;
  return best;
}

// Over both, nested: Brent in log beta outside, the optimal lambda inside (grid states carried
// from one beta to the next).
Found search_both(Evaluator& eval, double beta_lo, double beta_hi, int beta_points, double lambda_lo,
                  double lambda_hi, int lambda_points, const OptimizeOptions& o) {
  std::vector<SaddlePointState> lambda_states;
  Found trial, best;
  bool reported = false;
  auto f = [&](double beta, int) {
    trial = search_lambda(eval, beta, lambda_lo, lambda_hi, lambda_points, o, lambda_states);
    if (!reported) best = trial, reported = true;
    return trial.value;
  };
  const LogSearchResult r =
      log_search(f, {beta_lo, beta_hi, beta_points, o.bits, o.max_iterations}, [&] { best = trial; });
  best.beta_on_boundary = r.on_boundary;
  return best;
}

// Near a neighbour's optimum (lambda0, beta0): a projected damped Newton in u = (log10 lambda,
// log10 beta) on the box of the search ranges, with central-difference derivatives of the
// objective (step h; 6 solves per iteration; the stencil may reach outside the box, the iterates
// do not). A coordinate on a bound whose gradient points outward is held there (the active set)
// and Newton runs on the others; steps are capped at half a decade and halved until the objective
// decreases. Stops when the step is below 1e-5 decades. Fails (returns !ok) when a solve fails.
Found newton_both(Evaluator& eval, double lambda0, double beta0, const OptimizeOptions& o) {
  const std::array<double, 2> lo = {std::log10(o.lambda_min), std::log10(o.beta_min)};
  const std::array<double, 2> hi = {std::log10(o.lambda_max), std::log10(o.beta_max)};
  std::array<double, 2> u = {std::clamp(std::log10(lambda0), lo[0], hi[0]), std::clamp(std::log10(beta0), lo[1], hi[1])};
  SaddlePointState warm;
  TheoryAnswer trial;
  auto f = [&](double t0, double t1) {
    const double v = eval(std::pow(10.0, t0), std::pow(10.0, t1), warm, trial);
    if (trial.solution.result.summary.converged()) warm = trial.solution.state;
    return v;
  };
  Found best;
  double f0 = f(u[0], u[1]);
  if (!std::isfinite(f0)) return best;
  TheoryAnswer at = trial;
  const double h = 0.01;
  std::array<bool, 2> active = {false, false};
  for (int it = 0; it < 15; ++it) {
    const double fpl = f(u[0] + h, u[1]), fml = f(u[0] - h, u[1]);
    const double fpb = f(u[0], u[1] + h), fmb = f(u[0], u[1] - h), fpp = f(u[0] + h, u[1] + h);
    if (!(std::isfinite(fpl) && std::isfinite(fml) && std::isfinite(fpb) && std::isfinite(fmb) && std::isfinite(fpp)))
      return best;
    const std::array<double, 2> g = {(fpl - fml) / (2 * h), (fpb - fmb) / (2 * h)};
    const double H00 = (fpl - 2 * f0 + fml) / (h * h), H11 = (fpb - 2 * f0 + fmb) / (h * h);
    const double H01 = (fpp - fpl - fpb + f0) / (h * h);
    for (int i = 0; i < 2; ++i)
      active[i] = (u[i] <= lo[i] && g[i] > 0) || (u[i] >= hi[i] && g[i] < 0);
    std::array<double, 2> s = {0, 0};
    const double H[2] = {H00, H11};
    if (!active[0] && !active[1]) {
      const double det = H00 * H11 - H01 * H01;
      if (H00 > 0 && det > 0) {
        s = {-(H11 * g[0] - H01 * g[1]) / det, -(H00 * g[1] - H01 * g[0]) / det};
      } else {  // not convex here: a gradient step scaled by the curvature's size
        const double scale = std::max({std::fabs(H00), std::fabs(H11), 1e-3});
        s = {-g[0] / scale, -g[1] / scale};
      }
    } else {
      for (int i = 0; i < 2; ++i)
        if (!active[i]) s[i] = H[i] > 0 ? -g[i] / H[i] : -g[i] / std::max(std::fabs(H[i]), 1e-3);
    }
    const double cap = std::max(std::fabs(s[0]), std::fabs(s[1]));
    if (cap > 0.5) s[0] *= 0.5 / cap, s[1] *= 0.5 / cap;
    bool moved = false;
    double size = 0;
    for (int back = 0; back < 8 && !moved; ++back, s[0] /= 2, s[1] /= 2) {
      const double t0 = std::clamp(u[0] + s[0], lo[0], hi[0]), t1 = std::clamp(u[1] + s[1], lo[1], hi[1]);
      size = std::max(std::fabs(t0 - u[0]), std::fabs(t1 - u[1]));
      if (size == 0) break;
      const double v = f(t0, t1);
      if (v < f0) u = {t0, t1}, f0 = v, at = trial, moved = true;
    }
    if (!moved || size < 1e-5) break;
  }
  best.lambda = std::pow(10.0, u[0]), best.beta = std::pow(10.0, u[1]), best.value = f0, best.answer = at;
  const double tol = 1e-6;
  best.lambda_on_boundary = u[0] - lo[0] <= tol || hi[0] - u[0] <= tol;
  best.beta_on_boundary = u[1] - lo[1] <= tol || hi[1] - u[1] <= tol;
  return best;
}

void bad(const char* field, double v, const char* rule) {
  std::ostringstream os;
  os << field << " = " << v << ": " << rule;
  throw model::InvalidParameter(field, os.str());
}

}  // namespace

void OptimizeOptions::validate() const {
  (void)Objective(objective);
  if (!(std::isfinite(lambda_min) && lambda_min > 0)) bad("lambda_min", lambda_min, "must be finite and > 0");
  if (!(std::isfinite(lambda_max) && lambda_max > lambda_min))
    bad("lambda_max", lambda_max, "must be finite and > lambda_min");
  if (grid_points < 3) bad("grid_points", grid_points, "must be >= 3");
  if (bits < 4 || bits > 52) bad("bits", bits, "must lie in [4, 52]");
  if (max_iterations < 1) bad("max_iterations", max_iterations, "must be >= 1");
  if (over == OptimizeOver::kLambda) return;
  if (!(std::isfinite(beta_min) && beta_min > 0)) bad("beta_min", beta_min, "must be finite and > 0");
  if (!(std::isfinite(beta_max) && beta_max > beta_min)) bad("beta_max", beta_max, "must be finite and > beta_min");
  if (beta_grid_points < 3) bad("beta_grid_points", beta_grid_points, "must be >= 3");
}

const std::vector<model::Field<OptimizeOptions>>& optimize_options_table() {
  using O = OptimizeOptions;
  static const std::vector<model::Field<O>> table = {
      model::choice("over", &O::over, kOptimizeOverNames, "minimise over lambda, beta (k >= 1) or both"),
      model::text("objective", &O::objective,
                  "the error minimised (a reported error, or weighted:W = gen_f + W gen_grad)"),
      model::real("lambda_min", &O::lambda_min, "lambda search range, lower end"),
      model::real("lambda_max", &O::lambda_max, "lambda search range, upper end"),
      model::integer("grid_points", &O::grid_points, "coarse grid in log10 lambda before Brent"),
      model::real("beta_min", &O::beta_min, "beta search range in log10, lower end (beta = 0 is tried besides)"),
      model::real("beta_max", &O::beta_max, "beta search range, upper end"),
      model::integer("beta_grid_points", &O::beta_grid_points, "coarse grid in log10 beta before Brent"),
      model::boolean("beta_zero", &O::beta_zero, "also try beta = 0, the L2 fit on the same sketch"),
      model::integer("bits", &O::bits, "Brent's precision in bits of log10 of the variable"),
      model::integer("max_iterations", &O::max_iterations, "Brent iterations per search"),
  };
  return table;
}

OptimizeHint OptimizeHint::from(const Optimum& o) {
  OptimizeHint h;
  const bool two_branches = std::isfinite(o.positive_value) || std::isfinite(o.zero_value);
  h.lambda = two_branches ? o.positive_lambda : o.lambda;
  h.beta = two_branches ? o.positive_beta : o.beta;
  h.lambda_zero = o.zero_lambda;
  for (double* x : {&h.lambda, &h.beta, &h.lambda_zero})
    if (!std::isfinite(*x)) *x = 0;
  return h;
}

Optimum optimize(const TheoryRequest& request, const OptimizeOptions& o, const std::optional<OptimizeHint>& hint) {
  request.validate();
  o.validate();
  const model::ModelParams& p = request.model;
  const Objective objective(o.objective, request.varpi_average);
  if (o.over != OptimizeOver::kLambda && !p.has_sketch())
    throw model::InvalidParameter("k", "k = 0: optimising over beta needs gradient labels (k >= 1 or {kappa} > 0)");
  if (o.over == OptimizeOver::kLambda && p.k > 0 && p.beta == 0.0 && objective.name() == "train_g")
    throw model::InvalidParameter("beta", "beta = 0 with k > 0: train_g (the training residual of gradient labels the "
                                          "fit ignores) has no limit formula (docs/theory [D.11]) and cannot be minimised");
  Evaluator eval(request, objective);
  // The optimal lambda at fixed beta: locally (+-1 decade around a neighbour's optimum, accepted
  // unless it ends on an edge of that bracket which is not an end of the full range), else over
  // the full range.
  auto lambda_at = [&](double beta, double lambda_hint) {
    if (lambda_hint > 0) {
      const double lo = std::max(o.lambda_min, lambda_hint / 10), hi = std::min(o.lambda_max, lambda_hint * 10);
      if (hi > lo) {
        std::vector<SaddlePointState> local;
        Found f = search_lambda(eval, beta, lo, hi, 5, o, local);
        const double t = std::log10(f.lambda), tol = 1e-6;
        const bool at_low = t - std::log10(lo) <= tol, at_high = std::log10(hi) - t <= tol;
        const bool range_end = (at_low && lo == o.lambda_min) || (at_high && hi == o.lambda_max);
        if (f.ok() && ((!at_low && !at_high) || range_end)) {
          f.lambda_on_boundary = range_end;
          return f;
        }
      }
    }
    std::vector<SaddlePointState> states;
    return search_lambda(eval, beta, o.lambda_min, o.lambda_max, o.grid_points, o, states);
  };
  Found best, zero;
  const bool beta_searched = o.over != OptimizeOver::kLambda;
  switch (o.over) {
    case OptimizeOver::kLambda: best = lambda_at(p.beta, hint ? hint->lambda : 0.0); break;
    case OptimizeOver::kBeta: best = search_beta(eval, p.lambda, o.beta_min, o.beta_max, o.beta_grid_points, o); break;
    case OptimizeOver::kBoth:
      if (hint && hint->lambda > 0 && hint->beta > 0) best = newton_both(eval, hint->lambda, hint->beta, o);
      if (!best.ok())
        best = search_both(eval, o.beta_min, o.beta_max, o.beta_grid_points, o.lambda_min, o.lambda_max,
                           o.grid_points, o);
      break;
  }
  // beta = 0, the L2 fit on the same sketch, as a candidate beside the log range.
  if (beta_searched && o.beta_zero) {
    if (o.over == OptimizeOver::kBeta) {
      zero.value = eval(p.lambda, 0.0, {}, zero.answer);
      zero.lambda = p.lambda;
    } else {
      // Without a hint, the full search: the very search of an L2 row (compare), so the two agree exactly.
      zero = lambda_at(0.0, hint ? hint->lambda_zero : 0.0);
    }
    zero.beta = 0.0;
  }
  Optimum out;
  out.request = request;
  out.evaluations = eval.evaluations;
  if (beta_searched) {
    out.positive_value = best.ok() ? best.value : kNaN;
    out.positive_lambda = best.lambda, out.positive_beta = best.beta;
    out.zero_value = zero.ok() ? zero.value : kNaN;
    out.zero_lambda = zero.lambda;
    if (zero.value < best.value) best = std::move(zero);
  }
  out.answer = std::move(best.answer);
  if (!best.ok()) {
    out.lambda = out.beta = kNaN;
    return out;
  }
  out.request.model.lambda = best.lambda;
  out.request.model.beta = best.beta;
  out.value = best.value;
  out.lambda = best.lambda;
  out.beta = best.beta;
  out.lambda_on_boundary = o.over != OptimizeOver::kBeta && best.lambda_on_boundary;
  out.beta_on_boundary = beta_searched && best.beta != 0.0 && best.beta_on_boundary;
  out.converged = true;
  theory::attach_finite_size_estimate(out.request, out.answer);  // [S.15], at the optimum only
  return out;
}

}  // namespace srf::studies
