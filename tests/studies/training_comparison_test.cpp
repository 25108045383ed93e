// Specification of "should I train on my gradients?" (studies/training_comparison.hpp): every L2
// row is the beta = 0 fit on the user's sketch, so its gen_g and gen_h1 are the same quantities
// as the Sobolev row's, on the same k directions [D.11].
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>

using srf::model::ModelParams;

namespace {

double rel(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(b), 1e-300); }

// A random model point (fixed seed, printed): activations with useful gradients, k = 1 or 2,
// varpi ~ N(0, I_k), both sides of p/n = k + 1, noise on or off.
ModelParams random_point(std::mt19937_64& rng) {
  static const char* sigmas[] = {"tanh", "erf", "relu", "sigmoid", "softplus"};
  static const char* teachers[] = {"tanh", "relu", "erf", "linear"};
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> z(0.0, 1.0);
  ModelParams p;
  p.sigma = sigmas[rng() % 5];
  p.teacher = teachers[rng() % 4];
  p.k = 1 + static_cast<int>(rng() % 2);
  p.alpha = 1.0 / (0.3 + 4.7 * u(rng));
  p.gamma = 0.3 + 1.7 * u(rng);
  for (int m = 0; m < p.k; ++m) p.varpi.push_back(z(rng));
  if (u(rng) < 0.5) p.delta_f = p.delta_g = 0.05 + 0.2 * u(rng);
  return p;
}

}  // namespace

TEST_CASE("compare: the L2 rows are the beta = 0 fit on the same sketch, the tuned Sobolev row never loses (12 random points)") {
  // For each point, objective gen_h1 conditional on varpi and averaged over it: the L2 rows'
  // gen_g and gen_h1 equal `theory --beta 0` at their lambda_opt (the means over the sketch's free
  // part, [D.11]) to 1e-8, and the Sobolev row, at its optimal (lambda, beta) with beta = 0 a
  // candidate, has gain_equal_samples >= 1 - 1e-9.
  const unsigned long long seed = 20261203;
  std::printf("training_comparison_test: random points from seed %llu\n", seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 12; ++i) {
    const ModelParams p = random_point(rng);
    for (bool average : {false, true}) {
      INFO("point " << i << ": " << p.sigma << "/" << p.teacher << " k=" << p.k << " p/n=" << 1 / p.alpha
                    << " gamma=" << p.gamma << " noise=" << p.delta_f << " varpi_average=" << average);
      srf::studies::CompareOptions o;
      o.search.objective = "gen_h1";
      srf::theory::TheoryRequest req;
      req.model = p;
      req.varpi_average = average;
      const auto c = srf::studies::compare_training(req, o);
      REQUIRE(c.converged);
      CHECK(c.gain_equal_samples >= 1 - 1e-9);
      CHECK(c.sobolev.optimum.beta >= 0);
      CHECK(c.sobolev_beta1.optimum.request.model.beta == 1.0);
      for (const auto* row : {&c.l2_equal_samples, &c.l2_equal_cost}) {
        const ModelParams& m = row->optimum.request.model;
        CHECK(m.beta == 0.0);
        CHECK(m.k == p.k);
        CHECK(m.varpi == p.varpi);
        // `theory --beta 0` at the row's lambda_opt: the same numbers.
        const auto t = srf::theory::solve_theory(m);
        const auto& r = row->optimum.answer.solution.result;
        CHECK(rel(r.errors.gen_g, t.errors.gen_g) <= 1e-8);
        CHECK(rel(r.errors.gen_h1, t.errors.gen_h1) <= 1e-8);
        // The mean over varpi ~ N(0, I_k) is k gen_grad of the plain L2 (k = 0) solve: an identity
        // of Gaussian sketches, by a route that never forms the beta = 0 law.
        ModelParams l2 = m;
        l2.k = 0;
        l2.varpi.clear();
        l2.rho = 0;
        const auto plain = srf::theory::solve_theory(l2);
        const double mean_g = r.varpi_law.A0.gen_g + p.k * r.varpi_law.A2.gen_g;
        CHECK(rel(mean_g, p.k * plain.errors.gen_grad) <= 1e-10);
        CHECK(rel(r.errors.gen_h1, r.errors.gen_f + r.errors.gen_g) <= 1e-14);
        // The row's objective value is that quantity (its mean over varpi when averaging).
        const double expected = average ? r.varpi_law.A0.gen_h1 + p.k * r.varpi_law.A2.gen_h1 : r.errors.gen_h1;
        CHECK(rel(row->optimum.value, expected) <= 1e-12);
      }
    }
  }
}

TEST_CASE("compare: the equal-cost row spends n (1 + k c) labels, and the budget table holds the cost fixed") {
  ModelParams p;
  p.k = 2;
  p.alpha = 1.0 / 3.0;
  srf::theory::TheoryRequest req;
  req.model = p;
  req.varpi_average = true;
  srf::studies::CompareOptions o;
  o.gradient_cost = 0.5;
  o.budget_directions = 3;
  const auto c = srf::studies::compare_training(req, o);
  REQUIRE(c.converged);
  CHECK(c.label_cost == 1 + 2 * 0.5);
  CHECK(rel(c.l2_equal_cost.optimum.request.model.alpha, p.alpha * 2.0) <= 1e-15);
  REQUIRE(c.budget.size() == 4);
  for (const auto& row : c.budget) {
    // n_k (1 + k c) = n (1 + K c): every row spends the same budget.
    CHECK(rel(row.sample_factor * (1 + row.k * o.gradient_cost), 1 + 3 * o.gradient_cost) <= 1e-15);
    CHECK(rel(row.optimum.request.model.alpha, p.alpha * row.sample_factor) <= 1e-15);
    CHECK(row.optimum.request.model.k == row.k);
    CHECK(row.optimum.value >= c.budget[c.best_k].optimum.value);
  }
  // The budget needs the mean over the sketch (different k cannot share a varpi).
  req.varpi_average = false;
  req.model.varpi = {1.0, 0.5};
  CHECK_THROWS_WITH_AS(srf::studies::compare_training(req, o), doctest::Contains("varpi_average"),
                       srf::model::InvalidParameter);
}
