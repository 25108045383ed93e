// The finite-p Gaussian covariate model (theory/covariate_model.hpp) against the limit theory at
// the same structured point: k = 0, tanh/tanh, spectrum powerlaw:0.5, alignment 0, p/n = 2,
// d/p = 0.8, lambda = 1e-2. Prints one Markdown table row per route with the median wall time and
// the ratio to one limit solve, and the two gen_f (they differ by O(1/p)). Run by
// bench/structured_theory.sh; usage: srf_bench_covariate [p] (default 2000).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include <sobolev_rf/theory/covariate_model.hpp>
#include <sobolev_rf/theory/request.hpp>

namespace {

double median_seconds(int repeats, const std::function<void()>& run) {
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int p = argc > 1 ? std::atoi(argv[1]) : 2000;
  srf::model::ModelParams m;
  m.spectrum = "powerlaw:0.5";
  m.alpha = 0.5;  // p/n = 2
  m.gamma = 0.8;
  m.lambda = 1e-2;
  m.k = 0;
  srf::theory::TheoryRequest request;
  request.model = m;
  double limit_gen_f = 0;
  const double limit_s = median_seconds(21, [&] { limit_gen_f = srf::theory::solve(request).solution.result.errors.gen_f; });
  srf::theory::CovariateModelOptions options;
  options.model = m;
  options.p = p;
  double gcm_gen_f = 0;
  const double gcm_s = median_seconds(3, [&] { gcm_gen_f = srf::theory::solve_covariate_model(options).errors.gen_f; });
  std::printf("| limit theory (reference) | %.2e | 1 | %.6f |\n", limit_s, limit_gen_f);
  std::printf("| covariate model, p = %d | %.2e | %.0f | %.6f |\n", p, gcm_s, gcm_s / limit_s, gcm_gen_f);
  return 0;
}
