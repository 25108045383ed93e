#include <sobolev_rf/distributed/executor.hpp>

#include <omp.h>

#include <algorithm>
#include <exception>
#include <set>

#include <sobolev_rf/simulation/blas_control.hpp>

namespace srf::distributed {

void LocalExecutor::run(const std::vector<SimulationJob>& jobs, const std::vector<Task>& tasks,
                        const std::vector<std::size_t>& todo, int threads, const std::atomic<bool>* stop,
                        const ResultCallback& on_result) {
  threads = threads > 0 ? threads : std::max(1, omp_get_max_threads());
  const auto stopped = [stop] { return stop && stop->load(); };
  const int previous_blas = simulation::blas_threads();
  simulation::set_blas_threads(1);  // the same operations in the same order whatever the threads
  std::exception_ptr failure;
  const long count = static_cast<long>(todo.size());
  if (count >= 2 && threads >= 2) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(static_cast<int>(std::min<long>(threads, count)))
    for (long i = 0; i < count; ++i) {
      if (stopped()) continue;
      bool failed;
#pragma omp critical(srf_executor_failure)
      failed = failure != nullptr;
      if (failed) continue;
      try {
        const Task& t = tasks[todo[i]];
        const simulation::SeedResult r = simulation::simulate_seed(jobs[t.job].params, jobs[t.job].options, t.seed, 1);
#pragma omp critical(srf_executor_result)
        on_result(todo[i], r);
      } catch (...) {
#pragma omp critical(srf_executor_failure)
        if (!failure) failure = std::current_exception();
      }
    }
  } else {
    try {
      for (long i = 0; i < count && !stopped(); ++i) {
        const Task& t = tasks[todo[i]];
        on_result(todo[i], simulation::simulate_seed(jobs[t.job].params, jobs[t.job].options, t.seed, threads));
      }
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (previous_blas > 0) simulation::set_blas_threads(previous_blas);
  if (failure) std::rethrow_exception(failure);
}

RunSummary run_tasks(const std::vector<SimulationJob>& jobs, ResultStore& store, const RunOptions& options) {
  const std::vector<Task> tasks = task_list(jobs);
  std::vector<std::string> keys;
  for (const SimulationJob& j : jobs) keys.push_back(job_key(j));
  RunSummary s;
  std::vector<std::size_t> todo;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    if (options.shard && !in_shard(t, *options.shard)) continue;
    ++s.tasks;
    if (store.find(keys[tasks[t].job], tasks[t].seed)) ++s.reused;
    else todo.push_back(t);
  }
  // Two jobs of a run may be the same simulation (a point listed twice): compute it once.
  std::vector<std::size_t> unique;
  {
    std::set<std::pair<std::string, int>> seen;
    for (std::size_t t : todo)
      if (seen.insert(std::make_pair(keys[tasks[t].job], tasks[t].seed)).second) unique.push_back(t);
  }
  // The most expensive tasks first (a seed costs about p^3): the last tasks to finish are then
  // cheap ones, which keeps ranks and threads busy to the end. The order of computing never
  // changes a result.
  std::stable_sort(unique.begin(), unique.end(), [&](std::size_t a, std::size_t b) {
    return jobs[tasks[a].job].options.p > jobs[tasks[b].job].options.p;
  });
  std::size_t finished = s.reused + (todo.size() - unique.size());
  if (options.on_progress) options.on_progress(std::min(finished, s.tasks), s.tasks);
  LocalExecutor local;
  Executor& executor = options.executor ? *options.executor : local;
  executor.run(jobs, tasks, unique, options.threads, options.stop,
               [&](std::size_t t, const simulation::SeedResult& r) {
                 const SimulationJob& job = jobs[tasks[t].job];
                 store.insert(keys[tasks[t].job], tasks[t].seed, r);
                 ++s.computed;
                 if (options.on_record) options.on_record(make_record(job, tasks[t].seed, r));
                 ++finished;
                 if (options.on_progress) options.on_progress(std::min(finished, s.tasks), s.tasks);
               });
  s.stopped = s.computed < unique.size();
  return s;
}

}  // namespace srf::distributed
