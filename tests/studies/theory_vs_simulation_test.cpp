// Tests of the theory-versus-simulation verdicts (studies/theory_vs_simulation.hpp), and the slow
// end-to-end agreement of the L2 theory with the simulation.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>
#include <limits>

#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/studies/theory_vs_simulation.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

using namespace srf;
using simulation::Estimate;
using studies::Verdict;

TEST_CASE("comparison: z-scores and verdicts") {
  const studies::ComparisonOptions o;  // threshold 4
  // Within 4 SE at the larger size: agree.
  auto q = studies::compare_quantity("gen_f", 1.0, true, {1.1, 0.05}, {1.05, 0.02}, o);
  CHECK(q.z_small == doctest::Approx(2.0));
  CHECK(q.z_large == doctest::Approx(2.5));
  CHECK(q.gap_shrinks);
  CHECK(q.verdict == Verdict::kAgree);
  // 5 SE away at 2p but the gap shrinks (finite-size bias on its way out): agree.
  q = studies::compare_quantity("gen_f", 1.0, true, {1.2, 0.05}, {1.1, 0.02}, o);
  CHECK(q.verdict == Verdict::kAgree);
  // 5 SE away at 2p and not shrinking: disagree.
  q = studies::compare_quantity("gen_f", 1.0, true, {1.1, 0.05}, {1.1, 0.02}, o);
  CHECK_FALSE(q.gap_shrinks);
  CHECK(q.verdict == Verdict::kDisagree);
  // No theory: simulation only, no z.
  q = studies::compare_quantity("gen_f", std::nan(""), false, {1.1, 0.05}, {1.1, 0.02}, o);
  CHECK(q.verdict == Verdict::kSimulationOnly);
  CHECK(std::isnan(q.z_large));
  // Degenerate standard errors.
  CHECK(studies::z_score({0.0, 0.0}, 0.0) == 0.0);
  CHECK(studies::z_score({1.0, 0.0}, 0.0) == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(studies::z_score({1.0, std::nan("")}, 0.0)));
  studies::ComparisonOptions bad;
  bad.z_threshold = -1;
  CHECK_THROWS_WITH_AS(bad.validate(), doctest::Contains("z_threshold = "), std::invalid_argument);
  CHECK(studies::compared_quantities(false) == std::vector<std::string>{"train_f", "gen_f", "gen_grad"});
  CHECK(studies::compared_quantities(true).size() == 6);
}

TEST_CASE("comparison: a point without converged theory is simulation only") {
  model::ModelParams params;
  simulation::SimulationOptions o;
  o.p = 30;
  o.seeds = 2;
  o.threads = 1;
  o.test_samples = 100;
  const auto small = simulation::simulate(params, o);
  o.p = 60;
  const auto large = simulation::simulate(params, o);
  theory::TheoryResult not_converged;
  not_converged.summary.termination = numerics::TerminationType::kMaxIterations;
  for (const theory::TheoryResult* t : {static_cast<const theory::TheoryResult*>(nullptr),
                                         static_cast<const theory::TheoryResult*>(&not_converged)}) {
    const auto rows = studies::compare_point(params, t, small, large, {});
    REQUIRE(rows.size() == 3);
    for (const auto& r : rows) CHECK(r.verdict == Verdict::kSimulationOnly);
  }
}

TEST_CASE("[slow] L2 theory agrees with simulation at moderate size") {
  // k = 0 points on both sides of the interpolation threshold p = n. The simulation at
  // p = 800 with 16 seeds has standard errors of a few per cent of gen_f; the theory is the
  // p -> infinity limit, whose O(1/p) bias is well inside 4 SE here. Fixed base seed 2025.
  struct Point {
    const char* sigma;
    const char* teacher;
    double alpha, gamma, lambda, delta_f;
  };
  for (const Point& pt : {Point{"tanh", "tanh", 0.5, 0.8, 1e-2, 0.0}, Point{"relu", "tanh", 2.0, 0.5, 1e-3, 0.1}}) {
    model::ModelParams params;
    params.sigma = pt.sigma;
    params.teacher = pt.teacher;
    params.alpha = pt.alpha;
    params.gamma = pt.gamma;
    params.lambda = pt.lambda;
    params.delta_f = pt.delta_f;
    const theory::TheoryResult th = theory::solve_theory(params);
    INFO(pt.sigma << "/" << pt.teacher << " alpha " << pt.alpha << ": " << th.summary.message);
    REQUIRE(th.summary.converged());
    simulation::SimulationOptions o;
    o.p = 800;
    o.seeds = 16;
    o.test_samples = 4000;
    o.base_seed = 2025;
    const auto sim = simulation::simulate(params, o);
    for (const auto& [name, value] : {std::pair{"gen_f", th.errors.gen_f}, std::pair{"train_f", th.errors.train_f}}) {
      const auto& e = sim.estimate(name);
      const double z = studies::z_score(e, value);
      INFO(name << ": theory " << value << ", simulation " << e.mean << " +- " << e.se << ", z = " << z);
      CHECK(std::fabs(z) < 4.0);
    }
  }
}

TEST_CASE("[slow] Sobolev theory agrees with simulation at moderate size") {
  // k = 1 and k = 2 on both sides of the threshold p/n = k + 1, with noise and a non-trivial
  // alignment; every reported error is compared. p = 800, 16 seeds, fixed base seed 4242.
  struct Point {
    const char* sigma;
    const char* teacher;
    double p_over_n, lambda, noise;
    std::vector<double> varpi;
  };
  const Point points[] = {{"tanh", "tanh", 1.2, 1e-2, 0.0, {0.8}},
                          {"relu", "linear", 3.5, 1e-3, 0.1, {-1.3}},
                          {"erf", "relu", 2.0, 1e-1, 0.0, {1.0, -0.5}},
                          {"tanh", "tanh", 4.5, 1e-2, 0.2, {0.3, 1.1}}};
  for (const Point& pt : points) {
    model::ModelParams params;
    params.sigma = pt.sigma;
    params.teacher = pt.teacher;
    params.alpha = 1.0 / pt.p_over_n;
    params.gamma = 0.8;
    params.lambda = pt.lambda;
    params.k = static_cast<int>(pt.varpi.size());
    params.varpi = pt.varpi;
    params.delta_f = params.delta_g = pt.noise;
    const theory::TheoryResult th = theory::solve_theory(params);
    INFO(pt.sigma << "/" << pt.teacher << " p/n " << pt.p_over_n << " k " << params.k << ": " << th.summary.message);
    REQUIRE(th.summary.converged());
    simulation::SimulationOptions o;
    o.p = 800;
    o.seeds = 16;
    o.base_seed = 4242;
    const auto sim = simulation::simulate(params, o);
    for (const auto& [name, field] : model::error_fields()) {
      const auto& e = sim.estimate(name);
      const double z = studies::z_score(e, th.errors.*field);
      INFO(name << ": theory " << th.errors.*field << ", simulation " << e.mean << " +- " << e.se << ", z = " << z);
      CHECK(std::fabs(z) < 4.0);
    }
  }
}
