// The `theory` and `curve` sub-commands, run as the built executable.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <filesystem>
#include <string>

#include "cli/run_exe.hpp"

using srf_test::count_lines;
using srf_test::run_exe;
using srf_test::slurp;

TEST_CASE("theory cli: JSON has the errors, the convergence fields and the order parameters") {
  const auto r = run_exe("theory --sigma tanh --teacher tanh --alpha 0.5 --gamma 0.8 --lambda 1e-3 --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* q : {"train_f", "gen_f", "gen_g", "gen_h1", "train_g", "gen_grad", "converged", "iterations",
                        "residual", "order_parameters"})
    CHECK_MESSAGE(j.contains(q), q);
  CHECK(j["converged"] == true);
  CHECK(j["gen_f"].get<double>() > 0);
  CHECK(j["order_parameters"].contains("V_00"));
  // --p-over-n 2 is --alpha 0.5.
  const auto r2 = run_exe("theory --sigma tanh --teacher tanh --p-over-n 2 --gamma 0.8 --lambda 1e-3 --format json");
  REQUIRE(r2.status == 0);
  CHECK(nlohmann::json::parse(r2.out)["gen_f"].get<double>() == j["gen_f"].get<double>());
}

TEST_CASE("theory cli: k = 2 and the varpi law in JSON") {
  const auto r = run_exe(
      "theory --k 2 --varpi 1.0,-0.5 --beta 1 --delta-g 0.25 --delta-f 0.1 --rho 0.5 --p-over-n 2 --lambda 1e-2 "
      "--varpi-average --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* q : {"train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad"})
    for (const char* s : {"mean", "std", "q05", "q50", "q95", "A0", "A2"}) CHECK_MESSAGE(j[q].contains(s), q << "." << s);
  // Mean of A0 + A2 chi^2_2 is A0 + 2 A2.
  const auto& g = j["gen_h1"];
  CHECK(g["mean"].get<double>() == doctest::Approx(g["A0"].get<double>() + 2 * g["A2"].get<double>()));
  CHECK(g["q05"].get<double>() <= g["q50"].get<double>());
}

TEST_CASE("theory cli: bad input exits 2 with one line naming the flag") {
  const struct {
    const char* args;
    const char* flag;
  } cases[] = {
      {"theory --lambda -1", "--lambda"},
      {"theory --lambda nan", "--lambda"},
      {"theory --alpha 0", "--alpha"},
      {"theory --p-over-n -2", "--p-over-n"},
      {"theory --sigma nope", "--sigma"},
      {"theory --teacher nope", "--teacher"},
      {"theory --k 2 --varpi 1", "--varpi"},
      {"theory --k 1 --varpi abc", "--varpi"},
      {"theory --k 2 --rho 0.9 --varpi 1,1", "--rho"},
      {"theory --k 1 --varpi 1 --teacher sign", "--teacher"},
      {"theory --gamma inf", "--gamma"},
      {"theory --frobnicate 3", "--frobnicate"},
      {"theory --max-iterations 0", "--max-iterations"},
      {"theory --traces sampled --trace-size 3", "--trace-size"},
      {"curve --sweep p_over_n=1:0.1", "--sweep"},
      {"curve --sweep foo=1:2:3", "--sweep"},
      {"curve --sweep lambda=-1:1:3:log", "--sweep"},
  };
  for (const auto& c : cases) {
    const auto r = run_exe(c.args);
    INFO(c.args << " -> " << r.err);
    CHECK(r.status == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find(c.flag) != std::string::npos);
  }
}

TEST_CASE("theory cli: a point that does not converge exits 3 and says so") {
  // One Newton iteration and no lambda continuation cannot reach the tolerance near a threshold.
  const auto r = run_exe(
      "theory --lambda 1e-6 --p-over-n 2 --k 1 --varpi 1 --max-iterations 1 --max-continuation-stages 0 --format json");
  CHECK(r.status == 3);
  CHECK(r.err.find("did not converge") != std::string::npos);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["converged"] == false);
  CHECK(j["gen_f"].is_null());
  CHECK(j["termination"] != "converged");
}

TEST_CASE("theory cli: --lambda 0 is the ridgeless limit, and exactly at p/n = k + 1 it exits 3") {
  const auto ok = run_exe("theory --lambda 0 --p-over-n 3 --k 1 --varpi 1 --format json");
  CHECK(ok.status == 0);
  CHECK(nlohmann::json::parse(ok.out)["converged"] == true);
  const auto r = run_exe("theory --lambda 0 --p-over-n 2 --k 1 --varpi 1 --format json");
  CHECK(r.status == 3);
  CHECK(r.err.find("diverges at the interpolation threshold p/n = k + 1") != std::string::npos);
  CHECK(nlohmann::json::parse(r.out)["gen_f"].is_null());
}

TEST_CASE("curve cli: a point that does not converge is flagged, not given a number") {
  const auto r = run_exe(
      "curve --lambda 1e-6 --k 1 --varpi 1 --sweep p_over_n=1.9:2.1:3 --max-iterations 1 --max-continuation-stages 0");
  CHECK(r.status == 0);
  CHECK(r.err.find("did not converge") != std::string::npos);
  // converged column is 0 and the gen_f cell is empty in every row.
  const std::string header = r.out.substr(0, r.out.find('\n'));
  CHECK(r.out.find(",0,max_iterations,") != std::string::npos);
  CHECK(r.out.find(",1,converged,") == std::string::npos);
  CHECK(header.find("gen_f") != std::string::npos);
}

TEST_CASE("curve cli: one CSV row per point with every quantity and the converged flag") {
  const std::string file = (std::filesystem::temp_directory_path() / ("srf_curve_test_" + std::to_string(::getpid()) + ".csv")).string();
  const auto r = run_exe("curve --k 1 --varpi 1 --lambda 1e-3 --sweep p_over_n=0.5:4:8 --varpi-average --output " + file);
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string csv = slurp(file);
  std::remove(file.c_str());
  CHECK(count_lines(csv) == 9);
  const std::string header = csv.substr(0, csv.find('\n'));
  for (const char* col : {"p_over_n", "lambda", "k", "varpi", "train_f", "gen_f", "gen_h1", "gen_h1_mean",
                          "gen_h1_A2", "converged", "iterations", "residual"})
    CHECK_MESSAGE(header.find(col) != std::string::npos, col);
}
