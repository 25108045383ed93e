#pragma once
// A TableSink that writes each table as NAME in a folder, one CSV line per row, flushed at once.
#include <fstream>
#include <string>
#include <vector>

#include "plotting/table_sink.hpp"

namespace srf::plotting {

class CsvTables : public TableSink {
 public:
  // Creates `dir` if needed; throws std::invalid_argument if it cannot.
  explicit CsvTables(std::string dir);
  void begin(const std::string& name, const std::vector<std::string>& columns) override;
  void row(const std::vector<std::string>& cells) override;

 private:
  std::string dir_;
  std::ofstream out_;
};

}  // namespace srf::plotting
