#pragma once
// How `simulate`, `validate` and `figure` run their simulations: as (job, seed) tasks
// (distributed/), on this process or over MPI ranks (main() installs the executor), resumable
// from a checkpoint, as one shard of a job array, or assembled from merged shards (`merge`).
// The flags: --output FILE (the checkpoint is FILE.checkpoint), --resume, --shard i/N.
#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "distributed/checkpoint.hpp"
#include "distributed/executor.hpp"
#include "distributed/task_list.hpp"

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

// The checkpoint of an --output file: FILE.checkpoint.
std::string checkpoint_path_for(const std::string& output);

class SimulationRunner {
 public:
  // `checkpoint`: the checkpoint file ("" for none); with a shard it is the shard file.
  // `threads`: per process (0: OpenMP's default). Checks the flags (exit 2 on misuse).
  SimulationRunner(const RunFlags& flags, std::string checkpoint, int threads, std::string label);

  // Computes what the jobs need and this run has not got yet. Returns false after a shard run
  // (its file is written; the command writes no output), true when every seed is there.
  // Ctrl-C: throws CliError 130 saying what is saved and how to resume.
  bool run(const std::vector<distributed::SimulationJob>& jobs);

  // The job's result, reduced in seed order; wall_seconds: the time of the run() that finished it.
  validation::SimulationResult result(const distributed::SimulationJob& job) const;

  // No progress line of its own (the command shows one).
  void quiet() { quiet_ = true; }

  bool sharded() const { return shard_.count > 1 || !flags_.shard.empty(); }

 private:
  void open_checkpoint(const std::vector<distributed::SimulationJob>& jobs);

  RunFlags flags_;
  std::string checkpoint_;
  int threads_;
  std::string label_;
  distributed::Shard shard_;
  distributed::ResultStore store_;
  distributed::CheckpointWriter writer_;
  bool opened_ = false;
  double wall_seconds_ = 0;
  bool quiet_ = false;
};

// Writes `text` to `path` through a temporary file and a rename: a reader (or a kill) never
// sees half a file. Throws std::invalid_argument naming --output.
void write_output_file(const std::string& path, const std::string& text);

// The invocation's arguments after the program name, without --shard, --output (-o) and
// --resume and their values: what a shard file records for `merge` to rerun.
std::vector<std::string> command_without_run_flags(const std::vector<std::string>& args);

}  // namespace srf::cli
