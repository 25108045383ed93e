#include "results.hpp"

#include <sobolev_rf/theory/structured_finite_d.hpp>

#include <pybind11/stl.h>

#include <cmath>

#include <sobolev_rf/report/research_json.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>

#include "columns.hpp"
#include "json_to_python.hpp"
#include "keywords.hpp"

namespace srf::python {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

py::dict law_dict(const theory::VarpiLaw& law, int k) {
  py::dict d;
  for (const auto& [name, field] : model::error_fields()) {
    const theory::VarpiStatistics s = theory::varpi_statistics(law, field, k);
    py::dict e;
    e["mean"] = s.mean, e["std"] = s.std, e["q05"] = s.q05, e["q50"] = s.q50, e["q95"] = s.q95;
    e["A0"] = law.A0.*field, e["A2"] = law.A2.*field;
    d[py::str(name)] = e;
  }
  return d;
}

// x[key] of a report, with the report's keys listed when `key` is not one of them.
py::object report_item(const py::dict& report, const std::string& key) {
  if (report.contains(key)) return report[py::str(key)];
  std::string known;
  for (auto item : report) known += (known.empty() ? "" : ", ") + py::cast<std::string>(item.first);
  throw py::key_error("'" + key + "': not a key of the report (to_dict()); keys: " + known);
}

std::string number_text(double v) {
  std::string s = py::cast<std::string>(py::repr(py::float_(v)));
  return s;
}

template <class T, class Get>
void def_errors(py::class_<T>& c, Get get) {
  for (const auto& [name, field] : model::error_fields()) {
    auto f = field;
    c.def_property_readonly(
        name, [get, f](const T& t) { return get(t).*f; },
        (std::string(name) + ": the reported error of docs/model.md (NaN when not converged)").c_str());
  }
}

const theory::TheoryResult& result_of(const TheoryPoint& t) { return t.answer.solution.result; }

}  // namespace

double sensitivity(const theory::TheoryRequest& request, const theory::TheoryAnswer& answer, bool lambda,
                   double model::Errors::*field) {
  const theory::TheoryResult& r = answer.solution.result;
  const theory::Sensitivities& s = r.sensitivities;
  if (!request.sensitivities || !s.computed) return kNaN;
  const model::Errors& at = lambda ? s.d_lambda : s.d_beta;
  const theory::VarpiLaw& law = lambda ? s.d_lambda_law : s.d_beta_law;
  return request.varpi_average ? law.A0.*field + answer.model.k * r.varpi_law.tau2 * law.A2.*field : at.*field;
}

void bind_theory_result(py::module_& m) {
  py::class_<TheoryPoint> c(m, "TheoryResult",
                            "The theory at one point (theory(...) without arrays): every error as an attribute (at "
                            "the model's varpi; averaged over varpi: its law in varpi_law), the convergence fields, the "
                            "order parameters, the law over varpi ~ N(0, I_k), sensitivities when asked, and to_dict(): "
                            "the report of `sobolev-rf theory --format json` (NaN for its nulls).");
  def_errors(c, [](const TheoryPoint& t) -> const model::Errors& { return result_of(t).errors; });
  c.def_property_readonly("converged", [](const TheoryPoint& t) { return result_of(t).summary.converged(); });
  c.def_property_readonly("termination",
                          [](const TheoryPoint& t) { return numerics::to_string(result_of(t).summary.termination); });
  c.def_property_readonly("message", [](const TheoryPoint& t) { return result_of(t).summary.message; });
  c.def_property_readonly("iterations", [](const TheoryPoint& t) { return result_of(t).summary.iterations; });
  c.def_property_readonly("residual", [](const TheoryPoint& t) { return result_of(t).summary.residual; });
  c.def_property_readonly("residual_history",
                          [](const TheoryPoint& t) { return result_of(t).summary.residual_history; });
  c.def_property_readonly("order_parameters", [](const TheoryPoint& t) {
    py::dict d;
    for (const auto& [name, v] : result_of(t).order_parameters) d[py::str(name)] = v;
    return d;
  });
  c.def_property_readonly(
      "varpi_law", [](const TheoryPoint& t) { return law_dict(result_of(t).varpi_law, t.answer.model.k); },
      "Each error's law over the sketch draw varpi ~ N(0, tau2 I_k): A0 + A2 |varpi|^2; mean, std, q05, q50, q95, "
      "A0, A2.");
  c.def_property_readonly(
      "gen_g_law",
      [](const TheoryPoint& t) -> py::object {
        const theory::UnpinnedSketchLaw& u = result_of(t).unpinned_sketch;
        if (!u.applies) return py::none();
        py::dict d;
        d["mean"] = u.gen_g_mean, d["std"] = u.gen_g_std, d["s_mean"] = u.s_mean, d["s_variance"] = u.s_variance;
        return d;
      },
      "beta = 0 with k > 0: gen_g's law over the sketch's free part (gen_g is its mean); None otherwise.");
  c.def_property_readonly(
      "sensitivities",
      [](const TheoryPoint& t) -> py::object {
        if (!t.request.sensitivities) return py::none();
        py::dict d;
        d["computed"] = result_of(t).sensitivities.computed;
        d["message"] = result_of(t).sensitivities.message;
        for (const bool lambda : {true, false}) {
          py::dict b;
          for (const auto& [name, field] : model::error_fields())
            b[py::str(name)] = sensitivity(t.request, t.answer, lambda, field);
          d[lambda ? "d_lambda" : "d_beta"] = b;
        }
        return d;
      },
      "With sensitivities=True: d(error)/d(lambda) and d(error)/d(beta) at the solution (of the mean over varpi "
      "when averaging); None otherwise.");
  c.def_property_readonly("model", [](const TheoryPoint& t) { return t.answer.model; },
                          "The model answered (varpi filled with zeros when averaging without one).");
  c.def_property_readonly("solved_model", [](const TheoryPoint& t) { return t.answer.solved; },
                          "The model whose saddle point was solved (the equivalent one of a variant).");
  c.def_property_readonly("variant", [](const TheoryPoint& t) { return theory::to_string(t.answer.variant); },
                          "Which equations answered: limit, unit-sketch or finite-d.");
  c.def_property_readonly("varpi_average", [](const TheoryPoint& t) { return t.request.varpi_average; });
  c.def_property_readonly(
      "finite_size",
      [](const TheoryPoint& t) -> py::object {
        const nlohmann::json j = report::theory_answer_json(t.request, t.answer);
        return j.contains("finite_size") ? json_to_python(j["finite_size"]) : py::none();
      },
      "Structured inputs: the regime index, the d of the estimate and the finite-size correction (the largest "
      "relative distance of the limit from the finite-d theory in gen_f, gen_grad; docs/theory/structured.md "
      "[S.15]); None for isotropic inputs.");
  c.def_property_readonly(
      "teacher_average",
      [](const TheoryPoint& t) -> py::object {
        const nlohmann::json j = report::theory_answer_json(t.request, t.answer);
        return j.contains("teacher_average") ? json_to_python(j["teacher_average"]) : py::none();
      },
      "The finite-d structured theory (d=D): how its errors were averaged over the teacher's directions (method, "
      "draws, seed, standard errors); None otherwise.");
  c.def_property_readonly(
      "finite_size_warning",
      [](const TheoryPoint& t) { return theory::finite_size_warning(result_of(t).finite_size, "d=D"); },
      "The warning of a limit answer whose finite-size correction exceeds 5 % (theory() issues it as a "
      "UserWarning), or ''.");
  c.def(
      "to_dict", [](const TheoryPoint& t) { return json_to_python(report::theory_answer_json(t.request, t.answer)); },
      "The report of `sobolev-rf theory --format json` for this point, as a dict (NaN for JSON's null).");
  c.def("__getitem__", [](const TheoryPoint& t, const std::string& key) {
    return report_item(json_to_python(report::theory_answer_json(t.request, t.answer)), key);
  });
  c.def("__repr__", [](const TheoryPoint& t) {
    const theory::TheoryResult& r = result_of(t);
    std::string s = "TheoryResult(converged=" + std::string(r.summary.converged() ? "True" : "False");
    for (const auto& [name, field] : model::error_fields())
      if (t.answer.model.k > 0 || (std::string(name) != "train_g" && std::string(name) != "gen_g" &&
                                   std::string(name) != "gen_h1"))
        if (t.answer.model.has_informed() || std::string(name).find("_inf") == std::string::npos)
          s += ", " + std::string(name) + "=" + number_text(r.errors.*field);
    return s + ")";
  });
}

void bind_research_results(py::module_& m) {
  py::class_<OptimumResult> o(m, "Optimum",
                              "An optimum of optimize(): lambda_opt and/or beta_opt (beta_opt = 0: the L2 fit on the "
                              "same sketch won), value (the objective there), converged, evaluations, the errors "
                              "there, result (the TheoryResult there) and to_dict(): the report of `sobolev-rf "
                              "optimize --format json`.");
  o.def_property_readonly("lambda_opt", [](const OptimumResult& r) { return r.best.lambda; });
  o.def_property_readonly("beta_opt", [](const OptimumResult& r) { return r.best.beta; });
  o.def_property_readonly("value", [](const OptimumResult& r) { return r.best.value; });
  o.def_property_readonly("converged", [](const OptimumResult& r) { return r.best.converged; });
  o.def_property_readonly("evaluations", [](const OptimumResult& r) { return r.best.evaluations; });
  o.def_property_readonly("lambda_on_boundary", [](const OptimumResult& r) { return r.best.lambda_on_boundary; });
  o.def_property_readonly("beta_on_boundary", [](const OptimumResult& r) { return r.best.beta_on_boundary; });
  o.def_property_readonly("positive_value", [](const OptimumResult& r) { return r.best.positive_value; });
  o.def_property_readonly("positive_lambda", [](const OptimumResult& r) { return r.best.positive_lambda; });
  o.def_property_readonly("positive_beta", [](const OptimumResult& r) { return r.best.positive_beta; });
  o.def_property_readonly("zero_value", [](const OptimumResult& r) { return r.best.zero_value; });
  o.def_property_readonly("zero_lambda", [](const OptimumResult& r) { return r.best.zero_lambda; });
  o.def_property_readonly("sample_factor", [](const OptimumResult& r) { return r.sample_factor; },
                          "A compare() row's samples relative to the request's n (NaN for optimize()).");
  o.def_property_readonly("over", [](const OptimumResult& r) { return studies::to_string(r.options.over); });
  o.def_property_readonly("objective", [](const OptimumResult& r) { return r.options.objective; });
  o.def_property_readonly("model", [](const OptimumResult& r) { return r.best.answer.model; });
  o.def_property_readonly("result", [](const OptimumResult& r) { return TheoryPoint{r.best.request, r.best.answer}; });
  o.def_property_readonly("finite_size_warning", [](const OptimumResult& r) {
    return theory::finite_size_warning(r.best.answer.solution.result.finite_size, "d=D");
  });
  def_errors(o, [](const OptimumResult& r) -> const model::Errors& { return r.best.answer.solution.result.errors; });
  o.def("to_dict", [](const OptimumResult& r) { return json_to_python(report::optimum_json(r.best, r.options)); });
  o.def("__getitem__", [](const OptimumResult& r, const std::string& key) {
    return report_item(json_to_python(report::optimum_json(r.best, r.options)), key);
  });
  o.def("__repr__", [](const OptimumResult& r) {
    std::string s = "Optimum(over=" + std::string(studies::to_string(r.options.over)) + ", objective=" +
                    r.options.objective + ", value=" + number_text(r.best.value);
    if (r.options.over != studies::OptimizeOver::kBeta) s += ", lambda_opt=" + number_text(r.best.lambda);
    if (r.options.over != studies::OptimizeOver::kLambda) s += ", beta_opt=" + number_text(r.best.beta);
    return s + ", converged=" + (r.best.converged ? "True" : "False") + ")";
  });

  py::class_<ComparisonResult> c(m, "Comparison",
                                 "compare(): should I train on my gradients? The rows l2_equal_samples, l2_equal_cost, "
                                 "sobolev, sobolev_beta1 (rows: a DataFrame; row(name): the Optimum), the gains "
                                 "(> 1: the gradients pay), the budget table when asked, the verdict, and to_dict(): "
                                 "the report of `sobolev-rf compare --format json`.");
  static const char* const kRows[] = {"l2_equal_samples", "l2_equal_cost", "sobolev", "sobolev_beta1"};
  auto row_of = [](const ComparisonResult& r, const std::string& name) -> const studies::CompareRow& {
    const auto& t = r.comparison;
    if (name == "l2_equal_samples") return t.l2_equal_samples;
    if (name == "l2_equal_cost") return t.l2_equal_cost;
    if (name == "sobolev") return t.sobolev;
    if (name == "sobolev_beta1") return t.sobolev_beta1;
    throw py::key_error("'" + name + "': rows are l2_equal_samples, l2_equal_cost, sobolev, sobolev_beta1");
  };
  c.def_property_readonly("gain_equal_samples", [](const ComparisonResult& r) { return r.comparison.gain_equal_samples; });
  c.def_property_readonly("gain_equal_cost", [](const ComparisonResult& r) { return r.comparison.gain_equal_cost; });
  c.def_property_readonly("gain_beta1", [](const ComparisonResult& r) { return r.comparison.gain_beta1; });
  c.def_property_readonly("label_cost", [](const ComparisonResult& r) { return r.comparison.label_cost; });
  c.def_property_readonly("best_k", [](const ComparisonResult& r) -> py::object {
    return r.comparison.best_k < 0 ? py::object(py::none()) : py::object(py::int_(r.comparison.best_k));
  });
  c.def_property_readonly("converged", [](const ComparisonResult& r) { return r.comparison.converged; });
  c.def_property_readonly("verdict", [](const ComparisonResult& r) { return r.comparison.verdict; });
  c.def_property_readonly("finite_size_warning", [](const ComparisonResult& r) {
    return theory::finite_size_warning(r.comparison.sobolev.optimum.answer.solution.result.finite_size, "d=D");
  });
  c.def_property_readonly("row_names", [](const ComparisonResult&) {
    py::list l;
    for (const char* n : kRows) l.append(n);
    return l;
  });
  c.def(
      "row",
      [row_of](const ComparisonResult& r, const std::string& name) {
        const studies::CompareRow& row = row_of(r, name);
        studies::OptimizeOptions o = r.options.search;
        o.over = name == "sobolev" ? studies::OptimizeOver::kBoth : studies::OptimizeOver::kLambda;
        return OptimumResult{row.optimum, o, row.sample_factor};
      },
      py::arg("name"), "The Optimum of one row.");
  c.def("_rows", [row_of](const ComparisonResult& r) {
    Columns cols(4);
    py::list names = cols.text("row");
    double* factor = cols.real("sample_factor");
    double* lam = cols.real("lambda_opt");
    double* beta = cols.real("beta_opt");
    double* value = cols.real("value");
    bool* lam_edge = cols.boolean("lambda_on_boundary");
    bool* beta_edge = cols.boolean("beta_on_boundary");
    bool* conv = cols.boolean("converged");
    std::int64_t* evals = cols.integer("evaluations");
    std::vector<const studies::CompareRow*> rows;
    for (int i = 0; i < 4; ++i) {
      const studies::CompareRow& row = row_of(r, kRows[i]);
      rows.push_back(&row);
      names[i] = kRows[i];
      factor[i] = row.sample_factor, lam[i] = row.optimum.lambda, beta[i] = row.optimum.beta;
      value[i] = row.optimum.value, lam_edge[i] = row.optimum.lambda_on_boundary;
      beta_edge[i] = row.optimum.beta_on_boundary, conv[i] = row.optimum.converged;
      evals[i] = row.optimum.evaluations;
    }
    for (const auto& [name, field] : model::error_fields()) {
      double* e = cols.real(name);
      for (int i = 0; i < 4; ++i)
        if (rows[i]->optimum.converged) e[i] = rows[i]->optimum.answer.solution.result.errors.*field;
    }
    return cols.dict();
  });
  c.def("_budget", [](const ComparisonResult& r) -> py::object {
    const auto& b = r.comparison.budget;
    if (b.empty()) return py::none();
    Columns cols(b.size());
    std::int64_t* k = cols.integer("k");
    double* factor = cols.real("sample_factor");
    double* lam = cols.real("lambda_opt");
    double* beta = cols.real("beta_opt");
    double* value = cols.real("value");
    bool* conv = cols.boolean("converged");
    bool* best = cols.boolean("best");
    for (std::size_t i = 0; i < b.size(); ++i) {
      k[i] = b[i].k, factor[i] = b[i].sample_factor, lam[i] = b[i].optimum.lambda, beta[i] = b[i].optimum.beta;
      value[i] = b[i].optimum.value, conv[i] = b[i].optimum.converged, best[i] = b[i].k == r.comparison.best_k;
    }
    return cols.dict();
  });
  c.def("to_dict", [](const ComparisonResult& r) {
    return json_to_python(report::training_comparison_json(r.request, r.options, r.comparison));
  });
  c.def("__getitem__", [](const ComparisonResult& r, const std::string& key) {
    return report_item(json_to_python(report::training_comparison_json(r.request, r.options, r.comparison)), key);
  });
  c.def("__repr__", [](const ComparisonResult& r) {
    return "Comparison(gain_equal_samples=" + number_text(r.comparison.gain_equal_samples) +
           ", gain_equal_cost=" + number_text(r.comparison.gain_equal_cost) + ", verdict=" +
           py::cast<std::string>(py::repr(py::str(r.comparison.verdict))) + ")";
  });
}

void bind_simulation_results(py::module_& m) {
  py::class_<simulation::Estimate> e(m, "Estimate", "A simulated error over seeds: mean and standard error (se).");
  e.def_readonly("mean", &simulation::Estimate::mean);
  e.def_readonly("se", &simulation::Estimate::se);
  e.def("__iter__", [](const simulation::Estimate& x) { return py::iter(py::make_tuple(x.mean, x.se)); });
  e.def("__getitem__", [](const simulation::Estimate& x, const std::string& k) {
    if (k == "mean") return x.mean;
    if (k == "se") return x.se;
    throw py::key_error("'" + k + "': an Estimate has mean and se");
  });
  e.def("__repr__", [](const simulation::Estimate& x) {
    return "Estimate(mean=" + number_text(x.mean) + ", se=" + number_text(x.se) + ")";
  });

  py::class_<SimulationRun> s(m, "Simulation",
                              "simulate() at one point: each error's Estimate (mean, se over seeds) as an attribute, "
                              "the sizes n, p, d, per_seed (a DataFrame), and to_dict(): the report of `sobolev-rf "
                              "simulate --format json`.");
  for (const auto& [name, field] : model::error_fields()) {
    const std::string key = name;
    s.def_property_readonly(name, [key](const SimulationRun& r) { return r.result.estimate(key); });
  }
  s.def_property_readonly("n", [](const SimulationRun& r) { return r.result.size.n; });
  s.def_property_readonly("p", [](const SimulationRun& r) { return r.result.size.p; });
  s.def_property_readonly("d", [](const SimulationRun& r) { return r.result.size.d; });
  s.def_property_readonly("k", [](const SimulationRun& r) { return r.result.size.k; });
  s.def_property_readonly("seeds", [](const SimulationRun& r) { return r.result.seeds; });
  s.def_property_readonly("threads", [](const SimulationRun& r) { return r.result.threads; });
  s.def_property_readonly("seeds_in_parallel", [](const SimulationRun& r) { return r.result.seeds_in_parallel; });
  s.def_property_readonly("wall_seconds", [](const SimulationRun& r) { return r.result.wall_seconds; });
  s.def_property_readonly("model", [](const SimulationRun& r) { return r.params; });
  s.def_property_readonly("options", [](const SimulationRun& r) { return r.options; });
  s.def("_per_seed", [](const SimulationRun& r) {
    const auto& seeds = r.result.per_seed;
    const std::size_t n = seeds.size();
    Columns cols(n);
    std::int64_t* seed = cols.integer("seed");
    for (std::size_t i = 0; i < n; ++i) seed[i] = seeds[i].seed_index;
    for (int j = 0; j < r.result.size.k; ++j) {
      double* v = cols.real("varpi_" + std::to_string(j + 1));
      for (std::size_t i = 0; i < n; ++i)
        if (static_cast<std::size_t>(j) < seeds[i].varpi.size()) v[i] = seeds[i].varpi[static_cast<std::size_t>(j)];
    }
    py::list solve = cols.text("solve");
    for (std::size_t i = 0; i < n; ++i) solve[i] = simulation::solved_system(seeds[i].primal);
    for (const auto& [name, field] : model::error_fields()) {
      double* v = cols.real(name);
      for (std::size_t i = 0; i < n; ++i) v[i] = seeds[i].errors.*field;
    }
    const bool exact = r.options.test_error == simulation::TestError::kExact;
    for (const auto& [name, field] : model::error_fields()) {
      if (std::string(name).rfind("gen_", 0) != 0) continue;
      double* v = cols.real((exact ? "population_truncation_bound_" : "test_se_") + std::string(name));
      for (std::size_t i = 0; i < n; ++i)
        v[i] = exact ? seeds[i].population_truncation_bound.*field : seeds[i].test_se.*field;
    }
    return cols.dict();
  });
  s.def("to_dict",
        [](const SimulationRun& r) { return json_to_python(report::simulation_json(r.params, r.options, r.result)); });
  s.def("__getitem__", [](const SimulationRun& r, const std::string& key) {
    return report_item(json_to_python(report::simulation_json(r.params, r.options, r.result)), key);
  });
  s.def("__repr__", [](const SimulationRun& r) {
    std::string out = "Simulation(n=" + std::to_string(r.result.size.n) + ", p=" + std::to_string(r.result.size.p) +
                      ", d=" + std::to_string(r.result.size.d) + ", seeds=" + std::to_string(r.result.seeds);
    for (const char* name : {"train_f", "gen_f"}) {
      const auto& x = r.result.estimate(name);
      out += std::string(", ") + name + "=" + number_text(x.mean) + "±" + number_text(x.se);
    }
    return out + ")";
  });

  py::class_<ValidationRun> v(m, "Validation",
                              "validate(): theory against simulation at p and p_large. table (a DataFrame: one row per "
                              "point and compared quantity, the columns of `sobolev-rf validate --output`), "
                              "comparisons, disagreements, agree, summary.");
  v.def_property_readonly("comparisons", [](const ValidationRun& r) { return r.tally.comparisons; });
  v.def_property_readonly("disagreements", [](const ValidationRun& r) { return r.tally.disagreements; });
  v.def_property_readonly("agree", [](const ValidationRun& r) { return r.tally.agree(); });
  v.def_property_readonly("summary", [](const ValidationRun& r) { return r.summary; });
  v.def_property_readonly("p", [](const ValidationRun& r) { return r.small.p; });
  v.def_property_readonly("p_large", [](const ValidationRun& r) { return r.large.p; });
  v.def_property_readonly("seeds", [](const ValidationRun& r) { return r.small.seeds; });
  v.def_property_readonly("base_seed", [](const ValidationRun& r) { return r.small.base_seed; });
  v.def_property_readonly("z_threshold", [](const ValidationRun& r) { return r.options.z_threshold; });
  v.def_property_readonly("points", [](const ValidationRun& r) { return r.points; });
  v.def_property_readonly("version", [](const ValidationRun&) { return std::string(report::version()); });
  v.def("_table", [](const ValidationRun& r) {
    std::vector<const model::ModelParams*> params;
    std::vector<std::pair<std::size_t, const studies::QuantityComparison*>> rows;
    for (std::size_t i = 0; i < r.validations.size(); ++i)
      for (const auto& q : r.validations[i].quantities) {
        rows.emplace_back(i, &q);
        params.push_back(&r.validations[i].params);
      }
    const std::size_t n = rows.size();
    Columns cols(n);
    std::int64_t* point = cols.integer("point");
    for (std::size_t i = 0; i < n; ++i) point[i] = static_cast<std::int64_t>(rows[i].first + 1);
    add_model_columns(cols, params);
    py::list quantity = cols.text("quantity");
    double* theory = cols.real("theory");
    double* theory_large = cols.real("theory_large");
    py::list status = cols.text("theory_status");
    std::int64_t* p_small = cols.integer("p_small");
    double* mean_small = cols.real("mean_small");
    double* se_small = cols.real("se_small");
    double* z_small = cols.real("z_small");
    std::int64_t* p_large = cols.integer("p_large");
    double* mean_large = cols.real("mean_large");
    double* se_large = cols.real("se_large");
    double* z_large = cols.real("z_large");
    bool* shrinks = cols.boolean("gap_shrinks");
    py::list verdict = cols.text("verdict");
    for (std::size_t i = 0; i < n; ++i) {
      const studies::PointValidation& pv = r.validations[rows[i].first];
      const studies::QuantityComparison& q = *rows[i].second;
      const bool with_theory = q.verdict != studies::Verdict::kSimulationOnly;
      quantity[i] = q.name, theory[i] = q.theory, theory_large[i] = q.theory_large, status[i] = pv.theory_status;
      p_small[i] = pv.small.size.p, mean_small[i] = q.small.mean, se_small[i] = q.small.se, z_small[i] = q.z_small;
      p_large[i] = pv.large.size.p, mean_large[i] = q.large.mean, se_large[i] = q.large.se, z_large[i] = q.z_large;
      shrinks[i] = with_theory && q.gap_shrinks;
      verdict[i] = studies::to_string(q.verdict);
    }
    return cols.dict();
  });
  v.def("__repr__", [](const ValidationRun& r) { return "Validation(" + r.summary + ")"; });

  py::class_<MergedRun> g(m, "MergedShards",
                          "merge(): every seed of the shard files of one job-array run (simulate or validate with "
                          "shard='i/N', or the CLI's --shard). Pass it as merged= to the same simulate() or validate() "
                          "call: it assembles what the single run computes, computing nothing.");
  g.def_property_readonly("command", [](const MergedRun& r) { return r.merged.command; });
  g.def_property_readonly("shards", [](const MergedRun& r) { return r.merged.count; });
  g.def_property_readonly("seeds", [](const MergedRun& r) { return r.merged.store.size(); });
  g.def("__repr__", [](const MergedRun& r) {
    return "MergedShards(" + std::to_string(r.merged.count) + " shards, " + std::to_string(r.merged.store.size()) +
           " seeds)";
  });
}

}  // namespace srf::python
