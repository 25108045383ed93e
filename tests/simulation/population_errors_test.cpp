// Tests of the exact population errors (simulation/population_errors.hpp) and the Hermite
// expansions behind them (simulation/hermite_expansion.hpp). Every random test uses a fixed
// seed, printed through INFO or MESSAGE.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <sobolev_rf/numerics/gaussian_expectation.hpp>
#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/simulation/gaussian_pair_expectation.hpp>
#include <sobolev_rf/simulation/hermite_expansion.hpp>
#include <sobolev_rf/simulation/population_errors.hpp>
#include <sobolev_rf/simulation/sampling.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

using namespace srf;
using simulation::ActivationPart;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();

// A seed's draws (theta0 with |theta0| = 1, V conditioned on varpi, Theta) and weights w with
// |w| ~ w_scale, as the simulator would hold them after training.
struct Draws {
  simulation::SeedProblem pr;
  VectorXd w;
};

Draws draw(int p, double gamma, int k, std::uint64_t seed, double w_scale = 1.0) {
  model::ModelParams params;
  params.gamma = gamma;
  params.k = k;
  params.varpi.assign(static_cast<std::size_t>(k), 0.6);
  simulation::SimulationOptions o;
  o.p = p;
  simulation::NormalRng rng(seed);
  Draws d;
  d.pr = simulation::draw_seed_problem(params, o, 0, rng);
  d.w.resize(p);
  for (int j = 0; j < p; ++j) d.w[j] = w_scale * rng() / std::sqrt(static_cast<double>(p));
  return d;
}

struct Truth {
  double gen_f = 0, gen_g = 0, gen_grad = 0;
};

// The errors from a pair kernel written independently of the series: kernel(f_part, g_part,
// var_u, var_v, cov) = E[f(u) g(v)] for the activation pair under test.
template <class Kernel>
Truth assemble(const Draws& dr, Kernel&& kernel) {
  const MatrixXd& Theta = dr.pr.Theta;
  const int d = static_cast<int>(Theta.rows()), p = static_cast<int>(Theta.cols()), k = static_cast<int>(dr.pr.zeta.rows());
  const MatrixXd Q = Theta.transpose() * Theta / d;
  const VectorXd c = Theta.transpose() * dr.pr.theta0 / std::sqrt(double(d));
  const double t0 = dr.pr.theta0.squaredNorm();
  const VectorXd a = dr.pr.V.transpose() * dr.pr.theta0;
  const MatrixXd Z = dr.pr.zeta.transpose() * dr.pr.zeta;
  const VectorXd& w = dr.w;
  Truth t;
  t.gen_f = kernel(true, true, t0, t0, t0);
  const double dphi2 = kernel(false, false, t0, t0, t0);
  t.gen_g = a.squaredNorm() * dphi2;
  t.gen_grad = t0 * dphi2;
  for (int j = 0; j < p; ++j) {
    const double b0 = kernel(true, true, t0, Q(j, j), c[j]), b1 = kernel(false, false, t0, Q(j, j), c[j]);
    t.gen_f -= 2 * w[j] * b0;
    t.gen_g -= 2 * w[j] * (k > 0 ? a.dot(dr.pr.zeta.col(j)) : 0.0) * b1;
    t.gen_grad -= 2 * w[j] * c[j] * b1;
    for (int l = 0; l < p; ++l) {
      const double k0 = kernel(true, true, Q(j, j), Q(l, l), Q(j, l)), k1 = kernel(false, false, Q(j, j), Q(l, l), Q(j, l));
      t.gen_f += w[j] * w[l] * k0;
      t.gen_g += w[j] * w[l] * Z(j, l) * k1;
      t.gen_grad += w[j] * w[l] * Q(j, l) * k1;
    }
  }
  if (k == 0) t.gen_g = 0;
  return t;
}

// Arc-cosine kernels of degree 1 (relu) and 0 (its derivative, the unit step).
// (acos is ill-conditioned at rho = 1: the diagonal, cov = vu = vv, takes rho = 1 exactly.)
double relu_kernel(bool value, bool, double vu, double vv, double cov) {
  const double su = std::sqrt(vu), sv = std::sqrt(vv);
  const double rho = (cov == vu && vu == vv) ? 1.0 : std::clamp(cov / (su * sv), -1.0, 1.0);
  const double angle = std::acos(rho);
  if (value) return su * sv / (2 * M_PI) * (std::sqrt(1 - rho * rho) + (M_PI - angle) * rho);
  return (M_PI - angle) / (2 * M_PI);
}

// erf: E erf(u) erf(v) = (2/pi) asin(2 C_uv / sqrt((1 + 2 C_uu)(1 + 2 C_vv))); erf' = (2/sqrt pi) e^{-t^2}:
// E erf'(u) erf'(v) = (4/pi) det(I + 2C)^(-1/2).
double erf_kernel(bool value, bool, double vu, double vv, double cov) {
  if (value) return 2 / M_PI * std::asin(2 * cov / std::sqrt((1 + 2 * vu) * (1 + 2 * vv)));
  return 4 / M_PI / std::sqrt((1 + 2 * vu) * (1 + 2 * vv) - 4 * cov * cov);
}

void check_against(const simulation::PopulationErrors& pe, const Truth& t, double tol) {
  INFO("gen_f " << pe.errors.gen_f << " vs " << t.gen_f << ", bound " << pe.truncation_bound.gen_f);
  INFO("gen_g " << pe.errors.gen_g << " vs " << t.gen_g << ", bound " << pe.truncation_bound.gen_g);
  INFO("gen_grad " << pe.errors.gen_grad << " vs " << t.gen_grad << ", bound " << pe.truncation_bound.gen_grad);
  CHECK(std::fabs(pe.errors.gen_f - t.gen_f) <= tol);
  CHECK(std::fabs(pe.errors.gen_g - t.gen_g) <= tol);
  CHECK(std::fabs(pe.errors.gen_grad - t.gen_grad) <= tol);
  CHECK(pe.errors.gen_h1 == pe.errors.gen_f + pe.errors.gen_g);
}
}  // namespace

TEST_CASE("hermite expansion: coefficients reproduce E f^2 (Parseval) and match adaptive quadrature") {
  // For every activation and derivative and scales from 0.3 to 3: the coefficients a_n must
  // equal E[f(s z) He_n(z)] / sqrt(n!) by an independent adaptive quadrature (exp-sinh, exact
  // at kinks) to 1e-12 (the quadrature's own tolerance ~1e-11 relative), and their squares
  // must sum to at most E f^2 (Parseval).
  const int L = 24;
  const VectorXd scales = (VectorXd(4) << 0.3, 1.0, 1.7, 3.0).finished();
  for (const auto& a : model::all_activations()) {
    for (auto part : {ActivationPart::kValue, ActivationPart::kDerivative}) {
      const simulation::HermiteExpansion ex(a, part, L);
      MatrixXd C;
      VectorXd M;
      ex.expand(scales, C, M);
      for (int j = 0; j < scales.size(); ++j) {
        const double s = scales[j];
        auto f = [&](double t) { return part == ActivationPart::kValue ? a.value(s * t) : a.derivative(s * t); };
        const double m2 = numerics::gaussian_expectation([&](double t) { return f(t) * f(t); });
        INFO(a.name << (part == ActivationPart::kValue ? "" : "'") << " at scale " << s);
        CHECK(std::fabs(M[j] - m2) <= 1e-11 * std::max(1.0, m2));
        double sum_sq = 0;
        for (int n = 0; n <= L; ++n) sum_sq += C(n, j) * C(n, j);
        CHECK(sum_sq <= M[j] * (1 + 1e-12) + 1e-300);
        // Low degrees against quadrature of f He_n / sqrt(n!), He_n by its recurrence.
        for (int n = 0; n <= 5; ++n) {
          const double an = numerics::gaussian_expectation([&](double t) {
            double hm = 0, h = 1;  // orthonormal: h_{m+1} = (t h_m - sqrt(m) h_{m-1}) / sqrt(m+1)
            for (int m = 0; m < n; ++m) {
              const double next = (t * h - std::sqrt(double(m)) * hm) / std::sqrt(m + 1.0);
              hm = h;
              h = next;
            }
            return f(t) * h;
          });
          INFO("degree " << n << ": " << C(n, j) << " vs " << an);
          CHECK(std::fabs(C(n, j) - an) <= 1e-11 * std::max(1.0, std::sqrt(m2)));
        }
      }
    }
  }
}

TEST_CASE("population errors: linear student and teacher equal the quadratic forms written by hand") {
  // sigma = phi = linear: f_w(x) = x . Theta w / sqrt d, so gen_f = gen_grad = |theta0 - Theta w / sqrt d|^2
  // and gen_g = |a - zeta w|^2 exactly; the series stops at degree 1 (no truncation). Rounding of
  // O(p^2) terms of size |w|^2: 1e3 p eps relative.
  for (int k : {0, 2}) {
    const std::uint64_t seed = 5150 + k;
    INFO("seed " << seed << ", k " << k);
    const Draws dr = draw(300, 0.7, k, seed, 3.0);
    const auto& lin = model::activation("linear");
    const auto pe = simulation::population_errors(lin, lin, dr.pr.Theta, dr.pr.theta0, dr.pr.V, dr.pr.zeta, dr.w);
    const double d = double(dr.pr.Theta.rows());
    const double grad = (dr.pr.theta0 - dr.pr.Theta * dr.w / std::sqrt(d)).squaredNorm();
    const VectorXd a = dr.pr.V.transpose() * dr.pr.theta0;
    const double g = k > 0 ? (a - dr.pr.zeta * dr.w).squaredNorm() : 0.0;
    const double tol = 1e3 * 300 * eps * (1 + dr.w.squaredNorm() + a.squaredNorm());
    check_against(pe, Truth{grad, g, grad}, tol);
    CHECK(pe.truncation_bound.gen_f <= 1e-10);
    CHECK(pe.fallback_pairs == 0);
  }
}

TEST_CASE("population errors: relu and erf match the arc-cosine and arcsine kernels in closed form") {
  // Independent closed forms for every pair (test code above); the tolerance is the reported
  // truncation bound (itself <= 1e-10 x the zero predictor's error) plus 1e-12 for rounding
  // and the adaptive quadrature of the pairs beyond the series cut. gamma = 0.12 at p = 50 gives
  // d = 6: most correlations exceed the cut and go to 2-D quadrature (about 10^3 pairs, each a
  // nested adaptive quadrature: keep p small); gamma = 0.8 has none.
  for (double gamma : {0.8, 0.12}) {
    for (const char* name : {"relu", "erf"}) {
      const std::uint64_t seed = 808;
      const int p = gamma < 0.2 ? 50 : 200;
      INFO(std::string(name) << ", gamma " << gamma << ", seed " << seed);
      const Draws dr = draw(p, gamma, 1, seed, 2.0);
      const auto& act = model::activation(name);
      const auto pe = simulation::population_errors(act, act, dr.pr.Theta, dr.pr.theta0, dr.pr.V, dr.pr.zeta, dr.w);
      const Truth t = std::string(name) == "relu" ? assemble(dr, relu_kernel) : assemble(dr, erf_kernel);
      MESSAGE(std::string(name) << " gamma " << gamma << ": gen_f " << pe.errors.gen_f << ", bound " << pe.truncation_bound.gen_f
                   << ", degree " << pe.max_degree_used << ", 2-D pairs " << pe.fallback_pairs);
      const double bound = std::max({pe.truncation_bound.gen_f, pe.truncation_bound.gen_g, pe.truncation_bound.gen_grad});
      CHECK(bound <= 1e-9);
      check_against(pe, t, bound + 1e-10);
      if (gamma < 0.2) CHECK(pe.fallback_pairs > 0);
      else CHECK(pe.fallback_pairs == 0);
    }
  }
}

TEST_CASE("population errors: every activation agrees with a Monte Carlo average over 2e5 inputs") {
  // Arbitrary w (not trained) and the exact errors of f_w against each teacher, against the
  // mean of the per-input errors over T = 2e5 fresh inputs computed here from the registry's
  // value and derivative: |z| <= 4 with z = (MC - exact) / (MC standard error).
  const int T = 200000, p = 60, k = 2;
  const std::uint64_t seed = 4711;
  MESSAGE("seed " << seed);
  const char* teachers[] = {"tanh", "relu", "erf", "he3", "linear"};
  int i = 0;
  for (const auto& sigma : model::all_activations()) {
    if (!sigma.has_useful_gradient) continue;
    const auto& phi = model::activation(teachers[i++ % 5]);
    const Draws dr = draw(p, 0.8, k, seed + i);
    const auto& pr = dr.pr;
    const int d = static_cast<int>(pr.Theta.rows());
    const auto pe = simulation::population_errors(sigma, phi, pr.Theta, pr.theta0, pr.V, pr.zeta, dr.w);
    const VectorXd a = pr.V.transpose() * pr.theta0;
    simulation::NormalRng rng(seed + 1000 + i);
    double s[3] = {0, 0, 0}, s2[3] = {0, 0, 0};
    MatrixXd X(1000, d);
    for (int t0 = 0; t0 < T; t0 += 1000) {
      rng.fill_rows(X);
      const MatrixXd H = X * pr.Theta / std::sqrt(double(d));
      const VectorXd om = X * pr.theta0;
      for (int r = 0; r < X.rows(); ++r) {
        double f = 0;
        VectorXd sk = VectorXd::Zero(k), grad = VectorXd::Zero(d);
        VectorXd u(p);
        for (int j = 0; j < p; ++j) {
          f += dr.w[j] * sigma.value(H(r, j));
          u[j] = dr.w[j] * sigma.derivative(H(r, j));
          sk += u[j] * pr.zeta.col(j);
        }
        grad = pr.Theta * u / std::sqrt(double(d));
        const double dp = phi.derivative(om[r]);
        const double e[3] = {std::pow(phi.value(om[r]) - f, 2), (a * dp - sk).squaredNorm(),
                             (dp * pr.theta0 - grad).squaredNorm()};
        for (int q = 0; q < 3; ++q) s[q] += e[q], s2[q] += e[q] * e[q];
      }
    }
    const double exact[3] = {pe.errors.gen_f, pe.errors.gen_g, pe.errors.gen_grad};
    for (int q = 0; q < 3; ++q) {
      const double mean = s[q] / T, se = std::sqrt((s2[q] / T - mean * mean) / (T - 1.0));
      const double z = (mean - exact[q]) / se;
      INFO(sigma.name << " / " << phi.name << " quantity " << q << ": exact " << exact[q] << ", MC " << mean << " +- "
                      << se << ", z " << z);
      CHECK(std::fabs(z) <= 4.0);
    }
  }
}

TEST_CASE("population errors: results do not depend on the thread count; bad options are rejected") {
  const Draws dr = draw(600, 0.5, 1, 99);  // 3 x 3 tiles of 256
  MESSAGE("seed 99");
  const auto& tanh = model::activation("tanh");
  const auto a = simulation::population_errors(tanh, tanh, dr.pr.Theta, dr.pr.theta0, dr.pr.V, dr.pr.zeta, dr.w, {}, 1);
  const auto b = simulation::population_errors(tanh, tanh, dr.pr.Theta, dr.pr.theta0, dr.pr.V, dr.pr.zeta, dr.w, {}, 2);
  CHECK(a.errors.gen_f == b.errors.gen_f);
  CHECK(a.errors.gen_g == b.errors.gen_g);
  CHECK(a.errors.gen_grad == b.errors.gen_grad);
  CHECK(a.truncation_bound.gen_f == b.truncation_bound.gen_f);
  simulation::PopulationErrorOptions o;
  o.max_degree = 0;
  CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("max_degree"), std::invalid_argument);
  o = {};
  o.series_correlation_cut = 1.0;
  CHECK_THROWS_WITH_AS(o.validate(), doctest::Contains("series_correlation_cut"), std::invalid_argument);
}

TEST_CASE("population errors: the pair quadrature matches the closed forms up to rho = +-1") {
  // The 2-D fallback for strongly correlated pairs, against the arc-cosine / arcsine kernels,
  // including the degenerate rho = +-1 (d = 1: every feature on one line).
  const auto& relu = model::activation("relu");
  const auto& erf = model::activation("erf");
  for (double rho : {-1.0, -0.97, -0.7, 0.3, 0.8, 0.999, 1.0}) {
    for (auto part : {ActivationPart::kValue, ActivationPart::kDerivative}) {
      const bool value = part == ActivationPart::kValue;
      const double su = 1.3, sv = 0.8;
      const auto r = simulation::gaussian_pair_expectation(relu, part, su, relu, part, sv, rho);
      INFO("relu rho " << rho << " value " << value << ": " << r.value);
      CHECK(std::fabs(r.value - relu_kernel(value, value, su * su, sv * sv, rho * su * sv)) <= 1e-9);
      const auto e = simulation::gaussian_pair_expectation(erf, part, su, erf, part, sv, rho);
      INFO("erf: " << e.value);
      CHECK(std::fabs(e.value - erf_kernel(value, value, su * su, sv * sv, rho * su * sv)) <= 1e-9);
    }
  }
}
