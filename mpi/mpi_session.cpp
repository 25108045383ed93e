#include <sobolev_rf/mpi/mpi_session.hpp>

#include <mpi.h>
#include <omp.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sobolev_rf/distributed/checkpoint.hpp>
#include <sobolev_rf/simulation/blas_control.hpp>

namespace srf::mpi {

namespace {

enum Tag : int { kReady = 1, kResult = 2, kError = 3, kTask = 4, kStop = 5 };

void send_text(int dest, int tag, const std::string& text) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD);
}

std::string receive_text(const MPI_Status& probed) {
  int count = 0;
  MPI_Get_count(&probed, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

// Waits for a message without spinning a core (a blocking receive in Open MPI busy-polls,
// which would take a core from the rank's own computation).
MPI_Status wait_for_message(int source) {
  MPI_Status st;
  int flag = 0;
  for (;;) {
    MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (flag) return st;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
}

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}

class MpiExecutor : public distributed::Executor {
 public:
  MpiExecutor(int size, bool compute_here) : size_(size), compute_here_(compute_here) {}

  void run(const std::vector<distributed::SimulationJob>& jobs, const std::vector<distributed::Task>& tasks,
           const std::vector<std::size_t>& todo, int threads, const std::atomic<bool>* stop,
           const distributed::ResultCallback& on_result) override {
    std::deque<std::size_t> queue(todo.begin(), todo.end());
    std::mutex m;
    std::string failure;
    std::map<int, std::size_t> busy;  // rank -> task
    const auto stopped = [&] { return (stop && stop->load()) || !failure.empty(); };

    // Hands out tasks and collects results until the queue is empty (or stopped) and no rank
    // holds a task.
    auto serve_ranks = [&] {
      for (;;) {
        {
          std::lock_guard<std::mutex> lock(m);
          while (!idle_.empty() && !queue.empty() && !stopped()) {
            const int w = idle_.back();
            idle_.pop_back();
            const std::size_t t = queue.front();
            queue.pop_front();
            const nlohmann::json msg = {{"job", distributed::job_json(jobs[tasks[t].job])},
                                        {"seed", tasks[t].seed},
                                        {"threads", threads}};
            send_text(w, kTask, msg.dump());
            busy[w] = t;
          }
          if ((queue.empty() || stopped()) && busy.empty()) return;
        }
        MPI_Status st;
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          continue;
        }
        const std::string text = receive_text(st);
        const int w = st.MPI_SOURCE;
        std::lock_guard<std::mutex> lock(m);
        if (st.MPI_TAG == kReady) {
          ready_.insert(w);
        } else if (st.MPI_TAG == kResult || st.MPI_TAG == kError) {
          const std::size_t t = busy.at(w);
          busy.erase(w);
          if (st.MPI_TAG == kError) {
            if (failure.empty()) failure = "rank " + std::to_string(w) + ": " + text;
          } else {
            try {
              on_result(t, distributed::seed_result_from_json(nlohmann::json::parse(text),
                                                              "rank " + std::to_string(w)));
            } catch (const std::exception& e) {
              if (failure.empty()) failure = e.what();
            }
          }
        }
        if (st.MPI_TAG == kReady || st.MPI_TAG == kResult || st.MPI_TAG == kError) idle_.push_back(w);
      }
    };

    if (!compute_here_) {
      serve_ranks();
    } else {
      std::thread dispatcher(serve_ranks);
      const int previous_blas = simulation::blas_threads();
      simulation::set_blas_threads(1);
      for (;;) {
        std::size_t t;
        {
          std::lock_guard<std::mutex> lock(m);
          if (queue.empty() || stopped()) break;
          t = queue.front();
          queue.pop_front();
        }
        try {
          const distributed::SimulationJob& job = jobs[tasks[t].job];
          const simulation::SeedResult r = simulation::simulate_seed(
              job.params, job.options, tasks[t].seed, threads > 0 ? threads : std::max(1, omp_get_max_threads()));
          std::lock_guard<std::mutex> lock(m);
          on_result(t, r);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(m);
          if (failure.empty()) failure = std::string("rank 0: ") + e.what();
        }
      }
      if (previous_blas > 0) simulation::set_blas_threads(previous_blas);
      dispatcher.join();
    }
    if (!failure.empty()) throw std::runtime_error(failure);
  }

  // Every rank's first message is kReady; by the end all must have sent it before kStop.
  void stop_ranks() {
    for (int w = 1; w < size_; ++w) {
      while (!ready_.count(w)) {
        const MPI_Status st = wait_for_message(w);
        receive_text(st);
        if (st.MPI_TAG == kReady) {
          ready_.insert(w);
          idle_.push_back(w);
        }
      }
      send_text(w, kStop, "");
    }
  }

 private:
  int size_;
  bool compute_here_;
  std::vector<int> idle_;  // ranks waiting for a task
  std::set<int> ready_;    // ranks that have said hello
};

}  // namespace

Session::Session(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  initialised_ = true;
  threads_ok_ = provided >= MPI_THREAD_SERIALIZED;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (rank_ == 0 && size_ > 1) executor_ = std::make_unique<MpiExecutor>(size_, threads_ok_);
}

Session::~Session() {
  if (!initialised_) return;
  if (rank_ == 0 && executor_) static_cast<MpiExecutor*>(executor_.get())->stop_ranks();
  MPI_Finalize();
}

distributed::Executor* Session::executor() { return executor_.get(); }

void Session::serve() {
  if (rank_ == 0 || size_ < 2) return;
  simulation::set_blas_threads(1);
  send_text(0, kReady, "");
  for (;;) {
    const MPI_Status st = wait_for_message(0);
    const std::string text = receive_text(st);
    if (st.MPI_TAG == kStop) return;
    if (st.MPI_TAG != kTask) continue;
    try {
      const nlohmann::json msg = nlohmann::json::parse(text);
      const distributed::SimulationJob job = distributed::job_from_json(msg.at("job"), "task");
      const int threads = msg.at("threads").get<int>();
      const simulation::SeedResult r = simulation::simulate_seed(
          job.params, job.options, msg.at("seed").get<int>(), threads > 0 ? threads : std::max(1, omp_get_max_threads()));
      send_text(0, kResult, distributed::seed_result_json(r).dump());
    } catch (const std::exception& e) {
      send_text(0, kError, e.what());
    }
  }
}

}  // namespace srf::mpi
