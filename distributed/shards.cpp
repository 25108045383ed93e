#include <sobolev_rf/distributed/shards.hpp>

#include <map>
#include <set>
#include <stdexcept>

namespace srf::distributed {

nlohmann::json shard_header(const std::vector<std::string>& command, const Shard& shard, std::size_t shard_tasks) {
  return {{"command", command}, {"shard", shard.index}, {"shards", shard.count}, {"shard_tasks", shard_tasks}};
}

MergedShards merge_shards(const std::vector<std::string>& paths) {
  std::vector<Checkpoint> c;
  for (const std::string& p : paths) c.push_back(read_checkpoint_file(p));
  return merge_shards(c, paths);
}

MergedShards merge_shards(const std::vector<Checkpoint>& checkpoints, const std::vector<std::string>& paths) {
  if (checkpoints.empty()) throw std::invalid_argument("merge: no shard files given");
  MergedShards m;
  std::map<int, std::string> seen;
  for (std::size_t i = 0; i < checkpoints.size(); ++i) {
    const nlohmann::json& h = checkpoints[i].header;
    const std::string& path = paths.at(i);
    if (!h.is_object() || !h.contains("shard") || !h.contains("shards") || !h.contains("command") ||
        !h.contains("shard_tasks") || !h["shard"].is_number_integer() || !h["shards"].is_number_integer() ||
        !h["command"].is_array() || !h["shard_tasks"].is_number_unsigned())
      throw std::invalid_argument(path + ": not a shard file (written by --shard i/N --output FILE)");
    std::vector<std::string> command;
    for (const auto& a : h["command"]) {
      if (!a.is_string()) throw std::invalid_argument(path + ": not a shard file (command)");
      command.push_back(a.get<std::string>());
    }
    const int index = h["shard"].get<int>(), count = h["shards"].get<int>();
    if (count < 1 || index < 0 || index >= count) throw std::invalid_argument(path + ": bad shard " + h["shard"].dump() + "/" + h["shards"].dump());
    if (i == 0) {
      m.command = command;
      m.count = count;
    } else if (command != m.command || count != m.count) {
      throw std::invalid_argument(path + ": shard " + std::to_string(index) + "/" + std::to_string(count) +
                                  " of another run than " + paths.front());
    }
    if (!seen.emplace(index, path).second)
      throw std::invalid_argument(path + ": shard " + std::to_string(index) + "/" + std::to_string(count) +
                                  " is also " + seen[index]);
    std::set<std::pair<std::string, int>> distinct;
    for (const SeedRecord& r : checkpoints[i].records) {
      distinct.emplace(r.key, r.seed);
      m.store.insert(r);
    }
    const std::size_t expected = h["shard_tasks"].get<std::size_t>();
    if (distinct.size() < expected)
      throw std::invalid_argument(path + ": shard " + std::to_string(index) + "/" + std::to_string(count) +
                                  " is incomplete (" + std::to_string(distinct.size()) + " of " +
                                  std::to_string(expected) + " seeds); finish it with the same command and --resume");
  }
  std::string missing;
  for (int s = 0; s < m.count; ++s)
    if (!seen.count(s)) missing += (missing.empty() ? "" : ", ") + std::to_string(s) + "/" + std::to_string(m.count);
  if (!missing.empty()) throw std::invalid_argument("merge: missing shard(s) " + missing);
  return m;
}

}  // namespace srf::distributed
