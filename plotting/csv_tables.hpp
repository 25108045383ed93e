#pragma once
// A TableSink that writes each table as NAME in a folder, one CSV line per row, flushed at once,
// with the sidecar NAME.meta.json beside it (report/run_metadata.hpp: version, command line and
// `sidecar_fields`) when a command line is given.
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include <sobolev_rf/plotting/table_sink.hpp>

namespace srf::plotting {

class CsvTables : public TableSink {
 public:
  // Creates `dir` if needed; throws std::invalid_argument if it cannot.
  explicit CsvTables(std::string dir, std::string command_line = "", nlohmann::json sidecar_fields = {});
  void begin(const std::string& name, const std::vector<std::string>& columns) override;
  void row(const std::vector<std::string>& cells) override;

 private:
  std::string dir_;
  std::string command_line_;
  nlohmann::json sidecar_fields_;
  std::ofstream out_;
};

}  // namespace srf::plotting
