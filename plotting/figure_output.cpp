#include <sobolev_rf/plotting/figure_output.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sobolev_rf/plotting/csv_tables.hpp>
#include <sobolev_rf/plotting/gnuplot_script.hpp>

namespace srf::plotting {

std::string figure_folder(const std::string& out_dir, const FigureSpec& spec) {
  return (std::filesystem::path(out_dir) / spec.output).string();
}

FigureOutput write_figure_data(const FigureSpec& spec, const FigureRunOptions& options, const std::string& out_dir,
                               const std::string& command_line) {
  FigureOutput out;
  out.folder = figure_folder(out_dir, spec);
  const std::filesystem::path folder(out.folder);
  const std::filesystem::path data = folder / kFigureDataFolder;
  std::error_code ec;
  std::filesystem::create_directories(data, ec);
  if (ec) throw std::invalid_argument("out_dir = " + out_dir + ": cannot create " + data.string() + ": " + ec.message());
  // The spec's text makes each table reproducible on its own (parameters, sweeps, marker seeds).
  std::ostringstream text;
  if (std::ifstream in(spec.path); in) text << in.rdbuf();
  const nlohmann::json fields = {{"figure", spec.output}, {"spec", spec.path}, {"spec_text", text.str()}};
  CsvTables csv(data.string(), command_line, fields);
  out.files = compute_figure(spec, options, csv);
  // The tables' names as seen from the figure's folder, where the script runs.
  const std::string prefix = std::string(kFigureDataFolder) + "/";
  for (auto& panel : out.files.curves)
    for (CurveFiles& c : panel) {
      c.data = prefix + c.data;
      if (!c.markers.empty()) c.markers = prefix + c.markers;
    }
  out.script = gnuplot_script(spec, out.files);
  out.script_path = (folder / (spec.output + ".gp")).string();
  out.pdf_path = (folder / (spec.output + ".pdf")).string();
  out.png_path = (folder / (spec.output + ".png")).string();
  std::ofstream script(out.script_path);
  if (!script) throw std::invalid_argument("out_dir = " + out_dir + ": cannot write " + out.script_path);
  script << out.script;
  if (!script) throw std::invalid_argument("out_dir = " + out_dir + ": cannot write " + out.script_path);
  return out;
}

}  // namespace srf::plotting
