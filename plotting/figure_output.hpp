#pragma once
// A figure's data on disk, as every front end writes them: into `out_dir`, one CSV per curve
// (and per marker set), each with its sidecar NAME.meta.json (version, command line, the spec
// file and its full text: every parameter and seed), and the gnuplot script NAME.gp.
#include <string>

#include <sobolev_rf/plotting/figure_data.hpp>
#include <sobolev_rf/plotting/figure_spec.hpp>

namespace srf::plotting {

struct FigureOutput {
  FigureFiles files;
  std::string script;       // the gnuplot script's text
  std::string script_path;  // out_dir/OUTPUT.gp
};

// Creates out_dir if needed and writes the tables (row by row, as computed) and the script.
// Throws std::invalid_argument (naming out_dir) when the folder or a file cannot be written.
FigureOutput write_figure_data(const FigureSpec& spec, const FigureRunOptions& options, const std::string& out_dir,
                               const std::string& command_line);

}  // namespace srf::plotting
