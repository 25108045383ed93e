#pragma once
// Who computes the seeds of a run. The local executor runs them on this process's OpenMP team;
// an MPI executor (mpi/, linked by the command-line program only) hands them out to ranks.
// Either way a seed's result depends only on its job and index (single-threaded BLAS, fixed
// tiles), and the reduction reads the results in seed order (task_list.hpp: assemble), so the
// output is the same bits whoever computed what.
#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

#include <sobolev_rf/distributed/simulation_job.hpp>
#include <sobolev_rf/distributed/task_list.hpp>

namespace srf::distributed {

// Called with each finished task and its result, one call at a time (never concurrently), in
// completion order.
using ResultCallback = std::function<void(std::size_t task, const simulation::SeedResult& result)>;

class Executor {
 public:
  virtual ~Executor() = default;
  // Computes tasks[todo[i]] for every i. Once *stop reads true no task starts; the ones in
  // flight finish and are reported. Rethrows the first failure after the tasks in flight end.
  virtual void run(const std::vector<SimulationJob>& jobs, const std::vector<Task>& tasks,
                   const std::vector<std::size_t>& todo, int threads, const std::atomic<bool>* stop,
                   const ResultCallback& on_result) = 0;
};

// This process: with two or more tasks and two or more threads, one task per thread (dynamic
// schedule, in task order); otherwise one task after another, each sharing the threads in its
// tiled products, as simulation::simulate does. threads 0: OpenMP's default.
class LocalExecutor : public Executor {
 public:
  void run(const std::vector<SimulationJob>& jobs, const std::vector<Task>& tasks, const std::vector<std::size_t>& todo,
           int threads, const std::atomic<bool>* stop, const ResultCallback& on_result) override;
};

struct RunOptions {
  int threads = 0;                         // per process; 0: OpenMP's default
  const std::atomic<bool>* stop = nullptr;  // Ctrl-C
  const Shard* shard = nullptr;             // compute only this shard's tasks (null: all)
  Executor* executor = nullptr;             // null: a LocalExecutor
  // Each newly computed seed, for the checkpoint (called as on_result is).
  std::function<void(const SeedRecord&)> on_record;
  // (tasks finished, tasks of this run or shard), reused ones included.
  std::function<void(std::size_t, std::size_t)> on_progress;
};

struct RunSummary {
  std::size_t tasks = 0;     // of the run, or of the shard
  std::size_t reused = 0;    // found in the store
  std::size_t computed = 0;  // computed now
  bool stopped = false;      // *stop was raised: some tasks are not finished
};

// Computes the tasks of `jobs` (or of one shard of them) that `store` does not hold yet, the
// largest p first, and adds their results to it.
RunSummary run_tasks(const std::vector<SimulationJob>& jobs, ResultStore& store, const RunOptions& options);

}  // namespace srf::distributed
