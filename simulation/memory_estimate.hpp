#pragma once
// The memory guard of simulate(): an estimate of a run's peak memory from its sizes, the
// memory the machine (or its cgroup) has available, and the largest p that fits.
//
// The estimate counts the arrays a seed holds at once (simulation/simulator.cpp), in doubles:
//   always       Theta (d p), V and its draw (2 d k), zeta (k p), labels n (1 + k)
//   primal       sigma, sigma' of the training set (n p each; sigma' only when k > 0), then
//                the normal matrix (p^2) beside them and two row batches (2 b p)
//   dual         A (N p, N = n(1 + k) rows), sigma' (n p) when beta = 0 < k, then A A^T (N^2)
//   batches      X, H, sigma, sigma' of one row batch: b (d + 3 p)
//   exact errors per thread two Gram tiles (2 * 256^2, three with k > 0: zeta's) and the grid block of
//                the Hermite coefficients (3 * 529 * 64); per seed 10 (L + 1) p coefficient arrays;
//                structured inputs add sqrt(Sigma) Theta (d p) and a third tile per thread
//   sampled      the Gram Q (p^2) when d > p; per thread a test chunk 256 (d + 4 p + max(p, d))
// times the seeds that run at once (min(threads, seeds) when seeds run in parallel), plus a
// fixed 64 MiB for the executable, its libraries and OpenBLAS's buffers. The training and
// error phases do not overlap (the training arrays are freed first).
#include <cstdint>
#include <string>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::simulation {

struct MemoryEstimate {
  std::uint64_t peak_bytes = 0;
  int concurrent_seeds = 1;  // seeds held in memory at once
  bool primal = true;        // the system simulate_seed will solve
};

// Throws std::invalid_argument for sizes problem_size rejects. The family's kernel does the counting
// (seed_kernel.hpp): stacked_peak_memory above, or extensive_peak_memory.
MemoryEstimate estimate_peak_memory(const model::ModelParams& params, const SimulationOptions& options);
MemoryEstimate stacked_peak_memory(const model::ModelParams& params, const SimulationOptions& options,
                                   const ProblemSize& size);
// Extensive sketches (extensive_kernel.hpp): always primal; Theta (d p), V (d k, gaussian or orthogonal
// below the full gradient) and its QR workspace, zeta (k p), the labels n (1 + k), sigma and sigma' of
// the training set (2 n p), the normal matrix beside the Gram S^T S (2 p^2 at once), a batch
// b (d + 3 p + 1 + k); exact errors as the stacked model's without the per-direction series (the
// gradient pair weight zeta^T zeta is formed per tile).
MemoryEstimate extensive_peak_memory(const model::ModelParams& params, const SimulationOptions& options,
                                     const ProblemSize& size);

struct AvailableMemory {
  std::uint64_t bytes = 0;
  std::string source;  // "MemAvailable" or "cgroup limit"
};
// MemAvailable from /proc/meminfo, lowered to the cgroup's limit minus its usage when the
// process runs under a memory limit (cgroup v2 memory.max, or v1 memory.limit_in_bytes).
// bytes = 0 when neither can be read.
AvailableMemory available_memory();

// The largest p' <= options.p whose estimate fits in limit_bytes (0 if none does).
int largest_p_that_fits(const model::ModelParams& params, const SimulationOptions& options,
                        std::uint64_t limit_bytes);

// The limit that applies: options.max_memory_bytes, or the available memory when that is 0.
AvailableMemory memory_limit(const SimulationOptions& options);

// Throws std::invalid_argument naming `p` and `max_memory_bytes` when the estimate exceeds
// memory_limit(options) (no check when the available memory cannot be read).
void check_memory(const model::ModelParams& params, const SimulationOptions& options);

// "1.5 GiB", "300 MiB": for messages.
std::string format_bytes(std::uint64_t bytes);

}  // namespace srf::simulation
