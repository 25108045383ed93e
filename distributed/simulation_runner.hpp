#pragma once
// How a front end runs the simulations of `simulate`, `validate` and `figure`: as (job, seed)
// tasks (task_list.hpp) on this process or on an Executor (MPI ranks), resumable from a
// checkpoint, as one shard of a job array, or assembled from merged shards. No front end
// knowledge here: the front end fills a RunPlan (the CLI from --output, --resume, --shard) and
// reports progress and interruptions its own way.
#include <atomic>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sobolev_rf/distributed/checkpoint.hpp>
#include <sobolev_rf/distributed/executor.hpp>
#include <sobolev_rf/distributed/shards.hpp>
#include <sobolev_rf/distributed/task_list.hpp>

namespace srf::distributed {

struct RunPlan {
  std::string checkpoint;  // the file of finished seeds ("": none); with a shard, the shard file
  bool resume = false;     // keep the seeds already in `checkpoint`
  std::string shard;       // "i/N": compute only that slice of the tasks (needs `checkpoint`); "" all
  std::vector<std::string> command;  // the run's command, recorded in a shard file for `merge`
  int threads = 0;         // per process; 0: OpenMP's default
  Executor* executor = nullptr;           // other processes (MPI ranks); null: this process computes
  const ResultStore* merged = nullptr;    // `merge`: every seed comes from here, none is computed
  const std::atomic<bool>* stop = nullptr;  // raised: stop after the tasks in flight (Interrupted)
  std::function<void(std::size_t done, std::size_t total)> on_progress;  // may be empty
  std::function<void(const std::string&)> on_note;  // one-line notes ("resuming from ..."); may be empty
  // Throws std::invalid_argument naming the field ("shard", "resume", "checkpoint") on misuse.
  void validate() const;
};

// Thrown by SimulationRunner::run when RunPlan::stop was raised: what is finished and whether it
// is saved (in RunPlan::checkpoint) for a resumed run.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(std::size_t finished, std::size_t tasks, bool saved)
      : std::runtime_error("interrupted"), finished(finished), tasks(tasks), saved(saved) {}
  std::size_t finished, tasks;
  bool saved;
};

class SimulationRunner {
 public:
  explicit SimulationRunner(RunPlan plan);  // validates the plan

  // Computes what the jobs need and this run has not got yet (checking first that each job's
  // memory fits, simulation::check_memory). Returns false after a shard run (its file is written;
  // no result), true when every seed is there. Throws Interrupted when stopped.
  bool run(const std::vector<SimulationJob>& jobs);

  // The job's result, reduced in seed order; wall_seconds: the time of the run() that finished it.
  simulation::SimulationResult result(const SimulationJob& job) const;

  bool sharded() const { return !plan_.shard.empty(); }
  const Shard& shard() const { return shard_; }

 private:
  void open_checkpoint(const std::vector<SimulationJob>& jobs);

  RunPlan plan_;
  Shard shard_;
  ResultStore store_;
  CheckpointWriter writer_;
  bool opened_ = false;
  double wall_seconds_ = 0;
};

// The checkpoint of an output file: FILE.checkpoint.
std::string checkpoint_path_for(const std::string& output);

// Writes `text` to `path` through a temporary file and a rename: a reader (or a kill) never
// sees half a file. Throws std::runtime_error naming the path.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace srf::distributed
