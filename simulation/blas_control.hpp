#pragma once
// Thin access to what Eigen's EIGEN_USE_BLAS does not cover: OpenBLAS's thread count, looked
// up at run time (dlsym), so the library still builds and runs against a reference BLAS (then
// the calls do nothing).
#include <Eigen/Dense>

namespace srf::simulation {

// OpenBLAS's thread count, or 0 when the BLAS offers no such control.
int blas_threads();
// Sets OpenBLAS's thread count (>= 1); returns false when the BLAS offers no such control.
bool set_blas_threads(int threads);

}  // namespace srf::simulation
