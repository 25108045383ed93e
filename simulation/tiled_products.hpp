#pragma once
// Matrix products split into fixed tiles of kTileColumns output columns, each tile one
// single-threaded BLAS call, tiles shared among `threads` OpenMP threads. The split does not
// depend on the thread count, so neither do the results, bit for bit: multithreaded OpenBLAS
// changes the last bits of dgemm and dpotrf with its thread count, which would make a
// simulation depend on the machine's thread count (the brief's reproducibility rule).
// Call with BLAS set to one thread (simulate() does).
#include <Eigen/Dense>

#include <algorithm>

namespace srf::simulation {

inline constexpr Eigen::Index kTileColumns = 256;

// C = A * B, tiled over the columns of B (and C). C must already have its size.
template <class DA, class DB, class DC>
void tiled_product(const Eigen::MatrixBase<DA>& A, const Eigen::MatrixBase<DB>& B, Eigen::MatrixBase<DC>& C,
                   int threads) {
  const Eigen::Index cols = B.cols(), tiles = (cols + kTileColumns - 1) / kTileColumns;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && tiles > 1)
  for (Eigen::Index t = 0; t < tiles; ++t) {
    const Eigen::Index j0 = t * kTileColumns, w = std::min(kTileColumns, cols - j0);
    C.middleCols(j0, w).noalias() = A * B.middleCols(j0, w);
  }
}

// Lower triangle (and the diagonal tiles whole) of C += alpha X^T X, X of size m x p, C p x p:
// tile t holds columns [j0, j0 + w) from row j0 down.
template <class DX>
void tiled_gram_lower(const Eigen::MatrixBase<DX>& X, double alpha, Eigen::MatrixXd& C, int threads) {
  const Eigen::Index p = X.cols(), tiles = (p + kTileColumns - 1) / kTileColumns;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && tiles > 1)
  for (Eigen::Index t = 0; t < tiles; ++t) {
    const Eigen::Index j0 = t * kTileColumns, w = std::min(kTileColumns, p - j0);
    C.block(j0, j0, p - j0, w).noalias() += alpha * X.rightCols(p - j0).transpose() * X.middleCols(j0, w);
  }
}

}  // namespace srf::simulation

namespace srf::simulation {

// Solves M x = rhs for symmetric positive-definite M (lower triangle read), overwriting M's
// lower triangle by its Cholesky factor L and rhs by x. Right-looking blocked Cholesky with
// blocks of kTileColumns: each diagonal block factored on one thread, the panel below it and
// the trailing update split into fixed tiles shared among `threads`: the result does not depend
// on the thread count. Throws std::runtime_error when M is not numerically positive definite.
void tiled_cholesky_solve_in_place(Eigen::MatrixXd& M, Eigen::VectorXd& rhs, int threads);

}  // namespace srf::simulation
