// Specification of the extensive-sketch theory (docs/theory/extensive.md, theory/detail/extensive_system.cpp):
// its limits and closed forms. Agreement with the exact simulator: tests/studies and the validation
// section "extensive" of docs/generated/validation.md.
#include <doctest/doctest.h>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/roots.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/numerics/marchenko_pastur.hpp>
#include <sobolev_rf/theory/detail/sketch_spectrum.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

#include "test_support.hpp"

using srf::model::ModelParams;
using srf::model::SketchLaw;
using srf::theory::solve_theory;
using srf_test::kEps;
using srf_test::rel;

namespace {

ModelParams extensive(const char* sigma, const char* teacher, double p_over_n, double gamma, double lambda, double beta,
                      double kappa, SketchLaw sketch) {
  ModelParams p;
  p.sigma = sigma;
  p.teacher = teacher;
  p.alpha = 1.0 / p_over_n;
  p.gamma = gamma;
  p.lambda = lambda;
  p.beta = beta;
  p.kappa = kappa;
  p.sketch = sketch;
  return p;
}

const char* const kErrors[] = {"train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad"};

// int f dnu for nu = Marchenko-Pastur with ratio y and mean 1 (an atom 1 - 1/y at 0 when y > 1), by
// adaptive Gauss-Kronrod on the density: independent of the Golub-Welsch rule and of the Stieltjes
// transform that SketchSpectrum uses.
template <class F>
double mp_integral(double y, F f) {
  const srf::numerics::MarchenkoPastur mp(y);
  const double a = mp.lower_edge(), b = mp.upper_edge();
  // c = a + (b - a) sin^2(t): the square-root edges become smooth.
  auto g = [&](double t) {
    const double s = std::sin(t), c = a + (b - a) * s * s;
    return f(c) * mp.density(c) * 2.0 * (b - a) * s * std::cos(t);
  };
  double err = 0;
  const double cont = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(g, 0.0, M_PI / 2, 12, 1e-14, &err);
  return cont + mp.atom_at_zero() * f(0.0);
}

}  // namespace

TEST_CASE("extensive: the sketch spectrum integrates p(c) / (P + Q c)^r like adaptive quadrature of its law") {
  // Both branches of the Gaussian law (the Stieltjes transform near the pole, the Gauss rule far from
  // it) and both sides of kappa = 1, against Gauss-Kronrod on the density; the orthogonal law is two atoms.
  const srf::theory::CubicPolynomial polys[] = {{1, 0, 0, 0}, {0.3, -1.2, 0.7, 0.25}, {0, 0, 0, 1}};
  double worst = 0;
  for (double kappa : {0.05, 0.5, 0.999, 1.0, 2.0, 40.0}) {
    const srf::theory::SketchSpectrum nu(SketchLaw::kGaussian, kappa);
    const double y = 1.0 / kappa, b = srf::numerics::MarchenkoPastur(y).upper_edge();
    for (double z0 : {-0.01 * b, -0.3 * b, -1.9 * b, -2.1 * b, -30.0 * b})
      for (const auto& p : polys)
        for (int r : {1, 2}) {
          const double P = 1.0, Q = -P / z0;
          const double want = mp_integral(y, [&](double c) {
            return (p[0] + c * (p[1] + c * (p[2] + c * p[3]))) / std::pow(P + Q * c, r);
          });
          const double got = nu.integrate(p, r, P, Q);
          INFO("kappa = " << kappa << ", z0 = " << z0 << ", r = " << r << ": " << got << " vs " << want);
          CHECK(std::fabs(got - want) <= 1e-11 * std::max(1.0, std::fabs(want)));
          worst = std::max(worst, std::fabs(got - want) / std::max(1.0, std::fabs(want)));
        }
    for (int j = 0; j < 4; ++j)
      CHECK(rel(nu.moment(j), mp_integral(y, [&](double c) { return std::pow(c, j); })) < 1e-12);
  }
  MESSAGE("largest relative difference " << worst);
  const srf::theory::SketchSpectrum orth(SketchLaw::kOrthogonal, 0.25);
  CHECK(rel(orth.integrate({1, 2, 0, 0}, 1, 2.0, 0.5), 0.25 * 9.0 / 4.0 + 0.75 * 1.0 / 2.0) < 4 * kEps);
}

TEST_CASE("extensive: beta = 0 is the L2 fit of the fixed-k solver to 1e-10, and its gradient error self-averages") {
  // [E.11]: at beta = 0 the gradients are not in the loss; the extensive equations reduce to the
  // Marchenko-Pastur form of the L2 saddle point, which the fixed-k solver (k = 0) reaches by another
  // route (its own level 1 and level 2). The per-direction gen_g is the full gen_grad (C is independent
  // of the fit), train_g = gen_g + Delta_g.
  struct Case {
    const char* sigma;
    const char* teacher;
    double p_over_n, gamma, lambda, delta_f;
  };
  const Case cases[] = {{"tanh", "tanh", 2.0, 0.5, 1e-3, 0.0}, {"relu", "relu", 0.5, 1.2, 1e-2, 0.1},
                        {"softplus", "sigmoid", 3.0, 0.8, 1e-1, 0.0}, {"erf", "he3", 1.5, 0.3, 1e-4, 0.2},
                        {"sigmoid", "relu", 0.8, 2.0, 1e-2, 0.0}};
  for (const Case& c : cases)
    for (SketchLaw law : {SketchLaw::kGaussian, SketchLaw::kOrthogonal}) {
      ModelParams ext = extensive(c.sigma, c.teacher, c.p_over_n, c.gamma, c.lambda, 0.0, 0.5, law);
      ext.delta_f = c.delta_f;
      ext.delta_g = 0.3;
      ModelParams l2 = ext;
      l2.kappa = 0;
      l2.sketch = SketchLaw::kGaussian;
      const auto a = solve_theory(ext), b = solve_theory(l2);
      INFO(c.sigma << "/" << c.teacher << " p/n = " << c.p_over_n << " gamma = " << c.gamma << " lambda = " << c.lambda);
      REQUIRE(a.summary.converged());
      REQUIRE(b.summary.converged());
      CHECK(rel(a.errors.gen_f, b.errors.gen_f) < 1e-10);
      CHECK(rel(a.errors.train_f, b.errors.train_f) < 1e-10);
      CHECK(rel(a.errors.gen_grad, b.errors.gen_grad) < 1e-10);
      CHECK(rel(a.errors.gen_g, b.errors.gen_grad) < 1e-10);
      CHECK(rel(a.errors.train_g, b.errors.gen_grad + 0.3) < 1e-10);
    }
}

TEST_CASE("extensive: a Gaussian sketch tends to the full gradient as kappa grows, like 1/kappa") {
  // C = V V^T / k -> I as k / d -> infinity: Marchenko-Pastur with ratio 1/kappa collapses to the atom at
  // 1, the orthogonal sketch at kappa = 1. The gap is O(1/kappa) (the variance of c is 1/kappa).
  for (const char* sigma : {"tanh", "relu"}) {
    const auto full = solve_theory(extensive(sigma, "tanh", 2.0, 0.5, 1e-3, 1.0, 1.0, SketchLaw::kOrthogonal));
    REQUIRE(full.summary.converged());
    double previous = 1.0;
    for (double kappa : {10.0, 100.0, 1000.0}) {
      const auto r = solve_theory(extensive(sigma, "tanh", 2.0, 0.5, 1e-3, 1.0, kappa, SketchLaw::kGaussian));
      REQUIRE(r.summary.converged());
      double gap = 0;
      for (const char* e : kErrors)
        gap = std::max(gap, rel(srf::model::error_value(r.errors, e), srf::model::error_value(full.errors, e)));
      INFO(sigma << " kappa = " << kappa << ": largest relative gap " << gap);
      CHECK(gap < 3.0 / kappa);
      CHECK(gap < previous / 5.0);
      previous = gap;
    }
  }
}

TEST_CASE("extensive: as kappa -> 0 the sketch only adds the gradients' implicit ridge beta v'") {
  // [E.12]: the information term beta kappa_1^2 K_C vanishes with kappa (its mass kappa sits at c ~ 1/kappa),
  // the diagonal beta v' I stays: gen_f and train_f tend to the L2 fit at lambda + beta v'.
  for (SketchLaw law : {SketchLaw::kGaussian, SketchLaw::kOrthogonal})
    for (const char* sigma : {"tanh", "relu"}) {
      const auto sig = srf::model::gaussian_constants(srf::model::activation(sigma));
      const double v_prime = sig.derivative_second_moment - sig.kappa_1 * sig.kappa_1;
      ModelParams l2 = extensive(sigma, "tanh", 2.0, 0.5, 1e-3 + 0.5 * v_prime, 0.0, 0.0, SketchLaw::kGaussian);
      const auto ref = solve_theory(l2);
      REQUIRE(ref.summary.converged());
      double previous = 1.0;
      for (double kappa : {1e-2, 1e-3, 1e-4}) {
        const auto r = solve_theory(extensive(sigma, "tanh", 2.0, 0.5, 1e-3, 0.5, kappa, law));
        REQUIRE(r.summary.converged());
        const double gap = std::max(rel(r.errors.gen_f, ref.errors.gen_f), rel(r.errors.train_f, ref.errors.train_f));
        INFO(sigma << " kappa = " << kappa << ": " << gap);
        CHECK(gap < 50.0 * kappa);
        CHECK(gap < previous);
        previous = gap;
      }
    }
}

namespace {

// The full gradient (C = I) in one variable: the eigenvalues x of K = T T^T (Marchenko-Pastur with
// ratio p/d = 1/gamma), on which Sigma, A, Sigma_g are the scalars kappa_star^2 + kappa_1^2 x,
// lambda + beta v' + beta kappa_1^2 x, v' + kappa_1^2 x [E.13]. tau solves tau (1 + delta(tau)) = 1 by
// bracketing; every trace is an integral over the law of K.
srf::model::Errors full_gradient_closed_form(const ModelParams& p) {
  const auto sig = srf::model::gaussian_constants(srf::model::activation(p.sigma));
  const auto phi = srf::model::gaussian_constants(srf::model::activation(p.teacher));
  const double k1s = sig.kappa_1 * sig.kappa_1, ks = sig.kappa_star_sq;
  const double vp = sig.derivative_second_moment - k1s;
  const double y = 1.0 / p.gamma;
  const double mu0u = std::fabs(sig.kappa_0) < 1e-12 ? phi.kappa_0 * phi.kappa_0 : 0.0;
  auto delta = [&](double tau) {
    const double c0 = p.lambda + p.beta * vp + tau * ks, m = k1s * (tau + p.beta);
    return mp_integral(y, [&](double x) { return (ks + k1s * x) / (c0 + m * x); }) / p.alpha;
  };
  boost::uintmax_t it = 200;
  const auto root = boost::math::tools::toms748_solve([&](double t) { return t * (1.0 + delta(t)) - 1.0; }, 1e-9, 1.0,
                                                      boost::math::tools::eps_tolerance<double>(50), it);
  const double tau = 0.5 * (root.first + root.second);
  const double c0 = p.lambda + p.beta * vp + tau * ks, m = k1s * (tau + p.beta);
  const double signal = phi.kappa_1 * phi.kappa_1 * k1s;
  // q = mu_1 kappa_1 T theta0: q^T f(K) q -> mu_1^2 kappa_1^2 (1/gamma) int x f(x); w = (tau + beta) R q.
  const double qw = signal * (tau + p.beta) * y * mp_integral(y, [&](double x) { return x / (c0 + m * x); });
  auto wMw = [&](double a0, double a1) {
    return signal * (tau + p.beta) * (tau + p.beta) * y *
           mp_integral(y, [&](double x) { return x * (a0 + a1 * x) / ((c0 + m * x) * (c0 + m * x)); });
  };
  auto a_of = [&](double a0, double a1) {
    return mp_integral(y, [&](double x) { return (ks + k1s * x) * (a0 + a1 * x) / ((c0 + m * x) * (c0 + m * x)); }) /
           p.alpha;
  };
  const double E0 = phi.kappa_1 * phi.kappa_1 + p.delta_f + phi.kappa_star_sq + mu0u - 2 * qw + wMw(ks, k1s);
  const double D = 1.0 - tau * tau * a_of(ks, k1s);
  srf::model::Errors e;
  e.train_f = tau * tau * E0 / D;
  e.gen_f = E0 / D - p.delta_f;
  e.gen_grad = phi.derivative_second_moment - 2 * qw + wMw(vp, k1s) + tau * tau * a_of(vp, k1s) * E0 / D;
  e.gen_g = e.gen_grad;
  e.train_g = e.gen_g + p.delta_g;
  e.gen_h1 = e.gen_f + e.gen_g;
  return e;
}

}  // namespace

TEST_CASE("extensive: the full gradient equals its one-dimensional Marchenko-Pastur form to 1e-10") {
  struct Case {
    const char* sigma;
    const char* teacher;
    double p_over_n, gamma, lambda, beta, delta_f, delta_g;
  };
  const Case cases[] = {{"tanh", "tanh", 2.0, 0.5, 1e-3, 1.0, 0.0, 0.0},   {"relu", "relu", 0.5, 1.5, 1e-2, 0.3, 0.1, 0.2},
                        {"softplus", "sigmoid", 4.0, 0.25, 0.0, 2.0, 0.0, 0.0}, {"erf", "he3", 1.0, 1.0, 1e-2, 10.0, 0.3, 0.0},
                        {"sigmoid", "relu", 1.2, 0.8, 1e-4, 0.05, 0.0, 1.0}};
  for (const Case& c : cases) {
    ModelParams p = extensive(c.sigma, c.teacher, c.p_over_n, c.gamma, c.lambda, c.beta, 1.0, SketchLaw::kOrthogonal);
    p.delta_f = c.delta_f;
    p.delta_g = c.delta_g;
    const auto r = solve_theory(p);
    REQUIRE(r.summary.converged());
    const auto want = full_gradient_closed_form(p);
    for (const char* e : kErrors) {
      INFO(c.sigma << "/" << c.teacher << " p/n = " << c.p_over_n << " " << e << ": " << srf::model::error_value(r.errors, e)
                   << " vs " << srf::model::error_value(want, e));
      CHECK(rel(srf::model::error_value(r.errors, e), srf::model::error_value(want, e)) < 1e-10);
    }
  }
}
