// Inputs the parser fuzzers (fuzz/, docs/generated/fuzzing.md) found to break a parser's promise, each
// kept as a specification of the fixed behaviour. The same inputs lie in fuzz/regressions/ and
// are replayed by the fuzz harnesses (ctest -L fuzz).
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include <sobolev_rf/plotting/figure_spec.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>

using srf::studies::parse_sweep;

TEST_CASE("A sweep whose ends are finite but whose span hi - lo overflows is rejected, not filled with inf and nan") {
  // fuzz/regressions/sweep/infinite_span.txt: before the fix the middle point was inf.
  CHECK_THROWS_WITH_AS(parse_sweep("-1e308:1e308:3", "gamma"),
                       "gamma = '-1e308:1e308:3': hi - lo must be finite", std::invalid_argument);
  // The widest finite spans still parse, every point finite and inside [lo, hi].
  const auto v = parse_sweep("-8e307:8e307:5");
  REQUIRE(v.size() == 5);
  CHECK(v[2] == 0.0);
  for (double x : v) CHECK(std::isfinite(x));
}

TEST_CASE("A figure spec with a huge k and a scalar varpi is rejected naming k, without allocating k values") {
  // fuzz/regressions/figure_spec/huge_k_scalar_varpi.toml: before the fix the scalar varpi was
  // expanded to 999999999 components (8 GB) before validation.
  const std::string spec =
      "output = \"o\"\n[defaults]\nk = 999999999\nvarpi = 1.0\n[[panel]]\nx = \"lambda\"\n"
      "  [[panel.curve]]\n  sweep = \"lambda=1e-3:1:3\"\n";
  try {
    (void)srf::plotting::parse_figure_spec_text(spec, "huge_k.toml");
    FAIL("accepted k = 999999999");
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("curve 1): k = ") != std::string::npos);  // names k (its value as validate() prints it)
    CHECK(what.find("must be <= 8") != std::string::npos);
  }
}
