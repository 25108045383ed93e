// The `simulate` and `validate` sub-commands, run as the built executable (SOBOLEV_RF_EXE).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <filesystem>
#include <string>

#include "cli/run_exe.hpp"

using srf_test::count_lines;
using srf_test::Run;
using srf_test::run_exe;
using srf_test::slurp;

TEST_CASE("simulate cli: JSON output has every quantity with mean and se, sizes and parameters") {
  const Run r = run_exe(
      "simulate --sigma tanh --teacher tanh --alpha 0.5 --gamma 0.8 --lambda 1e-3 --p 60 --seeds 3 --k 1 "
      "--varpi 0.7 --seed 7 --format json");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* q : {"train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad"}) {
    INFO(q);
    REQUIRE(j.contains(q));
    CHECK(j[q]["mean"].is_number());
    CHECK(j[q]["se"].is_number());
  }
  CHECK(j["n"] == 30);
  CHECK(j["p"] == 60);
  CHECK(j["d"] == 48);
  CHECK(j["k"] == 1);
  CHECK(j["seeds"] == 3);
  CHECK(j["wall_seconds"].is_number());
  CHECK(j["sigma"] == "tanh");
  CHECK(j["lambda"] == 1e-3);
  CHECK(j["varpi"][0] == 0.7);
  CHECK(j["per_seed"].size() == 3);
  CHECK(j["per_seed"][0]["varpi"][0].get<double>() == doctest::Approx(0.7).epsilon(1e-12));
  // Exact population errors by default, with their truncation bound.
  CHECK(j["test_error"] == "exact");
  CHECK(j["test_samples"].is_null());
  CHECK(j["population_truncation_bound"]["gen_f"].get<double>() <= 1e-9);
  CHECK(j["per_seed"][0]["population_truncation_bound"]["gen_h1"].is_number());
  // The same seed gives the same numbers.
  const Run again = run_exe(
      "simulate --sigma tanh --teacher tanh --alpha 0.5 --gamma 0.8 --lambda 1e-3 --p 60 --seeds 3 --k 1 "
      "--varpi 0.7 --seed 7 --format json --threads 1");
  const auto j2 = nlohmann::json::parse(again.out);
  CHECK(j2["gen_f"]["mean"] == j["gen_f"]["mean"]);
}

TEST_CASE("simulate cli: table format and drawn varpi") {
  const Run t = run_exe("simulate --p 40 --seeds 2 --test-error sampled --test-samples 100 --format table");
  REQUIRE(t.status == 0);
  CHECK(t.out.find("gen_f") != std::string::npos);
  const Run d = run_exe("simulate --p 40 --seeds 2 --k 2 --varpi-drawn --sketch-scale unit");
  INFO(d.err);
  REQUIRE(d.status == 0);
  const auto j = nlohmann::json::parse(d.out);
  CHECK(j["varpi_mode"] == "drawn");
  CHECK(j["sketch_scale"] == "unit");
  CHECK(j["per_seed"][0]["varpi"].size() == 2);
}

TEST_CASE("simulate cli: bad input exits 2 with one line naming the flag") {
  for (const auto& [args, flag] : {std::pair<std::string, std::string>{"simulate --lambda -1", "--lambda"},
                                   {"simulate --sigma nope", "--sigma"},
                                   {"simulate --p 0", "--p"},
                                   {"simulate --seeds 0", "--seeds"},
                                   {"simulate --sketch-scale huge", "--sketch-scale"},
                                   {"simulate --k 1", "--varpi"},
                                   {"simulate --k 1 --varpi 0.5 --varpi-drawn", "--varpi"},
                                   {"simulate --test-error nope", "--test-error"},
                                   {"simulate --test-samples 100", "--test-samples"},
                                   {"simulate --max-memory 12X", "--max-memory"},
                                   {"simulate --p 400 --max-memory 1M", "--max-memory"},
                                   {"validate --p 20 --seeds 1", "--seeds"},
                                   {"validate --p 20 --sweep nope=1:2:3", "--sweep"},
                                   {"validate --p 20 --points /nonexistent/points.csv", "--points"},
                                   {"validate --p 20 --p-large 10", "--p-large"}}) {
    const Run r = run_exe(args);
    INFO(args << " -> " << r.err);
    CHECK(r.status == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find(flag) != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("simulate cli: sampled test set reports its standard errors") {
  const Run r = run_exe("simulate --p 40 --seeds 2 --k 1 --varpi 0.5 --test-error sampled --test-samples 300");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["test_error"] == "sampled");
  CHECK(j["test_samples"] == 300);
  CHECK(j["per_seed"][0]["test_se"]["gen_f"].get<double>() > 0);
  CHECK_FALSE(j.contains("population_truncation_bound"));
}

TEST_CASE("simulate cli: a run too large for the memory exits 2 at once with the estimate and the largest p") {
  // p = 200000: the normal matrix alone is 298 GiB. The guard runs before any allocation.
  const auto start = std::chrono::steady_clock::now();
  const Run r = run_exe("simulate --p 200000 --k 1 --varpi 0.5");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(count_lines(r.err) == 1);
  CHECK(r.err.find("--p = 200000") != std::string::npos);
  CHECK(r.err.find("GiB") != std::string::npos);
  CHECK(r.err.find("largest --p that fits") != std::string::npos);
  CHECK(r.out.empty());
  CHECK(seconds < 5.0);
  // An explicit limit: 200 MiB fits p = 400 but not p = 4000.
  CHECK(run_exe("simulate --p 400 --max-memory 200M").status == 0);
  const Run big = run_exe("simulate --p 4000 --k 1 --varpi 0.5 --max-memory 200MiB");
  CHECK(big.status == 2);
  CHECK(big.err.find("--max-memory") != std::string::npos);
}

TEST_CASE("validate cli: table and CSV; exit 1 only on disagreement") {
  const std::string csv = (std::filesystem::temp_directory_path() / ("srf_validate_cli_test_" + std::to_string(std::rand()) + ".csv")).string();
  const std::string base = "validate --sigma tanh --teacher tanh --gamma 0.8 --lambda 1e-2 --p 40 --seeds 4 "
                           "--seed 11 --sweep p_over_n=0.5:2:2 --output " + csv;
  const Run ok = run_exe(base);
  INFO(ok.out << ok.err);
  CHECK((ok.status == 0 || ok.status == 1));
  CHECK(ok.out.find("gen_f") != std::string::npos);
  const std::string text = slurp(csv);
  CHECK(text.rfind("point,sigma,teacher", 0) == 0);
  CHECK(count_lines(text) == 1 + 2 * 3);  // header + 2 points x (train_f, gen_f, gen_grad)
  // Both sizes equal (--p-large = --p, same seeds): no gap can shrink, and a threshold of 1e-12
  // standard errors makes every nonzero gap a disagreement: exit 1, after the table and the CSV
  // are complete.
  const Run strict = run_exe(base + " --p-large 40 --z-threshold 1e-12");
  CHECK(strict.status == 1);
  CHECK(count_lines(strict.err) == 1);
  CHECK(slurp(csv).find("DISAGREE") != std::string::npos);
  CHECK(count_lines(slurp(csv)) == 1 + 2 * 3);
  std::remove(csv.c_str());
}

TEST_CASE("validate cli: points file") {
  const std::string pts = (std::filesystem::temp_directory_path() / ("srf_validate_points_" + std::to_string(std::rand()) + ".csv")).string();
  {
    std::ofstream f(pts);
    f << "# two points\nsigma,teacher,p_over_n,lambda,k,varpi\n"
         "tanh,tanh,2,1e-2,0,\n"
         "erf,tanh,1.5,1e-2,1,0.7\n";
  }
  const Run r = run_exe("validate --p 30 --seeds 3 --seed 3 --points " + pts);
  INFO(r.out << r.err);
  CHECK((r.status == 0 || r.status == 1));
  CHECK(r.out.find("point 2: sigma=erf") != std::string::npos);
  CHECK(r.out.find("gen_h1") != std::string::npos);  // k = 1 compares the gradient errors too
  {
    std::ofstream f(pts);
    f << "sigma,lambda\ntanh,-3\n";
  }
  const Run bad = run_exe("validate --p 30 --seeds 3 --points " + pts);
  CHECK(bad.status == 2);
  CHECK(bad.err.find("line 2") != std::string::npos);
  std::remove(pts.c_str());
}
