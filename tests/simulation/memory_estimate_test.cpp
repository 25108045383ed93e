// Tests of the simulator's memory guard (simulation/memory_estimate.hpp).
#include <doctest/doctest.h>

#include <string>

#include <sobolev_rf/simulation/memory_estimate.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

using namespace srf;

namespace {
model::ModelParams params_k(int k) {
  model::ModelParams p;
  p.alpha = 0.5;
  p.gamma = 0.8;
  p.k = k;
  p.varpi.assign(static_cast<std::size_t>(k), 0.5);
  return p;
}
}  // namespace

TEST_CASE("memory estimate: the arrays of the solve dominate and grow with p") {
  simulation::SimulationOptions o;
  o.seeds = 1;
  o.threads = 1;
  // k = 1 at p = 4000: primal (N = 4000 >= p): 8 p^2 (normal matrix) + 8 * 2 n p (sigma, sigma')
  // + 8 d p (Theta) = 128 + 64 + 102 MB, plus batches and the 64 MiB fixed part.
  o.p = 4000;
  const auto e = simulation::estimate_peak_memory(params_k(1), o);
  CHECK(e.primal);
  CHECK(e.concurrent_seeds == 1);
  const double core = 8.0 * (4000.0 * 4000 + 2 * 2000.0 * 4000 + 3200.0 * 4000);
  CHECK(e.peak_bytes >= core);
  CHECK(e.peak_bytes <= core + 64.0 * 1024 * 1024 + 0.1 * core);
  // k = 0 at p = 4000: N = n = 2000 < p: dual, A (N p) and A A^T (N^2).
  const auto e0 = simulation::estimate_peak_memory(params_k(0), o);
  CHECK_FALSE(e0.primal);
  CHECK(e0.peak_bytes < e.peak_bytes);
  // Monotone in p, and seeds in parallel multiply the per-seed part.
  std::uint64_t last = 0;
  for (int p : {100, 1000, 10000, 200000}) {
    o.p = p;
    const auto ep = simulation::estimate_peak_memory(params_k(1), o);
    CHECK(ep.peak_bytes > last);
    last = ep.peak_bytes;
  }
  CHECK(last > 300ull << 30);  // p = 200000: over 300 GiB (8 p^2 alone is 298 GiB)
  o.p = 4000;
  o.seeds = 8;
  o.threads = 4;
  const auto e4 = simulation::estimate_peak_memory(params_k(1), o);
  CHECK(e4.concurrent_seeds == 4);
  CHECK(e4.peak_bytes > 3.9 * (e.peak_bytes - 64.0 * 1024 * 1024));
}

TEST_CASE("memory estimate: the guard names p and the limit, and the largest p that fits") {
  simulation::SimulationOptions o;
  o.seeds = 1;
  o.threads = 1;
  o.p = 20000;
  o.max_memory_bytes = 1ull << 30;  // 1 GiB
  const int fit = simulation::largest_p_that_fits(params_k(1), o, o.max_memory_bytes);
  REQUIRE(fit > 1000);
  REQUIRE(fit < 20000);
  auto at = [&](int p) {
    simulation::SimulationOptions q = o;
    q.p = p;
    return simulation::estimate_peak_memory(params_k(1), q).peak_bytes;
  };
  CHECK(at(fit) <= o.max_memory_bytes);
  CHECK(at(fit + 1) > o.max_memory_bytes);
  const std::string expected = "largest p that fits is " + std::to_string(fit);
  CHECK_THROWS_WITH_AS(simulation::check_memory(params_k(1), o), doctest::Contains(expected.c_str()),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(simulation::check_memory(params_k(1), o), doctest::Contains("p = 20000"), std::invalid_argument);
  o.p = fit;
  CHECK_NOTHROW(simulation::check_memory(params_k(1), o));
  // simulate() runs the guard before it allocates anything.
  o.p = 20000;
  CHECK_THROWS_WITH_AS(simulation::simulate(params_k(1), o), doctest::Contains("max_memory_bytes"),
                       std::invalid_argument);
  // Without a limit the machine's available memory applies; it is readable here.
  const auto avail = simulation::available_memory();
  CHECK(avail.bytes > 0);
  CHECK_FALSE(avail.source.empty());
}
