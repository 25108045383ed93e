#pragma once
// The seam between a model family and the simulator's driver. A family's kernel knows its finite
// problem (sizes), how one seed draws, trains and measures, and how much memory that takes;
// simulate() (simulator.hpp) runs seeds through it: in parallel or one after another, BLAS on one
// thread, progress, Ctrl-C, the memory guard, the summary over seeds. One factory picks the kernel.
//   StackedKernel    the fixed-k model (random sketch, informed directions, structured inputs):
//                    seed_assembly.hpp, stacked_solve.hpp, seed_evaluation.hpp;
//   ExtensiveKernel  k = kappa d directions (extensive_kernel.hpp).
#include <memory>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/memory_estimate.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::simulation {

class SeedKernel {
 public:
  virtual ~SeedKernel() = default;
  // The finite problem at p features (n = round(alpha p), d = round(gamma p), k). Throws
  // std::invalid_argument naming --p for sizes out of range.
  virtual ProblemSize size(int p) const = 0;
  // The estimated peak memory of a run (memory_estimate.hpp's accounting for this family).
  virtual MemoryEstimate memory(const SimulationOptions& options) const = 0;
  // One seed: draws, design, exact solve, errors. Results do not depend on `threads` (with
  // single-threaded BLAS).
  virtual SeedResult run_seed(const SimulationOptions& options, int seed_index, int threads) const = 0;
};

// The kernel of validated `params` (which must outlive it).
std::unique_ptr<SeedKernel> make_seed_kernel(const model::ModelParams& params);

}  // namespace srf::simulation
