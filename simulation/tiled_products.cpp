#include <sobolev_rf/simulation/tiled_products.hpp>

#include <stdexcept>
#include <string>

namespace srf::simulation {

void tiled_cholesky_solve_in_place(Eigen::MatrixXd& M, Eigen::VectorXd& rhs, int threads) {
  using Eigen::Index;
  const Index n = M.rows();
  for (Index k0 = 0; k0 < n; k0 += kTileColumns) {
    const Index kb = std::min(kTileColumns, n - k0), rest = n - k0 - kb;
    // Diagonal block: L11 L11^T = A11 (in place, lower triangle).
    Eigen::Ref<Eigen::MatrixXd> A11 = M.block(k0, k0, kb, kb);
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(A11);
    if (llt.info() != Eigen::Success)
      throw std::runtime_error("Cholesky factorisation failed: the matrix is not positive definite (block at row " +
                               std::to_string(k0) + ")");
    if (rest == 0) break;
    // Panel: L21 = A21 L11^{-T}, in tiles of rows.
    const Index row_tiles = (rest + kTileColumns - 1) / kTileColumns;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && row_tiles > 1)
    for (Index t = 0; t < row_tiles; ++t) {
      const Index r0 = k0 + kb + t * kTileColumns, rw = std::min(kTileColumns, n - r0);
      Eigen::Ref<Eigen::MatrixXd> panel = M.block(r0, k0, rw, kb);
      M.block(k0, k0, kb, kb).transpose().triangularView<Eigen::Upper>().solveInPlace<Eigen::OnTheRight>(panel);
    }
    // Trailing update of the lower triangle: A22 -= L21 L21^T, in tiles of columns.
    const auto L21 = M.block(k0 + kb, k0, rest, kb);
    const Index col_tiles = row_tiles;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && col_tiles > 1)
    for (Index t = 0; t < col_tiles; ++t) {
      const Index j = t * kTileColumns, w = std::min(kTileColumns, rest - j);
      M.block(k0 + kb + j, k0 + kb + j, rest - j, w).noalias() -=
          L21.bottomRows(rest - j) * L21.middleRows(j, w).transpose();
    }
  }
  // L L^T x = rhs (O(n^2), one thread).
  M.triangularView<Eigen::Lower>().solveInPlace(rhs);
  M.transpose().triangularView<Eigen::Upper>().solveInPlace(rhs);
}

}  // namespace srf::simulation
