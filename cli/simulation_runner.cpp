#include "cli/simulation_runner.hpp"

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/simulation_flags.hpp"
#include "distributed/shards.hpp"

namespace srf::cli {

namespace {

distributed::Executor*& executor_slot() {
  static distributed::Executor* e = nullptr;
  return e;
}
const distributed::ResultStore*& merged_slot() {
  static const distributed::ResultStore* s = nullptr;
  return s;
}

std::atomic<bool> interrupted{false};
extern "C" void on_sigint(int) { interrupted.store(true); }

// Ctrl-C raises the flag while run() is in progress; the previous handler comes back after.
class SigintGuard {
 public:
  SigintGuard() {
    interrupted.store(false);
    struct sigaction sa = {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &previous_);
  }
  ~SigintGuard() { sigaction(SIGINT, &previous_, nullptr); }

 private:
  struct sigaction previous_ = {};
};

}  // namespace

void set_executor(distributed::Executor* executor) { executor_slot() = executor; }
void set_merged_results(const distributed::ResultStore* store) { merged_slot() = store; }

std::string checkpoint_path_for(const std::string& output) { return output + ".checkpoint"; }

void add_run_flags(CLI::App& cmd, RunFlags& flags, bool with_shard) {
  cmd.add_flag("--resume", flags.resume,
               "keep the seeds finished by an earlier run with the same --output (its checkpoint) and compute "
               "only the rest");
  if (with_shard)
    cmd.add_option("--shard", flags.shard,
                   "i/N: compute only the i-th of N slices (0 <= i < N) of the seeds and write them to --output; "
                   "combine the N files with `sobolev-rf merge`");
}

void write_output_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw std::invalid_argument("--output = " + path + ": cannot open for writing");
    out << text;
    out.flush();
    if (!out) throw std::invalid_argument("--output = " + path + ": cannot write");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::invalid_argument("--output = " + path + ": cannot write");
}

std::vector<std::string> command_without_run_flags(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--resume") continue;
    if (a == "--shard" || a == "--output" || a == "-o") {
      ++i;
      continue;
    }
    if (a.rfind("--shard=", 0) == 0 || a.rfind("--output=", 0) == 0) continue;
    out.push_back(a);
  }
  return out;
}

SimulationRunner::SimulationRunner(const RunFlags& flags, std::string checkpoint, int threads, std::string label)
    : flags_(flags), checkpoint_(std::move(checkpoint)), threads_(threads), label_(std::move(label)) {
  if (merged_slot()) return;  // merge: the flags were checked when the shards ran
  if (!flags_.shard.empty()) {
    shard_ = distributed::parse_shard(flags_.shard);
    if (flags_.output.empty()) throw std::invalid_argument("--shard = " + flags_.shard + ": needs --output FILE (the shard's results)");
    if (executor_slot()) throw std::invalid_argument("--shard = " + flags_.shard + ": a job-array shard runs without mpirun");
    checkpoint_ = flags_.output;
  }
  if (flags_.resume && checkpoint_.empty())
    throw std::invalid_argument("--resume: needs --output FILE (the run's checkpoint is FILE.checkpoint)");
}

void SimulationRunner::open_checkpoint(const std::vector<distributed::SimulationJob>& jobs) {
  opened_ = true;
  if (checkpoint_.empty()) return;
  nlohmann::json header = nlohmann::json::object();
  std::size_t shard_tasks = 0;
  if (!flags_.shard.empty()) {
    std::set<std::pair<std::string, int>> distinct;
    const std::vector<distributed::Task> tasks = distributed::task_list(jobs);
    for (std::size_t t = 0; t < tasks.size(); ++t)
      if (distributed::in_shard(t, shard_)) distinct.emplace(distributed::job_key(jobs[tasks[t].job]), tasks[t].seed);
    shard_tasks = distinct.size();
    header = distributed::shard_header(command_without_run_flags(invocation_args()), shard_, shard_tasks);
  }
  std::vector<distributed::SeedRecord> keep;
  if (flags_.resume && std::filesystem::exists(checkpoint_)) {
    distributed::Checkpoint c = distributed::read_checkpoint_file(checkpoint_);
    if (!flags_.shard.empty() && c.header.is_object() && c.header.contains("command") &&
        (c.header["command"] != header["command"] || c.header["shard"] != header["shard"] ||
         c.header["shards"] != header["shards"]))
      throw std::invalid_argument("--resume: " + checkpoint_ + " is a shard of another run");
    keep = std::move(c.records);
    for (const auto& r : keep) store_.insert(r);
    std::cerr << fmt::format("{}: resuming from {} ({} finished seed(s){})\n", label_, checkpoint_, keep.size(),
                             c.cut_short ? "; a line cut short by the interruption dropped" : "");
  } else if (flags_.resume) {
    std::cerr << fmt::format("{}: --resume: no {} yet, starting afresh\n", label_, checkpoint_);
  }
  try {
    writer_.open(checkpoint_, distributed::checkpoint_header(header), keep);
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(std::string("--output: ") + e.what());
  }
}

bool SimulationRunner::run(const std::vector<distributed::SimulationJob>& jobs) {
  const auto start = std::chrono::steady_clock::now();
  if (const distributed::ResultStore* merged = merged_slot()) {
    const std::vector<distributed::Task> tasks = distributed::task_list(jobs);
    for (const auto& t : tasks) {
      const distributed::SimulationJob& j = jobs[t.job];
      const validation::SeedResult* r = merged->find(distributed::job_key(j), t.seed);
      if (!r) throw std::invalid_argument(fmt::format("merge: no shard holds seed {} of the simulation at p = {}", t.seed, j.options.p));
      store_.insert(distributed::job_key(j), t.seed, *r);
    }
    wall_seconds_ = 0;
    return true;
  }
  for (const auto& j : jobs) check_memory_fits(j.params, j.options);
  if (!opened_) open_checkpoint(jobs);
  SigintGuard guard;
  Progress progress(quiet_ ? std::string() : label_, 0);
  distributed::RunOptions o;
  o.threads = threads_;
  o.stop = &interrupted;
  o.shard = flags_.shard.empty() ? nullptr : &shard_;
  o.executor = executor_slot();
  if (writer_.is_open()) o.on_record = [this](const distributed::SeedRecord& r) { writer_.append(r); };
  if (progress.enabled() && !quiet_)
    o.on_progress = [&](std::size_t done, std::size_t total) {
      progress.update(static_cast<int>(done), static_cast<int>(total));
    };
  const distributed::RunSummary s = distributed::run_tasks(jobs, store_, o);
  wall_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (s.stopped) {
    const std::size_t finished = s.reused + s.computed;
    if (!writer_.is_open())
      throw CliError(130, fmt::format("interrupted: {} of {} seeds finished, none saved (give --output FILE to make "
                                      "a run resumable)",
                                      finished, s.tasks));
    std::string again = invocation();
    if (!flags_.resume) again += " --resume";
    throw CliError(130, fmt::format("interrupted: {} of {} seeds finished and saved in {}; resume with:\n  {}",
                                    finished, s.tasks, checkpoint_, again));
  }
  if (!flags_.shard.empty()) {
    std::cerr << fmt::format("{}: shard {}/{}: {} seed(s) ({} computed now) written to {}; when every shard is done: "
                             "sobolev-rf merge --output FILE SHARD-FILES...\n",
                             label_, shard_.index, shard_.count, s.tasks, s.computed, checkpoint_);
    return false;
  }
  return true;
}

validation::SimulationResult SimulationRunner::result(const distributed::SimulationJob& job) const {
  validation::SimulationResult r = distributed::assemble(job, store_);
  r.wall_seconds = wall_seconds_;
  return r;
}

}  // namespace srf::cli
