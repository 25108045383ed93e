#include <sobolev_rf/studies/points_file.hpp>

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include <sobolev_rf/model/parameter_table.hpp>

namespace srf::studies {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) cells.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

}  // namespace

std::vector<model::ModelParams> read_points(std::istream& in, const model::ModelParams& base, const std::string& name) {
  std::vector<std::string> header;
  std::vector<model::ModelParams> points;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') {
      // A commented header ("# sigma,teacher,...") counts when no header has been seen yet.
      if (header.empty() && t.size() > 1 && t[0] == '#') {
        const auto cells = split_csv(t.substr(1));
        if (!cells.empty() && model::find_model_parameter(cells[0])) header = cells;
      }
      continue;
    }
    const std::string where = fmt::format("{}, line {}", name, line_no);
    const auto cells = split_csv(t);
    if (header.empty()) {
      for (const auto& c : cells)
        if (!model::find_model_parameter(c))
          throw std::invalid_argument(
              fmt::format("{}: unknown column '{}'; known: {}", where, c, model::model_parameter_names()));
      header = cells;
      continue;
    }
    if (cells.size() > header.size())
      throw std::invalid_argument(fmt::format("{}: {} cells but the header has {}", where, cells.size(), header.size()));
    model::ModelParams p = base;
    try {
      for (std::size_t c = 0; c < cells.size(); ++c)
        if (!cells[c].empty()) model::set_model_parameter_text(p, header[c], cells[c]);
      p.validate();
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
    }
    points.push_back(p);
  }
  if (points.empty()) throw std::invalid_argument(name + ": no points (a header and one row at least)");
  return points;
}

std::vector<model::ModelParams> read_points_file(const std::string& path, const model::ModelParams& base) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(path + ": cannot open for reading");
  return read_points(in, base, path);
}

}  // namespace srf::studies
