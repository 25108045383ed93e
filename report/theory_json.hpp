#pragma once
// Results as JSON, with the names of docs/model.md, shared by the CLI (`--format json`) and the
// Python package (which returns the same keys as dicts).
#include <nlohmann/json.hpp>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/request.hpp>
#include <sobolev_rf/theory/theory_result.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::report {

// The parameters, flat: sigma, teacher, alpha, p_over_n, gamma, lambda, k, beta, delta_f,
// delta_g, rho, varpi.
nlohmann::json params_json(const model::ModelParams& p);

// Errors, convergence fields (converged, termination, message, iterations, residual) and order
// parameters. With varpi_average each error is {"mean","std","q05","q50","q95","A0","A2"}.
// Non-finite numbers are null.
nlohmann::json theory_json(const model::ModelParams& p, const theory::TheoryResult& r, bool varpi_average);

// The whole report of one request (`sobolev-rf theory --format json`): theory_json of the answer,
// the version and solver options, the sketch scale, and for a variant its d and equivalent model
// (unit sketch: equivalent_beta, equivalent_delta_g; informed finite-d: informed_version; structured
// finite-d: finite_d = d). theory_json adds, for structured inputs, finite_size (regime index, d,
// correction) and for the finite-d structured theory teacher_average (method, draws, seed, se).
// `full` adds the residual history.
nlohmann::json theory_answer_json(const theory::TheoryRequest& request, const theory::TheoryAnswer& answer,
                                  bool full = false);

// The parameters, sizes, options, {"mean","se"} per error, per-seed values and wall_seconds.
nlohmann::json simulation_json(const model::ModelParams& params, const simulation::SimulationOptions& options,
                               const simulation::SimulationResult& result);

}  // namespace srf::report
