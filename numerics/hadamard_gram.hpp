#pragma once
// The Gram matrix of derivative rows without stacking them. A linear model in p features whose
// k directional derivatives at input i are the rows of A_i = Omega^T diag(s_i) (k x p), with s_i
// the p feature derivatives at input i (row i of S, n x p) and Omega (p x k) the same for every
// input, has the normal-equation blocks
//
//     sum_i A_i^T A_i   = (Omega Omega^T) o (S^T S)          (o: the entrywise product)
//     sum_i A_i^T g_i   = sum_i s_i o (Omega g_i)            (g_i: the k labels of input i)
//
// because (A_i^T A_i)_{jl} = s_ij s_il <omega_j, omega_l>. Forming them costs O(n p^2 + k p^2)
// and O(n k p) instead of O(n k p^2) for the stacked n k x p matrix, so the cost of the Gram
// no longer grows with the number of directions k.
//
// Both functions add to their output, so a caller may stream the inputs in batches of rows. The
// work is split into fixed tiles of the output (kTile columns), each a single product of its own;
// threads only decide which thread computes which tile, so the result does not depend on the
// thread count, bit for bit, whenever the BLAS behind Eigen's products is deterministic for a
// given call (OpenBLAS on one thread: callers that need bit-for-bit results set it, as the
// simulator does). Nothing here knows about the model: any S, K, Omega will do.
#include <Eigen/Dense>

namespace srf::numerics {

// Tile width of the output: part of the summation order, hence of the bits of the result.
inline constexpr Eigen::Index kHadamardTile = 128;

// out += weight * K o (S^T S). S: n x p (n >= 0), K: p x p symmetric, out: p x p. Only the upper
// triangles of K and of the result are used: the strict lower triangle of out is overwritten
// with the mirror of its upper triangle, so the result is exactly symmetric. threads <= 0: the hardware count.
// Throws std::invalid_argument for mismatched shapes.
void add_hadamard_gram(const Eigen::Ref<const Eigen::MatrixXd>& S, const Eigen::Ref<const Eigen::MatrixXd>& K,
                       double weight, Eigen::Ref<Eigen::MatrixXd> out, int threads = 1);

// out += weight * sum_i s_i o (Omega g_i): S n x p, Omega p x k, G n x k (row i: g_i), out p.
// Throws std::invalid_argument for mismatched shapes.
void add_hadamard_rhs(const Eigen::Ref<const Eigen::MatrixXd>& S, const Eigen::Ref<const Eigen::MatrixXd>& Omega,
                      const Eigen::Ref<const Eigen::MatrixXd>& G, double weight, Eigen::Ref<Eigen::VectorXd> out,
                      int threads = 1);

}  // namespace srf::numerics
