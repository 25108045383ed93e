// Specification of the sensitivities (theory/sensitivities.hpp, docs/theory [D.15]): the implicit
// function theorem at the converged fixed point gives d(error)/d(lambda) and d(error)/d(beta) that
// agree with 5-point central differences of full solves, for every error, at the requested varpi
// and for the law's coefficients A0, A2.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <functional>

#include <sobolev_rf/theory/request.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/sensitivities.hpp>

using srf::model::ModelParams;

namespace {

ModelParams point(const char* sigma, double p_over_n, double lambda, int k, double beta, double noise) {
  ModelParams p;
  p.sigma = sigma;
  p.alpha = 1.0 / p_over_n;
  p.lambda = lambda;
  p.k = k;
  p.beta = beta;
  p.varpi.assign(static_cast<std::size_t>(k), 0.8);
  p.delta_f = p.delta_g = noise;
  return p;
}

// d f / d log x at x by the 5-point stencil in log x (step h): error O(h^4) plus the solves'
// noise (tolerance 1e-12 in log V) divided by h.
double five_point(const std::function<double(double)>& f, double x, double h) {
  const double t = std::log(x);
  auto g = [&](double dt) { return f(std::exp(t + dt)); };
  return (8.0 * (g(h) - g(-h)) - (g(2 * h) - g(-2 * h))) / (12.0 * h);
}

}  // namespace

TEST_CASE("Sensitivities by the implicit function theorem agree with 5-point finite differences of the solve") {
  struct Case {
    const char* sigma;
    double p_over_n, lambda;
    int k;
    double beta, noise;
  };
  const Case cases[] = {{"tanh", 0.5, 1e-2, 0, 1.0, 0.0},  {"relu", 1.7, 1e-3, 0, 1.0, 0.1},
                        {"tanh", 2.0, 1e-2, 1, 1.0, 0.0},  {"erf", 1.5, 1e-1, 1, 0.3, 0.1},
                        {"tanh", 3.5, 1e-3, 2, 2.0, 0.05}, {"softplus", 0.8, 3e-2, 2, 0.7, 0.0}};
  for (const Case& c : cases) {
    const ModelParams p = point(c.sigma, c.p_over_n, c.lambda, c.k, c.beta, c.noise);
    INFO(c.sigma << " p/n=" << c.p_over_n << " lambda=" << c.lambda << " k=" << c.k << " beta=" << c.beta);
    srf::theory::TheoryRequest r;
    r.model = p;
    r.sensitivities = true;
    const auto a = srf::theory::solve(r);
    REQUIRE(a.solution.result.summary.converged());
    const auto& s = a.solution.result.sensitivities;
    REQUIRE(s.computed);
    for (const auto& [name, field] : srf::model::error_fields()) {
      auto error_at = [&, field = field](double lambda, double beta) {
        ModelParams q = p;
        q.lambda = lambda;
        q.beta = beta;
        return srf::theory::solve_theory(q).errors.*field;
      };
      const double h = 1e-3;
      const double fd_lambda = five_point([&](double x) { return error_at(x, p.beta); }, p.lambda, h) / p.lambda;
      const double scale = std::fabs(a.solution.result.errors.*field) / p.lambda + 1e-12;
      CAPTURE(name);
      CHECK(std::fabs(s.d_lambda.*field - fd_lambda) <= 1e-6 * scale);
      if (c.k > 0) {
        const double fd_beta = five_point([&](double x) { return error_at(p.lambda, x); }, p.beta, h) / p.beta;
        const double bscale = std::fabs(a.solution.result.errors.*field) / p.beta + 1e-12;
        CHECK(std::fabs(s.d_beta.*field - fd_beta) <= 1e-6 * bscale);
      }
      if (std::string(name) == "gen_f")
        std::printf("%s p/n=%g k=%d: d gen_f/d lambda %.10g (fd %.10g), d gen_f/d beta %.10g\n", c.sigma, c.p_over_n,
                    c.k, s.d_lambda.gen_f, fd_lambda, s.d_beta.gen_f);
    }
  }
}

TEST_CASE("Sensitivities are reported as unavailable where they do not exist") {
  srf::theory::TheoryRequest r;
  r.model = point("tanh", 3.0, 0.0, 1, 1.0, 0.0);  // lambda = 0: the ridgeless limit
  r.sensitivities = true;
  const auto a = srf::theory::solve(r);
  REQUIRE(a.solution.result.summary.converged());
  CHECK_FALSE(a.solution.result.sensitivities.computed);
  CHECK(a.solution.result.sensitivities.message.find("lambda = 0") != std::string::npos);
  r.model = point("tanh", 2.0, 1e-2, 1, 0.0, 0.0);  // beta = 0 with k > 0: no d/d(beta)
  const auto b = srf::theory::solve(r);
  REQUIRE(b.solution.result.sensitivities.computed);
  CHECK(std::isnan(b.solution.result.sensitivities.d_beta.gen_f));
  CHECK(std::isfinite(b.solution.result.sensitivities.d_lambda.gen_g));
}
