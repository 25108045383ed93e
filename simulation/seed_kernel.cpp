#include <sobolev_rf/simulation/seed_kernel.hpp>

#include <algorithm>
#include <utility>

#include <sobolev_rf/simulation/extensive_kernel.hpp>
#include <sobolev_rf/simulation/seed_assembly.hpp>
#include <sobolev_rf/simulation/seed_evaluation.hpp>
#include <sobolev_rf/simulation/stacked_solve.hpp>

namespace srf::simulation {

namespace {

// The fixed-k model: the stacked design of seed_assembly.hpp (n (1 + k) rows, solved primal or dual),
// the exact solve, the errors of seed_evaluation.hpp.
class StackedKernel : public SeedKernel {
 public:
  explicit StackedKernel(model::ModelParams params) : params_(std::move(params)) {}

  ProblemSize size(int p) const override {
    ProblemSize s = sample_and_input_sizes(params_, p);
    s.k = params_.k;
    return s;
  }

  MemoryEstimate memory(const SimulationOptions& options) const override {
    return stacked_peak_memory(params_, options, size(options.p));
  }

  // (a) the draws and the training design, (b) the exact ridge solve, (c) the errors. The design
  // is moved into the solve, which frees it before the errors allocate theirs.
  SeedResult run_seed(const SimulationOptions& options, int seed_index, int threads) const override {
    SeedDesign seed = assemble_seed(params_, options, seed_index, threads);
    const int n = seed.design.n, k = seed.design.k;
    const bool informed = seed.design.informed();
    const StackedSolution sol = solve_stacked(std::move(seed.design), params_.lambda, threads);
    SeedResult out;
    out.seed_index = seed_index;
    out.primal = sol.primal;
    out.varpi.assign(seed.draws.varpi.data(), seed.draws.varpi.data() + k);
    out.errors.train_f = sol.r_f.squaredNorm() / n;
    out.errors.train_g = k > 0 ? sol.r_g.squaredNorm() / n : 0.0;
    out.errors.train_inf = informed ? sol.r_inf.squaredNorm() / n : 0.0;
    evaluate_seed(params_, options, seed_index, seed.draws, sol.w, threads, out);
    return out;
  }

 private:
  model::ModelParams params_;
};

}  // namespace

std::unique_ptr<SeedKernel> make_seed_kernel(const model::ModelParams& params) {
  if (params.extensive()) return std::make_unique<ExtensiveKernel>(params);
  return std::make_unique<StackedKernel>(params);
}

}  // namespace srf::simulation
