// sobolev_rf.optimize and sobolev_rf.compare: studies::optimize and studies::compare_training at a
// theory request made of keywords (the model's, the request's, the solver's, the search's and
// compare's own rows). A scalar call returns an Optimum or a Comparison (the library's result;
// to_dict() is the CLI's JSON). An array call answers every point of the broadcast shape: optimize
// in fixed chunks, each point's search started from its neighbour's optimum (as a grid row), in
// parallel; compare point by point in parallel. Both return numpy columns for a DataFrame.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/theory/request.hpp>
#include <sobolev_rf/theory/solver_options_table.hpp>

#include "calls.hpp"
#include "columns.hpp"
#include "json_to_python.hpp"
#include "results.hpp"

namespace srf::python {

namespace {

struct OptimizeCall {
  theory::TheoryRequest request;
  studies::OptimizeOptions search;
  RunOptions run;
};

struct CompareCall {
  theory::TheoryRequest request;
  studies::CompareOptions compare;
};

template <class B>
void add_request_tables(KeywordSet<B>& s) {
  s.add(model::model_parameters(),
        std::function<model::ModelParams&(B&)>([](B& b) -> model::ModelParams& { return b.request.model; }), "model");
  s.add(theory::theory_request_table(),
        std::function<theory::TheoryRequest&(B&)>([](B& b) -> theory::TheoryRequest& { return b.request; }),
        "request");
  s.add(theory::solver_options_table(),
        std::function<theory::SaddlePointOptions&(B&)>(
            [](B& b) -> theory::SaddlePointOptions& { return b.request.solver; }),
        "solver");
}

// Brent's own iteration count and precision keep their defaults here, as on the command line
// (max_iterations is the solver's).
const KeywordSet<OptimizeCall>& optimize_call_keywords() {
  static const KeywordSet<OptimizeCall> k = [] {
    KeywordSet<OptimizeCall> s;
    add_request_tables(s);
    s.add(studies::optimize_options_table(),
          std::function<studies::OptimizeOptions&(OptimizeCall&)>(
              [](OptimizeCall& c) -> studies::OptimizeOptions& { return c.search; }),
          "search", {"max_iterations", "bits"});
    s.add(run_options_table(),
          std::function<RunOptions&(OptimizeCall&)>([](OptimizeCall& c) -> RunOptions& { return c.run; }), "run");
    return s;
  }();
  return k;
}

const KeywordSet<CompareCall>& compare_call_keywords() {
  static const KeywordSet<CompareCall> k = [] {
    KeywordSet<CompareCall> s;
    add_request_tables(s);
    s.add(studies::optimize_options_table(),
          std::function<studies::OptimizeOptions&(CompareCall&)>(
              [](CompareCall& c) -> studies::OptimizeOptions& { return c.compare.search; }),
          "search", {"over", "max_iterations", "bits"});
    s.add(studies::compare_options_table(),
          std::function<studies::CompareOptions&(CompareCall&)>(
              [](CompareCall& c) -> studies::CompareOptions& { return c.compare; }),
          "compare");
    return s;
  }();
  return k;
}

void check_optimize(const OptimizeCall& c) {
  c.search.validate();
  c.request.validate();
}

// The model as the CLI's request resolves it (varpi zeros when averaging without one), so that
// to_dict() is the CLI's report.
void check_compare(CompareCall& c) {
  c.compare.validate();
  c.request.model = theory::requested_model(c.request);
  c.request.validate();
}

py::object optimize_call(py::handle model, py::handle kwargs, py::handle progress) {
  const KeywordSet<OptimizeCall>& keys = optimize_call_keywords();
  const Parsed p = keys.parse(kwargs, "optimize");
  OptimizeCall base;
  base.request.model = model_argument(model, "optimize");
  if (!p.vector) {
    const OptimizeCall c = call_point(keys, base, p, &check_optimize);
    Progress pr(1, "optimize", progress);
    studies::Optimum best = run_interruptible(
        [&](const std::atomic<bool>&) { return studies::optimize(c.request, c.search); }, &pr);
    return py::cast(OptimumResult{std::move(best), c.search});
  }
  require_scalar(keys, p, {"run"});
  const std::vector<OptimizeCall> calls = call_points(keys, base, p, &check_optimize);
  const std::size_t n = calls.size();
  std::vector<studies::Optimum> optima(n);
  Progress pr(n, "optimize", progress);
  const std::vector<Chunk> chunks = chunks_of(p);
  run_interruptible(
      [&](const std::atomic<bool>& stop) {
        for_each_chunk(chunks, n ? calls.front().run.threads : 1, stop, [&](const Chunk& c) {
          std::optional<studies::OptimizeHint> hint;
          for (std::size_t i = c.begin; i < c.end; ++i) {
            if (stop) throw simulation::Cancelled();
            if (i > c.begin && calls[i].search.over != calls[i - 1].search.over) hint.reset();
            optima[i] = studies::optimize(calls[i].request, calls[i].search, hint);
            hint.reset();
            if (optima[i].converged) hint = studies::OptimizeHint::from(optima[i]);
            optima[i].answer.solution.state = {};
            ++pr.done;
          }
        });
        return 0;
      },
      &pr);
  std::vector<const model::ModelParams*> points(n);
  std::vector<const theory::TheoryResult*> results(n);
  std::vector<bool> ok(n);
  for (std::size_t i = 0; i < n; ++i) {
    points[i] = &optima[i].answer.model;
    results[i] = &optima[i].answer.solution.result;
    ok[i] = results[i]->summary.converged();
  }
  Columns cols(n);
  add_model_columns(cols, points);
  double* lam = cols.real("lambda_opt");
  bool* lam_edge = cols.boolean("lambda_on_boundary");
  double* beta = cols.real("beta_opt");
  bool* beta_edge = cols.boolean("beta_on_boundary");
  double* value = cols.real("value");
  std::int64_t* evals = cols.integer("evaluations");
  for (std::size_t i = 0; i < n; ++i) {
    const studies::Optimum& o = optima[i];
    lam[i] = o.lambda, lam_edge[i] = o.lambda_on_boundary, beta[i] = o.beta, beta_edge[i] = o.beta_on_boundary;
    value[i] = o.value, evals[i] = o.evaluations;
  }
  add_error_columns(cols, results, points, n && calls.front().request.varpi_average, ok);
  add_summary_columns(cols, results);
  const std::string finite_size_warning = add_finite_size_columns(cols, results);
  py::dict attrs = table_attrs(p);
  if (n) {
    attrs["solver"] = json_to_python(report::solver_options_json(calls.front().request.solver));
    attrs["over"] = studies::to_string(calls.front().search.over);
    attrs["objective"] = calls.front().search.objective;
    attrs["varpi_average"] = calls.front().request.varpi_average;
  }
  if (!finite_size_warning.empty()) attrs["finite_size_warning"] = finite_size_warning;  // api.py warns
  return py::make_tuple(cols.dict(), attrs);
}

py::object compare_call(py::handle model, py::handle kwargs, py::handle progress) {
  const KeywordSet<CompareCall>& keys = compare_call_keywords();
  const Parsed p = keys.parse(kwargs, "compare");
  CompareCall base;
  base.request.model = model_argument(model, "compare");
  if (!p.vector) {
    const CompareCall c = call_point(keys, base, p, &check_compare);
    Progress pr(1, "compare", progress);
    studies::TrainingComparison t = run_interruptible(
        [&](const std::atomic<bool>&) { return studies::compare_training(c.request, c.compare); }, &pr);
    return py::cast(ComparisonResult{c.request, c.compare, std::move(t)});
  }
  require_scalar(keys, p, {"compare"});
  std::vector<CompareCall> calls = call_points(keys, base, p, &check_compare);
  const std::size_t n = calls.size();
  const int threads = n ? calls.front().compare.threads : 1;
  for (auto& c : calls) c.compare.threads = 1;  // the points run in parallel, each one's rows in turn
  std::vector<studies::TrainingComparison> out(n);
  Progress pr(n, "compare", progress);
  std::vector<Chunk> single(n);
  for (std::size_t i = 0; i < n; ++i) single[i] = {i, i + 1};
  run_interruptible(
      [&](const std::atomic<bool>& stop) {
        for_each_chunk(single, threads, stop, [&](const Chunk& c) {
          out[c.begin] = studies::compare_training(calls[c.begin].request, calls[c.begin].compare);
          ++pr.done;
        });
        return 0;
      },
      &pr);
  std::vector<const model::ModelParams*> points(n);
  for (std::size_t i = 0; i < n; ++i) points[i] = &calls[i].request.model;
  Columns cols(n);
  add_model_columns(cols, points);
  const std::pair<const char*, studies::CompareRow studies::TrainingComparison::*> rows[] = {
      {"l2_equal_samples", &studies::TrainingComparison::l2_equal_samples},
      {"l2_equal_cost", &studies::TrainingComparison::l2_equal_cost},
      {"sobolev", &studies::TrainingComparison::sobolev},
      {"sobolev_beta1", &studies::TrainingComparison::sobolev_beta1}};
  for (const auto& [name, member] : rows) {
    const std::string r = name;
    double* lam = cols.real(r + "_lambda_opt");
    double* beta = cols.real(r + "_beta_opt");
    double* value = cols.real(r + "_value");
    double* factor = cols.real(r + "_sample_factor");
    bool* conv = cols.boolean(r + "_converged");
    for (std::size_t i = 0; i < n; ++i) {
      const studies::CompareRow& row = out[i].*member;
      lam[i] = row.optimum.lambda, beta[i] = row.optimum.beta, value[i] = row.optimum.value;
      factor[i] = row.sample_factor, conv[i] = row.optimum.converged;
    }
  }
  const std::pair<const char*, double studies::TrainingComparison::*> numbers[] = {
      {"gain_equal_samples", &studies::TrainingComparison::gain_equal_samples},
      {"gain_equal_cost", &studies::TrainingComparison::gain_equal_cost},
      {"gain_beta1", &studies::TrainingComparison::gain_beta1},
      {"label_cost", &studies::TrainingComparison::label_cost}};
  for (const auto& [name, member] : numbers) {
    double* d = cols.real(name);
    for (std::size_t i = 0; i < n; ++i) d[i] = out[i].*member;
  }
  std::size_t budget = 0;
  for (const auto& t : out) budget = std::max(budget, t.budget.size());
  for (std::size_t k = 0; k < budget; ++k) {
    double* d = cols.real("budget_value_k" + std::to_string(k));
    for (std::size_t i = 0; i < n; ++i)
      if (k < out[i].budget.size()) d[i] = out[i].budget[k].optimum.value;
  }
  if (budget) {
    std::int64_t* best = cols.integer("best_k");
    for (std::size_t i = 0; i < n; ++i) best[i] = out[i].best_k;
  }
  bool* conv = cols.boolean("converged");
  py::list verdict = cols.text("verdict");
  for (std::size_t i = 0; i < n; ++i) conv[i] = out[i].converged, verdict[i] = py::str(out[i].verdict);
  py::dict attrs = table_attrs(p);
  if (n) {
    attrs["solver"] = json_to_python(report::solver_options_json(calls.front().request.solver));
    attrs["objective"] = calls.front().compare.search.objective;
    attrs["varpi_average"] = calls.front().request.varpi_average;
  }
  return py::make_tuple(cols.dict(), attrs);
}

}  // namespace

void bind_research(py::module_& m) {
  bind_research_results(m);
  m.def("optimize", &optimize_call, py::arg("model"), py::arg("kwargs"), py::arg("progress"));
  m.def("compare", &compare_call, py::arg("model"), py::arg("kwargs"), py::arg("progress"));
  py::dict k = m.attr("_keywords");
  k["optimize"] = optimize_call_keywords().describe(OptimizeCall{});
  k["compare"] = compare_call_keywords().describe(CompareCall{});
}

}  // namespace srf::python
