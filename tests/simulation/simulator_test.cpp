// Tests of the finite-size simulator (simulation/simulator.hpp, simulation/sampling.hpp).
// Every random test uses a fixed seed, printed in its failure message through INFO.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/simulation/sampling.hpp>
#include <sobolev_rf/simulation/simulator.hpp>
#include "simulation/sobolev_test_point.hpp"
#include <sobolev_rf/simulation/tiled_products.hpp>

using namespace srf;
using simulation::SimulationOptions;

namespace {
constexpr double eps = std::numeric_limits<double>::epsilon();

using srf_test::sobolev_params;

SimulationOptions small_options(int p, int seeds) {
  SimulationOptions o;
  o.p = p;
  o.seeds = seeds;
  o.threads = 1;
  o.test_samples = 500;
  o.batch_rows = 37;  // not a divisor of n: exercises the ragged last batch
  o.base_seed = 20240601;
  return o;
}

void check_close(const model::Errors& a, const model::Errors& b, double rel) {
  for (const auto& [name, field] : model::error_fields()) {
    INFO(name << ": " << a.*field << " vs " << b.*field);
    CHECK(std::fabs(a.*field - b.*field) <= rel * std::fabs(a.*field) + 1e-300);
  }
}

void check_identical(const model::Errors& a, const model::Errors& b) {
  for (const auto& [name, field] : model::error_fields()) {
    INFO(name);
    CHECK(a.*field == b.*field);
  }
}
}  // namespace

TEST_CASE("simulator: primal and dual solves agree") {
  // n(1+k) = 216 rows and p = 120: both systems are regular. lambda = 1e-2 keeps the condition
  // number of either near 1e4, so the two routes agree to ~1e4 eps (observed ~1e-14 relative);
  // we allow 1e-11 (~4.5e4 eps).
  for (double beta : {0.7, 0.0}) {  // beta = 0: gradient rows leave A, train_g from kept features
    model::ModelParams params = sobolev_params();
    params.beta = beta;
    SimulationOptions o = small_options(120, 1);
    INFO("base seed " << o.base_seed << ", beta " << beta);
    o.solve_method = simulation::SolveMethod::kPrimal;
    const auto primal = simulation::simulate_seed(params, o, 0);
    o.solve_method = simulation::SolveMethod::kDual;
    const auto dual = simulation::simulate_seed(params, o, 0);
    CHECK(primal.primal);
    CHECK_FALSE(dual.primal);
    check_close(primal.errors, dual.errors, 1e-11);
  }
}

TEST_CASE("simulator: sketched gradient rows equal finite differences of f_w along V") {
  // Row m of the gradient features times w must be V_m^T grad f_w(x). Central differences with
  // step h along the unit vector V_m/|V_m| have error h^2 |f'''| / 6 + eps |f| / h; with
  // h = eps^(1/3) both are ~eps^(2/3) ~ 4e-11. Tolerance: 1e3 eps^(2/3) (1 + |derivative|).
  const std::uint64_t seed = 777;
  INFO("seed " << seed);
  for (const auto& a : model::all_activations()) {
    if (!a.has_useful_gradient) continue;
    model::ModelParams params = sobolev_params();
    params.sigma = a.name;
    params.gamma = 0.8;
    SimulationOptions o = small_options(50, 1);
    simulation::NormalRng rng(seed);
    const auto pr = simulation::draw_seed_problem(params, o, 0, rng);
    const int d = static_cast<int>(pr.Theta.rows());
    Eigen::VectorXd w(pr.Theta.cols());
    for (int j = 0; j < w.size(); ++j) w[j] = rng() / std::sqrt(static_cast<double>(w.size()));
    Eigen::MatrixXd X(3, d);
    rng.fill_rows(X);
    Eigen::MatrixXd F;
    std::vector<Eigen::MatrixXd> G;
    simulation::feature_rows(X, pr.Theta, pr.zeta, a, F, G);
    REQUIRE(G.size() == 2);
    auto f = [&](const Eigen::RowVectorXd& x) {
      const Eigen::RowVectorXd h = x * pr.Theta / std::sqrt(static_cast<double>(d));
      double s = 0;
      for (int j = 0; j < h.size(); ++j) s += w[j] * a.value(h[j]);
      return s;
    };
    const double step = std::cbrt(eps);
    for (int i = 0; i < X.rows(); ++i)
      for (int m = 0; m < 2; ++m) {
        const Eigen::RowVectorXd u = pr.V.col(m).transpose() / pr.V.col(m).norm();
        const double fd =
            (f(X.row(i) + step * u) - f(X.row(i) - step * u)) / (2 * step) * pr.V.col(m).norm();
        const double features = G[m].row(i).dot(w);
        INFO(a.name << " sample " << i << " direction " << m << ": " << features << " vs " << fd);
        CHECK(std::fabs(features - fd) <= 1e3 * std::pow(eps, 2.0 / 3.0) * (1 + std::fabs(fd)));
      }
  }
}

TEST_CASE("simulator: fewer rows than features and lambda = 1e-10 interpolate") {
  // n(1+k) = 3 * 60 = 180 < p = 200: the features can fit every (noisy) label; the dual solve
  // gives residuals n lambda c exactly; the training errors come out ~1e-17 and we allow
  // 1e-12 (the label variance is O(1)).
  model::ModelParams params = sobolev_params();
  params.alpha = 0.3;
  params.lambda = 1e-10;
  SimulationOptions o = small_options(200, 1);
  INFO("base seed " << o.base_seed);
  const auto r = simulation::simulate_seed(params, o, 0);
  CHECK_FALSE(r.primal);
  CHECK(r.errors.train_f < 1e-12);
  CHECK(r.errors.train_g < 1e-12);
  CHECK(r.errors.gen_f > 1e-3);  // not trivially zero everywhere
  // The primal system on the same data gives the same (near-)interpolant.
  o.solve_method = simulation::SolveMethod::kPrimal;
  const auto rp = simulation::simulate_seed(params, o, 0);
  CHECK(rp.errors.train_f < 1e-12);
  CHECK(rp.errors.train_g < 1e-12);
}

TEST_CASE("simulator: identical results with 1, 2 and 3 threads") {
  model::ModelParams params = sobolev_params();
  SimulationOptions o = small_options(80, 3);
  INFO("base seed " << o.base_seed);
  o.threads = 1;
  const auto r1 = simulation::simulate(params, o);
  o.threads = 2;
  const auto r2 = simulation::simulate(params, o);
  o.threads = 3;
  const auto r3 = simulation::simulate(params, o);
  CHECK_FALSE(r1.seeds_in_parallel);
  CHECK(r2.seeds_in_parallel);
  for (int s = 0; s < 3; ++s) {
    check_identical(r1.per_seed[s].errors, r2.per_seed[s].errors);
    check_identical(r1.per_seed[s].errors, r3.per_seed[s].errors);
  }
}

TEST_CASE("simulator: a single seed gives identical results with 1 and 2 threads, primal and dual") {
  // One seed: the threads share the seed's tiled products (several tiles of 128 columns at
  // p = 300), including the blocked Cholesky; the tiles do not depend on the thread count.
  model::ModelParams params = sobolev_params();
  for (auto method : {simulation::SolveMethod::kPrimal, simulation::SolveMethod::kDual}) {
    for (double gamma : {0.8, 1.4}) {  // d < p (full gradient formed) and d > p (through the Gram)
      params.gamma = gamma;
      SimulationOptions o = small_options(300, 1);
      o.solve_method = method;
      INFO("base seed " << o.base_seed << ", gamma " << gamma << ", dual " << (method == simulation::SolveMethod::kDual));
      o.threads = 1;
      const auto r1 = simulation::simulate(params, o);
      o.threads = 2;
      const auto r2 = simulation::simulate(params, o);
      CHECK_FALSE(r2.seeds_in_parallel);
      check_identical(r1.per_seed[0].errors, r2.per_seed[0].errors);
    }
  }
}

TEST_CASE("simulator: the blocked Cholesky solve matches Eigen's LLT to rounding") {
  // A random SPD matrix of 3 blocks and a ragged one (n = 3 * 128 + 50), condition ~ 1e3.
  const int n = 3 * 128 + 50;
  simulation::NormalRng rng(99);
  MESSAGE("seed 99");
  Eigen::MatrixXd G(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) G(i, j) = rng();
  const Eigen::MatrixXd M = G * G.transpose() / n + 1e-3 * Eigen::MatrixXd::Identity(n, n);
  Eigen::VectorXd b(n);
  for (int i = 0; i < n; ++i) b[i] = rng();
  const Eigen::VectorXd x_ref = M.llt().solve(b);
  for (int threads : {1, 2}) {
    Eigen::MatrixXd L = M;
    Eigen::VectorXd x = b;
    simulation::tiled_cholesky_solve_in_place(L, x, threads);
    // Backward-stable solves of a system with condition number kappa agree to ~kappa n eps.
    CHECK((x - x_ref).norm() <= 1e3 * n * eps * x_ref.norm());
    CHECK((M * x - b).norm() <= 64 * n * eps * M.norm() * x.norm());
  }
}

TEST_CASE("simulator: seeds are reproducible and do not depend on the seed count") {
  model::ModelParams params = sobolev_params();
  SimulationOptions o = small_options(60, 2);
  INFO("base seed " << o.base_seed);
  const auto a = simulation::simulate(params, o);
  const auto b = simulation::simulate(params, o);
  o.seeds = 3;
  const auto c = simulation::simulate(params, o);
  for (int s = 0; s < 2; ++s) {
    check_identical(a.per_seed[s].errors, b.per_seed[s].errors);
    check_identical(a.per_seed[s].errors, c.per_seed[s].errors);
  }
  CHECK(a.per_seed[0].errors.gen_f != a.per_seed[1].errors.gen_f);  // seeds differ
  o.batch_rows = 1000;  // the batch size changes no draw
  const auto e = simulation::simulate(params, o);
  for (int s = 0; s < 2; ++s) check_close(a.per_seed[s].errors, e.per_seed[s].errors, 1e-12);
  o.base_seed += 1;
  const auto f = simulation::simulate(params, o);
  CHECK(f.per_seed[0].errors.gen_f != a.per_seed[0].errors.gen_f);
  // Mean and standard error follow from the per-seed values.
  double mean = 0;
  for (const auto& s : c.per_seed) mean += s.errors.gen_f / 3.0;
  CHECK(c.estimate("gen_f").mean == doctest::Approx(mean).epsilon(1e-14));
  CHECK(c.estimate("gen_f").se > 0);
  CHECK(c.estimate("gen_h1").mean == doctest::Approx(c.estimate("gen_f").mean + c.estimate("gen_g").mean));
}

TEST_CASE("simulator: varpi conditioning gives V^T theta0 = varpi exactly") {
  // V^T theta0 = varpi in exact arithmetic; in floating point the sum over d terms carries
  // rounding ~ sqrt(d) eps |V_m| |theta0|, so we allow 16 sqrt(d) eps (|varpi| + sqrt d).
  const std::uint64_t seed = 4242;
  INFO("seed " << seed);
  simulation::NormalRng rng(seed);
  const int d = 500;
  Eigen::VectorXd theta0(d);
  rng.fill_rows(theta0);
  theta0 /= std::sqrt(static_cast<double>(d));  // not normalised: exercises the 1/|theta0|^2
  const std::vector<double> varpi = {0.7, -1.3, 2.0};
  const Eigen::MatrixXd V = simulation::draw_sketch(theta0, varpi, 3, model::SketchScale::kNormal, rng);
  const Eigen::VectorXd a = V.transpose() * theta0;
  const double sd = std::sqrt(static_cast<double>(d));
  for (int m = 0; m < 3; ++m) CHECK(std::fabs(a[m] - varpi[m]) <= 16 * sd * eps * (std::fabs(varpi[m]) + sd));
  // The component orthogonal to theta0 is the free Gaussian part: |V_m| ~ sqrt(d).
  for (int m = 0; m < 3; ++m) CHECK(V.col(m).norm() == doctest::Approx(sd).epsilon(0.2));
  const Eigen::MatrixXd Vu = simulation::draw_sketch(theta0, varpi, 3, model::SketchScale::kUnit, rng);
  const Eigen::VectorXd au = Vu.transpose() * theta0 * sd;
  for (int m = 0; m < 3; ++m) CHECK(std::fabs(au[m] - varpi[m]) <= 16 * sd * eps * (std::fabs(varpi[m]) + sd));

  // The simulator reports the realised alignment: the given varpi, or a drawn one.
  model::ModelParams params = sobolev_params();
  SimulationOptions o = small_options(60, 2);
  const auto r = simulation::simulate(params, o);
  for (const auto& s : r.per_seed)
    for (int m = 0; m < 2; ++m) CHECK(s.varpi[m] == doctest::Approx(params.varpi[m]).epsilon(1e-12));
  o.varpi_mode = simulation::VarpiMode::kDrawn;
  params.varpi.clear();  // an output now
  const auto rd = simulation::simulate(params, o);
  CHECK(rd.per_seed[0].varpi.size() == 2);
  CHECK(rd.per_seed[0].varpi[0] != rd.per_seed[1].varpi[0]);
}

TEST_CASE("simulator: label noise has the prescribed covariance") {
  // Sample second moments of N draws of (eps, eps'_1..eps'_k): the variance entries have
  // standard error sqrt(2/N), the covariances sqrt((1 + r^2)/N); all must lie within 4 SE.
  const std::uint64_t seed = 99;
  INFO("seed " << seed);
  const int k = 3;
  const double rho = 0.5;  // k rho^2 = 0.75
  const simulation::NoiseSampler sampler(k, rho);
  simulation::NormalRng rng(seed);
  const int N = 200000;
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(1 + k, 1 + k);
  Eigen::VectorXd e(1 + k);
  for (int i = 0; i < N; ++i) {
    sampler.draw(rng, e);
    M.noalias() += e * e.transpose();
  }
  M /= N;
  for (int a = 0; a <= k; ++a)
    for (int b = 0; b <= k; ++b) {
      const double target = a == b ? 1.0 : ((a == 0 || b == 0) ? rho : 0.0);
      const double se = a == b ? std::sqrt(2.0 / N) : std::sqrt((1 + target * target) / N);
      INFO("entry (" << a << "," << b << ") = " << M(a, b) << ", target " << target);
      CHECK(std::fabs(M(a, b) - target) <= 4 * se);
    }
  // The factor reproduces the covariance to rounding, also at the singular edge k rho^2 = 1.
  for (auto [kk, r] : {std::pair{3, 0.5}, std::pair{4, 0.5}, std::pair{1, -1.0}, std::pair{0, 0.0}}) {
    const simulation::NoiseSampler s(kk, r);
    Eigen::MatrixXd C = Eigen::MatrixXd::Identity(1 + kk, 1 + kk);
    for (int j = 1; j <= kk; ++j) C(0, j) = C(j, 0) = r;
    INFO("k = " << kk << ", rho = " << r);
    CHECK((s.factor() * s.factor().transpose() - C).cwiseAbs().maxCoeff() <= 16 * eps);
  }
  CHECK_THROWS_AS(simulation::NoiseSampler(2, 0.8), std::invalid_argument);
}

TEST_CASE("simulator: fast activation paths match the registry") {
  // tanh' = 1 - tanh^2 and sigmoid' = s(1 - s) are accurate in absolute terms: 4 eps.
  Eigen::MatrixXd H(7, 5);
  for (int i = 0; i < H.size(); ++i) H.data()[i] = -12.0 + 24.0 * i / (H.size() - 1);
  for (const auto& a : model::all_activations()) {
    Eigen::MatrixXd F, S;
    simulation::apply_activation(a, H, F, &S, 2);
    for (int i = 0; i < H.size(); ++i) {
      const double h = H.data()[i];
      INFO(a.name << " at " << h);
      CHECK(std::fabs(F.data()[i] - a.value(h)) <= 4 * eps * std::max(1.0, std::fabs(a.value(h))));
      CHECK(std::fabs(S.data()[i] - a.derivative(h)) <= 4 * eps * std::max(1.0, std::fabs(a.derivative(h))));
    }
  }
}

TEST_CASE("simulator: bad options and sizes are rejected with the field named") {
  model::ModelParams params = sobolev_params();
  SimulationOptions o = small_options(50, 1);
  o.p = 0;
  CHECK_THROWS_WITH_AS(simulation::simulate(params, o), doctest::Contains("p = 0"), std::invalid_argument);
  o = small_options(50, 1);
  o.seeds = 0;
  CHECK_THROWS_WITH_AS(simulation::simulate(params, o), doctest::Contains("seeds"), std::invalid_argument);
  o = small_options(50, 1);
  o.test_samples = -3;
  CHECK_THROWS_WITH_AS(simulation::simulate(params, o), doctest::Contains("test_samples"), std::invalid_argument);
  o = small_options(1, 1);
  params.alpha = 0.1;  // n = round(0.1) = 0
  CHECK_THROWS_WITH_AS(simulation::simulate(params, o), doctest::Contains("n = round"), std::invalid_argument);
  params = sobolev_params();
  params.lambda = -1;
  CHECK_THROWS_WITH_AS(simulation::simulate(params, small_options(50, 1)), doctest::Contains("lambda = -1"),
                       std::invalid_argument);
  params = sobolev_params();
  params.teacher = "sign";  // no useful gradient with k > 0
  CHECK_THROWS_AS(simulation::simulate(params, small_options(50, 1)), std::invalid_argument);
  // The same sizes as the CLI documents: n = round(alpha p), d = round(gamma p).
  params = sobolev_params();
  const auto sz = simulation::problem_size(params, 101);
  CHECK(sz.n == 61);
  CHECK(sz.d == 81);
}

TEST_CASE("simulator: the normal generator is standard normal") {
  // N = 10^6 draws. Kolmogorov-Smirnov distance below 1.95 / sqrt(N) (0.1 % level); mean,
  // variance and fourth moment within 4 SE (SE = 1/sqrt N, sqrt(2/N), sqrt(96/N)); the tail
  // beyond the ziggurat's R = 3.4426 (handled separately) within 4 SE of its probability.
  const std::uint64_t seed = 31337;
  INFO("seed " << seed);
  simulation::NormalRng rng(seed);
  const int N = 1000000;
  std::vector<double> x(N);
  double m1 = 0, m2 = 0, m4 = 0;
  int tail = 0;
  for (int i = 0; i < N; ++i) {
    x[i] = rng();
    m1 += x[i];
    m2 += x[i] * x[i];
    m4 += x[i] * x[i] * x[i] * x[i];
    tail += std::fabs(x[i]) > 3.442619855899;
  }
  m1 /= N;
  m2 /= N;
  m4 /= N;
  CHECK(std::fabs(m1) <= 4 / std::sqrt(double(N)));
  CHECK(std::fabs(m2 - 1) <= 4 * std::sqrt(2.0 / N));
  CHECK(std::fabs(m4 - 3) <= 4 * std::sqrt(96.0 / N));
  const double p_tail = std::erfc(3.442619855899 / std::sqrt(2.0));
  CHECK(std::fabs(tail - N * p_tail) <= 4 * std::sqrt(N * p_tail));
  std::sort(x.begin(), x.end());
  double ks = 0;
  for (int i = 0; i < N; ++i) {
    const double cdf = 0.5 * std::erfc(-x[i] / std::sqrt(2.0));
    ks = std::max({ks, std::fabs(cdf - double(i) / N), std::fabs(cdf - double(i + 1) / N)});
  }
  INFO("KS distance " << ks);
  CHECK(ks < 1.95 / std::sqrt(double(N)));
}

TEST_CASE("simulator: exact errors agree with a sampled test set seed by seed (every activation, k = 0, 1, 2, primal and dual)") {
  // The same seed trains the same w in both modes; the sampled test mean then differs from the
  // exact expectation by test-set noise only: z = (sampled - exact) / (its standard error over
  // T = 20000 inputs) must satisfy |z| <= 4 for gen_f, gen_g, gen_h1 and gen_grad (a constant
  // per-input error, se = 0, must agree to 1e-12).
  const char* teachers[] = {"tanh", "relu", "erf", "he3", "linear", "sigmoid"};
  int point = 0, comparisons = 0;
  for (const auto& a : model::all_activations()) {
    for (int k : {0, 1, 2}) {
      if (!a.has_useful_gradient && k > 0) continue;
      for (auto method : {simulation::SolveMethod::kPrimal, simulation::SolveMethod::kDual}) {
        model::ModelParams params = sobolev_params();
        params.sigma = a.name;
        params.teacher = teachers[point % 6];
        params.k = k;
        params.varpi.assign(static_cast<std::size_t>(k), 0.8);
        if (k == 0) params.teacher = a.name == "sign" ? "sign" : params.teacher;
        SimulationOptions o = small_options(60, 1);
        o.base_seed = 9000 + point++;
        o.solve_method = method;
        o.test_samples = 20000;
        o.test_error = simulation::TestError::kSampled;
        const auto sampled = simulation::simulate_seed(params, o, 0);
        o.test_error = simulation::TestError::kExact;
        const auto exact = simulation::simulate_seed(params, o, 0);
        CHECK(exact.errors.train_f == sampled.errors.train_f);
        for (const auto& [name, field] : model::error_fields()) {
          if (std::string(name).rfind("gen_", 0) != 0 || (k == 0 && std::string(name) == "gen_g")) continue;
          const double diff = sampled.errors.*field - exact.errors.*field, se = sampled.test_se.*field;
          const double z = se > 0 ? diff / se : (std::fabs(diff) <= 1e-12 ? 0.0 : INFINITY);  // se = 0: constant error
          INFO(a.name << "/" << params.teacher << " k=" << k
                      << std::string(method == simulation::SolveMethod::kDual ? " dual" : " primal") << " base seed "
                      << o.base_seed << " " << std::string(name) << ": exact " << exact.errors.*field << ", sampled "
                      << sampled.errors.*field << " +- " << sampled.test_se.*field << ", z " << z);
          CHECK(std::fabs(z) <= 4.0);
          // The series stops at 1e-10 of the zero predictor's error; the 2-D quadrature of the few
          // pairs with |rho| > 0.6 (d = 48) adds its own (conservative) error estimate.
          CHECK(exact.population_truncation_bound.*field <= 1e-9 * std::max(1.0, exact.errors.*field));
          ++comparisons;
        }
      }
    }
  }
  MESSAGE(comparisons << " comparisons at " << point << " points");
}
