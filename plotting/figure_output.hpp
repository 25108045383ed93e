#pragma once
// A figure's files on disk, as every front end writes them: one folder per figure,
// OUT_DIR/OUTPUT/, holding the gnuplot script OUTPUT.gp (and, once rendered, OUTPUT.pdf and
// OUTPUT.png), and its data in OUT_DIR/OUTPUT/data/: one CSV per curve (and per marker set), each
// with its sidecar NAME.meta.json (version, command line, the spec file and its full text: every
// parameter and seed).
#include <string>

#include <sobolev_rf/plotting/figure_data.hpp>
#include <sobolev_rf/plotting/figure_spec.hpp>

namespace srf::plotting {

// The data subfolder of a figure's folder, and the prefix of the table names in FigureOutput.
inline constexpr const char* kFigureDataFolder = "data";

// The folder of the figure `spec` under out_dir: out_dir/OUTPUT.
std::string figure_folder(const std::string& out_dir, const FigureSpec& spec);

struct FigureOutput {
  std::string folder;       // out_dir/OUTPUT: render there (run_gnuplot(..., folder))
  FigureFiles files;        // table names relative to `folder`: "data/OUTPUT.p1.c1.csv", ...
  std::string script;       // the gnuplot script's text (it reads the tables relative to `folder`)
  std::string script_path;  // folder/OUTPUT.gp
  std::string pdf_path;     // folder/OUTPUT.pdf, what rendering writes
  std::string png_path;     // folder/OUTPUT.png
};

// Creates out_dir/OUTPUT/data if needed and writes the tables (row by row, as computed) and the
// script. Throws std::invalid_argument (naming out_dir) when a folder or a file cannot be written.
FigureOutput write_figure_data(const FigureSpec& spec, const FigureRunOptions& options, const std::string& out_dir,
                               const std::string& command_line);

}  // namespace srf::plotting
