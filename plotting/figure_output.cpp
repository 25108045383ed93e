#include <sobolev_rf/plotting/figure_output.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sobolev_rf/plotting/csv_tables.hpp>
#include <sobolev_rf/plotting/gnuplot_script.hpp>

namespace srf::plotting {

FigureOutput write_figure_data(const FigureSpec& spec, const FigureRunOptions& options, const std::string& out_dir,
                               const std::string& command_line) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw std::invalid_argument("out_dir = " + out_dir + ": cannot create: " + ec.message());
  // The spec's text makes each table reproducible on its own (parameters, sweeps, marker seeds).
  std::ostringstream text;
  if (std::ifstream in(spec.path); in) text << in.rdbuf();
  const nlohmann::json fields = {{"figure", spec.output}, {"spec", spec.path}, {"spec_text", text.str()}};
  CsvTables csv(out_dir, command_line, fields);
  FigureOutput out;
  out.files = compute_figure(spec, options, csv);
  out.script = gnuplot_script(spec, out.files);
  out.script_path = (std::filesystem::path(out_dir) / (spec.output + ".gp")).string();
  std::ofstream script(out.script_path);
  if (!script) throw std::invalid_argument("out_dir = " + out_dir + ": cannot write " + out.script_path);
  script << out.script;
  if (!script) throw std::invalid_argument("out_dir = " + out_dir + ": cannot write " + out.script_path);
  return out;
}

}  // namespace srf::plotting
