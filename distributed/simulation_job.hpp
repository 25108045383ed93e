#pragma once
// One simulation as a unit of distributed work: the model parameters and the simulation options
// that determine its per-seed results. A job travels between processes (MPI ranks, job-array
// shards, a resumed run) as JSON; its key, the canonical JSON of the fields that decide the
// bits of a seed's result, identifies its seeds in checkpoint files. The seed count, threads,
// callbacks and the memory limit change which seeds run and how fast, never a seed's result,
// so they are not part of the key: a run with more seeds reuses the seeds of a shorter one.
#include <nlohmann/json.hpp>

#include <string>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::distributed {

struct SimulationJob {
  model::ModelParams params;
  simulation::SimulationOptions options;  // options.seeds: how many seeds this run wants
};

// The fields that decide a seed's result: {"params": report::params_json, "p", "test_error",
// "test_samples", "population", "batch_rows", "sketch_scale", "varpi_mode", "solve", "base_seed"}.
nlohmann::json job_json(const SimulationJob& job);

// The inverse of job_json (options.seeds = 1, other options at their defaults). Throws
// std::invalid_argument naming `source` on a missing or malformed field.
SimulationJob job_from_json(const nlohmann::json& j, const std::string& source);

// job_json(job).dump(): equal keys, equal per-seed results.
std::string job_key(const SimulationJob& job);

}  // namespace srf::distributed
