// Specification of optimal regularisation (studies/optimize.hpp, studies/log_search.hpp): the
// minimum found by grid + Brent agrees with an independent dense scan of the saddle point, and
// a minimum at an end of the range is reported as such.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

using srf::model::ModelParams;
using srf::studies::OptimizeOptions;
using srf::studies::OptimizeOver;

namespace {

ModelParams point(double p_over_n, int k, double noise) {
  ModelParams p;
  p.sigma = "tanh";
  p.teacher = "tanh";
  p.alpha = 1.0 / p_over_n;
  p.gamma = 0.8;
  p.k = k;
  p.varpi.assign(static_cast<std::size_t>(k), 1.0);
  p.delta_f = noise;
  p.delta_g = noise;
  return p;
}

struct Scan {
  double t = 0, value = std::numeric_limits<double>::infinity();
};

// A dense scan of f(t) over [lo, hi] (count points), refined twice on +-1 spacing around the best
// point (201 points each): spacing (hi - lo) / (count - 1) / 10^4 at the end, so its minimum
// value is within f'' h^2 ~ 1e-11 of the true one (for a minimum inside the range).
Scan dense_scan(const std::function<double(double)>& f, double lo, double hi, int count) {
  Scan best;
  double h = (hi - lo) / (count - 1);
  for (int i = 0; i < count; ++i) {
    const double t = lo + i * h, v = f(t);
    if (v < best.value) best = {t, v};
  }
  for (int round = 0; round < 2; ++round) {
    const double a = std::max(lo, best.t - h), b = std::min(hi, best.t + h);
    h = (b - a) / 200;
    for (int i = 0; i <= 200; ++i) {
      const double t = a + i * h, v = f(t);
      if (v < best.value) best = {t, v};
    }
  }
  return best;
}

srf::theory::TheoryRequest request(const ModelParams& p) {
  srf::theory::TheoryRequest r;
  r.model = p;
  return r;
}

double gen_f_at(ModelParams p, double lambda, double beta) {
  p.lambda = lambda;
  p.beta = beta;
  const auto r = srf::theory::solve_theory(p);
  return r.summary.converged() ? r.errors.gen_f : std::numeric_limits<double>::infinity();
}

}  // namespace

TEST_CASE("Optimal lambda agrees with a dense scan of the theory to 1e-6 in the minimum value") {
  // k = 0, 1, 2, noise off and on (Delta_f = Delta_g = 0.1), p/n around the thresholds.
  struct Case {
    double p_over_n;
    int k;
    double noise;
  };
  const Case cases[] = {{1.0, 0, 0.0}, {1.0, 0, 0.1}, {2.0, 1, 0.0}, {1.5, 1, 0.1},
                        {3.0, 2, 0.0}, {2.5, 2, 0.1}, {0.5, 1, 0.1}};
  for (const Case& c : cases) {
    const ModelParams p = point(c.p_over_n, c.k, c.noise);
    OptimizeOptions o;  // lambda in [1e-8, 10], objective gen_f
    const srf::studies::Optimum best = srf::studies::optimize(request(p), o);
    REQUIRE(best.converged);
    const Scan scan = dense_scan([&](double t) { return gen_f_at(p, std::pow(10.0, t), 1.0); }, -8.0, 1.0, 181);
    std::printf("p/n=%g k=%d noise=%g: optimize lambda=%.6e value=%.12g (%d solves); scan lambda=%.6e value=%.12g\n",
                c.p_over_n, c.k, c.noise, best.lambda, best.value, best.evaluations, std::pow(10.0, scan.t),
                scan.value);
    CAPTURE(c.p_over_n);
    CAPTURE(c.k);
    CAPTURE(c.noise);
    CHECK(!best.lambda_on_boundary);
    CHECK(std::fabs(best.value - scan.value) <= 1e-6 * scan.value);
    CHECK(std::fabs(std::log10(best.lambda) - scan.t) < 0.05);
    // The reported value is the error of an independent solve at the reported lambda.
    CHECK(std::fabs(gen_f_at(p, best.lambda, 1.0) - best.value) <= 1e-10 * best.value);
    CHECK(best.answer.solution.result.errors.gen_f == best.value);
  }
}

TEST_CASE("A minimum at an end of the lambda range is reported on the boundary") {
  // Noiseless L2 at p/n = 1: the optimum is at lambda ~ 1e-1 (previous test); restricted to
  // [1, 10] the best point is lambda = 1 (the error grows with lambda there), to [1e-8, 1e-4]
  // it is lambda = 1e-4.
  const ModelParams p = point(1.0, 0, 0.0);
  OptimizeOptions o;
  o.lambda_min = 1.0;
  o.lambda_max = 10.0;
  const auto high = srf::studies::optimize(request(p), o);
  REQUIRE(high.converged);
  CHECK(high.lambda_on_boundary);
  CHECK(std::fabs(std::log10(high.lambda)) < 1e-6);
  o.lambda_min = 1e-8;
  o.lambda_max = 1e-4;
  const auto low = srf::studies::optimize(request(p), o);
  REQUIRE(low.converged);
  CHECK(low.lambda_on_boundary);
  CHECK(std::fabs(std::log10(low.lambda) + 4.0) < 1e-6);
}

TEST_CASE("Optimal beta and (beta, lambda) agree with dense scans") {
  // k = 1, p/n = 2, noise 0.1 on the gradients only: Delta_g = 0.5 makes large beta costly.
  ModelParams p = point(2.0, 1, 0.1);
  p.delta_g = 0.5;
  p.lambda = 1e-2;
  OptimizeOptions o;
  o.over = OptimizeOver::kBeta;
  o.beta_zero = false;  // the log range only (beta = 0: below)
  const auto beta = srf::studies::optimize(request(p), o);
  REQUIRE(beta.converged);
  const Scan scan = dense_scan([&](double t) { return gen_f_at(p, p.lambda, std::pow(10.0, t)); }, -3.0, 3.0, 121);
  std::printf("beta: optimize beta=%.6e value=%.12g; scan beta=%.6e value=%.12g\n", beta.beta, beta.value,
              std::pow(10.0, scan.t), scan.value);
  CHECK(beta.lambda == p.lambda);
  CHECK(std::fabs(beta.value - scan.value) <= 1e-6 * scan.value);
  CHECK(beta.beta_on_boundary == (scan.t <= -3.0 + 1e-9 || scan.t >= 3.0 - 1e-9));

  o.over = OptimizeOver::kBoth;
  const auto both = srf::studies::optimize(request(p), o);
  REQUIRE(both.converged);
  // Nested scan: the best lambda (scanned) at each scanned beta.
  const Scan nested = dense_scan(
      [&](double t) {
        ModelParams q = p;
        q.beta = std::pow(10.0, t);
        OptimizeOptions lo;
        return srf::studies::optimize(request(q), lo).value;
      },
      -3.0, 3.0, 25);
  std::printf("both: optimize beta=%.6e lambda=%.6e value=%.12g; scan beta=%.6e value=%.12g\n", both.beta,
              both.lambda, both.value, std::pow(10.0, nested.t), nested.value);
  CHECK(std::fabs(both.value - nested.value) <= 1e-6 * nested.value);
  CHECK(both.value <= beta.value * (1 + 1e-12));
  CHECK(std::fabs(gen_f_at(p, both.lambda, both.beta) - both.value) <= 1e-10 * both.value);
}

TEST_CASE("Optimising beta needs k >= 1; options are validated") {
  OptimizeOptions o;
  o.over = OptimizeOver::kBeta;
  CHECK_THROWS_AS(srf::studies::optimize(request(point(1.0, 0, 0.0)), o), std::invalid_argument);
  o.beta_min = 0;
  CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("beta_min = 0"), std::invalid_argument);
  CHECK_THROWS_AS(srf::studies::parse_optimize_over("gamma"), std::invalid_argument);
}

TEST_CASE("beta = 0, the L2 fit on the same sketch, is a candidate of the beta search and wins where gradients hurt") {
  // Delta_g = 50: gradient labels that are almost pure noise. The best gen_f is the L2 fit's, at
  // beta = 0 exactly (the optimum says so), equal to the k = 0 optimum of lambda.
  ModelParams p = point(2.0, 1, 0.0);
  p.delta_g = 50.0;
  OptimizeOptions o;
  o.over = OptimizeOver::kBoth;
  const auto both = srf::studies::optimize(request(p), o);
  REQUIRE(both.converged);
  ModelParams l2 = point(2.0, 0, 0.0);
  const auto plain = srf::studies::optimize(request(l2), OptimizeOptions{});
  std::printf("noisy gradients: beta_opt=%g value=%.12g; L2 %.12g\n", both.beta, both.value, plain.value);
  CHECK(both.beta == 0.0);
  CHECK(!both.beta_on_boundary);
  CHECK(both.value == plain.value);  // the same search on the same L2 problem
  // Without the candidate the search stays on the log range, at best its lower end.
  o.beta_zero = false;
  const auto positive = srf::studies::optimize(request(p), o);
  CHECK(positive.beta > 0.0);
  CHECK(positive.value >= both.value * (1 - 1e-12));
}

TEST_CASE("weighted:W minimises gen_f + W gen_grad") {
  const ModelParams p = point(1.5, 1, 0.1);
  OptimizeOptions o;
  o.objective = "weighted:0.5";
  const auto best = srf::studies::optimize(request(p), o);
  REQUIRE(best.converged);
  const auto& e = best.answer.solution.result.errors;
  CHECK(best.value == e.gen_f + 0.5 * e.gen_grad);
  const Scan scan = dense_scan(
      [&](double t) {
        ModelParams q = p;
        q.lambda = std::pow(10.0, t);
        const auto r = srf::theory::solve_theory(q);
        return r.summary.converged() ? r.errors.gen_f + 0.5 * r.errors.gen_grad : std::numeric_limits<double>::infinity();
      },
      -8.0, 1.0, 181);
  CHECK(std::fabs(best.value - scan.value) <= 1e-6 * scan.value);
  o.objective = "weighted:-1";
  CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("objective"), srf::model::InvalidParameter);
}

TEST_CASE("A local search from a neighbour's optimum finds the global optimum (lambda, and lambda with beta)") {
  // Along a grid row each point starts from its neighbour's optimum: +-1 decade in lambda, or a
  // projected Newton in (log lambda, log beta) and the beta = 0 branch near its own lambda. At
  // nearby points it must agree with the global search to 1e-7 relative in the value, on each
  // branch. gen_f (where beta = 0 tends to win) and gen_h1 (where a positive beta wins).
  for (const char* objective : {"gen_f", "gen_h1"})
    for (double x : {1.2, 1.9, 2.6, 4.0}) {
      CAPTURE(objective);
      CAPTURE(x);
      const ModelParams p = point(x, 1, 0.1);
      for (OptimizeOver over : {OptimizeOver::kLambda, OptimizeOver::kBoth}) {
        OptimizeOptions o;
        o.over = over;
        o.objective = objective;
        const auto global = srf::studies::optimize(request(p), o);
        const auto near = srf::studies::optimize(request(point(x * 1.05, 1, 0.1)), o);
        REQUIRE(global.converged);
        REQUIRE(near.converged);
        const auto local = srf::studies::optimize(request(p), o, srf::studies::OptimizeHint::from(near));
        REQUIRE(local.converged);
        std::printf("%s x=%g over=%s: global %.12g beta %.4g (%d solves) local %.12g beta %.4g (%d solves)\n", objective,
                    x, srf::studies::to_string(over), global.value, global.beta, global.evaluations, local.value,
                    local.beta, local.evaluations);
        CHECK(std::fabs(local.value - global.value) <= 1e-7 * global.value);
        CHECK(local.evaluations < global.evaluations);
        if (over == OptimizeOver::kBoth)
          CHECK(std::fabs(local.positive_value - global.positive_value) <= 1e-7 * global.positive_value);
      }
    }
}
