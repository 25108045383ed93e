#pragma once
// Job-array runs: each of N shards computes its slice of the task list (task_list.hpp:
// in_shard) and writes a checkpoint file whose header names the shard and the command it
// belongs to; merging reads the N files back into one store, from which the command's output
// is assembled exactly as the single run would have written it.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include <sobolev_rf/distributed/checkpoint.hpp>
#include <sobolev_rf/distributed/task_list.hpp>

namespace srf::distributed {

// The header fields of a shard file: the command's arguments (without the shard, output and
// resume flags), the shard, and how many tasks the shard has.
nlohmann::json shard_header(const std::vector<std::string>& command, const Shard& shard, std::size_t shard_tasks);

struct MergedShards {
  std::vector<std::string> command;  // the arguments every shard was run with
  int count = 0;                     // N
  ResultStore store;                 // every seed of every shard
};

// Reads shard files, checks that they belong to one run (same command and N), that each shard
// 0..N-1 is there once and complete, and returns their union. Throws std::invalid_argument
// naming the missing shards ("missing shard(s) 1/4, 3/4"), an incomplete one (file, seeds
// found and expected) or a file of another run.
MergedShards merge_shards(const std::vector<std::string>& paths);
// The same on checkpoints already read (paths[i] names checkpoints[i] in messages).
MergedShards merge_shards(const std::vector<Checkpoint>& checkpoints, const std::vector<std::string>& paths);

}  // namespace srf::distributed
