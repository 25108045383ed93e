// `sobolev-rf merge --output FILE SHARD...`: the job-array shards of one `simulate` or `validate`
// run (--shard i/N --output SHARD) combined into exactly what the single run writes: the shards'
// command is run again with every seed taken from the shards (distributed/shards.hpp) and none
// computed. A missing, incomplete or foreign shard is named; exit status 2.
#include <memory>
#include <string>
#include <vector>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/run_flags.hpp>
#include <sobolev_rf/distributed/shards.hpp>

namespace srf::cli {

namespace {

struct MergeArgs {
  std::string output;
  std::vector<std::string> shards;
};

// Routes the rerun's simulations to the merged results while it lasts.
class MergedResults {
 public:
  explicit MergedResults(const distributed::ResultStore& store) { set_merged_results(&store); }
  ~MergedResults() { set_merged_results(nullptr); }
};

void run_merge(const MergeArgs& a) {
  const distributed::MergedShards merged = distributed::merge_shards(a.shards);
  if (merged.command.empty() || (merged.command.front() != "simulate" && merged.command.front() != "validate"))
    throw std::invalid_argument(a.shards.front() + ": the shards are not of a simulate or validate run");
  std::vector<std::string> args = merged.command;
  args.push_back("--output");
  args.push_back(a.output);
  MergedResults guard(merged.store);
  CLI::App app{"sobolev-rf"};
  app.require_subcommand(1);
  add_registered_commands(app);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  app.parse(reversed);
}

void add_merge_command(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand(
      "merge", "combine the shard files of a job-array run (--shard i/N) into the output of the single run");
  cmd->add_option("--output,-o", args->output, "the output file, as the single run's --output")->required();
  cmd->add_option("shards", args->shards, "the N shard files (any order)")->required()->check(CLI::ExistingFile);
  cmd->callback([args] { run_merge(*args); });
}

const CommandRegistrar reg(45, add_merge_command);

}  // namespace

}  // namespace srf::cli
