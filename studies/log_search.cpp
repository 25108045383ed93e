#include <sobolev_rf/studies/log_search.hpp>

#include <boost/math/tools/minima.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace srf::studies {

LogSearchResult log_search(const std::function<double(double, int)>& f, const LogSearchOptions& o,
                           const std::function<void()>& on_best) {
  LogSearchResult best;
  auto evaluate = [&](double t, int index) {
    const double x = std::pow(10.0, t);
    const double v = f(x, index);
    ++best.evaluations;
    if (v < best.value) {
      best.value = v;
      best.x = x;
      if (on_best) on_best();
    }
    return v;
  };
  const double lo = std::log10(o.lo), hi = std::log10(o.hi);
  const int n = o.grid_points;
  std::vector<double> ts(static_cast<std::size_t>(n));
  int best_index = -1;
  for (int g = 0; g < n; ++g) {
    ts[g] = hi + (lo - hi) * g / (n - 1);
    const double before = best.value;
    evaluate(ts[g], g);
    if (best.value < before) best_index = g;
  }
  if (best_index < 0) return best;
  const double a = ts[std::min(best_index + 1, n - 1)], b = ts[std::max(best_index - 1, 0)];
  std::uintmax_t iterations = static_cast<std::uintmax_t>(o.max_iterations);
  (void)boost::math::tools::brent_find_minima([&](double t) { return evaluate(t, -1); }, a, b, o.bits, iterations);
  const double t = std::log10(best.x), tol = 1e-3 * (hi - lo) / (n - 1);
  best.on_boundary = t - lo <= tol || hi - t <= tol;
  return best;
}

}  // namespace srf::studies
