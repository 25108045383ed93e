#pragma once
// The CLI's side of distributed::SimulationRunner: the flags --output, --resume and --shard i/N,
// Ctrl-C, the progress line, and the exit status and message of an interrupted run (130 with the
// command that resumes it).
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include <sobolev_rf/cli/progress.hpp>
#include <sobolev_rf/distributed/simulation_runner.hpp>

namespace srf::cli {

struct RunFlags {
  std::string output;
  bool resume = false;
  std::string shard;  // "i/N" or empty
};

// --resume, and --shard when `with_shard`. (--output belongs to each command: its meaning differs.)
void add_run_flags(CLI::App& cmd, RunFlags& flags, bool with_shard = true);

// Set by main() under MPI with two or more ranks; null: this process computes.
void set_executor(distributed::Executor* executor);
// Set by `merge` while it reruns the shards' command: every seed comes from here, none is computed.
void set_merged_results(const distributed::ResultStore* store);

// The invocation's arguments after the program name, without --shard, --output (-o) and
// --resume and their values: what a shard file records for `merge` to rerun.
std::vector<std::string> command_without_run_flags(const std::vector<std::string>& args);

// A SimulationRunner for a command: its checkpoint (`checkpoint`, or the shard file), the flags,
// the executor or merged shards, Ctrl-C and a progress line labelled `label` (none when quiet).
// run() maps an interruption to CliError 130 naming what is saved and the command that resumes.
class CliRunner {
 public:
  CliRunner(const RunFlags& flags, const std::string& checkpoint, int threads, std::string label, bool quiet = false);
  ~CliRunner();
  bool run(const std::vector<distributed::SimulationJob>& jobs);
  simulation::SimulationResult result(const distributed::SimulationJob& job) const { return runner_->result(job); }

 private:
  RunFlags flags_;
  std::string label_;
  std::string checkpoint_;
  std::unique_ptr<Progress> progress_;
  std::unique_ptr<distributed::SimulationRunner> runner_;
};

// Writes an --output file atomically (distributed::write_file_atomically); errors name --output.
void write_output_file(const std::string& path, const std::string& text);

}  // namespace srf::cli
