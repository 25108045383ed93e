// The library's parameter and option structs as Python classes, each generated from its field
// table: Model (model::ModelParams), SolverOptions, OptimizeOptions, CompareOptions,
// SimulationOptions, ValidationOptions. Keyword construction, read-only properties, to_dict,
// replace, repr, equality and pickling are loops over the table; invalid values raise ValueError
// naming the keyword (the struct's validate()), wrong types TypeError.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/simulation/options_table.hpp>
#include <sobolev_rf/theory/solver_options_table.hpp>

#include "bindings.hpp"

namespace srf::python {

namespace {

template <class S>
using Validate = void (*)(const S&);

// Applies keywords to `s` and validates; library errors become ValueError naming keywords.
template <class S>
void apply_keywords(const KeywordSet<S>& keys, S& s, py::handle kwargs, const std::string& name, Validate<S> validate) {
  const Parsed p = keys.parse(kwargs, name, /*broadcast=*/false);
  try {
    keys.apply(s, p);
    validate(s);
  } catch (const model::InvalidParameter& e) {
    raise_value_error(python_message(e));
  }
}

// The keywords that rebuild `s` from a default struct: the rows whose value differs from the
// default's after the earlier ones are set (so p_over_n is left out when alpha says it).
template <class S>
py::dict minimal_keywords(const KeywordSet<S>& keys, const S& s) {
  py::dict d;
  S rebuilt{};
  for (const auto& e : keys.entries()) {
    if (!e.info.column) continue;
    py::object want = e.value(s);
    if (want.equal(e.value(rebuilt))) continue;
    if (e.type == model::FieldType::kReal) {
      const double v = e.get_number(s);
      if (std::isnan(v) && std::isnan(e.get_number(rebuilt))) continue;
    }
    d[py::str(e.info.keyword)] = want;
    try {
      switch (e.type) {
        case model::FieldType::kText:
        case model::FieldType::kChoice: e.set_text(rebuilt, e.get_text(s)); break;
        case model::FieldType::kRealList: e.set_list(rebuilt, e.get_list(s)); break;
        default: e.set_number(rebuilt, e.get_number(s)); break;
      }
    } catch (const std::exception&) {
    }
  }
  return d;
}

template <class S>
py::class_<S> bind_struct(py::module_& m, const char* name, const KeywordSet<S>& keys, Validate<S> validate,
                          const std::string& doc) {
  py::class_<S> c(m, name, doc.c_str());
  const std::string cname = name;
  c.def(py::init([&keys, validate, cname](py::kwargs kw) {
          S s{};
          apply_keywords(keys, s, kw, cname, validate);
          return s;
        }),
        ("A " + cname + " from keywords (the defaults for the others); see help(" + cname + ").").c_str());
  for (const auto& e : keys.entries()) {
    const auto* entry = &e;
    c.def_property_readonly(
        e.info.keyword.c_str(), [entry](const S& s) { return entry->value(s); },
        (e.info.description + " (" + e.info.type + ")").c_str());
  }
  c.def(
      "to_dict",
      [&keys](const S& s) {
        py::dict d;
        for (const auto& e : keys.entries())
          if (e.info.column) d[py::str(e.info.keyword)] = e.value(s);
        return d;
      },
      "Every field by its keyword (columns, not shorthands): cls(**x.to_dict()) == x.");
  c.def(
      "replace",
      [&keys, validate, cname](const S& s, py::kwargs kw) {
        S copy = s;
        apply_keywords(keys, copy, kw, cname + ".replace", validate);
        return copy;
      },
      "A copy with the keywords given set (validated); the original is unchanged.");
  c.def("__repr__", [&keys, cname](const S& s) {
    std::string out = cname + "(";
    bool first = true;
    for (auto item : minimal_keywords(keys, s)) {
      out += (first ? "" : ", ") + py::cast<std::string>(item.first) + "=" + py::cast<std::string>(py::repr(item.second));
      first = false;
    }
    return out + ")";
  });
  c.def("__eq__", [&keys](const S& a, py::handle other) {
    if (!py::isinstance<S>(other)) return false;
    const S& b = py::cast<const S&>(other);
    for (const auto& e : keys.entries())
      if (!e.value(a).equal(e.value(b))) {
        if (e.type == model::FieldType::kReal && std::isnan(e.get_number(a)) && std::isnan(e.get_number(b))) continue;
        return false;
      }
    return true;
  });
  c.attr("__hash__") = py::none();
  c.def("__copy__", [](const S& s) { return S(s); });
  c.def("__deepcopy__", [](const S& s, py::handle) { return S(s); });
  c.def(py::pickle([&keys](const S& s) { return minimal_keywords(keys, s); },
                   [&keys, validate, cname](py::dict d) {
                     S s{};
                     apply_keywords(keys, s, d, cname, validate);
                     return s;
                   }));
  return c;
}

void validate_model(const model::ModelParams& p) { p.validate(); }
void validate_solver(const theory::SaddlePointOptions& o) { o.validate(); }
void validate_optimize(const studies::OptimizeOptions& o) { o.validate(); }
void validate_compare(const studies::CompareOptions& o) { o.validate(); }
void validate_simulation(const simulation::SimulationOptions& o) { simulation::validate_options(o); }
void validate_validation(const studies::ValidationOptions& o) { o.validate(); }

template <class S>
std::function<S&(S&)> self() {
  return [](S& s) -> S& { return s; };
}

}  // namespace

const KeywordSet<model::ModelParams>& model_keywords() {
  static const KeywordSet<model::ModelParams> k = [] {
    KeywordSet<model::ModelParams> s;
    s.add(model::model_parameters(), self<model::ModelParams>(), "model");
    return s;
  }();
  return k;
}

const KeywordSet<theory::SaddlePointOptions>& solver_keywords() {
  static const KeywordSet<theory::SaddlePointOptions> k = [] {
    KeywordSet<theory::SaddlePointOptions> s;
    s.add(theory::solver_options_table(), self<theory::SaddlePointOptions>(), "solver");
    return s;
  }();
  return k;
}

const KeywordSet<studies::OptimizeOptions>& optimize_keywords() {
  static const KeywordSet<studies::OptimizeOptions> k = [] {
    KeywordSet<studies::OptimizeOptions> s;
    s.add(studies::optimize_options_table(), self<studies::OptimizeOptions>(), "search");
    return s;
  }();
  return k;
}

const KeywordSet<studies::CompareOptions>& compare_keywords() {
  static const KeywordSet<studies::CompareOptions> k = [] {
    KeywordSet<studies::CompareOptions> s;
    s.add(studies::compare_options_table(), self<studies::CompareOptions>(), "compare");
    s.add(studies::optimize_options_table(),
          std::function<studies::OptimizeOptions&(studies::CompareOptions&)>(
              [](studies::CompareOptions& c) -> studies::OptimizeOptions& { return c.search; }),
          "search", {"over"});
    return s;
  }();
  return k;
}

const KeywordSet<simulation::SimulationOptions>& simulation_keywords() {
  static const KeywordSet<simulation::SimulationOptions> k = [] {
    KeywordSet<simulation::SimulationOptions> s;
    s.add(simulation::simulation_options_table(), self<simulation::SimulationOptions>(), "simulation");
    return s;
  }();
  return k;
}

const KeywordSet<studies::ValidationOptions>& validation_keywords() {
  static const KeywordSet<studies::ValidationOptions> k = [] {
    KeywordSet<studies::ValidationOptions> s;
    s.add(studies::validation_options_table(), self<studies::ValidationOptions>(), "validation");
    return s;
  }();
  return k;
}

const std::vector<model::Field<RunOptions>>& run_options_table() {
  static const std::vector<model::Field<RunOptions>> t = {
      model::integer("threads", &RunOptions::threads,
                     "array calls: points solved in parallel, in fixed chunks (results do not depend on it; 0: "
                     "OpenMP's default)"),
  };
  return t;
}

const std::vector<model::Field<CheckpointOptions>>& checkpoint_options_table() {
  using C = CheckpointOptions;
  static const std::vector<model::Field<C>> t = {
      model::text("checkpoint", &C::checkpoint,
                  "file that receives every finished seed as it finishes (resume), or the shard's results"),
      model::boolean("resume", &C::resume, "keep the seeds already in checkpoint; compute only the rest"),
      model::text("shard", &C::shard,
                  "i/N: compute only the i-th of N slices of the seeds into checkpoint (combine with merge())"),
  };
  return t;
}

model::ModelParams model_argument(py::handle model, const std::string& function) {
  if (model.is_none()) return {};
  if (!py::isinstance<model::ModelParams>(model))
    raise_type_error(function + "(): model = " + python_repr(model) + ": expected a sobolev_rf.Model or None");
  return py::cast<const model::ModelParams&>(model);
}

void bind_structs(py::module_& m) {
  bind_struct(m, "Model", model_keywords(), &validate_model,
              "The model of docs/model.md (model::ModelParams): activations, alpha = n/p (or p_over_n), gamma = "
              "d/p, the ridge lam, k sketched gradient directions with alignment varpi (k numbers), beta, noise, an "
              "informed direction, structured inputs. Model(**keywords); every field is a read-only property; "
              "replace(**keywords) makes a changed copy. Invalid values raise ValueError naming the keyword.");
  bind_struct(m, "SolverOptions", solver_keywords(), &validate_solver,
              "The saddle-point solver's options (theory::SaddlePointOptions).");
  bind_struct(m, "OptimizeOptions", optimize_keywords(), &validate_optimize,
              "The search of optimize() (studies::OptimizeOptions): over lambda, beta or both, the objective, "
              "ranges and grids.");
  bind_struct(m, "CompareOptions", compare_keywords(), &validate_compare,
              "The options of compare() (studies::CompareOptions) with its search's (objective, ranges).");
  bind_struct(m, "SimulationOptions", simulation_keywords(), &validate_simulation,
              "The finite-size simulation's options (simulation::SimulationOptions): p, seeds, threads, seed, ...");
  bind_struct(m, "ValidationOptions", validation_keywords(), &validate_validation,
              "validate()'s own options (studies::ValidationOptions): p_large, z_threshold.");
}

}  // namespace srf::python
