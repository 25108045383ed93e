// lambda = 0: the ridgeless limit lambda -> 0+ solved in the limit equations (docs/theory
// [D.14]), against the solver at small lambda > 0 (the ordinary equations, [D.2]-[D.8]).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <sobolev_rf/theory/detail/outer_equation.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

using srf::model::ModelParams;
using srf::theory::SaddlePointOptions;
using srf::theory::SaddlePointState;
using srf::theory::solve_saddle_point;
using srf::theory::solve_theory;

namespace {
ModelParams point(const char* sigma, double p_over_n, double lambda, int k) {
  ModelParams p;
  p.sigma = sigma;
  p.teacher = "tanh";
  p.alpha = 1.0 / p_over_n;
  p.gamma = 0.8;
  p.lambda = lambda;
  p.k = k;
  p.varpi = std::vector<double>(k, 0.9);
  p.delta_f = 0.1;
  p.delta_g = 0.05;
  return p;
}
double rel(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(b), 1e-300); }
double order_parameter(const srf::theory::TheoryResult& r, const std::string& name) {
  for (const auto& [n, v] : r.order_parameters)
    if (n == name) return v;
  return std::nan("");
}
}  // namespace

TEST_CASE("lambda = 0 agrees with lambda = 1e-10 on both sides of the interpolation threshold") {
  // Away from p/n = k + 1 the errors are smooth in lambda at 0+ (on both sides the gap to the
  // limit is linear in lambda; measured for tanh, k = 2, p/n = 3.15: gen_f = 11.7397 is off by
  // 4.9e-8, 4.9e-7, 4.9e-6 at lambda = 1e-12, 1e-11, 1e-10), with a slope that grows as p/n nears
  // the threshold: 5 % from it, lambda = 1e-10 is 1.8e-5 off for sigmoid, so there the reference
  // is lambda = 1e-12. The check allows 1e-5 relative. Above the threshold the training errors
  // are 0 exactly at lambda = 0 (interpolation).
  for (const char* sigma : {"tanh", "relu", "erf", "sigmoid", "he3"})
    for (int k : {0, 1, 2})
      for (double f : {0.3, 0.8, 0.95, 1.05, 1.3, 3.0}) {
        const double x = f * (k + 1);  // p/n
        const auto r0 = solve_saddle_point(point(sigma, x, 0.0, k)).result;
        const double lambda = std::fabs(f - 1.0) < 0.1 ? 1e-12 : 1e-10;
        const auto rl = solve_saddle_point(point(sigma, x, lambda, k)).result;
        INFO(sigma << " k=" << k << " p/n=" << x << ": " << r0.summary.message << " / " << rl.summary.message);
        REQUIRE(r0.summary.converged());
        REQUIRE(rl.summary.converged());
        CHECK(rel(r0.errors.gen_f, rl.errors.gen_f) < 1e-5);
        CHECK(rel(r0.errors.gen_grad, rl.errors.gen_grad) < 1e-5);
        if (k) CHECK(rel(r0.errors.gen_g, rl.errors.gen_g) < 1e-5);
        if (f < 1.0) {  // underparametrised: a least-squares fit, V finite
          CHECK(rel(r0.errors.train_f, rl.errors.train_f) < 1e-5);
          if (k) CHECK(rel(r0.errors.train_g, rl.errors.train_g) < 1e-5);
          CHECK(rel(order_parameter(r0, "V_00"), order_parameter(rl, "V_00")) < 1e-5);
          if (k) CHECK(rel(order_parameter(r0, "V_11"), order_parameter(rl, "V_11")) < 1e-5);
        } else {  // overparametrised: interpolation, V_00 and V_mm both ~ 1/lambda
          CHECK(r0.errors.train_f == 0.0);
          CHECK(r0.errors.train_g == 0.0);
          CHECK(rel(order_parameter(r0, "lambda_V_00"), lambda * order_parameter(rl, "V_00")) < 1e-5);
          if (k) CHECK(rel(order_parameter(r0, "lambda_V_11"), lambda * order_parameter(rl, "V_11")) < 1e-5);
        }
        for (const auto& [name, f0] : srf::model::error_fields()) CHECK(std::isfinite(r0.errors.*f0));
      }
}

TEST_CASE("Above the threshold the training errors vanish like lambda^2 as lambda -> 0+") {
  // (I + V W)^{-1} = lambda (lambda + v W)^{-1} [D.14]: E_train = lambda^2 (...) + O(lambda^3).
  const auto a = solve_theory(point("tanh", 3.0, 1e-8, 1));
  const auto b = solve_theory(point("tanh", 3.0, 1e-9, 1));
  REQUIRE(a.summary.converged());
  REQUIRE(b.summary.converged());
  CHECK(a.errors.train_f / b.errors.train_f == doctest::Approx(100.0).epsilon(1e-3));
  CHECK(a.errors.train_g / b.errors.train_g == doctest::Approx(100.0).epsilon(1e-3));
}

TEST_CASE("lambda = 0 exactly at the interpolation threshold p/n = k + 1 is a non-converged status, not a number") {
  for (int k : {0, 1, 2}) {
    const auto r = solve_theory(point("tanh", k + 1.0, 0.0, k));
    INFO("k = " << k << ": " << r.summary.message);
    CHECK_FALSE(r.summary.converged());
    CHECK(r.summary.message.find("diverges at the interpolation threshold p/n = k + 1 = " + std::to_string(k + 1)) !=
          std::string::npos);
    CHECK(std::isnan(r.errors.gen_f));
    CHECK(std::isnan(r.errors.train_f));
    CHECK(std::isnan(r.varpi_law.A0.gen_f));
  }
  // Next to the threshold the error grows like 1 / |p/n - (k + 1)| (D.12); closer than the
  // solve can resolve, the status names the threshold. Either way, never a modest number.
  for (double eps : {1e-6, -1e-6, 1e-10, -1e-10}) {
    const auto r = solve_theory(point("tanh", 2.0 * (1.0 + eps), 0.0, 1));
    INFO("eps = " << eps << ": " << r.summary.message);
    if (r.summary.converged())
      CHECK(r.errors.gen_f > 0.1 / std::fabs(eps));
    else
      CHECK(r.summary.message.find("from the interpolation threshold p/n = k + 1 = 2") != std::string::npos);
  }
  // The same divergence seen from lambda > 0 (D.12): gen_f grows like lambda^(-1/2) there.
  const double g6 = solve_theory(point("tanh", 2.0, 1e-6, 1)).errors.gen_f;
  const double g8 = solve_theory(point("tanh", 2.0, 1e-8, 1)).errors.gen_f;
  CHECK(g8 / g6 > 5.0);
}

TEST_CASE("A ridgeless curve across the threshold converges with warm starts on both sides") {
  // The warm state carries which variables it holds (V or lambda V); crossing the threshold
  // the solver must not reuse a state of the other side.
  SaddlePointState state;
  int converged = 0, points = 0;
  for (double x = 1.2; x <= 2.81; x += 0.1, ++points) {
    if (std::fabs(x - 2.0) < 1e-9) continue;
    const auto sol = solve_saddle_point(point("tanh", x, 0.0, 1), {}, state);
    INFO("p/n = " << x << ": " << sol.result.summary.message);
    CHECK(sol.result.summary.converged());
    converged += sol.result.summary.converged();
    CHECK(sol.state.rescaled == (x > 2.0));
    state = sol.state;
  }
  CHECK(converged == points - 1);
}

TEST_CASE("The rescaled outer map is the plain one in v = lambda V, delta = lambda Delta, for any lambda > 0") {
  // [D.14]: with V = v / lambda the channel is R = lambda r, r = W (lambda + v W)^{-1}, and the
  // inner traces scale as Delta = delta / lambda at an inner ridge 1; hence
  // T_rescaled(lambda V) = lambda T(V) exactly. Checked on the maps themselves, at points that are
  // not solutions, to round-off.
  const SaddlePointOptions o;
  for (int k : {0, 1, 2})
    for (double lambda : {1e-3, 0.7})
      for (double V : {0.05, 3.0, 400.0}) {
        ModelParams p = point("tanh", 2.5 * (k + 1), lambda, k);
        p.beta = 0.6;
        const srf::theory::OuterEquation plain(p, o, false), rescaled(p, o, true);
        const double x[2] = {V, 0.7 * V};
        const double v[2] = {lambda * x[0], lambda * x[1]};
        double T[2], Tv[2];
        srf::theory::BlockOrderParameters a, b;
        REQUIRE(plain.outer_map(lambda, x, T, a));
        REQUIRE(rescaled.outer_map(lambda, v, Tv, b));
        INFO("k = " << k << ", lambda = " << lambda << ", V = " << V);
        CHECK(rel(Tv[0], lambda * T[0]) < 1e-12);
        CHECK(rel(b.Delta0, lambda * a.Delta0) < 1e-12);
        if (k) {
          CHECK(rel(Tv[1], lambda * T[1]) < 1e-12);
          CHECK(rel(b.Delta1, lambda * a.Delta1) < 1e-12);
        }
      }
}

TEST_CASE("lambda = 0 with a linear student (rank-min(p, d) features) says it is not supported") {
  const auto r = solve_theory(point("linear", 3.0, 0.0, 0));
  CHECK_FALSE(r.summary.converged());
  CHECK(r.summary.message.find("kappa_star > 0") != std::string::npos);
  CHECK(std::isnan(r.errors.gen_f));
}
