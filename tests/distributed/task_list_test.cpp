// Tasks, shards, jobs as JSON, and the central promise: the result assembled from seeds
// computed in any order, by any number of threads or shards, is the bits of simulation::simulate.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>

#include <sobolev_rf/distributed/executor.hpp>
#include <sobolev_rf/distributed/shards.hpp>
#include <sobolev_rf/distributed/task_list.hpp>
#include <sobolev_rf/simulation/blas_control.hpp>

using namespace srf;
using namespace srf::distributed;

namespace {

SimulationJob job(int p, int seeds, double lambda) {
  SimulationJob j;
  j.params.k = 1;
  j.params.varpi = {0.5};
  j.params.lambda = lambda;
  j.options.p = p;
  j.options.seeds = seeds;
  j.options.base_seed = 5;
  j.options.threads = 1;
  return j;
}

void check_same(const simulation::SimulationResult& a, const simulation::SimulationResult& b) {
  REQUIRE(a.estimates.size() == b.estimates.size());
  for (std::size_t i = 0; i < a.estimates.size(); ++i) {
    INFO(a.estimates[i].first);
    CHECK(std::memcmp(&a.estimates[i].second.mean, &b.estimates[i].second.mean, sizeof(double)) == 0);
    CHECK(std::memcmp(&a.estimates[i].second.se, &b.estimates[i].second.se, sizeof(double)) == 0);
  }
  REQUIRE(a.per_seed.size() == b.per_seed.size());
  for (std::size_t s = 0; s < a.per_seed.size(); ++s)
    CHECK(std::memcmp(&a.per_seed[s].errors, &b.per_seed[s].errors, sizeof(model::Errors)) == 0);
}

}  // namespace

TEST_CASE("task list: job by job, seeds in order; shards partition it, spreading neighbours") {
  const std::vector<SimulationJob> jobs = {job(20, 3, 1e-3), job(40, 2, 1e-3)};
  const std::vector<Task> t = task_list(jobs);
  REQUIRE(t.size() == 5);
  CHECK((t[0].job == 0 && t[0].seed == 0 && t[2].seed == 2 && t[3].job == 1 && t[3].seed == 0 && t[4].seed == 1));
  for (int n : {1, 2, 3, 7}) {
    for (std::size_t i = 0; i < t.size(); ++i) {
      int owners = 0;
      for (int s = 0; s < n; ++s) owners += in_shard(i, Shard{s, n});
      CHECK(owners == 1);
    }
  }
  CHECK(in_shard(0, Shard{0, 2}));
  CHECK(in_shard(1, Shard{1, 2}));  // the second seed of a job goes to the next shard
}

TEST_CASE("task list: --shard i/N parsing") {
  const Shard s = parse_shard("2/5");
  CHECK(s.index == 2);
  CHECK(s.count == 5);
  CHECK(parse_shard("0/1").count == 1);
  for (const char* bad : {"5/5", "-1/3", "1/0", "1", "/3", "1/", "a/b", "1/3x", "1//3", ""}) {
    INFO(bad);
    CHECK_THROWS_WITH_AS(parse_shard(bad), doctest::Contains("--shard"), std::invalid_argument);
  }
}

TEST_CASE("simulation job: JSON round trip keeps the key; seeds and threads are not part of it") {
  SimulationJob a = job(30, 4, 2e-3);
  a.params.k = 2;
  a.params.varpi = {0.3, -0.4};
  a.params.sigma = "relu";
  a.options.test_error = simulation::TestError::kSampled;
  a.options.test_samples = 123;
  a.options.solve_method = simulation::SolveMethod::kDual;
  a.options.base_seed = 18446744073709551615ull;
  const SimulationJob b = job_from_json(nlohmann::json::parse(job_key(a)), "mem");
  CHECK(job_key(b) == job_key(a));
  CHECK(b.params.varpi == a.params.varpi);
  CHECK(b.options.test_samples == 123);
  SimulationJob c = a;
  c.options.seeds = 9;
  c.options.threads = 3;
  CHECK(job_key(c) == job_key(a));
  c.params.lambda = 3e-3;
  CHECK(job_key(c) != job_key(a));
  CHECK_THROWS_AS(job_from_json(nlohmann::json::parse("{\"p\": 3}"), "mem"), std::invalid_argument);
}

TEST_CASE("assemble: seeds computed in any order give the bits of simulation::simulate") {
  const SimulationJob j = job(30, 4, 1e-3);
  simulation::set_blas_threads(1);  // as simulate and the executors do (simulator.hpp)
  const simulation::SimulationResult serial = simulation::simulate(j.params, j.options);
  std::vector<int> order = {0, 1, 2, 3};
  std::mt19937 rng(20261202);  // fixed seed
  for (int trial = 0; trial < 3; ++trial) {
    std::shuffle(order.begin(), order.end(), rng);
    ResultStore store;
    for (int s : order) store.insert(job_key(j), s, simulation::simulate_seed(j.params, j.options, s, 1 + trial % 2));
    check_same(assemble(j, store), serial);
  }
  ResultStore partial;
  partial.insert(job_key(j), 0, serial.per_seed[0]);
  CHECK_THROWS_AS(assemble(j, partial), std::logic_error);
}

TEST_CASE("run_tasks: threads, shards and a resumed store all reduce to the serial bits") {
  const std::vector<SimulationJob> jobs = {job(24, 3, 1e-3), job(48, 3, 1e-3), job(24, 3, 1e-3)};  // a repeat
  std::vector<simulation::SimulationResult> serial;
  for (const auto& j : jobs) serial.push_back(simulation::simulate(j.params, j.options));

  for (int threads : {1, 2}) {
    ResultStore store;
    RunOptions o;
    o.threads = threads;
    const RunSummary s = run_tasks(jobs, store, o);
    CHECK(s.tasks == 9);
    CHECK(s.computed == 6);  // the repeated job is computed once
    CHECK_FALSE(s.stopped);
    for (std::size_t i = 0; i < jobs.size(); ++i) check_same(assemble(jobs[i], store), serial[i]);
  }

  ResultStore merged;
  for (int i = 0; i < 3; ++i) {
    const Shard sh{i, 3};
    ResultStore shard_store;
    RunOptions o;
    o.shard = &sh;
    std::vector<SeedRecord> written;
    o.on_record = [&](const SeedRecord& r) { written.push_back(r); };
    run_tasks(jobs, shard_store, o);
    for (const auto& r : written) merged.insert(r);
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) check_same(assemble(jobs[i], merged), serial[i]);

  ResultStore resumed;
  resumed.insert(job_key(jobs[1]), 1, serial[1].per_seed[1]);
  RunOptions o;
  const RunSummary s = run_tasks(jobs, resumed, o);
  CHECK(s.reused == 1);
  CHECK(s.computed == 5);
  check_same(assemble(jobs[1], resumed), serial[1]);
}

TEST_CASE("run_tasks: a raised stop flag starts nothing and says so") {
  const std::vector<SimulationJob> jobs = {job(24, 2, 1e-3)};
  std::atomic<bool> stop{true};
  ResultStore store;
  RunOptions o;
  o.stop = &stop;
  const RunSummary s = run_tasks(jobs, store, o);
  CHECK(s.stopped);
  CHECK(s.computed == 0);
  CHECK(store.size() == 0);
}

TEST_CASE("merge_shards: names missing, incomplete and foreign shards") {
  const std::vector<SimulationJob> jobs = {job(24, 2, 1e-3)};
  const std::vector<std::string> command = {"simulate", "--p", "24"};
  auto shard_file = [&](int i, int n, std::vector<std::string> cmd, std::size_t drop) {
    Checkpoint c;
    std::size_t count = 0;
    const std::vector<Task> tasks = task_list(jobs);
    for (std::size_t t = 0; t < tasks.size(); ++t)
      if (in_shard(t, Shard{i, n})) {
        ++count;
        c.records.push_back(make_record(jobs[0], tasks[t].seed, simulation::simulate_seed(jobs[0].params, jobs[0].options, tasks[t].seed)));
      }
    c.header = checkpoint_header(shard_header(cmd, Shard{i, n}, count));
    c.records.resize(c.records.size() - drop);
    return c;
  };
  const MergedShards m = merge_shards({shard_file(1, 2, command, 0), shard_file(0, 2, command, 0)}, {"b", "a"});
  CHECK(m.count == 2);
  CHECK(m.command == command);
  CHECK(m.store.size() == 2);
  CHECK_THROWS_WITH_AS(merge_shards({shard_file(0, 4, command, 0), shard_file(2, 4, command, 0)}, {"a", "c"}),
                       doctest::Contains("missing shard(s) 1/4, 3/4"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(merge_shards({shard_file(0, 2, command, 0), shard_file(1, 2, command, 1)}, {"a", "b"}),
                       doctest::Contains("b: shard 1/2 is incomplete (0 of 1 seeds)"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(merge_shards({shard_file(0, 2, command, 0), shard_file(1, 2, {"simulate"}, 0)}, {"a", "b"}),
                       doctest::Contains("of another run"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(merge_shards({shard_file(0, 2, command, 0), shard_file(0, 2, command, 0)}, {"a", "b"}),
                       doctest::Contains("is also a"), std::invalid_argument);
  Checkpoint plain;
  plain.header = checkpoint_header();
  CHECK_THROWS_WITH_AS(merge_shards({plain}, {"x"}), doctest::Contains("x: not a shard file"), std::invalid_argument);
}
