#pragma once
// The results of scalar calls as Python classes: each holds the library's own result (no copy
// into text) and offers its numbers as attributes generated from the library's tables (one per
// error of model::error_fields()), its report as to_dict() (the report/ JSON builder's object,
// converted in memory: the CLI's JSON for the same point, key for key) and tables as numpy columns.
#include <pybind11/pybind11.h>

#include <limits>
#include <string>
#include <vector>

#include <sobolev_rf/distributed/shards.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/simulator.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>
#include <sobolev_rf/studies/validation_plan.hpp>
#include <sobolev_rf/theory/request.hpp>

namespace srf::python {

namespace py = pybind11;

// theory(): one answered request.
struct TheoryPoint {
  theory::TheoryRequest request;
  theory::TheoryAnswer answer;
};

// d(error)/d(lambda) (`lambda` true) or d/d(beta) of one error, as the JSON report gives it: at the
// request's varpi, or of the mean over varpi when averaging. NaN when not computed.
double sensitivity(const theory::TheoryRequest& request, const theory::TheoryAnswer& answer, bool lambda,
                   double model::Errors::*field);

// optimize(), or one row of compare().
struct OptimumResult {
  studies::Optimum best;
  studies::OptimizeOptions options;
  double sample_factor = std::numeric_limits<double>::quiet_NaN();  // a compare row's
};

// compare().
struct ComparisonResult {
  theory::TheoryRequest request;
  studies::CompareOptions options;
  studies::TrainingComparison comparison;
};

// simulate().
struct SimulationRun {
  model::ModelParams params;
  simulation::SimulationOptions options;
  simulation::SimulationResult result;
};

// validate().
struct ValidationRun {
  std::vector<model::ModelParams> points;
  simulation::SimulationOptions small, large;
  studies::ValidationOptions options;
  std::vector<studies::PointValidation> validations;
  studies::ValidationTally tally;
  std::string summary;
};

// merge(): the seeds of a job-array run's shards.
struct MergedRun {
  distributed::MergedShards merged;
};

void bind_theory_result(py::module_& m);
void bind_research_results(py::module_& m);
void bind_simulation_results(py::module_& m);

}  // namespace srf::python
