// The informed-direction flags on the command line (docs/model.md "Informed directions").
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "cli/run_exe.hpp"

using srf_test::Run;
using srf_test::run_exe;

TEST_CASE("informed cli: theory and simulate report train_inf and gen_inf; the flags echo in the JSON") {
  const std::string model = "--sigma relu --teacher tanh --p-over-n 0.5 --lambda 0.1 --informed estimated --beta-inf 2 "
                            "--alpha-u 2 --delta-u 0.3 ";
  const Run t = run_exe("theory " + model + "--format json");
  INFO(t.err);
  REQUIRE(t.status == 0);
  const auto jt = nlohmann::json::parse(t.out);
  CHECK(jt["informed"] == "estimated");
  CHECK(jt["beta_inf"] == 2.0);
  CHECK(jt["alpha_u"] == 2.0);
  CHECK(jt["delta_u"] == 0.3);
  CHECK(jt["gen_inf"].get<double>() > 0.0);
  CHECK(jt["order_parameters"].contains("t2_inf"));
  const Run s = run_exe("simulate " + model + "--p 60 --seeds 2 --threads 1 --format json");
  INFO(s.err);
  REQUIRE(s.status == 0);
  const auto js = nlohmann::json::parse(s.out);
  CHECK(js["informed"] == "estimated");
  CHECK(js["gen_inf"]["mean"].get<double>() > 0.0);
  CHECK(js["train_inf"]["mean"].get<double>() > 0.0);
}

TEST_CASE("informed cli: bad values exit 2 naming the flag") {
  for (const char* bad : {"--informed random", "--informed oracle --beta-inf -1", "--informed estimated --alpha-u 0",
                          "--informed estimated --delta-u -0.5", "--informed oracle --sigma sign"}) {
    for (const char* cmd : {"theory ", "simulate --p 40 --seeds 1 "}) {
      const Run r = run_exe(std::string(cmd) + bad);
      INFO(cmd << bad << ": " << r.err);
      CHECK(r.status == 2);
      const std::string flag = std::string(bad).substr(std::string(bad).rfind("--"));
      CHECK(r.err.find(flag.substr(0, flag.find(' '))) != std::string::npos);
    }
  }
}

TEST_CASE("informed cli: theory --informed oracle --d D is the k = 1 model with beta_inf/D and varpi sqrt(D) [I.6]") {
  const std::string point = "theory --sigma tanh --teacher tanh --p-over-n 3 --lambda 1e-3 --format json ";
  const Run fd = run_exe(point + "--informed oracle --d 400");
  INFO(fd.err);
  REQUIRE(fd.status == 0);
  const Run k1 = run_exe(point + "--k 1 --beta 0.0025 --varpi 20");
  REQUIRE(k1.status == 0);
  const auto a = nlohmann::json::parse(fd.out), b = nlohmann::json::parse(k1.out);
  CHECK(a["informed_version"] == "finite-d");
  CHECK(a["gen_f"].get<double>() == b["gen_f"].get<double>());
  CHECK(a["gen_inf"].get<double>() == b["gen_g"].get<double>() / 400.0);
  CHECK(a["train_inf"].get<double>() == b["train_g"].get<double>() / 400.0);
  CHECK(run_exe("theory --d 400").status == 2);                          // no informed direction
  CHECK(run_exe("theory --informed oracle --k 1 --varpi 1 --d 400").status == 2);  // k = 0 only
}
