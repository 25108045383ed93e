#include <sobolev_rf/distributed/task_list.hpp>

#include <stdexcept>

namespace srf::distributed {

std::vector<Task> task_list(const std::vector<SimulationJob>& jobs) {
  std::vector<Task> tasks;
  for (std::size_t j = 0; j < jobs.size(); ++j)
    for (int s = 0; s < jobs[j].options.seeds; ++s) tasks.push_back({j, s});
  return tasks;
}

Shard parse_shard(const std::string& text, const std::string& flag) {
  const auto bad = [&] {
    return std::invalid_argument(flag + " = '" + text + "': must be i/N with 0 <= i < N (e.g. 0/4 ... 3/4)");
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 >= text.size()) throw bad();
  const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
  for (const std::string* s : {&a, &b})
    for (char c : *s)
      if (c < '0' || c > '9') throw bad();
  if (a.size() > 9 || b.size() > 9) throw bad();
  Shard sh{std::stoi(a), std::stoi(b)};
  if (sh.count < 1 || sh.index >= sh.count) throw bad();
  return sh;
}

bool in_shard(std::size_t task, const Shard& shard) {
  return task % static_cast<std::size_t>(shard.count) == static_cast<std::size_t>(shard.index);
}

void ResultStore::insert(const std::string& key, int seed, const simulation::SeedResult& result) {
  results_.emplace(std::make_pair(key, seed), result);
}

const simulation::SeedResult* ResultStore::find(const std::string& key, int seed) const {
  const auto it = results_.find(std::make_pair(key, seed));
  return it == results_.end() ? nullptr : &it->second;
}

simulation::SimulationResult assemble(const SimulationJob& job, const ResultStore& store) {
  const std::string key = job_key(job);
  std::vector<simulation::SeedResult> per_seed;
  for (int s = 0; s < job.options.seeds; ++s) {
    const simulation::SeedResult* r = store.find(key, s);
    if (!r) throw std::logic_error("assemble: seed " + std::to_string(s) + " of a job is not finished");
    per_seed.push_back(*r);
  }
  return simulation::summarize_seeds(job.params, job.options, std::move(per_seed));
}

}  // namespace srf::distributed
