// The research commands (optimize, compare, curve grids) and their metadata, run as the built
// executable.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <string>

#include "cli/run_exe.hpp"

using srf_test::run_exe;
using srf_test::slurp;

TEST_CASE("optimize cli: the minimiser, the value, every error there, version and solver options") {
  const auto r = run_exe("optimize --p-over-n 2 --k 1 --varpi 1 --over lambda --objective gen_f --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"lambda_opt", "value", "lambda_on_boundary", "converged", "gen_f", "gen_grad", "version",
                          "solver", "evaluations"})
    CHECK_MESSAGE(j.contains(key), key);
  CHECK(j["value"].get<double>() == j["gen_f"].get<double>());
  CHECK(j["lambda"].get<double>() == j["lambda_opt"].get<double>());
  CHECK(j["solver"]["tolerance"].get<double>() == 1e-12);
  CHECK(!j.contains("beta_opt"));
  // Bad input names the flag; beta needs k >= 1.
  CHECK(run_exe("optimize --lambda-min 0").status == 2);
  CHECK(run_exe("optimize --over beta --k 0").status == 2);
  CHECK(run_exe("optimize --objective nonsense").status == 2);
}

TEST_CASE("--varpi-average needs no --varpi") {
  const auto t = run_exe("theory --k 1 --varpi-average --format json");
  INFO(t.err);
  CHECK(t.status == 0);
  const auto o = run_exe("optimize --k 2 --p-over-n 3 --varpi-average --format json");
  INFO(o.err);
  REQUIRE(o.status == 0);
  CHECK(nlohmann::json::parse(o.out)["gen_f"].contains("mean"));
  CHECK(run_exe("theory --k 1 --format json").status == 2);  // without averaging varpi is needed
}

TEST_CASE("beta = 0 with k > 0: L2's errors, gen_g as the mean of its law, and train_g cannot be an objective") {
  const auto l2 = run_exe("theory --p-over-n 2 --k 0 --format json");
  const auto b0 = run_exe("theory --p-over-n 2 --k 1 --varpi 0.7 --beta 0 --format json");
  INFO(b0.err);
  REQUIRE(l2.status == 0);
  REQUIRE(b0.status == 0);
  const auto a = nlohmann::json::parse(l2.out), b = nlohmann::json::parse(b0.out);
  CHECK(b["gen_f"].get<double>() == a["gen_f"].get<double>());
  CHECK(b["gen_grad"].get<double>() == a["gen_grad"].get<double>());
  CHECK(b["gen_g"].get<double>() == doctest::Approx(b["gen_g_law"]["mean"].get<double>()).epsilon(1e-14));
  CHECK(b["gen_h1"].get<double>() == b["gen_f"].get<double>() + b["gen_g"].get<double>());
  CHECK(b["train_g"].is_null());
  for (const char* key : {"mean", "std", "s_mean", "s_variance"}) CHECK_MESSAGE(b["gen_g_law"].contains(key), key);
  CHECK(!a.contains("gen_g_law"));
  // Averaged over varpi: the law over varpi of that mean (mean k gen_grad), not the law at varpi = 0.
  const auto avg = run_exe("theory --p-over-n 2 --k 1 --beta 0 --varpi-average --format json");
  REQUIRE(avg.status == 0);
  const auto c = nlohmann::json::parse(avg.out);
  CHECK(c["gen_g"]["mean"].get<double>() == doctest::Approx(a["gen_grad"].get<double>()).epsilon(1e-13));
  CHECK(c["gen_g"]["A2"].get<double>() > 0);
  CHECK(!c.contains("gen_g_law"));
  const auto o = run_exe("optimize --k 1 --varpi 0.7 --beta 0 --objective train_g");
  CHECK(o.status == 2);
  CHECK(o.err.find("--beta") != std::string::npos);
  CHECK(run_exe("optimize --k 1 --varpi 0.7 --beta 0 --objective gen_f").status == 0);
  CHECK(run_exe("optimize --k 1 --varpi 0.7 --beta 0 --objective gen_h1").status == 0);
}

TEST_CASE("compare cli: three optima, the gains and a verdict") {
  const auto r = run_exe("compare --p-over-n 2 --k 1 --varpi 1 --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  const double s = j["sobolev"]["value"], l2 = j["l2_equal_samples"]["value"], cost = j["l2_equal_cost"]["value"];
  CHECK(j["gain_equal_samples"].get<double>() == doctest::Approx(l2 / s).epsilon(1e-14));
  CHECK(j["gain_equal_cost"].get<double>() == doctest::Approx(cost / s).epsilon(1e-14));
  CHECK(j["l2_equal_cost"]["alpha"].get<double>() == 2 * j["l2_equal_samples"]["alpha"].get<double>());
  CHECK(!j["verdict"].get<std::string>().empty());
  CHECK(j.contains("version"));
  CHECK(run_exe("compare --k 0").status == 2);
}

TEST_CASE("curve cli: two sweeps make a grid, the first outer; --optimize adds lambda_opt; a sidecar") {
  const std::string dir = std::filesystem::temp_directory_path().string() + "/srf_research_cli";
  std::filesystem::create_directories(dir);
  const auto r = run_exe("curve --k 1 --varpi 1 --sweep gamma=0.5:1:2 --sweep p_over_n=1:3:3 --optimize lambda --output " +
                         dir + "/grid.csv");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string csv = slurp(dir + "/grid.csv");
  CHECK(csv.find("lambda_opt,lambda_on_boundary,optimum_value") != std::string::npos);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);  // header + 2 x 3
  // Row order: gamma (outer) 0.5 for the first three points.
  const auto second_line = csv.substr(csv.find('\n') + 1);
  CHECK(second_line.find(",1,0.5,") != std::string::npos);  // p_over_n = 1, gamma = 0.5
  const auto meta = nlohmann::json::parse(slurp(dir + "/grid.meta.json"));
  CHECK(meta.contains("version"));
  CHECK(meta["command_line"].get<std::string>().find("--optimize lambda") != std::string::npos);
  CHECK(meta["optimize"]["objective"] == "gen_f");
  CHECK(run_exe("curve --sweep gamma=0.5 --sweep p_over_n=1 --sweep k=1").status == 2);
}
