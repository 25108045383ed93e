#include <sobolev_rf/cli/run_flags.hpp>

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include <sobolev_rf/cli/commands.hpp>

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

// Ctrl-C raises the flag while a run is in progress; the previous handler comes back after.
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

void add_run_flags(CLI::App& cmd, RunFlags& flags, bool with_shard) {
  cmd.add_flag("--resume", flags.resume,
               "keep the seeds finished by an earlier run with the same --output (its checkpoint) and compute "
               "only the rest");
  if (with_shard)
    cmd.add_option("--shard", flags.shard,
                   "i/N: compute only the i-th of N slices (0 <= i < N) of the seeds and write them to --output; "
                   "combine the N files with `sobolev-rf merge`");
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

CliRunner::CliRunner(const RunFlags& flags, const std::string& checkpoint, int threads, std::string label, bool quiet)
    : flags_(flags), label_(std::move(label)) {
  distributed::RunPlan plan;
  plan.checkpoint = flags.shard.empty() ? checkpoint : flags.output;
  plan.resume = flags.resume;
  plan.shard = flags.shard;
  plan.command = command_without_run_flags(invocation_args());
  plan.threads = threads;
  plan.executor = executor_slot();
  plan.merged = merged_slot();
  plan.stop = &interrupted;
  plan.on_note = [this](const std::string& note) { std::cerr << label_ << ": " << note << "\n"; };
  if (!quiet) {
    progress_ = std::make_unique<Progress>(label_, 0);
    if (progress_->enabled())
      plan.on_progress = [this](std::size_t done, std::size_t total) {
        progress_->update(static_cast<int>(done), static_cast<int>(total));
      };
  }
  checkpoint_ = plan.checkpoint;
  // The flags' names in messages about them.
  if (!flags.shard.empty() && flags.output.empty())
    throw std::invalid_argument("--shard = " + flags.shard + ": needs --output FILE (the shard's results)");
  if (!flags.shard.empty() && plan.executor)
    throw std::invalid_argument("--shard = " + flags.shard + ": a job-array shard runs without mpirun");
  if (flags.resume && plan.checkpoint.empty())
    throw std::invalid_argument("--resume: needs --output FILE (the run's checkpoint is FILE.checkpoint)");
  try {
    runner_ = std::make_unique<distributed::SimulationRunner>(std::move(plan));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("--shard: ") + e.what());
  }
}

CliRunner::~CliRunner() = default;

bool CliRunner::run(const std::vector<distributed::SimulationJob>& jobs) {
  SigintGuard guard;
  try {
    const bool complete = runner_->run(jobs);
    if (!complete && !flags_.shard.empty()) {
      const distributed::Shard& s = runner_->shard();
      std::cerr << fmt::format("{}: shard {}/{} written to {}; when every shard is done: "
                               "sobolev-rf merge --output FILE SHARD-FILES...\n",
                               label_, s.index, s.count, checkpoint_);
    }
    return complete;
  } catch (const distributed::Interrupted& e) {
    if (!e.saved)
      throw CliError(130, fmt::format("interrupted: {} of {} seeds finished, none saved (give --output FILE to make "
                                      "a run resumable)",
                                      e.finished, e.tasks));
    std::string again = invocation();
    if (!flags_.resume) again += " --resume";
    throw CliError(130, fmt::format("interrupted: {} of {} seeds finished and saved in {}; resume with:\n  {}",
                                    e.finished, e.tasks, checkpoint_, again));
  }
}

void write_output_file(const std::string& path, const std::string& text) {
  try {
    distributed::write_file_atomically(path, text);
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(std::string("--output = ") + e.what());
  }
}

}  // namespace srf::cli
