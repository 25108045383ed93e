#include <sobolev_rf/plotting/figure_data.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include <sobolev_rf/plotting/legendre_example.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/studies/gain_map.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>
#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/theory/sketch_scale.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>

namespace srf::plotting {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.10g}", v) : ""; }

const std::vector<std::string>& param_columns() {
  static const std::vector<std::string> c = model::model_parameter_header();
  return c;
}

std::vector<std::string> param_cells(const model::ModelParams& p) { return model::model_parameter_cells(p); }

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The model at sweep value x of a theory curve (or of its markers).
model::ModelParams point_params(const model::ModelParams& base, const CurveSpec& c, double x) {
  model::ModelParams p = base;
  if (c.sweep_name != "d") model::set_model_parameter(p, c.sweep_name, x);  // d: a request field, not the model's
  if (c.d_over_n > 0) p.gamma = c.d_over_n * p.alpha;  // d/p = (d/n)(n/p)
  p.alpha *= c.sample_factor;
  return p;
}

studies::OptimizeOptions optimal_lambda_options(const CurveSpec& c) {
  studies::OptimizeOptions o;
  o.lambda_min = c.lambda_min;
  o.lambda_max = c.lambda_max;
  o.objective = c.optimise;
  return o;
}

// The optimal lambda at p (NaN when nothing converged), from the neighbouring point's optimum.
studies::Optimum lambda_optimum(const model::ModelParams& p, const CurveSpec& c, std::optional<studies::OptimizeHint>& hint) {
  theory::TheoryRequest r;
  r.model = p;
  studies::Optimum best = studies::optimize(r, optimal_lambda_options(c), hint);
  hint.reset();
  if (best.converged) hint = studies::OptimizeHint::from(best);
  return best;
}

template <class T>
std::vector<T> thin(const std::vector<T>& v, std::size_t max_points) {
  if (v.size() <= max_points) return v;
  std::vector<T> out;
  for (std::size_t i = 0; i < max_points; ++i)
    out.push_back(v[static_cast<std::size_t>(std::lround(static_cast<double>(i) * (v.size() - 1) / (max_points - 1)))]);
  return out;
}

// The identity of a gain atlas: the model, both sweeps, the lambda range, the averaging and the
// objective (panels that share it share one computation).
std::string gain_key(const CurveSpec& c) {
  std::string key;
  for (const auto& cell : param_cells(c.params)) key += cell + ",";
  return key + fmt::format("{}:{},{}:{},{},{},{},{}", c.sweep_name, fmt::join(c.sweep_values, ";"), c.y_name,
                           fmt::join(c.y_values, ";"), c.lambda_min, c.lambda_max, c.varpi_average, c.optimise);
}

std::string marker_note(const CurveSpec& c) {
  const simulation::SimulationOptions& o = c.markers->options;
  const std::string p = c.sweep_name == "d" ? "p = d/γ" : fmt::format("p = {}", o.p);  // x = d: p follows d
  return fmt::format("{}, {} seed{}", p, o.seeds, o.seeds == 1 ? "" : "s");
}

class FigureComputer {
 public:
  FigureComputer(const FigureSpec& spec, const FigureRunOptions& options, TableSink& sink)
      : spec_(spec), options_(options), sink_(sink), total_(total_work()) {}

  FigureFiles run() {
    FigureFiles files;
    for (std::size_t i = 0; i < spec_.panels.size(); ++i) {
      files.curves.emplace_back();
      for (std::size_t j = 0; j < spec_.panels[i].curves.size(); ++j) {
        const CurveSpec& c = spec_.panels[i].curves[j];
        const std::string stem = fmt::format("{}.p{}.c{}", spec_.output, i + 1, j + 1);
        CurveFiles f;
        f.data = stem + ".csv";
        switch (c.kind) {
          case CurveKind::kTheory: f.failed_points = theory_curve(c, f.data); break;
          case CurveKind::kVarpiLaw: f.failed_points = varpi_law(c, f.data); break;
          case CurveKind::kLegendreError: legendre_error(c, f.data); break;
          case CurveKind::kLegendreInterpolant: legendre_interpolant(c, f.data); break;
          case CurveKind::kLegendreTarget: legendre_target_curve(c, f.data, stem + ".markers.csv"); break;
          case CurveKind::kGradientGain: f.failed_points = gradient_gain(c, f.data); break;
        }
        if (c.kind == CurveKind::kLegendreTarget) f.markers = stem + ".markers.csv";
        if (wants_markers(c)) {
          f.markers = stem + ".markers.csv";
          f.markers_note = marker_note(c);
          if (c.kind == CurveKind::kTheory) theory_markers(c, f.markers);
          else varpi_law_markers(c, f.markers);
        }
        files.curves.back().push_back(f);
      }
    }
    return files;
  }

 private:
  bool wants_markers(const CurveSpec& c) const {
    if (!c.markers || options_.markers == MarkerMode::kNone) return false;
    return !c.markers->optional || options_.markers == MarkerMode::kAll;
  }

  int total_work() const {
    int total = 0;
    std::set<std::string> gain_maps;  // each computed once
    for (const auto& panel : spec_.panels)
      for (const auto& c : panel.curves) {
        if (c.kind == CurveKind::kGradientGain) {
          if (gain_maps.insert(gain_key(c)).second) total += static_cast<int>(c.sweep_values.size() * c.y_values.size());
          continue;
        }
        total += c.kind == CurveKind::kVarpiLaw ? 1 : static_cast<int>(c.sweep_values.size());
        if (wants_markers(c))
          total += static_cast<int>(std::max<std::size_t>(c.markers->at.size(), 1)) * c.markers->options.seeds;
      }
    return std::max(total, 1);
  }

  // Panels often show other quantities of the same simulations (test and training error): each
  // distinct (parameters, options) runs once per figure.
  const simulation::SimulationResult& simulate_cached(const model::ModelParams& p,
                                                      const simulation::SimulationOptions& options) {
    std::string key;
    for (const auto& cell : param_cells(p)) key += cell + ",";
    key += fmt::format("{},{},{},{},{},{},{}", options.p, options.seeds, options.test_samples, options.base_seed,
                       static_cast<int>(options.sketch_scale), static_cast<int>(options.varpi_mode),
                       static_cast<int>(options.solve_method));
    auto it = simulations_.find(key);
    if (it != simulations_.end()) {
      advance(options.seeds);
      return it->second;
    }
    simulation::SimulationOptions o = options;
    o.on_seed_done = [this](int, int) { advance(); };
    return simulations_.emplace(key, options_.simulate ? options_.simulate(p, o) : simulation::simulate(p, o))
        .first->second;
  }

  void advance(int units = 1) {
    done_ += units;
    if (options_.on_progress) options_.on_progress(done_, total_);
  }

  // Starts table `name` in the sink; rows follow with row().
  void table(const std::string& name, const std::vector<std::string>& header) { sink_.begin(name, header); }
  void row(const std::vector<std::string>& cells) { sink_.row(cells); }

  int theory_curve(const CurveSpec& c, const std::string& file) {
    std::vector<std::string> header = concat({"x"}, param_columns());
    header.push_back("sample_factor");
    for (const auto& [name, field] : model::error_fields()) header.emplace_back(name);
    header.insert(header.end(), {"converged", "iterations"});
    table(file, header);
    theory::SaddlePointState state;
    std::optional<studies::OptimizeHint> hint;
    int failed = 0;
    for (double x : c.sweep_values) {
      model::ModelParams p = point_params(c.params, c, x);
      theory::SaddlePointSolution sol;
      if (c.optimal_lambda) {
        const studies::Optimum best = lambda_optimum(p, c, hint);
        sol = best.answer.solution;
        p.lambda = best.lambda;
      } else {  // the request picks the equations (the unit sketch at d, or the limit), as in `theory`
        theory::TheoryRequest r;
        r.model = p;
        if (c.unit_sketch_d > 0) {
          r.sketch_scale = model::SketchScale::kUnit;
          r.d = c.unit_sketch_d;
        }
        if (c.finite_d > 0) r.d = c.finite_d;                        // the finite-d theory at one d [S.15]
        if (c.sweep_name == "d") r.d = c.limit ? 0.0 : x;            // ... at each d, or the limit's asymptote
        sol = theory::solve(r, state).solution;
        if (sol.result.summary.converged()) state = sol.state;
      }
      const bool ok = sol.result.summary.converged();
      if (!ok) ++failed;
      std::vector<std::string> cells = concat({num(x)}, param_cells(p));
      cells.push_back(num(c.sample_factor));
      for (const auto& [name, field] : model::error_fields()) {
        // The mean over varpi ~ N(0, tau^2 I_k): A0 + k tau^2 A2 (theory/varpi_law.hpp).
        const double v = c.varpi_average ? theory::varpi_statistics(sol.result.varpi_law, field, p.k).mean
                                         : sol.result.errors.*field;
        cells.push_back(ok ? num(v) : "");
      }
      cells.insert(cells.end(), {ok ? "1" : "0", std::to_string(sol.result.summary.iterations)});
      row(cells);
      advance();
    }
    return failed;
  }

  void theory_markers(const CurveSpec& c, const std::string& file) {
    const MarkerSpec& m = *c.markers;
    std::vector<std::string> header = concat({"x"}, param_columns());
    header.insert(header.end(), {"sample_factor", "p", "n", "d", "seeds", "sketch_scale"});
    for (const auto& [name, field] : model::error_fields()) {
      header.push_back(std::string(name) + "_mean");
      header.push_back(std::string(name) + "_se");
    }
    header.push_back("wall_seconds");
    table(file, header);
    std::optional<studies::OptimizeHint> hint;
    for (double x : m.at) {
      model::ModelParams p = point_params(m.params, c, x);
      if (c.optimal_lambda) p.lambda = lambda_optimum(p, c, hint).lambda;
      if (!std::isfinite(p.lambda)) {  // no converged theory point to take the optimum from
        advance(m.options.seeds);
        continue;
      }
      simulation::SimulationOptions o = m.options;
      if (c.sweep_name == "d") o.p = static_cast<int>(std::lround(x / p.gamma));  // d = round(gamma p) ~ x
      const simulation::SimulationResult& r = simulate_cached(p, o);
      std::vector<std::string> cells = concat({num(x)}, param_cells(p));
      cells.insert(cells.end(), {num(c.sample_factor), std::to_string(r.size.p), std::to_string(r.size.n),
                             std::to_string(r.size.d), std::to_string(r.seeds),
                             model::to_string(o.sketch_scale)});
      for (const auto& [name, field] : model::error_fields()) {
        const simulation::Estimate& e = r.estimate(name);
        cells.push_back(num(e.mean));
        cells.push_back(num(e.se));
      }
      cells.push_back(fmt::format("{:.3f}", r.wall_seconds));
      row(cells);
    }
  }

  // The gain atlas (studies/gain_map.hpp) of one (model, sweep, sweep_y, lambda range): computed
  // once per figure for the objectives gen_f, gen_grad, gen_h1 (and the curve's own), then each
  // panel shows one (objective, gain) of it.
  struct GainMapResult {
    std::vector<std::string> objectives;
    std::vector<double> y;
    std::vector<std::vector<studies::GainCell>> rows;
  };
  const GainMapResult& gain_map_cached(const CurveSpec& c) {
    const std::string key = gain_key(c);
    auto it = gain_maps_.find(key);
    if (it != gain_maps_.end()) return it->second;
    studies::GainMapOptions o;
    o.compare.search = optimal_lambda_options(c);
    if (std::find(o.objectives.begin(), o.objectives.end(), c.optimise) == o.objectives.end())
      o.objectives.push_back(c.optimise);
    theory::TheoryRequest base;
    base.model = c.params;
    base.varpi_average = c.varpi_average;
    GainMapResult r;
    r.objectives = o.objectives;
    studies::solve_gain_map(base, studies::Sweep{c.sweep_name, c.sweep_values}, studies::Sweep{c.y_name, c.y_values},
                            o, [&](std::size_t, double y, const std::vector<studies::GainCell>& cells) {
                              r.y.push_back(y);
                              r.rows.push_back(cells);
                              advance(static_cast<int>(cells.size()));
                            });
    return gain_maps_.emplace(key, std::move(r)).first->second;
  }

  // One panel of the atlas: objective(L2) / objective(Sobolev) on the grid y (rows, outer) x x,
  // each at its optimum; the column `gain` is the curve's (objective, gain), the others every
  // objective's four gains and the tuned beta. A blank line after each row (gnuplot's pm3d scans).
  int gradient_gain(const CurveSpec& c, const std::string& file) {
    const GainMapResult& m = gain_map_cached(c);
    std::vector<std::string> header = {"x", "y", "gain"};
    for (const auto& o : m.objectives)
      for (const char* g : {"equal_samples", "equal_cost", "beta1_equal_samples", "beta1_equal_cost", "beta_opt"})
        header.push_back(o + "_" + g);
    header.push_back("converged");
    table(file, concat(header, param_columns()));
    const std::size_t chosen = static_cast<std::size_t>(
        std::find(m.objectives.begin(), m.objectives.end(), c.optimise) - m.objectives.begin());
    int failed = 0;
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
      for (std::size_t j = 0; j < m.rows[r].size(); ++j) {
        const studies::GainCell& cell = m.rows[r][j];
        bool ok = true;
        std::vector<std::string> cells = {num(c.sweep_values[j]), num(m.y[r]), ""};
        for (std::size_t q = 0; q < m.objectives.size(); ++q) {
          const studies::TrainingComparison& t = cell.per_objective[q];
          const double l2 = t.l2_equal_samples.optimum.value, cost = t.l2_equal_cost.optimum.value;
          const double beta1 = t.sobolev_beta1.optimum.value;
          const double gains[] = {t.gain_equal_samples, t.gain_equal_cost, l2 / beta1, cost / beta1};
          for (double g : gains) cells.push_back(t.converged ? num(g) : "");
          cells.push_back(num(t.sobolev.optimum.beta));
          if (q == chosen) {
            ok = t.converged;
            const double g = c.gain == "equal_cost"             ? gains[1]
                             : c.gain == "beta1_equal_samples" ? gains[2]
                             : c.gain == "beta1_equal_cost"    ? gains[3]
                                                               : gains[0];
            cells[2] = ok ? num(g) : "";
          }
        }
        if (!ok) ++failed;
        cells.push_back(ok ? "1" : "0");
        row(concat(cells, param_cells(cell.params)));
      }
      row({});
    }
    return failed;
  }

  // Law of E = A0 + A2 X, X ~ chi^2_k (the errors are exactly quadratic in varpi ~ N(0, I_k)).
  int varpi_law(const CurveSpec& c, const std::string& file) {
    std::vector<std::string> header = concat({"quantity", "error", "cdf", "density", "A0", "A2"}, param_columns());
    table(file, header);
    const theory::SaddlePointSolution sol = theory::solve_saddle_point(c.params);
    advance();
    if (!sol.result.summary.converged()) return 1;
    for (const auto& q : c.quantities) {
      const double A0 = model::error_value(sol.result.varpi_law.A0, q);
      const double A2 = sol.result.varpi_law.tau2 * model::error_value(sol.result.varpi_law.A2, q);
      for (const auto& pt : theory::varpi_law_curve(A0, A2, c.params.k, c.law_points))
        row(concat({q, num(pt.error), num(pt.cdf), num(pt.density), num(A0), num(A2)}, param_cells(c.params)));
    }
    return 0;
  }

  // Empirical CDF of per-seed errors, each seed drawing its own sketch (varpi ~ N(0, I_k)).
  void varpi_law_markers(const CurveSpec& c, const std::string& file) {
    const MarkerSpec& m = *c.markers;
    table(file, concat({"quantity", "seed", "varpi_norm2", "value", "ecdf", "p", "n", "d"}, param_columns()));
    const simulation::SimulationResult& r = simulate_cached(m.params, m.options);
    for (const auto& q : c.quantities) {
      std::vector<std::pair<double, const simulation::SeedResult*>> values;
      for (const auto& s : r.per_seed) values.emplace_back(model::error_value(s.errors, q), &s);
      std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t i = 0; i < values.size(); ++i) {
        double norm2 = 0;
        for (double v : values[i].second->varpi) norm2 += v * v;
        // Plotting positions (i + 1/2)/N: unbiased for the CDF at the order statistics.
        row(concat({q, std::to_string(values[i].second->seed_index), num(norm2), num(values[i].first),
                        num((i + 0.5) / values.size()), std::to_string(r.size.p), std::to_string(r.size.n),
                        std::to_string(r.size.d)},
                       param_cells(m.params)));
      }
    }
  }

  static std::vector<std::string> legendre_cells(const LegendreSpec& l) {
    return {l.target, std::to_string(l.n), l.nodes, l.hermite ? "hermite" : "values", l.normalised ? "1" : "0"};
  }

  void legendre_error(const CurveSpec& c, const std::string& file) {
    table(file, {"degree", "coefficients", "target", "n", "nodes", "data", "normalised", "gen_f", "gen_g", "gen_h1"});
    for (double d : c.sweep_values) {
      const int degree = static_cast<int>(d);
      const LegendreErrors e = legendre_errors(c.legendre, degree);
      std::vector<std::string> cells =
          concat({std::to_string(degree), std::to_string(degree + 1)}, legendre_cells(c.legendre));
      cells.insert(cells.end(), {num(e.gen_f), num(e.gen_g), num(e.gen_h1)});
      row(cells);
      advance();
    }
  }

  void legendre_interpolant(const CurveSpec& c, const std::string& file) {
    table(file, {"x", "value", "derivative", "degree", "target", "n", "nodes", "data", "normalised"});
    const Eigen::VectorXd w = legendre_fit(c.legendre, c.legendre.degree);
    const int points = 1201;
    Eigen::VectorXd x(points);
    for (int i = 0; i < points; ++i) x(i) = -1.0 + 2.0 * i / (points - 1);
    Eigen::MatrixXd B, D;
    legendre_basis(x, c.legendre.degree, c.legendre.normalised, B, D);
    const Eigen::VectorXd f = B * w, g = D * w;
    for (int i = 0; i < points; ++i)
      row(concat({num(x(i)), num(f(i)), num(g(i)), std::to_string(c.legendre.degree)}, legendre_cells(c.legendre)));
  }

  void legendre_target_curve(const CurveSpec& c, const std::string& file, const std::string& nodes_file) {
    {
      table(file, {"x", "value", "derivative", "target"});
      const int points = 1201;
      for (int i = 0; i < points; ++i) {
        const double x = -1.0 + 2.0 * i / (points - 1);
        row({num(x), num(legendre_target(c.legendre.target, x)),
                 num(legendre_target_derivative(c.legendre.target, x)), c.legendre.target});
      }
    }
    table(nodes_file, {"x", "value", "derivative", "target", "n", "nodes"});
    const Eigen::VectorXd x = legendre_nodes(c.legendre);
    for (Eigen::Index i = 0; i < x.size(); ++i)
      row({num(x(i)), num(legendre_target(c.legendre.target, x(i))),
               num(legendre_target_derivative(c.legendre.target, x(i))), c.legendre.target,
               std::to_string(c.legendre.n), c.legendre.nodes});
  }

  const FigureSpec& spec_;
  const FigureRunOptions& options_;
  TableSink& sink_;
  int total_ = 1;
  int done_ = 0;
  std::map<std::string, simulation::SimulationResult> simulations_;
  std::map<std::string, GainMapResult> gain_maps_;
};

}  // namespace

void apply_quick(FigureSpec& spec) {
  for (auto& panel : spec.panels)
    for (auto& c : panel.curves) {
      if (!c.markers) continue;
      auto& o = c.markers->options;
      o.p = std::min(o.p, 400);
      o.seeds = std::min(o.seeds, c.kind == CurveKind::kVarpiLaw ? 20 : 3);
      o.test_samples = std::min(o.test_samples, 2000);
      c.markers->at = thin(c.markers->at, 8);
    }
}

int FigureFiles::failed_points() const {
  int failed = 0;
  for (const auto& panel : curves)
    for (const auto& c : panel) failed += c.failed_points;
  return failed;
}

FigureFiles compute_figure(const FigureSpec& spec, const FigureRunOptions& options, TableSink& sink) {
  FigureComputer computer(spec, options, sink);
  return computer.run();
}

}  // namespace srf::plotting
