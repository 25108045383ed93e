#include <sobolev_rf/numerics/hadamard_gram.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace srf::numerics {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

template <class M>
std::string shape(const M& m) { return std::to_string(m.rows()) + " x " + std::to_string(m.cols()); }

// Runs task(t) for t = 0..count-1 on `threads` threads (an atomic counter hands out the tasks;
// which thread runs a task does not change what it computes).
template <class Task>
void run_tasks(Index count, int threads, Task task) {
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int t = static_cast<int>(std::min<Index>(threads > 0 ? threads : hw, count));
  if (t <= 1) {
    for (Index i = 0; i < count; ++i) task(i);
    return;
  }
  std::atomic<Index> next{0};
  auto worker = [&] {
    for (Index i = next++; i < count; i = next++) task(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (int i = 1; i < t; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
}

Index tiles(Index p) { return (p + kHadamardTile - 1) / kHadamardTile; }

}  // namespace

void add_hadamard_gram(const Eigen::Ref<const MatrixXd>& S, const Eigen::Ref<const MatrixXd>& K, double weight,
                       Eigen::Ref<MatrixXd> out, int threads) {
  const Index p = S.cols();
  if (K.rows() != p || K.cols() != p)
    throw std::invalid_argument("add_hadamard_gram: K is " + shape(K) + ", needs p x p with p = " + std::to_string(p) +
                                " (the columns of S)");
  if (out.rows() != p || out.cols() != p)
    throw std::invalid_argument("add_hadamard_gram: out is " + shape(out) + ", needs p x p with p = " +
                                std::to_string(p));
  const Index b = tiles(p);
  // The upper-triangular tiles (I <= J), numbered row by row.
  std::vector<std::pair<Index, Index>> work;
  work.reserve(b * (b + 1) / 2);
  for (Index I = 0; I < b; ++I)
    for (Index J = I; J < b; ++J) work.emplace_back(I, J);
  run_tasks(static_cast<Index>(work.size()), threads, [&](Index t) {
    const auto [I, J] = work[t];
    const Index i0 = I * kHadamardTile, j0 = J * kHadamardTile;
    const Index ni = std::min(kHadamardTile, p - i0), nj = std::min(kHadamardTile, p - j0);
    MatrixXd tile(ni, nj);
    if (S.rows() > 0)
      tile.noalias() = S.middleCols(i0, ni).transpose() * S.middleCols(j0, nj);
    else
      tile.setZero();
    out.block(i0, j0, ni, nj).array() += weight * K.block(i0, j0, ni, nj).array() * tile.array();
  });
  // Mirror: the diagonal tiles were computed in full, but their strict lower part is written
  // from the upper part as well, so that out stays exactly symmetric.
  for (Index j = 0; j < p; ++j)
    for (Index i = j + 1; i < p; ++i) out(i, j) = out(j, i);
}

void add_hadamard_rhs(const Eigen::Ref<const MatrixXd>& S, const Eigen::Ref<const MatrixXd>& Omega,
                      const Eigen::Ref<const MatrixXd>& G, double weight, Eigen::Ref<Eigen::VectorXd> out, int threads) {
  const Index n = S.rows(), p = S.cols(), k = Omega.cols();
  if (Omega.rows() != p)
    throw std::invalid_argument("add_hadamard_rhs: Omega is " + shape(Omega) + ", needs p = " + std::to_string(p) +
                                " rows (the columns of S)");
  if (G.rows() != n || G.cols() != k)
    throw std::invalid_argument("add_hadamard_rhs: G is " + shape(G) + ", needs n x k = " + std::to_string(n) + " x " +
                                std::to_string(k));
  if (out.size() != p)
    throw std::invalid_argument("add_hadamard_rhs: out has " + std::to_string(out.size()) + " entries, needs p = " +
                                std::to_string(p));
  run_tasks(tiles(p), threads, [&](Index J) {
    const Index j0 = J * kHadamardTile, nj = std::min(kHadamardTile, p - j0);
    if (n == 0 || k == 0) return;
    MatrixXd projected(n, nj);  // row i: (Omega g_i) restricted to the tile
    projected.noalias() = G * Omega.middleRows(j0, nj).transpose();
    out.segment(j0, nj) += weight * (S.middleCols(j0, nj).array() * projected.array()).colwise().sum().transpose().matrix();
  });
}

}  // namespace srf::numerics
