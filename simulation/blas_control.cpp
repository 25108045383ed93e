#include <sobolev_rf/simulation/blas_control.hpp>

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace srf::simulation {

namespace {
using SetThreads = void (*)(int);
using GetThreads = int (*)();

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

}  // namespace srf::simulation
