// sobolev_rf._core: the C++ libraries bound for Python. Everything that computes stays in the
// libraries; this file converts arguments (through the CLI's flag sets, cli_arguments.hpp) and
// results (the report/ JSON and CSV writers, so Python sees what the CLI prints), releases the
// GIL for the work and maps errors to Python: bad input -> ValueError with the CLI's one-line
// message, Ctrl-C -> KeyboardInterrupt (interruptible.hpp). The Python layer (sobolev_rf/*.py)
// adds the keyword signatures and numpy tables.
#include <CLI/CLI.hpp>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sobolev_rf/cli/model_flags.hpp>
#include "cli_arguments.hpp"
#include "estimator_bindings.hpp"
#include "interruptible.hpp"
#include "json_to_python.hpp"
#include <sobolev_rf/plotting/figure_output.hpp>
#include <sobolev_rf/plotting/figure_data.hpp>
#include <sobolev_rf/plotting/figure_spec.hpp>
#include <sobolev_rf/plotting/gnuplot_script.hpp>
#include <sobolev_rf/report/comparison_csv.hpp>
#include <sobolev_rf/report/curve_csv.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/research_json.hpp>
#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/studies/curve.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>
#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/studies/points_file.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/studies/theory_vs_simulation.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace py = pybind11;

namespace srf::python {
namespace {

using Words = std::vector<std::string>;

// ---- theory -------------------------------------------------------------------------------

theory::SaddlePointSolution solve_point(const Arguments& a) {
  py::gil_scoped_release release;  // other Python threads run meanwhile; one point takes milliseconds
  return theory::solve_saddle_point(a.model, a.solver);
}

py::object theory_point(const Words& words, bool varpi_average) {
  const Arguments a = parse_arguments(words, {.solver = true, .varpi_average = varpi_average});
  const theory::SaddlePointSolution sol = solve_point(a);
  nlohmann::json j = report::theory_json(a.model, sol.result, varpi_average);
  j.update(report::run_metadata_json(a.solver));  // as `sobolev-rf theory --format json`
  j["sketch_scale"] = "normal";
  return json_to_python(j);
}

// The same report as JSON text (for the benchmark of the conversion: json.loads of this).
std::string theory_point_text(const Words& words, bool varpi_average) {
  const Arguments a = parse_arguments(words, {.solver = true, .varpi_average = varpi_average});
  return report::theory_json(a.model, solve_point(a).result, varpi_average).dump();
}

// Seconds per solve_saddle_point at the point of `words`, timed in C++ over `repeats` solves
// (the reference for the per-call overhead of theory()).
double solve_seconds(const Words& words, int repeats) {
  const Arguments a = parse_arguments(words, {.solver = true});
  py::gil_scoped_release release;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) (void)theory::solve_saddle_point(a.model, a.solver);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / std::max(repeats, 1);
}

// Seconds per parse of `words` by the CLI's flag sets (the argument part of theory()'s overhead).
double parse_seconds(const Words& words, int repeats) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) (void)parse_arguments(words, {.solver = true});
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / std::max(repeats, 1);
}

// ---- sweeps -------------------------------------------------------------------------------

// A sweep given as "name=lo:hi:count[:log]" (`text`), or as a name and explicit values. The name
// is checked by the CLI's sweep parser (so are its messages), on the first value.
studies::Sweep make_sweep(const std::string& text, const std::string& name, const std::vector<double>& values) {
  if (!text.empty()) return studies::parse_sweep_spec(text, "--sweep");
  if (values.empty()) throw std::invalid_argument("--sweep = '" + name + "': no values");
  std::ostringstream first;
  first.precision(17);
  first << name << "=" << values.front();
  studies::Sweep s = studies::parse_sweep_spec(first.str(), "--sweep");
  s.values = values;
  return s;
}

std::string curve_csv(const Words& words, const std::string& sweep_text, const std::string& sweep_name,
                      const std::vector<double>& sweep_values, bool varpi_average) {
  const Arguments a = parse_arguments(words, {.solver = true});
  const studies::Sweep sweep = make_sweep(sweep_text, sweep_name, sweep_values);
  const std::vector<model::ModelParams> points = studies::sweep_points(a.model, sweep, "--sweep");
  return run_interruptible([&](const std::atomic<bool>& stop) {
    std::ostringstream out;
    report::CurveCsvWriter csv(out, varpi_average);
    theory::TheoryRequest request;
    request.solver = a.solver;
    studies::solve_curve(points, request,
                        [&](std::size_t, const model::ModelParams& p, const theory::TheoryAnswer& ans) {
                          csv.write_row(p, ans.solution.result);
                          if (stop) throw simulation::Cancelled();
                        });
    return out.str();
  });
}

// ---- optimal lambda -----------------------------------------------------------------------

theory::TheoryRequest request_of(const Arguments& a, bool varpi_average) {
  theory::TheoryRequest r;
  r.model = a.model;
  r.solver = a.solver;
  r.varpi_average = varpi_average;
  return r;
}

// The search of optimal_lambda, optimize and compare, from their keyword arguments (validated).
studies::OptimizeOptions search_options(const std::string& over, const std::string& objective, double lambda_min,
                                        double lambda_max, int grid_points, double beta_min, double beta_max) {
  studies::OptimizeOptions o;
  o.over = studies::parse_optimize_over(over);
  o.objective = objective;
  o.lambda_min = lambda_min;
  o.lambda_max = lambda_max;
  o.grid_points = grid_points;
  o.beta_min = beta_min;
  o.beta_max = beta_max;
  o.validate();
  return o;
}

py::object optimal_lambda(const Words& words, double lambda_min, double lambda_max, int grid_points,
                          const std::string& objective, bool varpi_average) {
  const Arguments a = parse_arguments(words, {.solver = true, .varpi_average = varpi_average});
  const studies::OptimizeOptions o = search_options("lambda", objective, lambda_min, lambda_max, grid_points, 1e-3, 1e3);
  const studies::Optimum best = run_interruptible(
      [&](const std::atomic<bool>&) { return studies::optimize(request_of(a, varpi_average), o); });
  nlohmann::json j = {{"lambda", best.lambda},         {"value", best.value},
                      {"on_boundary", best.lambda_on_boundary}, {"converged", best.converged},
                      {"evaluations", best.evaluations}, {"objective", objective},
                      {"theory", report::theory_json(best.answer.model, best.answer.solution.result, varpi_average)}};
  py::dict d = json_to_python(j);
  d["lambda"] = best.lambda;  // NaN stays NaN (JSON would say null)
  d["value"] = best.value;
  return d;
}

py::object optimize(const Words& words, const std::string& over, const std::string& objective, double lambda_min,
                    double lambda_max, int grid_points, double beta_min, double beta_max, bool varpi_average) {
  const Arguments a = parse_arguments(words, {.solver = true, .varpi_average = varpi_average});
  const studies::OptimizeOptions o = search_options(over, objective, lambda_min, lambda_max, grid_points, beta_min, beta_max);
  const studies::Optimum best = run_interruptible(
      [&](const std::atomic<bool>&) { return studies::optimize(request_of(a, varpi_average), o); });
  return json_to_python(report::optimum_json(best, o));
}

py::object compare(const Words& words, const std::string& objective, double lambda_min, double lambda_max,
                   int grid_points, bool varpi_average) {
  const Arguments a = parse_arguments(words, {.solver = true, .varpi_average = varpi_average});
  studies::CompareOptions o;
  o.search = search_options("both", objective, lambda_min, lambda_max, grid_points, 1e-3, 1e3);
  const theory::TheoryRequest r = request_of(a, varpi_average);
  const studies::TrainingComparison c =
      run_interruptible([&](const std::atomic<bool>&) { return studies::compare_training(r, o); });
  return json_to_python(report::training_comparison_json(r, o, c));
}

// ---- simulation ---------------------------------------------------------------------------

py::object simulate(const Words& words) {
  const Arguments a = parse_arguments(words, {.simulation = true});
  simulation::SimulationOptions options = a.simulation;
  const simulation::SimulationResult r = run_interruptible([&](const std::atomic<bool>& stop) {
    simulation::SimulationOptions o = options;
    o.stop = &stop;
    return simulation::simulate(a.model, o);
  });
  return json_to_python(report::simulation_json(a.model, options, r));
}

// `sobolev-rf validate`: the checks of its command (cli/validate_command.cpp), then the CSV it
// writes with --output, and the counts it prints.
py::object validate(const Words& words, const std::string& sweep_text, const std::string& sweep_name,
                    const std::vector<double>& sweep_values, const std::string& points_file, int p_large,
                    double z_threshold) {
  const bool has_sweep = !sweep_text.empty() || !sweep_name.empty();
  if (has_sweep && !points_file.empty())
    throw std::invalid_argument("--sweep and --points: give one of them, not both");
  Arguments a = parse_arguments(words, {.simulation = true}, /*validate_model=*/points_file.empty());
  if (a.varpi_drawn)
    throw std::invalid_argument("--varpi-drawn: validate compares with the theory conditional on --varpi; not allowed");
  if (a.sketch_scale != "normal")
    throw std::invalid_argument("--sketch-scale = " + a.sketch_scale +
                                ": the theory is for the normal sketch scale; use `simulate` for the other");
  studies::ComparisonOptions cmp;
  cmp.z_threshold = z_threshold;
  try {
    cmp.validate();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(cli::flag_message("z_threshold", e.what()));
  }
  simulation::SimulationOptions small = a.simulation;
  if (small.seeds < 2)
    throw std::invalid_argument("--seeds = " + std::to_string(small.seeds) + ": validate needs >= 2 (standard errors)");
  simulation::SimulationOptions large = small;
  large.p = p_large > 0 ? p_large : 2 * small.p;
  if (p_large < 0 || large.p < small.p)
    throw std::invalid_argument("--p-large = " + std::to_string(p_large) + ": must be >= --p (0: 2p)");
  std::vector<model::ModelParams> points;
  if (!points_file.empty()) {
    std::ifstream in(points_file);
    if (!in) throw std::invalid_argument("--points = " + points_file + ": cannot open for reading");
    points = studies::read_points(in, a.model, "--points = " + points_file);
  } else if (has_sweep) {
    points = studies::sweep_points(a.model, make_sweep(sweep_text, sweep_name, sweep_values), "--sweep");
  } else {
    points = {a.model};
  }
  struct Outcome {
    std::string csv;
    int comparisons = 0, disagreements = 0;
  };
  const Outcome outcome = run_interruptible([&](const std::atomic<bool>& stop) {
    Outcome o;
    std::ostringstream out;
    report::ComparisonCsvWriter csv(out);
    simulation::SimulationOptions s = small, l = large;
    s.stop = l.stop = &stop;
    for (std::size_t i = 0; i < points.size(); ++i) {
      const studies::PointValidation v = studies::validate_point(points[i], s, l, cmp);
      for (const auto& q : v.quantities) {
        if (q.verdict != studies::Verdict::kSimulationOnly) ++o.comparisons;
        if (q.verdict == studies::Verdict::kDisagree) ++o.disagreements;
      }
      csv.write_point(static_cast<int>(i + 1), v);
    }
    o.csv = out.str();
    return o;
  });
  py::dict d;
  d["csv"] = outcome.csv;
  d["comparisons"] = outcome.comparisons;
  d["disagreements"] = outcome.disagreements;
  d["p"] = small.p;
  d["p_large"] = large.p;
  d["seeds"] = small.seeds;
  d["base_seed"] = small.base_seed;
  d["version"] = report::version();
  return d;
}

// ---- figures ------------------------------------------------------------------------------

const char* kind_name(plotting::CurveKind k) {
  switch (k) {
    case plotting::CurveKind::kTheory: return "theory";
    case plotting::CurveKind::kVarpiLaw: return "varpi_law";
    case plotting::CurveKind::kLegendreError: return "legendre_error";
    case plotting::CurveKind::kLegendreInterpolant: return "legendre_interpolant";
    case plotting::CurveKind::kLegendreTarget: return "legendre_target";
  }
  return "";
}

py::object range(const std::optional<std::pair<double, double>>& r) {
  if (!r) return py::none();
  return py::make_tuple(r->first, r->second);
}

// What a renderer needs of a parsed spec (plotting/figure_spec.hpp), as plain Python objects.
py::dict spec_dict(const plotting::FigureSpec& spec) {
  py::list panels;
  for (const auto& p : spec.panels) {
    py::list curves;
    for (const auto& c : p.curves) {
      py::dict cd;
      cd["kind"] = kind_name(c.kind);
      cd["label"] = c.label;
      cd["quantities"] = c.quantities;
      cd["quantity_labels"] = c.quantity_labels;
      py::list names;
      for (const auto& q : c.quantities) names.append(plotting::quantity_display_name(q));
      cd["quantity_names"] = names;
      cd["color"] = c.color;
      cd["dash"] = c.dash;
      cd["law"] = c.law;
      cd["legendre_n"] = c.legendre.n;
      cd["source"] = c.source;
      curves.append(cd);
    }
    py::dict pd;
    pd["title"] = p.title;
    pd["x"] = p.x;
    pd["x_label"] = p.x_label;
    pd["y_label"] = p.y_label;
    pd["log_x"] = p.log_x;
    pd["log_y"] = p.log_y;
    pd["x_range"] = range(p.x_range);
    pd["y_range"] = range(p.y_range);
    pd["legend"] = p.legend;
    pd["curves"] = curves;
    panels.append(pd);
  }
  py::dict d;
  d["path"] = spec.path;
  d["title"] = spec.title;
  d["output"] = spec.output;
  d["panel_width"] = spec.panel_width;
  d["panel_height"] = spec.panel_height;
  d["columns"] = spec.columns;
  d["panels"] = panels;
  return d;
}

py::list files_list(const plotting::FigureFiles& files) {
  py::list panels;
  for (const auto& panel : files.curves) {
    py::list curves;
    for (const auto& f : panel) {
      py::dict fd;
      fd["data"] = f.data;
      fd["markers"] = f.markers;
      fd["markers_note"] = f.markers_note;
      fd["failed_points"] = f.failed_points;
      curves.append(fd);
    }
    panels.append(curves);
  }
  return panels;
}

plotting::MarkerMode marker_mode(const std::string& m) {
  if (m == "default") return plotting::MarkerMode::kDefault;
  if (m == "all") return plotting::MarkerMode::kAll;
  if (m == "none") return plotting::MarkerMode::kNone;
  throw std::invalid_argument("markers = '" + m + "': must be default, all or none");
}

// Computes a figure's CSVs into out_dir (as `sobolev-rf figure --csv-only`), writes the gnuplot
// script and, with `gnuplot`, runs it. Returns the spec, the tables and what was rendered.
py::object figure(const std::string& spec_path, const std::string& out_dir, bool quick, const std::string& markers,
                  bool gnuplot) {
  plotting::FigureSpec spec = plotting::parse_figure_spec(spec_path);
  if (quick) plotting::apply_quick(spec);
  plotting::FigureRunOptions options;
  options.markers = marker_mode(markers);
  struct Outcome {
    plotting::FigureOutput written;
    std::string gnuplot;  // the program run, empty when none
  };
  const Outcome outcome = run_interruptible([&](const std::atomic<bool>& stop) {
    plotting::FigureSpec s = spec;
    for (auto& panel : s.panels)
      for (auto& c : panel.curves)
        if (c.markers) c.markers->options.stop = &stop;
    plotting::FigureRunOptions o = options;
    o.on_progress = [&](int, int) {
      if (stop) throw simulation::Cancelled();
    };
    Outcome out;
    out.written = plotting::write_figure_data(s, o, out_dir, "python: sobolev_rf.figure(\"" + spec_path + "\")");
    if (gnuplot) {
      out.gnuplot = plotting::find_gnuplot();
      if (!out.gnuplot.empty()) plotting::run_gnuplot(out.gnuplot, out.written.script, out_dir);
    }
    return out;
  });
  py::dict d;
  d["spec"] = spec_dict(spec);
  d["files"] = files_list(outcome.written.files);
  d["failed_points"] = outcome.written.files.failed_points();
  d["script"] = outcome.written.script_path;
  d["gnuplot"] = outcome.gnuplot;
  return d;
}

py::object figure_spec(const std::string& path) { return spec_dict(plotting::parse_figure_spec(path)); }

// CSV columns that hold text even when their cells look like numbers (varpi "0.7" at k = 1).
std::vector<std::string> text_columns() {
  std::vector<std::string> names;
  for (const auto& info : model::model_parameters())
    if (info.type == model::FieldType::kText || info.type == model::FieldType::kRealList)
      names.emplace_back(info.name);
  return names;
}

std::vector<std::string> error_names() {
  std::vector<std::string> names;
  for (const auto& [name, field] : model::error_fields()) names.emplace_back(name);
  return names;
}

std::vector<std::string> parameter_names() {
  std::vector<std::string> names;
  for (const auto& info : model::model_parameters()) names.emplace_back(info.name);
  return names;
}

}  // namespace
}  // namespace srf::python

PYBIND11_MODULE(_core, m) {
  using namespace srf::python;
  m.doc() = "sobolev-rf's C++ libraries; use the functions of the package sobolev_rf";

  // Bad input: the CLI's one-line message (flags named as on the command line). Translators
  // registered later are tried first.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const srf::model::InvalidParameter& e) {
      PyErr_SetString(PyExc_ValueError, srf::cli::flag_message(e.field(), e.what()).c_str());
    } catch (const std::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const CLI::ParseError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const srf::simulation::Cancelled&) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    }
  });

  m.def("theory", &theory_point, py::arg("words"), py::arg("varpi_average") = false);
  m.def("theory_json_text", &theory_point_text, py::arg("words"), py::arg("varpi_average") = false);
  m.def("solve_seconds", &solve_seconds, py::arg("words"), py::arg("repeats"));
  m.def("parse_seconds", &parse_seconds, py::arg("words"), py::arg("repeats"));
  m.def("curve_csv", &curve_csv, py::arg("words"), py::arg("sweep_text"), py::arg("sweep_name"),
        py::arg("sweep_values"), py::arg("varpi_average") = false);
  m.def("optimal_lambda", &optimal_lambda, py::arg("words"), py::arg("lambda_min"), py::arg("lambda_max"),
        py::arg("grid_points"), py::arg("objective"), py::arg("varpi_average"));
  m.def("optimize", &optimize, py::arg("words"), py::arg("over"), py::arg("objective"), py::arg("lambda_min"),
        py::arg("lambda_max"), py::arg("grid_points"), py::arg("beta_min"), py::arg("beta_max"),
        py::arg("varpi_average"));
  m.def("compare", &compare, py::arg("words"), py::arg("objective"), py::arg("lambda_min"), py::arg("lambda_max"),
        py::arg("grid_points"), py::arg("varpi_average"));
  m.def("simulate", &simulate, py::arg("words"));
  m.def("validate", &validate, py::arg("words"), py::arg("sweep_text"), py::arg("sweep_name"),
        py::arg("sweep_values"), py::arg("points_file"), py::arg("p_large"), py::arg("z_threshold"));
  m.def("figure", &figure, py::arg("spec"), py::arg("out_dir"), py::arg("quick"), py::arg("markers"),
        py::arg("gnuplot"));
  m.def("figure_spec", &figure_spec, py::arg("path"));
  m.def("quantity_display_name", &srf::plotting::quantity_display_name);
  m.def("text_columns", &text_columns);
  m.def("error_names", &error_names);
  m.def("parameter_names", &parameter_names);
  bind_estimator(m);
}
