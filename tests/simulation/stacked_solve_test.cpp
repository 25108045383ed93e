// Tests of the stacked ridge design and solve on designs that did not come from the simulator
// (simulation/stacked_design.hpp, stacked_solve.hpp), and of the fit on user data built on them
// (simulation/random_features_fit.hpp): both against a dense solve of the explicit stacked system.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/simulation/random_features_fit.hpp>
#include <sobolev_rf/simulation/sampling.hpp>
#include <sobolev_rf/simulation/stacked_design.hpp>
#include <sobolev_rf/simulation/stacked_solve.hpp>

using namespace srf;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

MatrixXd normal_matrix(simulation::NormalRng& rng, Eigen::Index rows, Eigen::Index cols) {
  MatrixXd m(rows, cols);
  rng.fill_rows(m);
  return m;
}

// The explicit stacked rows of samples i (function, k gradient rows, informed) and the dense
// ridge solution w = (A^T A + n lambda I)^{-1} A^T b.
VectorXd dense_solution(const MatrixXd& F, const MatrixXd& S, const MatrixXd& zeta, const Eigen::RowVectorXd& a,
                        const VectorXd& y, const MatrixXd& g, const VectorXd& z, double beta, double beta_inf,
                        double lambda) {
  const Eigen::Index n = F.rows(), p = F.cols(), k = zeta.rows();
  const bool inf = a.size() > 0;
  MatrixXd A(n * (1 + k + (inf ? 1 : 0)), p);
  VectorXd b(A.rows());
  A.topRows(n) = F;
  b.head(n) = y;
  for (Eigen::Index m = 0; m < k; ++m) {
    A.middleRows(n * (1 + m), n) = std::sqrt(beta) * (S.array().rowwise() * zeta.row(m).array()).matrix();
    b.segment(n * (1 + m), n) = std::sqrt(beta) * g.col(m);
  }
  if (inf) {
    A.bottomRows(n) = std::sqrt(beta_inf) * (S.array().rowwise() * a.array()).matrix();
    b.tail(n) = std::sqrt(beta_inf) * z;
  }
  MatrixXd M = A.transpose() * A;
  M.diagonal().array() += n * lambda;
  return M.ldlt().solve(A.transpose() * b);
}

}  // namespace

TEST_CASE("stacked solve: primal and dual equal a dense solve of an arbitrary design") {
  // Random F, S, zeta, a and labels (not features of any inputs): the solve needs nothing else.
  // n = 13, k = 2 plus an informed row: N = 52 rows against p = 40 (primal) and p = 70 (dual).
  // lambda = 0.05 keeps the systems' condition numbers below ~1e4: agreement to ~1e4 eps; we allow 1e-10.
  const std::uint64_t seed = 31;
  INFO("seed " << seed);
  for (int p : {40, 70})
    for (double beta : {0.8, 0.0})
      for (auto method :
           {simulation::SolveMethod::kAuto, simulation::SolveMethod::kPrimal, simulation::SolveMethod::kDual}) {
        simulation::NormalRng rng(seed);
        const int n = 13, k = 2;
        const MatrixXd F = normal_matrix(rng, n, p), S = normal_matrix(rng, n, p), zeta = normal_matrix(rng, k, p);
        const Eigen::RowVectorXd a = normal_matrix(rng, 1, p);
        const VectorXd y = normal_matrix(rng, n, 1), z = normal_matrix(rng, n, 1);
        const MatrixXd g = normal_matrix(rng, n, k);
        const double beta_inf = 0.5, lambda = 0.05;
        simulation::StackedDesign s = simulation::make_stacked_design(n, p, zeta, beta, a, beta_inf, method, 5);
        s.y = y;
        s.g = g;
        s.z = z;
        for (int i0 = 0; i0 < n; i0 += s.batch) {
          const int b = std::min(s.batch, n - i0);
          simulation::append_batch(s, i0, F.middleRows(i0, b), S.middleRows(i0, b));
        }
        const bool expect_primal = method == simulation::SolveMethod::kPrimal ||
                                   (method == simulation::SolveMethod::kAuto && s.rows() >= p);
        const simulation::StackedSolution sol = simulation::solve_stacked(std::move(s), lambda, 1);
        INFO("p " << p << " beta " << beta << " primal " << sol.primal);
        CHECK(sol.primal == expect_primal);
        const VectorXd w = dense_solution(F, S, beta > 0 ? zeta : MatrixXd(0, p), a, y, g, z, beta, beta_inf, lambda);
        CHECK((sol.w - w).norm() <= 1e-10 * w.norm());
        // Residuals of every term, unweighted, including the gradient term of weight 0.
        MatrixXd r_g(n, k);
        for (int m = 0; m < k; ++m) r_g.col(m) = g.col(m) - (S.array().rowwise() * zeta.row(m).array()).matrix() * w;
        CHECK((sol.r_f - (y - F * w)).norm() <= 1e-10 * y.norm());
        CHECK((sol.r_g - r_g).norm() <= 1e-10 * g.norm());
        CHECK((sol.r_inf - (z - (S.array().rowwise() * a.array()).matrix() * w)).norm() <= 1e-10 * z.norm());
      }
}

TEST_CASE("random-features fit: the intercept fit equals the augmented dense solve, and is thread independent") {
  // Features of real inputs this time; the intercept c is an unpenalised column of ones in the
  // function rows (0 in the gradient rows). Same tolerance argument as above.
  const std::uint64_t seed = 32;
  INFO("seed " << seed);
  simulation::NormalRng rng(seed);
  const int n = 30, d = 4, p = 50, k = 2;
  const MatrixXd X = normal_matrix(rng, n, d), Theta = normal_matrix(rng, d, p), D = normal_matrix(rng, d, k);
  const VectorXd y = normal_matrix(rng, n, 1);
  const MatrixXd G = normal_matrix(rng, n, k);
  for (auto method : {simulation::SolveMethod::kPrimal, simulation::SolveMethod::kDual}) {
    simulation::RandomFeaturesFitOptions o;
    o.lambda = 0.02;
    o.beta = 0.6;
    o.fit_intercept = true;
    o.solve_method = method;
    o.batch_rows = 7;
    o.threads = 1;
    const simulation::RandomFeaturesFit fit = simulation::fit_random_features(X, y, G, Theta, D, o);
    // Dense reference with the augmented column.
    const MatrixXd H = X * Theta / std::sqrt(double(d));
    const model::Activation& tanh = model::activation("tanh");
    MatrixXd F = H.unaryExpr(tanh.value), S = H.unaryExpr(tanh.derivative);
    const MatrixXd zeta = D.transpose() * Theta / std::sqrt(double(d));
    MatrixXd A = MatrixXd::Zero(n * (1 + k), p + 1);
    VectorXd b(n * (1 + k));
    A.topLeftCorner(n, p) = F;
    A.topRightCorner(n, 1).setOnes();
    b.head(n) = y;
    for (int m = 0; m < k; ++m) {
      A.block(n * (1 + m), 0, n, p) = std::sqrt(o.beta) * (S.array().rowwise() * zeta.row(m).array()).matrix();
      b.segment(n * (1 + m), n) = std::sqrt(o.beta) * G.col(m);
    }
    MatrixXd M = A.transpose() * A;
    M.diagonal().head(p).array() += n * o.lambda;
    const VectorXd x = M.ldlt().solve(A.transpose() * b);
    INFO("primal " << fit.primal);
    CHECK(fit.primal == (method == simulation::SolveMethod::kPrimal));
    CHECK((fit.w - x.head(p)).norm() <= 1e-10 * x.norm());
    CHECK(std::fabs(fit.intercept - x[p]) <= 1e-10 * x.norm());
    const VectorXd f = simulation::predict_random_features(X, Theta, fit.w, fit.intercept, "tanh", 1);
    CHECK(std::fabs(fit.train_f - (y - f).squaredNorm() / n) <= 1e-12);
    o.threads = 3;
    const simulation::RandomFeaturesFit fit3 = simulation::fit_random_features(X, y, G, Theta, D, o);
    CHECK(fit3.w == fit.w);
    CHECK(fit3.intercept == fit.intercept);
  }
}

TEST_CASE("random-features fit: bad input names its field") {
  simulation::NormalRng rng(33);
  const MatrixXd X = normal_matrix(rng, 5, 3), Theta = normal_matrix(rng, 3, 8), D = normal_matrix(rng, 3, 1);
  const VectorXd y = normal_matrix(rng, 5, 1);
  const MatrixXd G = normal_matrix(rng, 5, 1);
  simulation::RandomFeaturesFitOptions o;
  auto field_of = [&](auto&& call) -> std::string {
    try {
      call();
    } catch (const model::InvalidParameter& e) {
      return e.field();
    }
    return "";
  };
  CHECK(field_of([&] { simulation::fit_random_features(X, y.head(4), G, Theta, D, o); }) == "y");
  CHECK(field_of([&] { simulation::fit_random_features(X, y, G.topRows(4), Theta, D, o); }) == "gradients");
  CHECK(field_of([&] { simulation::fit_random_features(X, y, G, Theta.topRows(2), D, o); }) == "Theta");
  CHECK(field_of([&] { simulation::fit_random_features(X, y, G, Theta, D.topRows(2), o); }) == "directions");
  MatrixXd Xnan = X;
  Xnan(1, 1) = std::nan("");
  CHECK(field_of([&] { simulation::fit_random_features(Xnan, y, G, Theta, D, o); }) == "X");
  o.activation = "swish";
  CHECK(field_of([&] { o.validate(); }) == "activation");
  o.activation = "tanh";
  o.lambda = -1;
  CHECK(field_of([&] { o.validate(); }) == "lambda");
  o.lambda = 0;  // 5 samples, 8 features, centred function rows: singular without a ridge
  o.beta = 0;
  o.fit_intercept = true;
  o.solve_method = simulation::SolveMethod::kPrimal;
  CHECK(field_of([&] { simulation::fit_random_features(X, y, G, Theta, D, o); }) == "lambda");
}
