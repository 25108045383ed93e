#pragma once
// The work of a run as (job, seed) tasks in one fixed order (job by job, seeds in order), its
// slicing into job-array shards, and the store of finished seeds that the reduction reads.
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <sobolev_rf/distributed/checkpoint.hpp>
#include <sobolev_rf/distributed/simulation_job.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::distributed {

struct Task {
  std::size_t job = 0;  // index into the run's jobs
  int seed = 0;
};

// Every seed of every job: job 0 seeds 0..seeds-1, then job 1, ... (job.options.seeds each).
std::vector<Task> task_list(const std::vector<SimulationJob>& jobs);

// Shard `index` of `count` (0 <= index < count), as in --shard i/N.
struct Shard {
  int index = 0, count = 1;
};
// "i/N" with 0 <= i < N (a Slurm array task id runs 0..N-1). Throws std::invalid_argument
// naming `flag`.
Shard parse_shard(const std::string& text, const std::string& flag = "--shard");
// Task t belongs to shard t mod N: neighbouring tasks (the seeds of one expensive job) are
// spread over the shards, so the shards cost about the same.
bool in_shard(std::size_t task, const Shard& shard);

// Finished seeds by job key and seed index; the first result stored for a (job, seed) stays.
class ResultStore {
 public:
  void insert(const std::string& key, int seed, const simulation::SeedResult& result);
  void insert(const SeedRecord& r) { insert(r.key, r.seed, r.result); }
  const simulation::SeedResult* find(const std::string& key, int seed) const;
  std::size_t size() const { return results_.size(); }

 private:
  std::map<std::pair<std::string, int>, simulation::SeedResult> results_;
};

// The job's result from the store: its options.seeds seeds in seed order, reduced by
// simulation::summarize_seeds (the same bits whoever computed them). Throws std::logic_error
// when a seed is missing.
simulation::SimulationResult assemble(const SimulationJob& job, const ResultStore& store);

}  // namespace srf::distributed
