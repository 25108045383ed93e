#pragma once
// Computes the data behind every curve of a figure spec and writes it as tidy CSV files (one
// per curve, one per marker set) into the output folder, before anything is rendered.
#include <string>
#include <vector>

#include "cli/figure_spec.hpp"
#include "theory/saddle_point.hpp"

namespace srf::cli {

enum class MarkerMode {
  kDefault,  // every marker set not flagged optional
  kAll,      // also the optional (expensive) ones
  kNone,     // theory only
};

struct FigureRunOptions {
  std::string out_dir = "out";
  bool quick = false;  // cheaper markers: p <= 400, <= 3 seeds (20 for a varpi law), <= 8 points
  MarkerMode markers = MarkerMode::kDefault;
};

// The files of one curve, relative to the output folder.
struct CurveFiles {
  std::string data;     // the curve's CSV
  std::string markers;  // the markers' CSV; empty when none were computed
  std::string markers_note;  // e.g. "p = 400, 3 seeds", for the legend
  int failed_points = 0;     // theory points that did not converge (left out of the plot)
};

struct FigureFiles {
  std::vector<std::vector<CurveFiles>> curves;  // [panel][curve]
};

// Applies --quick to a parsed spec: cheaper markers (theory costs milliseconds a point).
void apply_quick(FigureSpec& spec);

FigureFiles compute_figure(const FigureSpec& spec, const FigureRunOptions& options);

// The lambda in [lambda_min, lambda_max] minimising `quantity` at `params` (a coarse log grid,
// then golden-section search in log lambda around the best grid point), and the solution there.
// `grid_states` carries warm starts for the grid points from one call to the next (a curve).
struct OptimalLambda {
  double lambda = 0;
  theory::SaddlePointSolution solution;
};
OptimalLambda optimal_lambda(const theory::ModelParams& params, const std::string& quantity, double lambda_min,
                             double lambda_max, std::vector<theory::SaddlePointState>* grid_states = nullptr);

}  // namespace srf::cli
