// One answer everywhere: at 50 random points (fixed, printed seed), `theory` (theory::solve), a
// curve row (studies::solve_curve), each compare row re-solved by theory at its (lambda_opt,
// beta_opt), and optimize's optimum give the same numbers to 1e-10 relative; the same at four
// structured points with informed directions (oracle, estimated, estimated_sigma). (The Python package
// and the CLI's JSON are checked against the same library calls in tests/python and tests/cli.)
// This is the test that would have caught an L2 reference solved on another sketch.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include <sobolev_rf/studies/curve.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>
#include <sobolev_rf/theory/request.hpp>

using srf::model::ModelParams;

namespace {

double rel(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return 0;
  return std::fabs(a - b) / std::max(std::fabs(b), 1e-300);
}

ModelParams random_point(std::mt19937_64& rng) {
  static const char* sigmas[] = {"tanh", "erf", "relu", "sigmoid", "softplus"};
  static const char* teachers[] = {"tanh", "relu", "erf", "linear", "he3"};
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> z(0.0, 1.0);
  ModelParams p;
  p.sigma = sigmas[rng() % 5];
  p.teacher = teachers[rng() % 5];
  p.k = 1 + static_cast<int>(rng() % 2);
  p.alpha = 1.0 / (0.3 + 4.7 * u(rng));
  p.gamma = 0.3 + 1.7 * u(rng);
  p.lambda = std::pow(10.0, -4 + 4 * u(rng));
  p.beta = std::pow(10.0, -1 + 2 * u(rng));
  for (int m = 0; m < p.k; ++m) p.varpi.push_back(z(rng));
  if (u(rng) < 0.5) p.delta_f = p.delta_g = 0.2 * u(rng);
  return p;
}

// Every error and the law's coefficients of two results agree to `tol`, relative to the size of
// the error's law, |A0| + k |A2| (A2 is a difference of two errors: its own relative precision
// is that of the errors times |A0| / |A2|). Two solves of one point from different warm starts
// agree to the solver's tolerance (1e-12 in log V) times the fixed point's conditioning.
void same(const srf::theory::TheoryResult& a, const srf::theory::TheoryResult& b, int k, double tol) {
  REQUIRE(a.summary.converged());
  REQUIRE(b.summary.converged());
  for (const auto& [name, field] : srf::model::error_fields()) {
    CAPTURE(std::string(name));
    const double scale = std::fabs(b.varpi_law.A0.*field) + k * std::fabs(b.varpi_law.A2.*field) + 1e-300;
    if (std::isnan(b.errors.*field)) {
      CHECK(std::isnan(a.errors.*field));
      continue;
    }
    CHECK(std::fabs(a.errors.*field - b.errors.*field) <= tol * std::max(scale, std::fabs(b.errors.*field)));
    CHECK(std::fabs(a.varpi_law.A0.*field - b.varpi_law.A0.*field) <= tol * scale);
    CHECK(std::fabs(a.varpi_law.A2.*field - b.varpi_law.A2.*field) <= tol * scale);
  }
}

srf::theory::TheoryResult solve_at(srf::theory::TheoryRequest r, const ModelParams& m) {
  r.model = m;
  return srf::theory::solve(r).solution.result;
}

// theory at p, the point as a curve row, compare's rows re-solved by theory, and optimize's optimum
// (i picks varpi averaging and compare's objective).
void check_one_answer(const ModelParams& p, int i) {
  srf::theory::TheoryRequest request;
  request.model = p;
  request.varpi_average = i % 2 == 1;
  const auto direct = srf::theory::solve(request).solution.result;
  if (!direct.summary.converged()) return;  // reported as such; nothing to compare
  // A curve row: the point inside a sweep (its neighbour first, so it is warm-started).
  ModelParams before = p;
  before.alpha *= 1.02;
  srf::theory::TheoryResult from_curve;
  srf::studies::solve_curve({before, p}, request,
                            [&](std::size_t j, const ModelParams&, const srf::theory::TheoryAnswer& a) {
                              if (j == 1) from_curve = a.solution.result;
                            });
  same(direct, from_curve, p.k, 1e-10);
  // compare: each row re-solved by theory at its optimum.
  srf::studies::CompareOptions o;
  o.search.objective = i % 3 == 0 ? "gen_h1" : i % 3 == 1 ? "gen_f" : "weighted:1";
  o.threads = 1;
  const auto c = srf::studies::compare_training(request, o);
  for (const auto* row : {&c.l2_equal_samples, &c.l2_equal_cost, &c.sobolev, &c.sobolev_beta1}) {
    if (!row->optimum.converged) continue;
    const auto again = solve_at(request, row->optimum.request.model);
    same(row->optimum.answer.solution.result, again, row->optimum.request.model.k, 1e-10);
    const srf::studies::Objective objective(o.search.objective, request.varpi_average);
    CHECK(rel(objective.value(again, p.k), row->optimum.value) <= 1e-10);
  }
  // optimize over both: its optimum is the compare row's, and theory at it gives its numbers.
  srf::studies::OptimizeOptions both = o.search;
  both.over = srf::studies::OptimizeOver::kBoth;
  const auto best = srf::studies::optimize(request, both);
  if (best.converged && c.sobolev.optimum.converged) {
    CHECK(best.value == c.sobolev.optimum.value);
    CHECK(best.lambda == c.sobolev.optimum.lambda);
    CHECK(best.beta == c.sobolev.optimum.beta);
    same(best.answer.solution.result, solve_at(request, best.request.model), p.k, 1e-10);
  }
}

}  // namespace

TEST_CASE("theory, a curve row, compare's rows and optimize's optimum give one answer (50 random points)") {
  const unsigned long long seed = 1203;
  std::printf("one_answer_test: 50 random points from seed %llu\n", seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 50; ++i) {
    const ModelParams p = random_point(rng);
    INFO("point " << i << ": " << p.sigma << "/" << p.teacher << " k=" << p.k << " p/n=" << 1 / p.alpha << " gamma="
                  << p.gamma << " lambda=" << p.lambda << " beta=" << p.beta << " noise=" << p.delta_f);
    check_one_answer(p, i);
  }
}

TEST_CASE("one answer with structured inputs and informed directions, estimated_sigma included") {
  struct Point {
    const char* spectrum;
    double b;
    const char* informed;
    int k;
    double p_over_n;
  };
  const Point points[] = {{"twolevel:0.05,20", 1.0, "estimated_sigma", 1, 0.7},
                          {"twolevel:0.2,5", -1.0, "estimated_sigma", 1, 2.5},
                          {"powerlaw:0.4", 0.0, "estimated", 1, 1.5},
                          {"twolevel:0.1,10", 0.5, "oracle", 2, 1.2}};
  int i = 0;
  for (const Point& q : points) {
    ModelParams p;
    p.spectrum = q.spectrum, p.alignment = q.b, p.informed = q.informed, p.delta_u = 0.05;
    p.k = q.k, p.varpi.assign(static_cast<std::size_t>(q.k), 0.8);
    p.alpha = 1.0 / q.p_over_n, p.lambda = 1e-2, p.delta_f = p.delta_g = 0.05;
    INFO(q.spectrum << " b=" << q.b << " " << q.informed << " k=" << q.k << " p/n=" << q.p_over_n);
    check_one_answer(p, i++);
  }
}
