// sobolev_rf.simulate, validate and merge. The simulations run as the CLI's do: (job, seed) tasks
// of distributed::SimulationRunner (seeds in parallel, bit-identical whatever the thread count),
// optionally resumable from a checkpoint file, as one shard of a job array, or assembled from
// merged shards (merge()). validate follows the library's plan (studies/validation_plan.hpp),
// the one the CLI's `validate` follows: checks, sizes p and p_large, seeds, comparisons, verdict.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fstream>

#include <sobolev_rf/distributed/simulation_job.hpp>
#include <sobolev_rf/distributed/simulation_runner.hpp>
#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/simulation/options_table.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>
#include <sobolev_rf/studies/points_file.hpp>

#include "calls.hpp"
#include "columns.hpp"
#include "results.hpp"

namespace srf::python {

namespace {

struct SimulateCall {
  model::ModelParams model;
  simulation::SimulationOptions sim;
  CheckpointOptions run;
};

struct ValidateCall {
  model::ModelParams model;
  simulation::SimulationOptions sim;
  studies::ValidationOptions validation;
  CheckpointOptions run;
};

template <class B>
void add_simulation_tables(KeywordSet<B>& s) {
  s.add(model::model_parameters(),
        std::function<model::ModelParams&(B&)>([](B& b) -> model::ModelParams& { return b.model; }), "model");
  s.add(simulation::simulation_options_table(),
        std::function<simulation::SimulationOptions&(B&)>([](B& b) -> simulation::SimulationOptions& { return b.sim; }),
        "simulation");
}

template <class B>
void add_checkpoint_table(KeywordSet<B>& s) {
  s.add(checkpoint_options_table(),
        std::function<CheckpointOptions&(B&)>([](B& b) -> CheckpointOptions& { return b.run; }), "checkpoint");
}

const KeywordSet<SimulateCall>& simulate_keywords() {
  static const KeywordSet<SimulateCall> k = [] {
    KeywordSet<SimulateCall> s;
    add_simulation_tables(s);
    add_checkpoint_table(s);
    return s;
  }();
  return k;
}

const KeywordSet<ValidateCall>& validate_keywords() {
  static const KeywordSet<ValidateCall> k = [] {
    KeywordSet<ValidateCall> s;
    add_simulation_tables(s);
    s.add(studies::validation_options_table(),
          std::function<studies::ValidationOptions&(ValidateCall&)>(
              [](ValidateCall& c) -> studies::ValidationOptions& { return c.validation; }),
          "validation");
    add_checkpoint_table(s);
    return s;
  }();
  return k;
}

const distributed::ResultStore* merged_store(py::handle merged, const std::string& function) {
  if (merged.is_none()) return nullptr;
  if (!py::isinstance<MergedRun>(merged))
    raise_type_error(function + "(): merged = " + python_repr(merged) + ": expected the result of merge() or None");
  return &py::cast<const MergedRun&>(merged).merged.store;
}

// Runs the jobs (a checkpoint, a shard, merged seeds; Ctrl-C; progress) on a runner it returns.
// `complete` is false after a shard run (its file is written; no result).
std::unique_ptr<distributed::SimulationRunner> run_jobs(const std::vector<distributed::SimulationJob>& jobs,
                                                        const CheckpointOptions& c, int threads,
                                                        const distributed::ResultStore* merged,
                                                        const std::string& label, py::handle progress,
                                                        bool& complete) {
  std::size_t total = 0;
  for (const auto& j : jobs) total += static_cast<std::size_t>(j.options.seeds);
  Progress pr(total, label, progress);
  std::unique_ptr<distributed::SimulationRunner> runner;
  complete = run_interruptible(
      [&](const std::atomic<bool>& stop) {
        distributed::RunPlan plan;
        plan.checkpoint = c.checkpoint;
        plan.resume = c.resume;
        plan.shard = c.shard;
        plan.threads = threads;
        plan.merged = merged;
        plan.stop = &stop;
        plan.command = {"sobolev_rf." + label};  // what a shard file records (merge() checks it)
        for (const auto& j : jobs) plan.command.push_back(distributed::job_key(j));
        plan.on_progress = [&pr](std::size_t done, std::size_t) { pr.done = done; };
        runner = std::make_unique<distributed::SimulationRunner>(plan);
        return runner->run(jobs);
      },
      &pr);
  return runner;
}

py::object simulate_call(py::handle model, py::handle kwargs, py::handle merged, py::handle progress) {
  const KeywordSet<SimulateCall>& keys = simulate_keywords();
  const Parsed p = keys.parse(kwargs, "simulate");
  require_scalar(keys, p, {"simulation", "checkpoint"});
  SimulateCall base;
  base.model = model_argument(model, "simulate");
  auto check = [&p](SimulateCall& c) {
    simulation::check_given_options(c.sim, [&p](std::string_view name) { return p.given(name); });
    simulation::validate_options(c.sim);
    c.model = simulation::simulation_model(c.model, c.sim, p.given("varpi"));
    simulation::check_simulation_fits(c.model, c.sim);
  };
  std::vector<SimulateCall> calls = p.vector ? call_points(keys, base, p, check)
                                             : std::vector<SimulateCall>{call_point(keys, base, p, check)};
  std::vector<distributed::SimulationJob> jobs;
  for (const auto& c : calls) jobs.push_back({c.model, c.sim});
  const distributed::ResultStore* store = merged_store(merged, "simulate");
  const CheckpointOptions cp = calls.empty() ? CheckpointOptions{} : calls.front().run;
  const int threads = calls.empty() ? 0 : calls.front().sim.threads;
  bool complete = false;
  const auto runner = run_jobs(jobs, cp, threads, store, "simulate", progress, complete);
  if (!complete) return py::none();  // a shard: its file is written
  if (!p.vector) return py::cast(SimulationRun{calls[0].model, calls[0].sim, runner->result(jobs[0])});
  const std::size_t n = calls.size();
  std::vector<simulation::SimulationResult> results(n);
  for (std::size_t i = 0; i < n; ++i) results[i] = runner->result(jobs[i]);
  std::vector<const model::ModelParams*> points(n);
  for (std::size_t i = 0; i < n; ++i) points[i] = &calls[i].model;
  Columns cols(n);
  add_model_columns(cols, points);
  for (const char* name : {"n", "p", "d", "seeds"}) {
    std::int64_t* d = cols.integer(name);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& r = results[i];
      d[i] = name[0] == 'n' ? r.size.n : name[0] == 'p' ? r.size.p : name[0] == 'd' ? r.size.d : r.seeds;
    }
  }
  for (const auto& [name, field] : model::error_fields()) {
    double* mean = cols.real(std::string(name) + "_mean");
    double* se = cols.real(std::string(name) + "_se");
    for (std::size_t i = 0; i < n; ++i) {
      const simulation::Estimate& e = results[i].estimate(name);
      mean[i] = e.mean, se[i] = e.se;
    }
  }
  py::dict attrs = table_attrs(p);
  if (n) {
    attrs["base_seed"] = calls.front().sim.base_seed;
    attrs["test_error"] = simulation::to_string(calls.front().sim.test_error);
  }
  return py::make_tuple(cols.dict(), attrs);
}

py::object validate_call(py::handle model, py::handle points_file, py::handle sweep, py::handle kwargs,
                         py::handle merged, py::handle progress) {
  const KeywordSet<ValidateCall>& keys = validate_keywords();
  const Parsed p = keys.parse(kwargs, "validate");
  require_scalar(keys, p, {"simulation", "validation", "checkpoint"});
  const int sources = (p.vector ? 1 : 0) + (points_file.is_none() ? 0 : 1) + (sweep.is_none() ? 0 : 1);
  if (sources > 1)
    raise_value_error("validate(): the points come from array keywords, points= or sweep=; give one of them");
  ValidateCall base;
  base.model = model_argument(model, "validate");
  // The options (one value per call) and the base point, then the plan's checks, as the CLI's.
  ValidateCall options = base;
  {
    Parsed scalar = p;
    scalar.items.clear();
    for (const auto& i : p.items)
      if (!i.value.broadcast) scalar.items.push_back(i);
    scalar.vector = false;
    scalar.shape.clear();
    scalar.points = 1;
    options = call_point(keys, base, scalar, [](ValidateCall&) {});
  }
  std::unique_ptr<studies::ValidationPlan> plan;
  try {
    simulation::check_given_options(options.sim, [&p](std::string_view name) { return p.given(name); });
    plan = std::make_unique<studies::ValidationPlan>(options.sim, options.validation);
  } catch (const model::InvalidParameter& e) {
    raise_value_error(python_message(e));
  }
  std::vector<model::ModelParams> points;
  if (!points_file.is_none()) {
    const std::string path = py::cast<std::string>(py::module_::import("os").attr("fspath")(points_file));
    std::ifstream in(path);
    if (!in) raise_value_error("validate(): points = " + path + ": cannot open for reading");
    points = studies::read_points(in, options.model, "points = " + path);  // the keywords are the starting point
  } else if (p.vector) {
    for (const auto& c : call_points(keys, base, p, [](ValidateCall& c) { c.model.validate(); }))
      points.push_back(c.model);
  } else {
    try {
      options.model.validate();
    } catch (const model::InvalidParameter& e) {
      raise_value_error(python_message(e));
    }
    if (sweep.is_none()) {
      points = {options.model};
    } else {
      if (!PyUnicode_Check(sweep.ptr()))
        raise_type_error("validate(): sweep = " + python_repr(sweep) + ": expected 'name=lo:hi:count[:log]'");
      points = studies::sweep_points(options.model, studies::parse_sweep_spec(py::cast<std::string>(sweep), "sweep"),
                                     "sweep");
    }
  }
  try {
    plan->add_points(points);
    for (const auto& s : plan->simulations()) simulation::check_simulation_fits(s.params, s.options);
  } catch (const model::InvalidParameter& e) {
    raise_value_error(python_message(e));
  }
  std::vector<distributed::SimulationJob> jobs;
  for (const auto& s : plan->simulations()) jobs.push_back({s.params, s.options});
  const distributed::ResultStore* store = merged_store(merged, "validate");
  bool complete = false;
  const auto runner = run_jobs(jobs, options.run, plan->small().threads, store, "validate", progress, complete);
  if (!complete) return py::none();  // a shard: its file is written
  ValidationRun out;
  out.points = plan->points();
  out.small = plan->small();
  out.large = plan->large();
  out.options = plan->options();
  for (std::size_t i = 0; i < out.points.size(); ++i) {
    out.validations.push_back(plan->compare(i, runner->result(jobs[2 * i]), runner->result(jobs[2 * i + 1])));
    out.tally.add(out.validations.back());
  }
  out.summary = out.tally.summary(*plan);
  return py::cast(std::move(out));
}

py::object merge_call(const std::vector<std::string>& paths) {
  MergedRun r;
  r.merged = distributed::merge_shards(paths);
  return py::cast(std::move(r));
}

}  // namespace

void bind_simulation(py::module_& m) {
  bind_simulation_results(m);
  m.def("simulate", &simulate_call, py::arg("model"), py::arg("kwargs"), py::arg("merged"), py::arg("progress"));
  m.def("validate", &validate_call, py::arg("model"), py::arg("points"), py::arg("sweep"), py::arg("kwargs"),
        py::arg("merged"), py::arg("progress"));
  m.def("merge", &merge_call, py::arg("paths"));
  py::dict k = m.attr("_keywords");
  k["simulate"] = simulate_keywords().describe(SimulateCall{});
  k["validate"] = validate_keywords().describe(ValidateCall{});
}

}  // namespace srf::python
