#pragma once
// Where figure data go, one table at a time, row by row as they are computed: to CSV files
// (plotting/csv_tables.hpp), or kept in memory (TableCollector) for a caller that draws them
// itself. A long figure loses nothing computed when the sink writes each row at once.
#include <string>
#include <vector>

namespace srf::plotting {

class TableSink {
 public:
  virtual ~TableSink() = default;
  // Starts table `name` (a file name such as "fig1.p1.c1.csv") with its column names; the rows
  // that follow belong to it until the next begin().
  virtual void begin(const std::string& name, const std::vector<std::string>& columns) = 0;
  virtual void row(const std::vector<std::string>& cells) = 0;
};

// One table in memory: cells as text, as they would be written to CSV ("" for a missing value).
struct Table {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

class TableCollector : public TableSink {
 public:
  void begin(const std::string& name, const std::vector<std::string>& columns) override {
    tables_.push_back({name, columns, {}});
  }
  void row(const std::vector<std::string>& cells) override { tables_.back().rows.push_back(cells); }
  const std::vector<Table>& tables() const { return tables_; }

 private:
  std::vector<Table> tables_;
};

}  // namespace srf::plotting
