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
