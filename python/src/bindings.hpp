#pragma once
// The parts of sobolev_rf._core, each bound in its own file, and what they share: the keyword
// sets of the library's structs (keywords.hpp), numpy column tables for DataFrames (columns.hpp),
// and the exception translation (library errors name Python keywords).
#include <pybind11/pybind11.h>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/simulator.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>
#include <sobolev_rf/studies/validation_plan.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

#include "keywords.hpp"

namespace srf::python {

// The keyword sets of the bound structs (one row each: Model(**kw), replace, properties).
const KeywordSet<model::ModelParams>& model_keywords();
const KeywordSet<theory::SaddlePointOptions>& solver_keywords();
const KeywordSet<studies::OptimizeOptions>& optimize_keywords();
const KeywordSet<studies::CompareOptions>& compare_keywords();
const KeywordSet<simulation::SimulationOptions>& simulation_keywords();
const KeywordSet<studies::ValidationOptions>& validation_keywords();

// Options of the Python functions themselves (not of a library struct), as field tables too.
struct RunOptions {
  int threads = 0;  // vectorised calls: points solved in parallel (0: OpenMP's default)
};
const std::vector<model::Field<RunOptions>>& run_options_table();
// Where a simulation's finished seeds go, as the CLI's --output/--resume/--shard.
struct CheckpointOptions {
  std::string checkpoint;  // file of finished seeds ("": none)
  bool resume = false;     // keep the seeds already in `checkpoint`
  std::string shard;       // "i/N": compute only that slice and write it to `checkpoint`
};
const std::vector<model::Field<CheckpointOptions>>& checkpoint_options_table();

// `model`: None or a bound Model; TypeError otherwise.
model::ModelParams model_argument(py::handle model, const std::string& function);

void bind_structs(py::module_& m);
void bind_theory(py::module_& m);
void bind_research(py::module_& m);
void bind_simulation(py::module_& m);
void bind_figure(py::module_& m);

}  // namespace srf::python
