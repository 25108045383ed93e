#pragma once
// Renders a computed figure with gnuplot: generates a script (kept in the figure's folder with its
// CSVs, so that a figure can be restyled and re-rendered by hand) that draws every panel twice, to a vector PDF
// (pdfcairo) and a PNG (pngcairo), and pipes it to gnuplot.
#include <string>

#include <sobolev_rf/plotting/figure_data.hpp>
#include <sobolev_rf/plotting/figure_spec.hpp>

namespace srf::plotting {

// The gnuplot script for `spec` reading the CSVs in `files`; paths are relative to the
// figure's folder (render with: cd OUT_DIR/NAME && gnuplot NAME.gp; plotting/figure_output.hpp).
std::string gnuplot_script(const FigureSpec& spec, const FigureFiles& files);

// The gnuplot executable found on PATH, or an empty string.
std::string find_gnuplot();

// Runs `gnuplot` on `script` in `out_dir` (script piped on its standard input). Throws
// std::runtime_error if gnuplot cannot be started or reports an error.
void run_gnuplot(const std::string& gnuplot, const std::string& script, const std::string& out_dir);

}  // namespace srf::plotting
