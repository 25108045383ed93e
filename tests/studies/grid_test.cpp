// Specification of grids (studies/grid.hpp): rows handed over in order, results independent of
// the thread count, the optimum per point equal to a direct global optimisation to the search's
// tolerance.
#include <doctest/doctest.h>

#include <cmath>

#include <sobolev_rf/studies/grid.hpp>
#include <sobolev_rf/studies/optimize.hpp>

using namespace srf::model;
using namespace srf::theory;
using namespace srf::studies;

namespace {
ModelParams base_k1() {
  ModelParams p;
  p.k = 1;
  p.varpi = {1.0};
  return p;
}
std::vector<std::vector<GridPoint>> run(const GridOptions& o) {
  std::vector<std::vector<GridPoint>> rows;
  const Sweep outer{"gamma", {0.5, 0.8, 1.2, 2.0}}, inner{"p_over_n", {0.5, 1.0, 1.5, 2.5, 4.0}};
  const int failed = solve_grid(base_k1(), outer, inner, o, [&](std::size_t r, const std::vector<GridPoint>& row) {
    CHECK(r == rows.size());  // in row order
    rows.push_back(row);
  });
  CHECK(failed == 0);
  return rows;
}
}  // namespace

TEST_CASE("A grid's rows come in order and do not depend on the thread count") {
  for (OptimizeOver over : {OptimizeOver::kLambda, OptimizeOver::kBoth}) {
    CAPTURE(to_string(over));
    GridOptions o;
    o.optimize = OptimizeOptions{};
    o.optimize->over = over;
    o.threads = 1;
    const auto one = run(o);
    o.threads = 3;
    const auto three = run(o);
    REQUIRE(one.size() == 4);
    for (std::size_t r = 0; r < one.size(); ++r)
      for (std::size_t j = 0; j < one[r].size(); ++j) {
        CHECK(one[r][j].optimum->value == three[r][j].optimum->value);  // bitwise: same computation per row
        CHECK(one[r][j].params.gamma == three[r][j].params.gamma);
      }
    // The warm local search along a row finds the optimum of a fresh global search (checked to
    // 1e-7 relative in the value at 4 points).
    for (std::size_t r : {0u, 3u})
      for (std::size_t j : {1u, 4u}) {
        TheoryRequest fresh;
        fresh.model = one[r][j].params;
        const Optimum global = optimize(fresh, *o.optimize);
        CHECK(std::fabs(global.value - one[r][j].optimum->value) <= 1e-7 * global.value);
      }
  }
}

TEST_CASE("A grid refuses to optimise a swept lambda") {
  GridOptions o;
  o.optimize = OptimizeOptions{};
  CHECK_THROWS_AS(solve_grid(base_k1(), Sweep{}, Sweep{"lambda", {1e-3, 1e-2}}, o, nullptr), std::invalid_argument);
}
