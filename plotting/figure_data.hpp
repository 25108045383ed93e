#pragma once
// Computes the data behind every curve of a figure spec as tables (one per curve, one per
// marker set), handed row by row to a TableSink (CSV files, or memory), before anything is
// rendered. Progress is reported through a callback; nothing here prints.
#include <functional>
#include <string>
#include <vector>

#include <sobolev_rf/plotting/figure_spec.hpp>
#include <sobolev_rf/plotting/table_sink.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::plotting {

enum class MarkerMode {
  kDefault,  // every marker set not flagged optional
  kAll,      // also the optional (expensive) ones
  kNone,     // theory only
};

struct FigureRunOptions {
  MarkerMode markers = MarkerMode::kDefault;
  // Called with (units done, units total) after each theory point and simulated seed; may be empty.
  std::function<void(int, int)> on_progress;
  // Runs one marker simulation (each distinct one once per figure); empty: simulation::simulate.
  // A front end routes them through its checkpoint and its MPI ranks (distributed/simulation_runner.hpp);
  // it calls options.on_seed_done once per seed, as simulation::simulate does.
  std::function<simulation::SimulationResult(const model::ModelParams&, const simulation::SimulationOptions&)>
      simulate;
};

// The tables of one curve (names as given to the sink, e.g. "fig1.p1.c1.csv").
struct CurveFiles {
  std::string data;          // the curve's table
  std::string markers;       // the markers' table; empty when none were computed
  std::string markers_note;  // e.g. "p = 400, 3 seeds", for the legend
  int failed_points = 0;     // theory points that did not converge (left out of the plot)
};

struct FigureFiles {
  std::vector<std::vector<CurveFiles>> curves;  // [panel][curve]
  int failed_points() const;
};

// Cheaper markers (theory costs milliseconds a point): p <= 400, <= 3 seeds (20 for a varpi
// law), <= 2000 test inputs, <= 8 positions.
void apply_quick(FigureSpec& spec);

FigureFiles compute_figure(const FigureSpec& spec, const FigureRunOptions& options, TableSink& sink);

}  // namespace srf::plotting
