#include "plotting/csv_tables.hpp"

#include <filesystem>
#include <stdexcept>

namespace srf::plotting {

CsvTables::CsvTables(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw std::invalid_argument("out_dir = " + dir_ + ": cannot create: " + ec.message());
}

void CsvTables::begin(const std::string& name, const std::vector<std::string>& columns) {
  const std::filesystem::path path = std::filesystem::path(dir_) / name;
  out_.close();
  out_.open(path);
  if (!out_) throw std::invalid_argument("out_dir = " + dir_ + ": cannot write " + path.string());
  row(columns);
}

void CsvTables::row(const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) out_ << (i ? "," : "") << cells[i];
  out_ << "\n";
  out_.flush();
}

}  // namespace srf::plotting
