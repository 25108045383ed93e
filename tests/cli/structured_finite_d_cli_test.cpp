// The finite-d structured theory on the command line (docs/theory/structured.md [S.15]): theory --d with a
// structured spectrum, --d with isotropic inputs (the versions that exist, the rejection otherwise), the
// finite-size estimate and its one-line warning on both sides of 5 %, the curve's columns and warning, and
// validate --theory finite-d.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "cli/run_exe.hpp"

using srf_test::count_lines;
using srf_test::Run;
using srf_test::run_exe;

namespace {
// a (b + 1) = 0.9: the limit is 15 % off at d = 1000 (gen_grad); 0.3: well below 5 %.
const std::string kNear = "--spectrum powerlaw:0.4 --alignment 1 --p-over-n 0.7 --gamma 1 --lambda 1e-2 --k 1 --varpi 0.8 ";
const std::string kFar = "--spectrum powerlaw:0.3 --alignment 0 --p-over-n 0.7 --gamma 1 --lambda 1e-2 --k 1 --varpi 0.8 ";
}  // namespace

TEST_CASE("structured finite-d cli: theory --d D answers with the finite-d version (finite_d, teacher_average)") {
  const Run r = run_exe("theory " + kNear + "--d 1000 --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["finite_d"] == 1000.0);
  CHECK(j["teacher_average"]["method"] == "exact");
  CHECK(j["finite_size"]["d"] == 1000.0);
  CHECK(j["finite_size"]["regime_index"].get<double>() == doctest::Approx(0.8));
  CHECK(r.err.empty());  // a finite-d answer is at the user's d: no warning
  // The limit's own estimate is made at d = 1000: its correction is this answer's distance from the limit.
  const Run lim = run_exe("theory " + kNear + "--format json");
  REQUIRE(lim.status == 0);
  const auto l = nlohmann::json::parse(lim.out);
  CHECK_FALSE(l.contains("finite_d"));
  const double c = std::fabs(j["gen_grad"].get<double>() / l["gen_grad"].get<double>() - 1);
  CHECK(l["finite_size"]["correction"].get<double>() == doctest::Approx(c).epsilon(1e-9));
}

TEST_CASE("structured finite-d cli: the warning is one stderr line exactly where the correction exceeds 5 %") {
  const Run near = run_exe("theory " + kNear + "--format json");
  REQUIRE(near.status == 0);
  CHECK(nlohmann::json::parse(near.out)["finite_size"]["correction"].get<double>() > 0.05);
  CHECK(count_lines(near.err) == 1);
  CHECK(near.err.find("--d") != std::string::npos);
  const Run far = run_exe("theory " + kFar + "--format json");
  REQUIRE(far.status == 0);
  CHECK(nlohmann::json::parse(far.out)["finite_size"]["correction"].get<double>() < 0.05);
  CHECK(far.err.empty());
  // Isotropic inputs carry no estimate and no warning.
  const Run iso = run_exe("theory --format json");
  CHECK_FALSE(nlohmann::json::parse(iso.out).contains("finite_size"));
  CHECK(iso.err.empty());
  // A curve warns once, with its count.
  const Run curve = run_exe("curve " + kNear + "--sweep lambda=1e-3:1e-1:5:log");
  REQUIRE(curve.status == 0);
  CHECK(count_lines(curve.err) == 1);
  CHECK(curve.err.find("of 5 points") != std::string::npos);
  CHECK(curve.out.find("regime_index,finite_size_d,finite_size_correction") != std::string::npos);
}

TEST_CASE("structured finite-d cli: --d with isotropic inputs is a unit sketch or an informed version, else exit 2 naming --d") {
  // The unit sketch and the informed direction's finite-d version answer as before (no finite_d key).
  const Run unit = run_exe("theory --k 1 --varpi 1 --sketch-scale unit --d 640 --format json");
  REQUIRE(unit.status == 0);
  CHECK_FALSE(nlohmann::json::parse(unit.out).contains("finite_d"));
  const Run inf = run_exe("theory --informed oracle --d 640 --format json");
  REQUIRE(inf.status == 0);
  CHECK(nlohmann::json::parse(inf.out)["informed_version"] == "finite-d");
  for (const char* bad : {"theory --d 640", "theory --spectrum powerlaw:0.5 --d 640.5", "theory --spectrum powerlaw:0.5 --d 5",
                          "theory --spectrum powerlaw:0.5 --informed oracle --d 640"}) {
    const Run r = run_exe(bad);
    INFO(bad << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("--d") != std::string::npos);
  }
  for (const char* bad : {"theory --spectrum powerlaw:0.5 --d 640 --teacher-draws -1", "theory --spectrum powerlaw:0.5 --teacher-draws 10"}) {
    const Run r = run_exe(bad);
    INFO(bad << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("--teacher-draws") != std::string::npos);
  }
}

TEST_CASE("structured finite-d cli: validate --theory finite-d compares each size with the theory at its own d") {
  const Run r = run_exe("validate " + kNear + "--p 60 --seeds 2 --theory finite-d --z-threshold 1e9");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("finite-d theory at d = 60 and 120") != std::string::npos);
  CHECK(run_exe("validate --p 60 --seeds 2 --theory nonsense").status == 2);
}
