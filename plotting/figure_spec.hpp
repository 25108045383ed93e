#pragma once
// The TOML description of one figure (figures/*.toml): a title, an output name and panels, each
// panel a list of curves. A curve is a theory sweep (as `sobolev-rf curve`), the law of the
// errors over the sketch alignment varpi ~ N(0, I_k), or the one-dimensional Legendre example;
// a theory curve may carry simulation markers. figures/README.md documents every key.
//
// Parsing validates everything (keys, sweeps, parameter values) before any computation, so a
// typo costs no compute time: errors are std::invalid_argument("FILE:LINE: ...key...: rule").
#include <optional>
#include <string>
#include <vector>

#include <sobolev_rf/plotting/legendre_example.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::plotting {

enum class CurveKind {
  kTheory,               // errors along a sweep of one parameter
  kVarpiLaw,             // CDF or density of A0 + A2 |varpi|^2, varpi ~ N(0, I_k), at one point
  kLegendreError,        // 1D example: errors of the minimum-norm Legendre fit vs degree
  kLegendreInterpolant,  // 1D example: the fitted function on [-1, 1] at one degree
  kLegendreTarget,       // 1D example: the target function and its data points
  kGradientGain,         // heatmap: objective(L2 at its optimal lambda) / objective(Sobolev at its
                         // optimal lambda) over two swept quantities (studies/training_comparison.hpp)
};

// Simulation markers of a theory curve (or, for a varpi-law curve, the empirical CDF of
// per-seed errors with varpi drawn).
struct MarkerSpec {
  std::vector<double> at;             // x values (the panel's x parameter); empty for varpi laws
  model::ModelParams params;         // the curve's parameters with the markers' overrides
  simulation::SimulationOptions options;
  bool optional = false;              // expensive: computed only with --all-markers
  std::string source;                 // "file:line" of the markers table, for messages
};

struct CurveSpec {
  CurveKind kind = CurveKind::kTheory;
  std::string label;                        // legend text
  std::vector<std::string> quantities;      // names from model::error_fields()
  std::vector<std::string> quantity_labels; // legend suffix per quantity (default: the display names of docs/model.md)
  model::ModelParams params;               // with the defaults and the curve's keys applied
  std::string sweep_name;                   // the swept parameter (= the panel's x)
  std::vector<double> sweep_values;         // theory: swept values; legendre_error: degrees
  // Cost-normalised comparison: theory at alpha' = sample_factor * alpha (e.g. L2 trained on
  // (k+1) n samples), plotted at the p/n of the sweep.
  double sample_factor = 1.0;
  // When > 0, gamma = d_over_n * alpha at every point: the sweep keeps d/n fixed (as in Mei &
  // Montanari's double descent in p at fixed n and d) instead of d/p.
  double d_over_n = 0.0;
  // When > 0 (spec: sketch_scale = "unit", d = D): the theory of the unit-norm sketch
  // V ~ N(0, I/d) at this input dimension d (theory/sketch_scale.hpp), to sit on simulations
  // made with sketch_scale = "unit" at the same d.
  double unit_sketch_d = 0.0;
  // Structured inputs at a finite input dimension (spec: d = D without sketch_scale = "unit"): the
  // finite-d theory of docs/theory/structured.md [S.15] at D. A panel with x = "d" sweeps it instead
  // (sweep = "d=lo:hi:count:log", whole values), and there `limit = true` draws the limit (the same
  // number at every d: the asymptote). Markers at x = d simulate p = round(d / gamma).
  double finite_d = 0.0;
  bool limit = false;
  // Each point at the lambda in [lambda_min, lambda_max] that minimises `optimise`.
  bool optimal_lambda = false;
  double lambda_min = 1e-8, lambda_max = 10.0;
  std::string optimise = "gen_f";
  // gradient_gain: the second swept quantity (rows; a sweepable parameter, "noise" for
  // delta_f = delta_g, or "d_over_n" for gamma = (d/n) alpha) and the L2 reference:
  // "equal_samples" (L2 on n samples) or "equal_cost" (L2 on (k + 1) n samples).
  std::string y_name;
  std::vector<double> y_values;
  // The gain shown: "equal_samples" (L2 on n samples vs Sobolev at its optimal (lambda, beta)),
  // "equal_cost" (L2 on n (1 + k) samples), "beta1_equal_samples", "beta1_equal_cost" (Sobolev at
  // beta = 1, the paper's setting, at its optimal lambda); `optimise` names the objective.
  std::string gain = "equal_samples";
  // gradient_gain: the objective's mean over varpi ~ N(0, tau^2 I_k); theory: each quantity's mean
  // over that law (markers draw varpi per seed).
  bool varpi_average = false;
  std::string law = "cdf";                  // varpi_law: cdf | density
  int law_points = 300;
  LegendreSpec legendre;
  std::optional<MarkerSpec> markers;
  std::string color;                        // "#rrggbb"; empty: the panel's palette by index
  int dash = 0;                             // gnuplot dash type; 0: by quantity index
  std::string source;                       // "file:line" of the curve table
};

struct PanelSpec {
  std::string title;
  std::string x;  // p_over_n, alpha, lambda, varpi, ... ; "error" (laws), "degree", "x" (Legendre), "d" (finite-d)
  std::string y;  // heatmap panels (one gradient_gain curve): the second swept quantity
  std::string x_label, y_label;
  bool log_x = false, log_y = false;
  std::optional<std::pair<double, double>> x_range, y_range;
  std::string legend = "top right";  // gnuplot key position, or "off"
  std::vector<CurveSpec> curves;
};

struct FigureSpec {
  std::string path;    // the spec file
  std::string title;
  std::string output;  // base name of the CSV, .gp, .pdf and .png files
  double panel_width = 4.6, panel_height = 3.5;  // inches per panel (PDF); PNG at 110 dpi
  int columns = 0;     // panels per row; 0: all in one row (at most 3)
  std::vector<PanelSpec> panels;
};

// Reads and validates a spec file. Throws std::invalid_argument naming the file, the line and
// the key for unreadable TOML, unknown keys, malformed sweeps and bad parameter values.
FigureSpec parse_figure_spec(const std::string& path);
// The same from TOML text (`path` only names it in messages).
FigureSpec parse_figure_spec_text(const std::string& text, const std::string& path);

// Display names (docs/model.md "Reported quantities"): gen_f -> "L2 test error", gen_h1 -> "H1 test error", ...
std::string quantity_display_name(const std::string& quantity);

}  // namespace srf::plotting
