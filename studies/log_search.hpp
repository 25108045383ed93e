#pragma once
// The one search of a positive scale (lambda, beta): minimise f(x) over x in [lo, hi] in the
// variable t = log10 x, by a coarse grid from the top (an error need not be unimodal over
// decades, and solves are easiest at large lambda), then Brent's method
// (boost::math::tools::brent_find_minima) on the bracket of the best grid point's neighbours.
// Stopping rule: Brent's bracket in t is narrower than about 2^(1 - bits) relative to t (boost's
// convention), or max_iterations.
#include <functional>
#include <limits>

namespace srf::studies {

struct LogSearchOptions {
  double lo = 1e-8, hi = 10.0;  // the range of x, 0 < lo < hi
  int grid_points = 25;         // >= 3
  int bits = 28;
  int max_iterations = 100;
};

struct LogSearchResult {
  double x = std::numeric_limits<double>::quiet_NaN();  // the minimiser (NaN: f was +inf everywhere)
  double value = std::numeric_limits<double>::infinity();
  bool on_boundary = false;  // x is an end of [lo, hi] to within the grid's tolerance
  int evaluations = 0;
};

// f(x, grid_index) returns the objective (+inf where undefined); grid_index is the grid point's
// index during the grid phase and -1 during Brent (for warm starts). on_best() is called right
// after the evaluation that is the best so far.
LogSearchResult log_search(const std::function<double(double x, int grid_index)>& f, const LogSearchOptions& o,
                           const std::function<void()>& on_best = {});

}  // namespace srf::studies
