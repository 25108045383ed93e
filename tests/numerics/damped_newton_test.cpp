// Damped Newton for small systems (numerics/damped_newton.hpp): the solver behind the outer
// and inner equations of the saddle point (docs/theory [D.8]).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <sobolev_rf/numerics/damped_newton.hpp>

namespace {
using srf::numerics::DampedNewtonOptions;
using srf::numerics::NewtonMatrix;
using srf::numerics::NewtonVector;
using srf::numerics::solve_damped_newton;
using srf::numerics::solve_damped_newton_exact;
using srf::numerics::TerminationType;

constexpr double kEps = std::numeric_limits<double>::epsilon();

// A 2-D system with the root (1, 2):  F = (y0^2 + y1^2 - 5, exp(y0 - 1) + y1 - 3),
// J = [[2 y0, 2 y1], [exp(y0 - 1), 1]] (det = -2 at the root).
bool circle_exp(const NewtonVector& y, NewtonVector& F) {
  F(0) = y(0) * y(0) + y(1) * y(1) - 5.0;
  F(1) = std::exp(y(0) - 1.0) + y(1) - 3.0;
  return true;
}
bool circle_exp_jacobian(const NewtonVector& y, NewtonVector& F, NewtonMatrix& J) {
  circle_exp(y, F);
  J << 2.0 * y(0), 2.0 * y(1), std::exp(y(0) - 1.0), 1.0;
  return true;
}
NewtonVector vec(std::initializer_list<double> v) {
  NewtonVector y(static_cast<long>(v.size()));
  long i = 0;
  for (double x : v) y(i++) = x;
  return y;
}

std::string message_of(const DampedNewtonOptions& o) {
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("Damped Newton converges quadratically to the known root of a 2-D system with the exact Jacobian") {
  DampedNewtonOptions o;
  o.tolerance = 1e-14;
  const auto r = solve_damped_newton_exact(circle_exp_jacobian, vec({1.6, 1.3}), o);
  REQUIRE(r.summary.converged());
  CHECK(r.summary.message.empty());
  // |y - root|_inf <= |J^{-1}|_inf |F|_inf <= 2.5 tolerance to first order (|J^{-1}|_inf = 2.5 at the root).
  CHECK(std::fabs(r.y(0) - 1.0) <= 3 * o.tolerance);
  CHECK(std::fabs(r.y(1) - 2.0) <= 3 * o.tolerance);
  const auto& h = r.summary.residual_history;
  REQUIRE(h.size() == static_cast<std::size_t>(r.summary.iterations) + 1);
  CHECK(r.summary.residual == h.back());
  // Quadratic convergence: once the residual is small, r_{i+1} <= C r_i^2 with
  // C ~ max_i |e^T F_i'' e| / (2 |e|_inf^2) |J^{-1}|_inf^2 <= 2 * 2.5^2 = 12.5 near the root
  // (|J^{-1}|_inf = 2.5 there); allow 20.
  int quadratic_steps = 0;
  for (std::size_t i = 0; i + 1 < h.size(); ++i)
    if (h[i] < 1e-2 && h[i + 1] > 1e3 * kEps) {
      CAPTURE(i);
      CHECK(h[i + 1] <= 20.0 * h[i] * h[i]);
      ++quadratic_steps;
    }
  CHECK(quadratic_steps >= 1);
  CHECK(r.summary.iterations <= 8);
}

TEST_CASE("Damped Newton with a finite-difference Jacobian reaches the same root") {
  DampedNewtonOptions o;
  o.tolerance = 1e-13;
  int calls = 0;
  NewtonVector last;
  auto residual = [&](const NewtonVector& y, NewtonVector& F) {
    ++calls;
    last = y;
    return circle_exp(y, F);
  };
  const auto r = solve_damped_newton(residual, vec({1.6, 1.3}), o);
  REQUIRE(r.summary.converged());
  CHECK(std::fabs(r.y(0) - 1.0) <= 3 * o.tolerance);
  CHECK(std::fabs(r.y(1) - 2.0) <= 3 * o.tolerance);
  // A forward difference with step h = 1e-7 errs by O(h) in J: the convergence is then linear
  // with rate O(h), far faster than needed; the count stays near that of exact Newton.
  CHECK(r.summary.iterations <= 9);
  // Per Newton step: n = 2 Jacobian evaluations and at least one trial.
  CHECK(calls >= 1 + 3 * r.summary.iterations);
  // The contract callers rely on: the last call of the residual was at the returned root.
  CHECK(last == r.y);
}

TEST_CASE("Damped Newton solves a 1-D and a 3-D problem (closed-form and LU steps)") {
  // 1-D: x^3 = 2.
  DampedNewtonOptions o;
  o.tolerance = 1e-15;
  auto cube = [](const NewtonVector& y, NewtonVector& F, NewtonMatrix& J) {
    F(0) = y(0) * y(0) * y(0) - 2.0;
    J(0, 0) = 3.0 * y(0) * y(0);
    return true;
  };
  const auto r1 = solve_damped_newton_exact(cube, vec({1.0}), o);
  REQUIRE(r1.summary.converged());
  CHECK(std::fabs(r1.y(0) - std::cbrt(2.0)) <= 2 * kEps);
  // 3-D linear system A y = b with the solution (1, -2, 3): one exact Newton step solves it.
  Eigen::Matrix3d A;
  A << 4, 1, 0, 1, 3, -1, 0, -1, 2;
  const Eigen::Vector3d x = {1.0, -2.0, 3.0};
  const Eigen::Vector3d b = A * x;
  auto linear = [&](const NewtonVector& y, NewtonVector& F, NewtonMatrix& J) {
    F = A * y - b;
    J = A;
    return true;
  };
  o.tolerance = 1e-13;
  const auto r3 = solve_damped_newton_exact(linear, vec({0.0, 0.0, 0.0}), o);
  REQUIRE(r3.summary.converged());
  CHECK(r3.summary.iterations == 1);
  CHECK((r3.y - x).cwiseAbs().maxCoeff() <= 16 * kEps);
}

TEST_CASE("Backtracking and the step cap make Newton converge on atan, where the full step diverges") {
  // Newton on atan(y) from |y0| > 1.3917 overshoots further each step; damped, it converges to 0.
  auto atan_f = [](const NewtonVector& y, NewtonVector& F, NewtonMatrix& J) {
    F(0) = std::atan(y(0));
    J(0, 0) = 1.0 / (1.0 + y(0) * y(0));
    return true;
  };
  DampedNewtonOptions o;
  o.tolerance = 1e-14;
  const auto r = solve_damped_newton_exact(atan_f, vec({10.0}), o);
  REQUIRE(r.summary.converged());
  CHECK(std::fabs(r.y(0)) <= 1e-14);
  // Each accepted step reduces |F| by at least the sufficient-decrease factor.
  const auto& h = r.summary.residual_history;
  for (std::size_t i = 0; i + 1 < h.size(); ++i) CHECK(h[i + 1] < h[i]);
}

TEST_CASE("Damped Newton reports non-convergence, non-finite residuals and the absence of a step as statuses") {
  DampedNewtonOptions o;
  SUBCASE("out of iterations") {
    o.max_iterations = 1;
    o.tolerance = 1e-14;
    const auto r = solve_damped_newton_exact(circle_exp_jacobian, vec({3.0, 0.5}), o);
    CHECK(r.summary.termination == TerminationType::kMaxIterations);
    CHECK_FALSE(r.summary.converged());
    CHECK(r.summary.message.find("did not converge in 1 iterations") != std::string::npos);
    CHECK(r.summary.iterations == 1);
    CHECK(r.summary.residual > o.tolerance);
  }
  SUBCASE("non-finite at the start") {
    auto nan_f = [](const NewtonVector&, NewtonVector& F) {
      F(0) = std::numeric_limits<double>::quiet_NaN();
      return true;
    };
    const auto r = solve_damped_newton(nan_f, vec({1.0}), o);
    CHECK(r.summary.termination == TerminationType::kNonFinite);
    CHECK(std::isinf(r.summary.residual));
    auto fails = [](const NewtonVector&, NewtonVector&) { return false; };
    CHECK(solve_damped_newton(fails, vec({1.0}), o).summary.termination == TerminationType::kNonFinite);
  }
  SUBCASE("non-finite while forming the finite-difference Jacobian") {
    // F(y) = y - 1 for y <= 0.5, undefined beyond: the forward difference at y = 0.5 leaves it.
    auto edge = [](const NewtonVector& y, NewtonVector& F) {
      if (y(0) > 0.5) return false;
      F(0) = y(0) - 1.0;
      return true;
    };
    const auto r = solve_damped_newton(edge, vec({0.5}), o);
    CHECK(r.summary.termination == TerminationType::kNonFinite);
    CHECK(r.summary.message.find("Jacobian") != std::string::npos);
  }
  SUBCASE("singular Jacobian") {
    // F = y^2 + 1 has no real root; at y = 0 the Jacobian vanishes.
    auto no_root = [](const NewtonVector& y, NewtonVector& F, NewtonMatrix& J) {
      F(0) = y(0) * y(0) + 1.0;
      J(0, 0) = 2.0 * y(0);
      return true;
    };
    const auto r = solve_damped_newton_exact(no_root, vec({0.0}), o);
    CHECK(r.summary.termination == TerminationType::kNoAdmissibleStep);
    CHECK(r.summary.message.find("singular") != std::string::npos);
  }
  SUBCASE("no backtracked step reduces the residual") {
    // A Jacobian of the wrong sign points uphill: every t > 0 increases |F| = |y|.
    auto uphill = [](const NewtonVector& y, NewtonVector& F, NewtonMatrix& J) {
      F(0) = y(0);
      J(0, 0) = -1.0;
      return true;
    };
    const auto r = solve_damped_newton_exact(uphill, vec({1.0}), o);
    CHECK(r.summary.termination == TerminationType::kNoAdmissibleStep);
    CHECK(r.summary.message.find("no backtracked Newton step") != std::string::npos);
    CHECK(r.y(0) == 1.0);
    CHECK(r.summary.residual == 1.0);
  }
}

TEST_CASE("A stall at the round-off floor counts as converged only below stall_tolerance") {
  // The uphill problem again, started at |F| = 1e-13: no step helps, like a residual at round-off.
  int calls = 0;
  double last = 0;
  auto uphill = [&](const NewtonVector& y, NewtonVector& F, NewtonMatrix& J) {
    ++calls;
    last = y(0);
    F(0) = y(0);
    J(0, 0) = -1.0;
    return true;
  };
  DampedNewtonOptions o;
  o.tolerance = 1e-15;
  o.stall_tolerance = 1e-12;
  const auto r = solve_damped_newton_exact(uphill, vec({1e-13}), o);
  CHECK(r.summary.termination == TerminationType::kConverged);
  CHECK(r.y(0) == 1e-13);
  CHECK(last == r.y(0));  // the last call was at the returned point
  o.stall_tolerance = 1e-14;
  CHECK(solve_damped_newton_exact(uphill, vec({1e-13}), o).summary.termination == TerminationType::kNoAdmissibleStep);
}

TEST_CASE("A history is recorded only when asked for") {
  DampedNewtonOptions o;
  o.record_history = false;
  const auto r = solve_damped_newton_exact(circle_exp_jacobian, vec({1.6, 1.3}), o);
  REQUIRE(r.summary.converged());
  CHECK(r.summary.residual_history.empty());
  CHECK(r.summary.iterations >= 1);
}

TEST_CASE("DampedNewtonOptions.validate rejects each bad field with a message naming it") {
  struct Bad {
    const char* field;
    void (*set)(DampedNewtonOptions&);
  };
  const Bad bad[] = {
      {"tolerance", [](DampedNewtonOptions& o) { o.tolerance = 0.0; }},
      {"tolerance", [](DampedNewtonOptions& o) { o.tolerance = std::nan(""); }},
      {"stall_tolerance", [](DampedNewtonOptions& o) { o.stall_tolerance = -1e-12; }},
      {"max_iterations", [](DampedNewtonOptions& o) { o.max_iterations = -1; }},
      {"max_step", [](DampedNewtonOptions& o) { o.max_step = 0.0; }},
      {"max_step", [](DampedNewtonOptions& o) { o.max_step = std::nan(""); }},
      {"backtracking_factor", [](DampedNewtonOptions& o) { o.backtracking_factor = 1.0; }},
      {"backtracking_factor", [](DampedNewtonOptions& o) { o.backtracking_factor = 0.0; }},
      {"min_step", [](DampedNewtonOptions& o) { o.min_step = 0.0; }},
      {"sufficient_decrease", [](DampedNewtonOptions& o) { o.sufficient_decrease = 1.0; }},
      {"sufficient_decrease", [](DampedNewtonOptions& o) { o.sufficient_decrease = -0.1; }},
      {"finite_difference_step", [](DampedNewtonOptions& o) { o.finite_difference_step = 0.0; }},
  };
  CHECK(message_of(DampedNewtonOptions{}).empty());
  DampedNewtonOptions no_cap;
  no_cap.max_step = std::numeric_limits<double>::infinity();
  CHECK(message_of(no_cap).empty());
  for (const Bad& b : bad) {
    DampedNewtonOptions o;
    b.set(o);
    const std::string msg = message_of(o);
    CAPTURE(msg);
    CHECK(msg.find(std::string("DampedNewtonOptions.") + b.field + " = ") != std::string::npos);
    // The solvers validate too.
    CHECK_THROWS_AS(solve_damped_newton(circle_exp, vec({1.0, 1.0}), o), std::invalid_argument);
  }
}
