#include "validation/blas_control.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace srf::validation {

namespace {
using SetThreads = void (*)(int);
using GetThreads = int (*)();
using Potrf = void (*)(const char*, const int*, double*, const int*, int*);
using Potrs = void (*)(const char*, const int*, const int*, const double*, const int*, double*, const int*, int*);

template <class F>
F lookup(const char* name) {
  // RTLD_DEFAULT sees every library loaded with the executable, including libopenblas.so
  // pulled in by libblas.so.3 on Debian's alternatives system.
  return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}
}  // namespace

int blas_threads() {
  static const GetThreads get = lookup<GetThreads>("openblas_get_num_threads");
  return get ? get() : 0;
}

bool set_blas_threads(int threads) {
  static const SetThreads set = lookup<SetThreads>("openblas_set_num_threads");
  if (!set) return false;
  set(threads < 1 ? 1 : threads);
  return true;
}

void cholesky_solve_in_place(Eigen::Ref<Eigen::MatrixXd> M, Eigen::Ref<Eigen::VectorXd> rhs) {
  static const Potrf potrf = lookup<Potrf>("dpotrf_");
  static const Potrs potrs = lookup<Potrs>("dpotrs_");
  const int n = static_cast<int>(M.rows());
  if (M.cols() != n || rhs.size() != n) throw std::invalid_argument("cholesky_solve_in_place: size mismatch");
  if (n == 0) return;
  if (potrf && potrs && M.innerStride() == 1) {
    const char uplo = 'L';
    const int lda = static_cast<int>(M.outerStride());
    const int one = 1;
    int info = 0;
    potrf(&uplo, &n, M.data(), &lda, &info);
    if (info != 0)
      throw std::runtime_error("Cholesky factorisation failed (dpotrf info = " + std::to_string(info) +
                               "): the regularised system is not numerically positive definite; increase lambda");
    potrs(&uplo, &n, &one, M.data(), &lda, rhs.data(), &n, &info);
    if (info != 0) throw std::runtime_error("dpotrs failed, info = " + std::to_string(info));
    return;
  }
  Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(M);
  if (llt.info() != Eigen::Success)
    throw std::runtime_error(
        "Cholesky factorisation failed: the regularised system is not numerically positive definite; increase lambda");
  llt.solveInPlace(rhs);
}

}  // namespace srf::validation
