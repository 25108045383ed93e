// Specification of the informed direction in the limit (theory/informed.hpp,
// docs/theory/informed.md [I.1]-[I.4]).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/theory/informed.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

using namespace srf::model;
using namespace srf::theory;

namespace {

ModelParams base(int k) {
  ModelParams p;
  p.sigma = "relu";
  p.teacher = "tanh";
  p.alpha = 1.0 / 1.5;
  p.gamma = 0.8;
  p.lambda = 1e-2;
  p.k = k;
  p.varpi.assign(static_cast<std::size_t>(k), 0.8);
  p.delta_f = 0.1;
  p.delta_g = 0.05;
  return p;
}

const char* const kOld[] = {"train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad"};

}  // namespace

TEST_CASE("informed: the BBP overlap, its two closed forms, and its transition [I.4]") {
  const GaussianConstants phi = gaussian_constants(activation("tanh"));
  ModelParams p;
  p.teacher = "tanh";
  p.gamma = 0.8;
  CHECK(informed_overlap_sq(p, phi) == 0.0);  // none
  p.informed = "oracle";
  CHECK(informed_overlap_sq(p, phi) == 1.0);
  p.informed = "estimated";
  p.delta_u = 0.0;
  CHECK(informed_overlap_sq(p, phi) == 1.0);  // noiseless samples are multiples of theta0
  for (double alpha_u : {0.3, 1.0, 4.0})
    for (double delta_u : {0.05, 0.3, 1.0, 3.0}) {
      p.alpha_u = alpha_u;
      p.delta_u = delta_u;
      const double ell = phi.derivative_second_moment / delta_u, c = p.gamma / alpha_u;
      // The rectangular (Benaych-Georges-Nadakuditi) form 1 - c (1 + ell) / (ell (ell + c)).
      const double other = ell > std::sqrt(c) ? 1.0 - c * (1.0 + ell) / (ell * (ell + c)) : 0.0;
      INFO("alpha_u " << alpha_u << " delta_u " << delta_u << " ell " << ell << " c " << c);
      CHECK(informed_overlap_sq(p, phi) == doctest::Approx(other).epsilon(1e-13));
      CHECK(informed_overlap_sq(p, phi) >= 0.0);
      CHECK(informed_overlap_sq(p, phi) < 1.0);
    }
  // Continuous at the transition ell = sqrt(c): just above it the overlap is small.
  p.alpha_u = 1.0;
  p.delta_u = phi.derivative_second_moment / std::sqrt(p.gamma / p.alpha_u) * (1 - 1e-6);
  CHECK(informed_overlap_sq(p, phi) < 1e-5);
}

TEST_CASE("informed: beta_inf = 0, or an estimated direction below the transition, changes no old error") {
  for (int k : {0, 1}) {
    const TheoryResult none = solve_theory(base(k));
    REQUIRE(none.summary.converged());
    ModelParams oracle0 = base(k);
    oracle0.informed = "oracle";
    oracle0.beta_inf = 0.0;
    ModelParams below = base(k);
    below.informed = "estimated";
    below.alpha_u = 0.5;
    below.delta_u = 2.0;  // ell = 0.23, c = 1.6: no information
    for (const ModelParams& q : {oracle0, below}) {
      const TheoryResult r = solve_theory(q);
      REQUIRE(r.summary.converged());
      for (const char* name : kOld) {
        INFO("k " << k << " " << q.informed << " " << name);
        CHECK(error_value(r.errors, name) == error_value(none.errors, name));
      }
    }
  }
}

TEST_CASE("informed: an estimated direction buys the fraction t^2 of the oracle's change [I.3b]") {
  for (int k : {0, 1}) {
    const TheoryResult none = solve_theory(base(k));
    ModelParams o = base(k);
    o.informed = "oracle";
    o.beta_inf = 2.0;
    const TheoryResult oracle = solve_theory(o);
    ModelParams e = o;
    e.informed = "estimated";
    e.alpha_u = 2.0;
    e.delta_u = 0.3;
    const TheoryResult est = solve_theory(e);
    REQUIRE(oracle.summary.converged());
    REQUIRE(est.summary.converged());
    const double t2 = informed_overlap_sq(e, gaussian_constants(activation(e.teacher)));
    REQUIRE(t2 > 0.2);
    REQUIRE(t2 < 0.9);
    for (const char* name : kOld) {
      const double expected = error_value(none.errors, name) +
                              t2 * (error_value(oracle.errors, name) - error_value(none.errors, name));
      INFO("k " << k << " " << name << ": none " << error_value(none.errors, name) << " oracle "
                << error_value(oracle.errors, name) << " estimated " << error_value(est.errors, name));
      CHECK(error_value(est.errors, name) == doctest::Approx(expected).epsilon(1e-10));
    }
    // Informing changes the fit (not a test that cannot fail).
    CHECK(std::fabs(oracle.errors.gen_f - none.errors.gen_f) > 1e-4);
  }
}

TEST_CASE("informed: gen_inf and train_inf follow c_inf; the ridgeless interpolant fits the target mean") {
  const GaussianConstants phi = gaussian_constants(activation("tanh"));
  const double teacher_var = phi.derivative_second_moment - phi.kappa_1 * phi.kappa_1;  // Var phi'
  ModelParams p = base(0);
  p.informed = "oracle";
  const TheoryResult r = solve_theory(p);
  REQUIRE(r.summary.converged());
  CHECK(r.errors.train_inf == doctest::Approx(r.errors.gen_inf + p.delta_g).epsilon(1e-14));
  CHECK(r.errors.gen_inf >= teacher_var);  // the x-varying part of phi' is never fitted in the limit
  // Over-parametrised, lambda = 0 (rescaled variables [D.14]): c_inf = t mu_1 exactly, so
  // gen_inf = Var phi'; and lambda -> 0+ approaches it continuously.
  p.alpha = 1.0 / 3.0;
  p.lambda = 0.0;
  const TheoryResult r0 = solve_theory(p);
  REQUIRE(r0.summary.converged());
  CHECK(r0.errors.gen_inf == doctest::Approx(teacher_var).epsilon(1e-10));
  p.lambda = 1e-7;
  const TheoryResult r7 = solve_theory(p);
  REQUIRE(r7.summary.converged());
  for (const char* name : kOld) {
    INFO(name << ": lambda = 0 " << error_value(r0.errors, name) << ", 1e-7 " << error_value(r7.errors, name));
    CHECK(error_value(r7.errors, name) == doctest::Approx(error_value(r0.errors, name)).epsilon(1e-4));
  }
}

TEST_CASE("informed: the finite-d version is the k = 1 model with beta_inf/d, sqrt(d) t and d Delta_g [I.6]") {
  ModelParams p = base(0);
  p.informed = "oracle";
  p.beta_inf = 2.0;
  const ModelParams q = informed_finite_d_equivalent(p, 400.0);
  CHECK(q.k == 1);
  CHECK(q.informed == "none");
  CHECK(q.beta == 2.0 / 400.0);
  CHECK(q.varpi.at(0) == 20.0);  // sqrt(400) t, t = 1
  CHECK(q.delta_g == p.delta_g * 400.0);
  CHECK_THROWS_AS(informed_finite_d_equivalent(base(1), 400.0), InvalidParameter);
  CHECK_THROWS_AS(informed_finite_d_equivalent(base(0), 400.0), InvalidParameter);  // informed = none
  CHECK_THROWS_AS(informed_finite_d_equivalent(p, 0.0), InvalidParameter);
  const TheoryResult r = solve_theory(q);
  REQUIRE(r.summary.converged());
  const Errors e = informed_finite_d_errors(r.errors, 400.0);
  CHECK(e.gen_inf == r.errors.gen_g / 400.0);
  CHECK(e.train_inf == r.errors.train_g / 400.0);
  CHECK(e.gen_h1 == e.gen_f);
  // Its ridgeless threshold is at p/n = 2 (n informed equations per sample), where the limit's
  // is at p/n = 1: at lambda = 1e-6 the finite-d gen_f peaks near 2 and the limit's does not.
  ModelParams at2 = p;
  at2.lambda = 1e-6;
  at2.alpha = 1.0 / 2.0;
  ModelParams at3 = at2;
  at3.alpha = 1.0 / 3.0;
  const double fd2 = solve_theory(informed_finite_d_equivalent(at2, 400.0)).errors.gen_f;
  const double fd3 = solve_theory(informed_finite_d_equivalent(at3, 400.0)).errors.gen_f;
  const double lim2 = solve_theory(at2).errors.gen_f, lim3 = solve_theory(at3).errors.gen_f;
  INFO("finite-d " << fd2 << " " << fd3 << ", limit " << lim2 << " " << lim3);
  CHECK(fd2 > 3 * fd3);
  CHECK(lim2 < 1.5 * lim3);
}
