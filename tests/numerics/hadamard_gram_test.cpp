// The Hadamard Gram identity (numerics/hadamard_gram.hpp) against the stacked computation: the
// n k x p matrix A with rows A_{(i,m), j} = s_ij Omega_jm, its Gram A^T A and right-hand side
// A^T g. Tolerances in units of machine epsilon times the sizes: each entry of the stacked side is
// a sum of n k products (within n k eps sum |terms| of the exact value, the worst-case bound of a
// sum of that length), the Hadamard side a product of two sums of lengths k and n (within
// (n + k + 2) eps sum |terms|), so they differ by at most (n k + n + k + 2) eps sum |terms|.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include <sobolev_rf/numerics/hadamard_gram.hpp>

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using srf::numerics::add_hadamard_gram;
using srf::numerics::add_hadamard_rhs;
constexpr double eps = std::numeric_limits<double>::epsilon();

MatrixXd gaussian(Index rows, Index cols, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  MatrixXd m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = normal(rng);
  return m;
}

// The stacked rows: A((i, m), j) = S(i, j) Omega(j, m), row index i * k + m.
MatrixXd stacked(const MatrixXd& S, const MatrixXd& Omega) {
  const Index n = S.rows(), p = S.cols(), k = Omega.cols();
  MatrixXd A(n * k, p);
  for (Index i = 0; i < n; ++i)
    for (Index m = 0; m < k; ++m) A.row(i * k + m) = S.row(i).cwiseProduct(Omega.col(m).transpose());
  return A;
}

struct Case {
  Index n, p, k;
};

}  // namespace

TEST_CASE("Hadamard Gram and right-hand side equal the stacked A^T A and A^T g") {
  // p = 300 spans three tiles of 128 (one partial); k from 1 to beyond n.
  for (const Case c : {Case{50, 300, 1}, Case{200, 300, 8}, Case{40, 130, 64}, Case{1, 7, 3}, Case{0, 5, 2}}) {
    const unsigned seed = 1000 + static_cast<unsigned>(c.n + c.p + c.k);
    CAPTURE(seed);
    CAPTURE(c.n);
    CAPTURE(c.p);
    CAPTURE(c.k);
    std::mt19937_64 rng(seed);
    const MatrixXd S = gaussian(c.n, c.p, rng), Omega = gaussian(c.p, c.k, rng), G = gaussian(c.n, c.k, rng);
    const MatrixXd A = stacked(S, Omega);
    VectorXd g(c.n * c.k);
    for (Index i = 0; i < c.n; ++i)
      for (Index m = 0; m < c.k; ++m) g(i * c.k + m) = G(i, m);
    const double weight = 0.37;
    const MatrixXd start = MatrixXd::Identity(c.p, c.p);  // the functions add to their output
    MatrixXd gram = start;
    add_hadamard_gram(S, Omega * Omega.transpose(), weight, gram, 3);
    const MatrixXd expected = start + weight * A.transpose() * A;
    const MatrixXd bound = weight * A.cwiseAbs().transpose() * A.cwiseAbs();  // sum |terms| per entry
    const double units = static_cast<double>(c.n * c.k + c.n + c.k + 2) * eps;
    for (Index j = 0; j < c.p; ++j)
      for (Index i = 0; i < c.p; ++i)
        REQUIRE(std::abs(gram(i, j) - expected(i, j)) <= units * bound(i, j) + eps * std::abs(start(i, j)));
    CHECK(gram == gram.transpose());  // exactly symmetric
    VectorXd rhs = VectorXd::Ones(c.p);
    add_hadamard_rhs(S, Omega, G, weight, rhs, 3);
    // (BLAS rejects a matrix-vector product with no rows: the empty case adds nothing.)
    const VectorXd Atg = c.n > 0 ? VectorXd(A.transpose() * g) : VectorXd::Zero(c.p);
    const VectorXd rhs_expected = VectorXd::Ones(c.p) + weight * Atg;
    const VectorXd rhs_bound =
        c.n > 0 ? VectorXd(weight * A.cwiseAbs().transpose() * g.cwiseAbs()) : VectorXd::Zero(c.p);
    for (Index j = 0; j < c.p; ++j)
      REQUIRE(std::abs(rhs(j) - rhs_expected(j)) <= units * rhs_bound(j) + eps);
  }
}

TEST_CASE("Hadamard Gram: the result does not depend on the thread count, and batches of rows add up") {
  const unsigned seed = 2024;
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  const Index n = 333, p = 517, k = 5;
  const MatrixXd S = gaussian(n, p, rng), Omega = gaussian(p, k, rng), G = gaussian(n, k, rng);
  const MatrixXd K = Omega * Omega.transpose();
  MatrixXd one = MatrixXd::Zero(p, p);
  VectorXd rhs_one = VectorXd::Zero(p);
  add_hadamard_gram(S, K, 1.5, one, 1);
  add_hadamard_rhs(S, Omega, G, 1.5, rhs_one, 1);
  for (int threads : {2, 3, 8, 0}) {
    CAPTURE(threads);
    MatrixXd many = MatrixXd::Zero(p, p);
    VectorXd rhs_many = VectorXd::Zero(p);
    add_hadamard_gram(S, K, 1.5, many, threads);
    add_hadamard_rhs(S, Omega, G, 1.5, rhs_many, threads);
    CHECK(many == one);  // bit for bit
    CHECK(rhs_many == rhs_one);
  }
  // Streaming the rows in two batches gives the one-shot result up to the reassociation of two
  // partial sums: (n + k + 2) eps relative to the sum of |terms|.
  MatrixXd batched = MatrixXd::Zero(p, p);
  add_hadamard_gram(S.topRows(100), K, 1.5, batched, 2);
  add_hadamard_gram(S.bottomRows(n - 100), K, 1.5, batched, 2);
  const MatrixXd bound = 1.5 * K.cwiseAbs().cwiseProduct(S.cwiseAbs().transpose() * S.cwiseAbs());
  CHECK(((batched - one).cwiseAbs().array() <= static_cast<double>(n + k + 2) * eps * bound.array()).all());
}

TEST_CASE("Hadamard Gram: mismatched shapes are rejected") {
  MatrixXd S = MatrixXd::Ones(4, 3), out = MatrixXd::Zero(3, 3);
  VectorXd rhs = VectorXd::Zero(3);
  CHECK_THROWS_AS(add_hadamard_gram(S, MatrixXd::Ones(2, 2), 1.0, out), std::invalid_argument);
  MatrixXd wrong = MatrixXd::Zero(2, 3);
  CHECK_THROWS_AS(add_hadamard_gram(S, MatrixXd::Ones(3, 3), 1.0, wrong), std::invalid_argument);
  CHECK_THROWS_AS(add_hadamard_rhs(S, MatrixXd::Ones(2, 2), MatrixXd::Ones(4, 2), 1.0, rhs), std::invalid_argument);
  CHECK_THROWS_AS(add_hadamard_rhs(S, MatrixXd::Ones(3, 2), MatrixXd::Ones(4, 3), 1.0, rhs), std::invalid_argument);
  VectorXd short_rhs = VectorXd::Zero(2);
  CHECK_THROWS_AS(add_hadamard_rhs(S, MatrixXd::Ones(3, 2), MatrixXd::Ones(4, 2), 1.0, short_rhs),
                  std::invalid_argument);
}
