#include <sobolev_rf/distributed/simulation_runner.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <sobolev_rf/simulation/memory_estimate.hpp>

namespace srf::distributed {

void RunPlan::validate() const {
  if (merged) return;  // merge: the plan was checked when the shards ran
  if (!shard.empty()) {
    (void)parse_shard(shard);  // throws naming the shard
    if (checkpoint.empty()) throw std::invalid_argument("shard = " + shard + ": needs a file for the shard's results");
    if (executor) throw std::invalid_argument("shard = " + shard + ": a job-array shard runs without MPI ranks");
  }
  if (resume && checkpoint.empty())
    throw std::invalid_argument("resume: needs a checkpoint file (the output's FILE.checkpoint)");
}

std::string checkpoint_path_for(const std::string& output) { return output + ".checkpoint"; }

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw std::runtime_error(path + ": cannot open for writing");
    out << text;
    out.flush();
    if (!out) throw std::runtime_error(path + ": cannot write");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error(path + ": cannot write");
}

SimulationRunner::SimulationRunner(RunPlan plan) : plan_(std::move(plan)) {
  plan_.validate();
  if (!plan_.shard.empty() && !plan_.merged) shard_ = parse_shard(plan_.shard);
}

void SimulationRunner::open_checkpoint(const std::vector<SimulationJob>& jobs) {
  opened_ = true;
  const std::string& file = plan_.checkpoint;
  if (file.empty()) return;
  nlohmann::json header = nlohmann::json::object();
  if (!plan_.shard.empty()) {
    std::set<std::pair<std::string, int>> distinct;
    const std::vector<Task> tasks = task_list(jobs);
    for (std::size_t t = 0; t < tasks.size(); ++t)
      if (in_shard(t, shard_)) distinct.emplace(job_key(jobs[tasks[t].job]), tasks[t].seed);
    header = shard_header(plan_.command, shard_, distinct.size());
  }
  std::vector<SeedRecord> keep;
  if (plan_.resume && std::filesystem::exists(file)) {
    Checkpoint c = read_checkpoint_file(file);
    if (!plan_.shard.empty() && c.header.is_object() && c.header.contains("command") &&
        (c.header["command"] != header["command"] || c.header["shard"] != header["shard"] ||
         c.header["shards"] != header["shards"]))
      throw std::invalid_argument("resume: " + file + " is a shard of another run");
    keep = std::move(c.records);
    for (const auto& r : keep) store_.insert(r);
    if (plan_.on_note)
      plan_.on_note(fmt::format("resuming from {} ({} finished seed(s){})", file, keep.size(),
                                c.cut_short ? "; a line cut short by the interruption dropped" : ""));
  } else if (plan_.resume && plan_.on_note) {
    plan_.on_note(fmt::format("resume: no {} yet, starting afresh", file));
  }
  try {
    writer_.open(file, checkpoint_header(header), keep);
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(std::string("checkpoint: ") + e.what());
  }
}

bool SimulationRunner::run(const std::vector<SimulationJob>& jobs) {
  const auto start = std::chrono::steady_clock::now();
  if (const ResultStore* merged = plan_.merged) {
    for (const auto& t : task_list(jobs)) {
      const SimulationJob& j = jobs[t.job];
      const simulation::SeedResult* r = merged->find(job_key(j), t.seed);
      if (!r)
        throw std::invalid_argument(
            fmt::format("merge: no shard holds seed {} of the simulation at p = {}", t.seed, j.options.p));
      store_.insert(job_key(j), t.seed, *r);
    }
    wall_seconds_ = 0;
    return true;
  }
  for (const auto& j : jobs) simulation::check_memory(j.params, j.options);
  if (!opened_) open_checkpoint(jobs);
  RunOptions o;
  o.threads = plan_.threads;
  o.stop = plan_.stop;
  o.shard = plan_.shard.empty() ? nullptr : &shard_;
  o.executor = plan_.executor;
  if (writer_.is_open()) o.on_record = [this](const SeedRecord& r) { writer_.append(r); };
  o.on_progress = plan_.on_progress;
  const RunSummary s = run_tasks(jobs, store_, o);
  wall_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (s.stopped) throw Interrupted(s.reused + s.computed, s.tasks, writer_.is_open());
  return plan_.shard.empty();
}

simulation::SimulationResult SimulationRunner::result(const SimulationJob& job) const {
  simulation::SimulationResult r = assemble(job, store_);
  r.wall_seconds = wall_seconds_;
  return r;
}

}  // namespace srf::distributed
