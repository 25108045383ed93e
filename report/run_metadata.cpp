#include <sobolev_rf/report/run_metadata.hpp>

#include <fstream>
#include <stdexcept>

#include "sobolev_rf/version.hpp"
#include <sobolev_rf/report/fields_json.hpp>
#include <sobolev_rf/theory/solver_options_table.hpp>

namespace srf::report {

const char* version() { return srf::kVersion; }

nlohmann::json solver_options_json(const theory::SaddlePointOptions& o) {
  return fields_json(o, theory::solver_options_table());
}

nlohmann::json run_metadata_json(const theory::SaddlePointOptions& options) {
  return {{"version", version()}, {"solver", solver_options_json(options)}};
}

std::string sidecar_path(const std::string& csv_path) {
  const std::string ext = ".csv";
  if (csv_path.size() > ext.size() && csv_path.compare(csv_path.size() - ext.size(), ext.size(), ext) == 0)
    return csv_path.substr(0, csv_path.size() - ext.size()) + ".meta.json";
  return csv_path + ".meta.json";
}

void write_csv_sidecar(const std::string& csv_path, const std::string& command_line, const nlohmann::json& fields) {
  nlohmann::json j = {{"version", version()}, {"command_line", command_line}, {"csv", csv_path}};
  for (const auto& [key, value] : fields.items()) j[key] = value;
  const std::string path = sidecar_path(csv_path);
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << j.dump(2) << "\n";
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace srf::report
