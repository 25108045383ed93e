#pragma once
// The simulation's options (SimulationOptions, simulator.hpp) as a field table
// (model/field_table.hpp): the CLI's flags of `simulate` and `validate` and the Python keywords of
// sobolev_rf.simulate/validate are loops over it. Rows are named as the front ends spell them:
//   p, seeds, threads, seed (base_seed), test_error, test_samples, max_memory (max_memory_bytes,
//   as a size text "4G"), batch_rows, sketch_scale, varpi_drawn (varpi_mode), solve (solve_method).
// The checks here throw model::InvalidParameter naming those rows, so each front end renders the
// names its own way ("--max-memory", "max_memory").
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::simulation {

const std::vector<model::Field<SimulationOptions>>& simulation_options_table();

// SimulationOptions::validate with model::InvalidParameter naming the table's rows (p, seeds,
// threads, test_samples, batch_rows), then the nested population options.
void validate_options(const SimulationOptions& options);

// Rules about which rows a front end was given (`given(name)`): test_samples only with
// test_error = sampled (the default, exact, uses no test set).
void check_given_options(const SimulationOptions& options, const std::function<bool(std::string_view)>& given);

// The model a simulation runs. With varpi_drawn the alignment is an output: varpi must not be
// given (`varpi_given`) and is filled with zeros for validation. Validates the model.
model::ModelParams simulation_model(const model::ModelParams& params, const SimulationOptions& options,
                                    bool varpi_given);

// Before anything is allocated: the sizes n = round(alpha p), d = round(gamma p) in range and the
// estimated peak memory within the limit (max_memory, or the memory available now). Throws
// model::InvalidParameter naming p (and max_memory), with the estimate and the largest p that fits.
void check_simulation_fits(const model::ModelParams& params, const SimulationOptions& options);

// "4096" (MiB), "512M", "4G", "2.5GiB", "1T", "300MB" -> bytes (binary units). Throws
// model::InvalidParameter naming max_memory.
std::uint64_t parse_memory_size(const std::string& text);
// The inverse, exact: "" for 0 (the memory available), else "NG", "NM", "NK" or a fraction of K.
std::string format_memory_size(std::uint64_t bytes);

}  // namespace srf::simulation
