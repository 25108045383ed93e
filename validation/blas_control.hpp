#pragma once
// Thin access to what Eigen's EIGEN_USE_BLAS does not cover: OpenBLAS's thread count and
// LAPACK's Cholesky. Both are looked up at run time (dlsym), so the library still builds and
// runs against a reference BLAS; then the thread calls do nothing and Cholesky falls back to
// Eigen's own LLT.
#include <Eigen/Dense>

namespace srf::validation {

// OpenBLAS's thread count, or 0 when the BLAS offers no such control.
int blas_threads();
// Sets OpenBLAS's thread count (>= 1); returns false when the BLAS offers no such control.
bool set_blas_threads(int threads);

// Solves M x = rhs for symmetric positive-definite M, of which only the lower triangle is read;
// M is overwritten by its Cholesky factor and rhs by x. Uses LAPACK dpotrf/dpotrs when present.
// Throws std::runtime_error when M is not numerically positive definite.
void cholesky_solve_in_place(Eigen::Ref<Eigen::MatrixXd> M, Eigen::Ref<Eigen::VectorXd> rhs);

}  // namespace srf::validation
