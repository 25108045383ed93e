// sobolev_rf.theory and sobolev_rf.curve: theory::TheoryRequest from keywords (the model's rows,
// the request's own, the solver's), answered by theory::solve. A scalar call returns a
// TheoryResult (the answer, its attributes from the library's tables); an array call solves every
// point of the broadcast shape in C++ (GIL released, fixed chunks warm-started along themselves,
// in parallel) and returns numpy columns for a DataFrame. curve() is studies::solve_grid, the
// CLI's `curve`: one sweep or two (a grid), optionally at the optimum per point.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <optional>

#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/studies/curve.hpp>
#include <sobolev_rf/studies/grid.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/theory/request.hpp>
#include <sobolev_rf/theory/solver_options_table.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>

#include "calls.hpp"
#include "columns.hpp"
#include "json_to_python.hpp"
#include "results.hpp"

namespace srf::python {

namespace {

struct TheoryCall {
  theory::TheoryRequest request;
  RunOptions run;
};

template <class B>
std::function<model::ModelParams&(B&)> model_of() {
  return [](B& b) -> model::ModelParams& { return b.request.model; };
}
template <class B>
std::function<theory::TheoryRequest&(B&)> request_of() {
  return [](B& b) -> theory::TheoryRequest& { return b.request; };
}
template <class B>
std::function<theory::SaddlePointOptions&(B&)> solver_of() {
  return [](B& b) -> theory::SaddlePointOptions& { return b.request.solver; };
}
template <class B>
std::function<RunOptions&(B&)> run_of() {
  return [](B& b) -> RunOptions& { return b.run; };
}

const KeywordSet<TheoryCall>& theory_keywords() {
  static const KeywordSet<TheoryCall> k = [] {
    KeywordSet<TheoryCall> s;
    s.add(model::model_parameters(), model_of<TheoryCall>(), "model");
    s.add(theory::theory_request_table(), request_of<TheoryCall>(), "request");
    s.add(theory::solver_options_table(), solver_of<TheoryCall>(), "solver");
    s.add(run_options_table(), run_of<TheoryCall>(), "run");
    return s;
  }();
  return k;
}

void check_request(const TheoryCall& c) { c.request.validate(); }

// Extra columns for keywords of `group`s other than the model's that broadcast (d, ...).
template <class B>
void add_broadcast_columns(Columns& cols, const KeywordSet<B>& keys, const Parsed& p, const std::vector<B>& calls) {
  for (const auto& item : p.items) {
    if (!item.value.broadcast) continue;
    const auto& e = keys.entries()[item.entry];
    if (e.info.group == "model") continue;
    if (e.get_number) {
      double* d = cols.real(e.info.keyword);
      for (std::size_t i = 0; i < calls.size(); ++i) d[i] = e.get_number(calls[i]);
    } else if (e.get_text) {
      py::list l = cols.text(e.info.keyword);
      for (std::size_t i = 0; i < calls.size(); ++i) l[i] = py::str(e.get_text(calls[i]));
    }
  }
}

py::object theory_call(py::handle model, py::handle kwargs, py::handle progress) {
  const KeywordSet<TheoryCall>& keys = theory_keywords();
  const Parsed p = keys.parse(kwargs, "theory");
  TheoryCall base;
  base.request.model = model_argument(model, "theory");
  if (!p.vector) {
    TheoryPoint t;
    t.request = call_point(keys, base, p, [](const TheoryCall&) {}).request;
    {
      py::gil_scoped_release release;  // other Python threads run meanwhile
      t.answer = theory::solve(t.request);  // validates: InvalidParameter -> ValueError naming the keyword
    }
    return py::cast(std::move(t));
  }
  require_scalar(keys, p, {"run"});
  const std::vector<TheoryCall> calls = call_points(keys, base, p, &check_request);
  const std::size_t n = calls.size();
  std::vector<theory::TheoryAnswer> answers(n);
  Progress progress_report(n, "theory", progress);
  const std::vector<Chunk> chunks = chunks_of(p);
  const int threads = n ? calls.front().run.threads : 1;
  run_interruptible(
      [&](const std::atomic<bool>& stop) {
        for_each_chunk(chunks, threads, stop, [&](const Chunk& c) {
          theory::SaddlePointState state;
          for (std::size_t i = c.begin; i < c.end; ++i) {
            if (stop) throw simulation::Cancelled();
            theory::TheoryAnswer& a = answers[i];
            a = theory::solve(calls[i].request, state);
            if (a.solution.result.summary.converged()) state = std::move(a.solution.state);
            a.solution.state = {};
            ++progress_report.done;
          }
        });
        return 0;
      },
      &progress_report);
  std::vector<const model::ModelParams*> points(n);
  std::vector<const theory::TheoryResult*> results(n);
  std::vector<bool> ok(n);
  for (std::size_t i = 0; i < n; ++i) {
    points[i] = &answers[i].model;
    results[i] = &answers[i].solution.result;
    ok[i] = results[i]->summary.converged();
  }
  const bool law = n && calls.front().request.varpi_average;
  Columns cols(n);
  add_model_columns(cols, points);
  add_broadcast_columns(cols, keys, p, calls);
  add_error_columns(cols, results, points, law, ok);
  if (n && calls.front().request.sensitivities) {
    for (const char* which : {"d_lambda", "d_beta"})
      for (const auto& [name, field] : model::error_fields()) {
        double* d = cols.real(std::string(which) + "_" + name);
        for (std::size_t i = 0; i < n; ++i)
          d[i] = sensitivity(calls[i].request, answers[i], which[2] == 'l', field);
      }
  }
  add_summary_columns(cols, results);
  const std::string finite_size_warning = add_finite_size_columns(cols, results);
  py::list message = cols.text("message");
  py::list variant = cols.text("variant");
  for (std::size_t i = 0; i < n; ++i) {
    message[i] = py::str(results[i]->summary.message);
    variant[i] = py::str(theory::to_string(answers[i].variant));
  }
  py::dict attrs = table_attrs(p);
  if (n) {
    attrs["solver"] = json_to_python(report::solver_options_json(calls.front().request.solver));
    attrs["varpi_average"] = calls.front().request.varpi_average;
  }
  if (!finite_size_warning.empty()) attrs["finite_size_warning"] = finite_size_warning;  // api.py warns
  return py::make_tuple(cols.dict(), attrs);
}

// ---- curve: studies::solve_grid --------------------------------------------------------------

struct CurveCall {
  theory::TheoryRequest request;
  RunOptions run;
  studies::OptimizeOptions search;
};

const KeywordSet<CurveCall>& curve_keywords() {
  static const KeywordSet<CurveCall> k = [] {
    KeywordSet<CurveCall> s;
    s.add(model::model_parameters(), model_of<CurveCall>(), "model");
    s.add(theory::theory_request_table(), request_of<CurveCall>(), "request");
    s.add(theory::solver_options_table(), solver_of<CurveCall>(), "solver");
    s.add(run_options_table(), run_of<CurveCall>(), "run");
    s.add(studies::optimize_options_table(),
          std::function<studies::OptimizeOptions&(CurveCall&)>([](CurveCall& c) -> studies::OptimizeOptions& {
            return c.search;
          }),
          "search", {"over", "max_iterations", "bits"});
    return s;
  }();
  return k;
}

// A sweep's values from Python: a range text "lo:hi:count[:log]" (studies/parameter_sweep.hpp) or
// a 1-D sequence of numbers.
std::vector<double> sweep_values(const std::string& name, py::handle values) {
  if (PyUnicode_Check(values.ptr())) return studies::parse_sweep(py::cast<std::string>(values), "sweep " + name);
  py::array a = py::reinterpret_borrow<py::array>(Numpy::get().asarray(values, py::dtype::of<double>()));
  if (a.ndim() != 1) raise_value_error("curve(): sweep " + name + ": a 1-D sequence of values");
  const py::array c = Numpy::get().ascontiguousarray(a).cast<py::array>();
  const double* d = static_cast<const double*>(c.data());
  return std::vector<double>(d, d + c.shape(0));
}

studies::Sweep named_sweep(const std::string& keyword, std::vector<double> values) {
  studies::Sweep s{library_name(keyword), std::move(values)};
  const model::Field<model::ModelParams>* f = model::find_model_parameter(s.name);
  if (!f || !f->sweepable) {
    std::string known;
    for (const auto& r : model::model_parameters())
      if (r.sweepable) known += (known.empty() ? "" : ", ") + python_name(r.name);
    raise_value_error("curve(): " + keyword + " is not a parameter a sweep can vary; these are: " + known);
  }
  if (s.values.empty()) raise_value_error("curve(): sweep " + keyword + ": no values");
  return s;
}

// sweep=: "name=lo:hi:count[:log]", {name: values or range text}, or a list of those.
void collect_sweeps(py::handle sweep, std::vector<studies::Sweep>& out) {
  if (sweep.is_none()) return;
  if (PyUnicode_Check(sweep.ptr())) {
    studies::Sweep s = studies::parse_sweep_spec(py::cast<std::string>(sweep), "sweep");
    out.push_back(named_sweep(python_name(s.name), std::move(s.values)));
    return;
  }
  if (PyDict_Check(sweep.ptr())) {
    for (auto item : py::reinterpret_borrow<py::dict>(sweep)) {
      const std::string keyword = py::cast<std::string>(item.first);
      out.push_back(named_sweep(keyword, sweep_values(keyword, item.second)));
    }
    return;
  }
  if (PyList_Check(sweep.ptr()) || PyTuple_Check(sweep.ptr())) {
    for (auto s : sweep) collect_sweeps(s, out);
    return;
  }
  raise_type_error("curve(): sweep = " + python_repr(sweep) +
                   ": expected 'name=lo:hi:count[:log]', {name: values}, or a list of them");
}

py::object curve_call(py::handle model, py::handle sweep, py::handle optimize_over, py::handle kwargs,
                      py::handle progress) {
  const KeywordSet<CurveCall>& keys = curve_keywords();
  Parsed p = keys.parse(kwargs, "curve");
  std::vector<studies::Sweep> sweeps;
  collect_sweeps(sweep, sweeps);
  // Array keywords are sweeps, in the order given; the others make the base point.
  for (const std::string& keyword : p.broadcast) {
    const Parsed::Item* item = p.find(keyword);
    const auto& e = keys.entries()[item->entry];
    if (e.info.group != "model" || item->value.width || item->value.array.ndim() != 1)
      raise_value_error("curve(): " + keyword + ": a sweep is a 1-D array of a model parameter's values");
    py::array a = py::reinterpret_borrow<py::array>(
        Numpy::get().ascontiguousarray(item->value.array, py::dtype::of<double>()));
    const double* d = static_cast<const double*>(a.data());
    sweeps.push_back(named_sweep(keyword, std::vector<double>(d, d + a.shape(0))));
  }
  Parsed base_keywords = p;
  base_keywords.items.clear();
  for (const auto& i : p.items)
    if (!i.value.broadcast) base_keywords.items.push_back(i);
  base_keywords.vector = false;
  base_keywords.shape.clear();
  base_keywords.points = 1;
  if (sweeps.empty() || sweeps.size() > 2)
    raise_value_error("curve(): give one sweep (a curve) or two (a grid, the first one outer): an array keyword "
                      "(p_over_n=numpy.linspace(0.1, 5, 200)) or sweep='p_over_n=0.1:5:200'; got " +
                      std::to_string(sweeps.size()));
  if (sweeps.size() == 2 && sweeps[0].name == sweeps[1].name)
    raise_value_error("curve(): the two sweeps vary the same parameter " + python_name(sweeps[0].name));
  CurveCall base;
  base.request.model = model_argument(model, "curve");
  const CurveCall call = call_point(keys, base, base_keywords, [](CurveCall& c) {
    c.request.model = theory::requested_model(c.request);
    c.request.validate();
  });
  studies::GridOptions options;
  options.request = call.request;
  options.threads = call.run.threads;
  if (!optimize_over.is_none()) {
    if (!PyUnicode_Check(optimize_over.ptr()))
      raise_type_error("curve(): optimize = " + python_repr(optimize_over) + ": expected 'lambda', 'beta' or 'both'");
    studies::OptimizeOptions search = call.search;
    try {
      search.over = studies::parse_optimize_over(py::cast<std::string>(optimize_over));
      search.validate();
    } catch (const model::InvalidParameter& e) {
      raise_value_error("curve(): " + python_message(e));
    }
    for (const auto& s : sweeps)
      if ((s.name == "lambda" && search.over != studies::OptimizeOver::kBeta) ||
          (s.name == "beta" && search.over != studies::OptimizeOver::kLambda))
        raise_value_error("curve(): cannot sweep " + python_name(s.name) + " and optimise it");
    options.optimize = search;
  }
  const studies::Sweep outer = sweeps.size() == 2 ? sweeps[0] : studies::Sweep{};
  const studies::Sweep& inner = sweeps.back();
  // Every point, checked before any is solved (messages name the keyword and the swept values).
  const std::size_t rows = outer.name.empty() ? 1 : outer.values.size(), columns = inner.values.size();
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < columns; ++j) {
      theory::TheoryRequest q = options.request;
      std::string where;
      try {
        if (!outer.name.empty()) {
          where = python_name(outer.name) + " = " + model::format_number(outer.values[r]) + ", ";
          model::set_model_parameter(q.model, outer.name, outer.values[r]);
        }
        where += python_name(inner.name) + " = " + model::format_number(inner.values[j]);
        model::set_model_parameter(q.model, inner.name, inner.values[j]);
        q.validate();
      } catch (const model::InvalidParameter& e) {
        raise_value_error("curve(): " + python_message(e) + " (at " + where + ")");
      }
    }
  Progress progress_report(rows * columns,
                           outer.name.empty() ? "curve " + python_name(inner.name)
                                              : "grid " + python_name(outer.name) + " x " + python_name(inner.name),
                           progress);
  std::vector<studies::GridPoint> grid;
  grid.reserve(rows * columns);
  run_interruptible(
      [&](const std::atomic<bool>& stop) {
        if (outer.name.empty() && !options.optimize) {
          // One curve: studies::solve_curve, the same solves as the grid's single row, stoppable
          // between points.
          const std::vector<model::ModelParams> pts = studies::sweep_points(call.request.model, inner, "sweep");
          studies::solve_curve(pts, options.request,
                               [&](std::size_t, const model::ModelParams& q, const theory::TheoryAnswer& a) {
                                 studies::GridPoint g;
                                 g.params = q;
                                 g.answer = a;
                                 g.answer.solution.state = {};
                                 grid.push_back(std::move(g));
                                 ++progress_report.done;
                                 if (stop) throw simulation::Cancelled();
                               });
          return 0;
        }
        // A grid (rows in parallel; stoppable between rows) or a curve at the optimum per point.
        studies::solve_grid(call.request.model, outer, inner, options,
                            [&](std::size_t, const std::vector<studies::GridPoint>& row) {
                              grid.insert(grid.end(), row.begin(), row.end());
                              progress_report.done += row.size();
                              if (stop) throw simulation::Cancelled();
                            });
        return 0;
      },
      &progress_report);
  const std::size_t n = grid.size();
  std::vector<const model::ModelParams*> points(n);
  std::vector<const theory::TheoryResult*> results(n);
  std::vector<bool> ok(n);
  for (std::size_t i = 0; i < n; ++i) {
    points[i] = &grid[i].params;
    results[i] = &grid[i].answer.solution.result;
    ok[i] = grid[i].converged();
  }
  Columns cols(n);
  add_model_columns(cols, points);
  if (options.optimize) {
    const bool beta = options.optimize->over != studies::OptimizeOver::kLambda;
    double* lam = cols.real("lambda_opt");
    bool* lam_edge = cols.boolean("lambda_on_boundary");
    double* value = cols.real("optimum_value");
    double* b = beta ? cols.real("beta_opt") : nullptr;
    bool* b_edge = beta ? cols.boolean("beta_on_boundary") : nullptr;
    for (std::size_t i = 0; i < n; ++i) {
      const studies::Optimum& o = *grid[i].optimum;
      lam[i] = o.lambda, lam_edge[i] = o.lambda_on_boundary, value[i] = o.value;
      if (beta) b[i] = o.beta, b_edge[i] = o.beta_on_boundary;
    }
  }
  add_error_columns(cols, results, points, options.request.varpi_average, ok);
  add_summary_columns(cols, results);
  const std::string finite_size_warning = add_finite_size_columns(cols, results);
  py::dict attrs;
  attrs["version"] = report::version();
  attrs["solver"] = json_to_python(report::solver_options_json(options.request.solver));
  attrs["varpi_average"] = options.request.varpi_average;
  py::list sweep_list;
  for (const auto* s : {&outer, &inner})
    if (!s->name.empty()) sweep_list.append(py::make_tuple(python_name(s->name), py::cast(s->values)));
  attrs["sweeps"] = sweep_list;
  attrs["shape"] = outer.name.empty() ? py::make_tuple(columns) : py::make_tuple(rows, columns);
  if (options.optimize) attrs["optimize"] = studies::to_string(options.optimize->over);
  if (!finite_size_warning.empty()) attrs["finite_size_warning"] = finite_size_warning;  // api.py warns
  return py::make_tuple(cols.dict(), attrs);
}

}  // namespace

void bind_theory(py::module_& m) {
  bind_theory_result(m);
  m.def("theory", &theory_call, py::arg("model"), py::arg("kwargs"), py::arg("progress"));
  m.def("curve", &curve_call, py::arg("model"), py::arg("sweep"), py::arg("optimize"), py::arg("kwargs"),
        py::arg("progress"));
  py::dict k = m.attr("_keywords");
  k["theory"] = theory_keywords().describe(TheoryCall{});
  k["curve"] = curve_keywords().describe(CurveCall{});
  // The C++ solve alone, timed in a loop (the reference of the per-call overhead benchmark).
  m.def(
      "solve_seconds",
      [](py::handle model, py::handle kwargs, int repeats) {
        const Parsed p = theory_keywords().parse(kwargs, "solve_seconds", false);
        TheoryCall base;
        base.request.model = model_argument(model, "solve_seconds");
        const theory::TheoryRequest r = call_point(theory_keywords(), base, p, &check_request).request;
        py::gil_scoped_release release;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < repeats; ++i) (void)theory::solve(r);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / std::max(repeats, 1);
      },
      py::arg("model"), py::arg("kwargs"), py::arg("repeats"));
}

py::dict table_attrs(const Parsed& p) {
  py::dict attrs;
  attrs["version"] = report::version();
  attrs["shape"] = py::tuple(py::cast(p.shape));
  attrs["broadcast"] = py::cast(p.broadcast);
  return attrs;
}

}  // namespace srf::python
