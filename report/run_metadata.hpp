#pragma once
// Reproducibility metadata: the version every JSON output carries, the solver options it ran
// with, and the sidecar NAME.meta.json written next to every CSV (version, the full command
// line, every parameter and seed).
#include <nlohmann/json.hpp>

#include <string>

#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::report {

// "0.2.0+<git describe>" as configured (cmake/version.hpp.in).
const char* version();

// Every field of the saddle-point options, by its struct name.
nlohmann::json solver_options_json(const theory::SaddlePointOptions& options);

// {"version": ..., "solver": solver_options_json(options)}: merged into JSON outputs.
nlohmann::json run_metadata_json(const theory::SaddlePointOptions& options);

// The sidecar of `csv_path`: "out/curve.csv" -> "out/curve.meta.json" (".csv" replaced; any
// other name gets ".meta.json" appended).
std::string sidecar_path(const std::string& csv_path);

// Writes the sidecar of `csv_path`: {"version", "command_line", "csv", ...`fields`}, where
// `fields` holds the parameters, options and seeds of the run. Throws std::runtime_error when
// it cannot be written.
void write_csv_sidecar(const std::string& csv_path, const std::string& command_line, const nlohmann::json& fields);

}  // namespace srf::report
