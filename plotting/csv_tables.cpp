#include <sobolev_rf/plotting/csv_tables.hpp>

#include <filesystem>
#include <utility>

#include <sobolev_rf/report/run_metadata.hpp>
#include <stdexcept>

namespace srf::plotting {

CsvTables::CsvTables(std::string dir, std::string command_line, nlohmann::json sidecar_fields)
    : dir_(std::move(dir)), command_line_(std::move(command_line)), sidecar_fields_(std::move(sidecar_fields)) {
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
  if (!command_line_.empty()) report::write_csv_sidecar(path.string(), command_line_, sidecar_fields_);
}

void CsvTables::row(const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) out_ << (i ? "," : "") << cells[i];
  out_ << "\n";
  out_.flush();
}

}  // namespace srf::plotting
