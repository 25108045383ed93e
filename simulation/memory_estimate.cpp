#include <sobolev_rf/simulation/memory_estimate.hpp>

#include <sobolev_rf/simulation/seed_kernel.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace srf::simulation {

namespace {

constexpr double kFixedBytes = 64.0 * 1024 * 1024;
constexpr double kTile = 256;          // kTileColumns and the sampled test chunk
constexpr double kGridNodes = 529;    // HermiteExpansion's trapezoid nodes
constexpr double kGridBlock = 64;      // scales per block of the expansion

std::uint64_t read_number(const std::string& path, bool& ok) {
  std::ifstream f(path);
  std::string text;
  ok = static_cast<bool>(f >> text) && !text.empty() && text != "max" &&
       text.find_first_not_of("0123456789") == std::string::npos;
  return ok ? std::stoull(text) : 0;
}

}  // namespace

MemoryEstimate estimate_peak_memory(const model::ModelParams& params, const SimulationOptions& options) {
  return make_seed_kernel(params)->memory(options);
}

MemoryEstimate stacked_peak_memory(const model::ModelParams& params, const SimulationOptions& options,
                                   const ProblemSize& sz) {
  const double n = sz.n, p = sz.p, d = sz.d, k = sz.k;
  const int threads = options.threads > 0 ? options.threads : std::max(1, omp_get_max_threads());
  MemoryEstimate e;
  e.concurrent_seeds = (options.seeds >= 2 && threads >= 2) ? std::min(threads, options.seeds) : 1;
  const double seed_threads = e.concurrent_seeds > 1 ? 1 : threads;

  const bool gradient_rows_in_a = sz.k > 0 && params.beta > 0.0;
  // An informed direction: one more row per sample when it carries weight, sigma' kept even at
  // k = 0, and (estimated) the n_u x d gradient samples with their Gram and eigenvectors.
  const bool informed = params.has_informed();
  const bool informed_rows_in_a = informed && params.beta_inf > 0.0;
  const double N = n * ((gradient_rows_in_a ? 1 + k : 1) + (informed_rows_in_a ? 1 : 0));
  e.primal = options.solve_method == SolveMethod::kPrimal || (options.solve_method == SolveMethod::kAuto && N >= p);
  const double b = std::min<double>(batch_rows_for(options, sz.p), n);

  const double always = d * p + 2 * d * k + k * p + n * (1 + k) + d + (informed ? d + p + n : 0) +
                        (params.structured() ? d : 0);  // Sigma's diagonal
  const double batch = b * (d + 3 * p + 1 + k);
  double training;
  if (e.primal) {
    training = n * p * (k > 0 || informed ? 2 : 1) + std::max(batch, p * p + 2 * b * p) + p * (2 + k) +
               (informed_rows_in_a ? n * p : 0);  // S diag(a)
  } else {
    const double kept_derivative =
        ((sz.k > 0 && !gradient_rows_in_a) || (informed && !informed_rows_in_a)) ? n * p : 0;
    training = N * p + N + kept_derivative + std::max(batch, N * N + 2 * b * p);
  }
  double errors;
  if (options.test_error == TestError::kExact) {
    const double L1 = options.population.max_degree + 1;
    errors = 10 * L1 * p + 8 * p + seed_threads * ((k > 0 ? 3 : 2) * kTile * kTile + 3 * kGridNodes * kGridBlock);
    // Structured inputs: sqrt(Sigma) Theta (d p) and a Euclidean Gram tile per thread beside.
    if (params.structured()) errors += d * p + 2 * p + seed_threads * kTile * kTile;
  } else {
    errors = (d > p ? p * p : 0) + seed_threads * kTile * (d + 4 * p + std::max(p, d));
  }
  double estimate_u = 0;
  if (params.estimated_direction()) {
    const double nu = std::max(1.0, std::round(params.alpha_u * p)), m = std::min(nu, d);
    estimate_u = nu * d + 3 * m * m;  // samples, Gram, eigenvectors (+ workspace)
  }
  const double per_seed = 8.0 * (always + std::max({training, errors, estimate_u}));
  e.peak_bytes = static_cast<std::uint64_t>(kFixedBytes + e.concurrent_seeds * per_seed);
  return e;
}

MemoryEstimate extensive_peak_memory(const model::ModelParams& params, const SimulationOptions& options,
                                     const ProblemSize& sz) {
  const double n = sz.n, p = sz.p, d = sz.d, k = sz.k;
  const int threads = options.threads > 0 ? options.threads : std::max(1, omp_get_max_threads());
  MemoryEstimate e;
  e.concurrent_seeds = (options.seeds >= 2 && threads >= 2) ? std::min(threads, options.seeds) : 1;
  e.primal = true;
  const double seed_threads = e.concurrent_seeds > 1 ? 1 : threads;
  const bool full = params.sketch == model::SketchLaw::kOrthogonal && sz.k == sz.d;  // V = sqrt(d) I: no V, zeta = Theta
  const bool orthogonal = params.sketch == model::SketchLaw::kOrthogonal;
  const double b = std::min<double>(batch_rows_for(options, sz.p), n);
  const double always = d * p + (full ? 0 : d * k + k * p) + n * (1 + k) + 2 * d + k;
  const double draws = full ? 0 : (orthogonal ? 2 * d * k + k * k : 0);  // Householder QR and its Q
  const double batch = b * (d + 3 * p + 1 + k);
  const double training = 2 * n * p + std::max(batch, 2 * p * p) + p * (2 + k);
  double errors;
  if (options.test_error == TestError::kExact) {
    const double L1 = options.population.max_degree + 1;
    errors = 10 * L1 * p + 8 * p + seed_threads * (3 * kTile * kTile + 3 * kGridNodes * kGridBlock);
  } else {
    errors = (d > p ? p * p : 0) + seed_threads * kTile * (d + 4 * p + std::max(p, d) + k);
  }
  const double per_seed = 8.0 * (always + std::max({draws, training, errors}));
  e.peak_bytes = static_cast<std::uint64_t>(kFixedBytes + e.concurrent_seeds * per_seed);
  return e;
}

AvailableMemory available_memory() {
  AvailableMemory a;
  {
    std::ifstream f("/proc/meminfo");
    std::string key, unit;
    std::uint64_t value = 0;
    while (f >> key >> value >> unit)
      if (key == "MemAvailable:") {
        a.bytes = value * 1024;
        a.source = "MemAvailable";
        break;
      }
  }
  // cgroup v2 (the namespace's root), then v1; "max" or absurd limits mean none.
  bool ok_limit = false, ok_usage = false;
  std::uint64_t limit = read_number("/sys/fs/cgroup/memory.max", ok_limit);
  std::uint64_t usage = read_number("/sys/fs/cgroup/memory.current", ok_usage);
  if (!ok_limit) {
    limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes", ok_limit);
    usage = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes", ok_usage);
  }
  if (ok_limit && limit < (std::uint64_t{1} << 60)) {
    const std::uint64_t room = limit > usage ? limit - usage : 0;
    if (a.bytes == 0 || room < a.bytes) {
      a.bytes = room;
      a.source = "cgroup limit";
    }
  }
  return a;
}

AvailableMemory memory_limit(const SimulationOptions& options) {
  if (options.max_memory_bytes > 0) return {options.max_memory_bytes, "max_memory_bytes"};
  return available_memory();
}

int largest_p_that_fits(const model::ModelParams& params, const SimulationOptions& options,
                        std::uint64_t limit_bytes) {
  SimulationOptions o = options;
  auto fits = [&](int p) {
    o.p = p;
    try {
      return estimate_peak_memory(params, o).peak_bytes <= limit_bytes;
    } catch (const std::invalid_argument&) {
      return true;  // too small for n >= 1: no memory to speak of
    }
  };
  if (!fits(1)) return 0;
  int lo = 1, hi = options.p;  // fits(lo); the answer lies in [lo, hi]
  if (fits(hi)) return hi;
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    (fits(mid) ? lo : hi) = mid;
  }
  return lo;
}

std::string format_bytes(std::uint64_t bytes) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(1);
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) os << b / (1024.0 * 1024 * 1024) << " GiB";
  else os << b / (1024.0 * 1024) << " MiB";
  return os.str();
}

void check_memory(const model::ModelParams& params, const SimulationOptions& options) {
  const AvailableMemory limit = memory_limit(options);
  if (limit.bytes == 0) return;  // unknown: nothing to check against
  const MemoryEstimate e = estimate_peak_memory(params, options);
  if (e.peak_bytes <= limit.bytes) return;
  std::ostringstream os;
  os << "p = " << options.p << ": the simulation needs about " << format_bytes(e.peak_bytes)
     << " at its peak (estimate, " << e.concurrent_seeds << " seed(s) at once), more than the "
     << format_bytes(limit.bytes) << " allowed (" << limit.source << "); the largest p that fits is "
     << largest_p_that_fits(params, options, limit.bytes) << " (max_memory_bytes sets the limit)";
  throw std::invalid_argument(os.str());
}

}  // namespace srf::simulation
