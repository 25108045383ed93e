#pragma once
// Parameter sweeps (shared by curves, validation, figure specs and the Python package):
//   p_over_n=0.1:5:200        200 points, evenly spaced from 0.1 to 5 (both ends included)
//   lambda=1e-6:10:50:log     50 points, evenly spaced in log10 from 1e-6 to 10
//   gamma=0.5                 a single point
// The names are the sweepable entries of model/parameter_table.hpp.
#include <string>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>

namespace srf::studies {

struct Sweep {
  std::string name;            // a sweepable parameter name
  std::vector<double> values;  // in sweep order
};

// Parses the range part "lo:hi:count[:lin|log]" or a single number "v". Throws
// std::invalid_argument starting with `context` (e.g. "sweep", or a front end's own name for
// the input), the text and the broken rule (count >= 1, count = 1 needs lo = hi, log needs
// lo, hi > 0, numbers and hi - lo finite).
std::vector<double> parse_sweep(const std::string& range, const std::string& context = "sweep");

// Parses "name=range"; the name must be a sweepable parameter.
Sweep parse_sweep_spec(const std::string& text, const std::string& context = "sweep");

// The validated parameter sets of `sweep` on top of `base`, in sweep order. Every point is
// validated before any is computed, so a bad sweep fails fast: throws std::invalid_argument
// starting with `context`, naming the swept value and the broken rule.
std::vector<model::ModelParams> sweep_points(const model::ModelParams& base, const Sweep& sweep,
                                      const std::string& context = "sweep");

// The Cartesian grid of two sweeps: `outer` varies slowest (row-major, one row per outer value).
std::vector<model::ModelParams> grid_points(const model::ModelParams& base, const Sweep& outer, const Sweep& inner,
                                     const std::string& context = "sweep");

}  // namespace srf::studies
