// sobolev_rf._core: the C++ libraries bound for Python, a sibling front end of the CLI (it
// includes nothing of cli/). Keywords are loops over the library's field tables (keywords.hpp);
// results are the library's own structs with attributes, numpy columns for DataFrames, and the
// report/ JSON builders' objects converted in memory for to_dict(). Work runs with the GIL
// released and stops on Ctrl-C (interruptible.hpp). Bad input: TypeError or ValueError naming
// the Python keyword. The Python layer (sobolev_rf/*.py) adds signatures, DataFrames, progress bars
// and the matplotlib renderer.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sobolev_rf/distributed/simulation_runner.hpp>
#include <sobolev_rf/model/errors.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

#include "bindings.hpp"
#include "estimator_bindings.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  using namespace srf::python;
  m.doc() = "sobolev-rf's C++ libraries; use the functions of the package sobolev_rf";
  m.attr("__version__") = srf::report::version();
  m.attr("_keywords") = py::dict();

  // Library errors as Python's: a bad value names the Python keyword (lam for lambda). Translators
  // registered later are tried first.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const srf::model::InvalidParameter& e) {
      PyErr_SetString(PyExc_ValueError, python_message(e).c_str());
    } catch (const srf::simulation::Cancelled&) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    } catch (const srf::distributed::Interrupted&) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    } catch (const std::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  bind_structs(m);
  py::dict k = m.attr("_keywords");
  k["Model"] = model_keywords().describe(srf::model::ModelParams{});
  k["SolverOptions"] = solver_keywords().describe(srf::theory::SaddlePointOptions{});
  k["OptimizeOptions"] = optimize_keywords().describe(srf::studies::OptimizeOptions{});
  k["CompareOptions"] = compare_keywords().describe(srf::studies::CompareOptions{});
  k["SimulationOptions"] = simulation_keywords().describe(srf::simulation::SimulationOptions{});
  k["ValidationOptions"] = validation_keywords().describe(srf::studies::ValidationOptions{});
  bind_theory(m);
  bind_research(m);
  bind_simulation(m);
  bind_figure(m);

  m.def("error_names", [] {
    std::vector<std::string> names;
    for (const auto& [name, field] : srf::model::error_fields()) names.emplace_back(name);
    return names;
  });
  // CSV columns that hold text even when their cells look like numbers (for reading the CLI's CSVs).
  m.def("text_columns", [] {
    std::vector<std::string> names;
    for (const auto& info : srf::model::model_parameters())
      if (info.type == srf::model::FieldType::kText || info.type == srf::model::FieldType::kChoice ||
          info.type == srf::model::FieldType::kRealList)
        names.emplace_back(info.name);
    return names;
  });
  bind_estimator(m);
}
