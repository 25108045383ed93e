// Damped / Anderson-accelerated fixed-point iteration (numerics/fixed_point.hpp).
#include <doctest/doctest.h>

#include <Eigen/Dense>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "numerics/fixed_point.hpp"

namespace {
using srf::numerics::FixedPointOptions;
using srf::numerics::solve_fixed_point;
using srf::numerics::TerminationType;

// The Dottie number, the unique real solution of cos x = x (OEIS A003957: 0.7390851332151606416553...).
constexpr double kDottie = 0.7390851332151606416553;

Eigen::VectorXd cos_map(const Eigen::VectorXd& x) { return x.array().cos().matrix(); }

std::string message_of(const FixedPointOptions& o) {
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("Fixed-point iteration solves x = cos x with and without Anderson acceleration") {
  // Near the root the map contracts with L = sin(x*) = 0.674, so |x - x*| <= |T(x) - x| / (1 - L); the
  // returned point is T(x), closer by another factor L.
  const double L = std::sin(kDottie);
  for (int depth : {0, 1, 5}) {
    CAPTURE(depth);
    FixedPointOptions o;
    o.anderson_depth = depth;
    const auto r = solve_fixed_point(cos_map, Eigen::VectorXd::Constant(1, 0.0), o);
    REQUIRE(r.summary.converged());
    const double tol = o.abs_tol + o.rel_tol * std::abs(kDottie);
    CHECK(std::abs(r.x[0] - kDottie) <= L * tol / (1.0 - L) + 4 * std::numeric_limits<double>::epsilon());
    CHECK(r.summary.residual <= tol);
    CHECK(static_cast<int>(r.summary.residual_history.size()) == r.summary.iterations);
  }
}

TEST_CASE("Anderson acceleration solves a linear contraction with spectral radius 0.9 in far fewer iterations") {
  // x = A x + b, A symmetric with eigenvalues spread over [-0.9, 0.9]; x* = (I - A)^{-1} b.
  const unsigned seed = 424242;
  MESSAGE("random contraction seed = " << seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> N01;
  const int n = 20;
  Eigen::MatrixXd G(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) G(i, j) = N01(rng);
  const Eigen::MatrixXd Q = Eigen::HouseholderQR<Eigen::MatrixXd>(G).householderQ();
  Eigen::VectorXd lam = Eigen::VectorXd::LinSpaced(n, -0.9, 0.9);
  const Eigen::MatrixXd A = Q * lam.asDiagonal() * Q.transpose();
  Eigen::VectorXd b(n);
  for (int i = 0; i < n; ++i) b[i] = N01(rng);
  const Eigen::VectorXd x_star = (Eigen::MatrixXd::Identity(n, n) - A).partialPivLu().solve(b);
  auto map = [&](const Eigen::VectorXd& x) -> Eigen::VectorXd { return A * x + b; };

  FixedPointOptions plain;
  plain.anderson_depth = 0;
  plain.max_iterations = 5000;
  FixedPointOptions anderson = plain;
  anderson.anderson_depth = 5;
  const auto rp = solve_fixed_point(map, Eigen::VectorXd::Zero(n), plain);
  const auto ra = solve_fixed_point(map, Eigen::VectorXd::Zero(n), anderson);
  REQUIRE(rp.summary.converged());
  REQUIRE(ra.summary.converged());
  MESSAGE("iterations: plain " << rp.summary.iterations << ", Anderson(5) " << ra.summary.iterations);
  // |x - x*|_2 <= |(I - A)^{-1}|_2 |T(x) - x|_2 <= 10 sqrt(n) |T(x) - x|_inf.
  for (const auto* r : {&rp, &ra}) {
    const double tol = plain.abs_tol + plain.rel_tol * x_star.lpNorm<Eigen::Infinity>();
    CHECK((r->x - x_star).norm() <= 10.0 * std::sqrt(n) * tol * 1.01);
  }
  // Plain Picard needs ~log(tol)/log(0.9) ~ 250 iterations; Anderson is a Krylov-like method here.
  CHECK(rp.summary.iterations > 150);
  CHECK(3 * ra.summary.iterations < rp.summary.iterations);
}

TEST_CASE("Fixed-point iteration reports max_iterations, never convergence, when it runs out of iterations") {
  for (int depth : {0, 3}) {
    CAPTURE(depth);
    FixedPointOptions o;
    o.anderson_depth = depth;
    o.max_iterations = 4;
    const auto r = solve_fixed_point(cos_map, Eigen::VectorXd::Constant(1, 0.0), o);
    CHECK(r.summary.termination == TerminationType::kMaxIterations);
    CHECK_FALSE(r.summary.converged());
    CHECK(r.summary.iterations == 4);
    CHECK(r.summary.residual > o.abs_tol + o.rel_tol);
    CHECK_FALSE(r.summary.message.empty());
  }
}

TEST_CASE("Fixed-point iteration stops with non_finite when the map returns NaN or Inf") {
  // A map that is fine for two calls, then returns NaN.
  int calls = 0;
  auto nan_later = [&](const Eigen::VectorXd& x) -> Eigen::VectorXd {
    ++calls;
    if (calls > 2) return Eigen::VectorXd::Constant(x.size(), std::nan(""));
    return 0.5 * x;
  };
  FixedPointOptions o;
  const auto r1 = solve_fixed_point(nan_later, Eigen::VectorXd::Constant(2, 1.0), o);
  CHECK(r1.summary.termination == TerminationType::kNonFinite);
  CHECK_FALSE(r1.summary.converged());
  CHECK(r1.summary.iterations == 3);
  CHECK(r1.x.allFinite());  // the last finite iterate is returned
  // x -> 1/x at x = 0 gives Inf at once.
  auto inv = [](const Eigen::VectorXd& x) -> Eigen::VectorXd { return x.cwiseInverse(); };
  const auto r2 = solve_fixed_point(inv, Eigen::VectorXd::Zero(1), o);
  CHECK(r2.summary.termination == TerminationType::kNonFinite);
  CHECK_FALSE(r2.summary.converged());
}

TEST_CASE("FixedPointOptions.validate rejects each bad field with a message naming it") {
  struct Bad {
    const char* field;
    void (*set)(FixedPointOptions&);
  };
  const Bad bad[] = {
      {"abs_tol", [](FixedPointOptions& o) { o.abs_tol = -1e-3; }},
      {"abs_tol", [](FixedPointOptions& o) { o.abs_tol = std::nan(""); }},
      {"rel_tol", [](FixedPointOptions& o) { o.rel_tol = -1.0; }},
      {"abs_tol", [](FixedPointOptions& o) { o.abs_tol = 0.0; o.rel_tol = 0.0; }},  // both zero: never stops
      {"max_iterations", [](FixedPointOptions& o) { o.max_iterations = 0; }},
      {"damping", [](FixedPointOptions& o) { o.damping = 0.0; }},
      {"damping", [](FixedPointOptions& o) { o.damping = 1.5; }},
      {"damping", [](FixedPointOptions& o) { o.damping = std::nan(""); }},
      {"anderson_depth", [](FixedPointOptions& o) { o.anderson_depth = -1; }},
  };
  CHECK(message_of(FixedPointOptions{}).empty());
  for (const Bad& b : bad) {
    FixedPointOptions o;
    b.set(o);
    const std::string msg = message_of(o);
    CAPTURE(msg);
    CHECK(msg.find(b.field) != std::string::npos);
    // solve_fixed_point validates too.
    CHECK_THROWS_AS(solve_fixed_point(cos_map, Eigen::VectorXd::Zero(1), o), std::invalid_argument);
  }
}
