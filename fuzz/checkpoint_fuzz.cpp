// Fuzzes distributed::read_checkpoint (checkpoint and job-array shard files) and merge_shards
// on what it accepts. Rejection is std::invalid_argument; an accepted file's records write back
// to lines that read again to the same keys, seeds and result JSON (the round trip a resumed
// or merged run relies on).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include <sobolev_rf/distributed/checkpoint.hpp>
#include <sobolev_rf/distributed/shards.hpp>
#include "fuzz_check.hpp"

using namespace srf::distributed;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  Checkpoint c;
  try {
    c = read_checkpoint(in, "fuzz.checkpoint");
  } catch (const std::invalid_argument&) {
    return 0;
  }
  std::string text = checkpoint_header().dump() + "\n";
  for (const SeedRecord& r : c.records) text += record_line(r);
  std::istringstream again(text);
  const Checkpoint d = read_checkpoint(again, "rewritten");  // must not throw
  SRF_FUZZ_CHECK(!d.cut_short);
  SRF_FUZZ_CHECK(d.records.size() == c.records.size());
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    SRF_FUZZ_CHECK(d.records[i].key == c.records[i].key);
    SRF_FUZZ_CHECK(d.records[i].seed == c.records[i].seed);
    SRF_FUZZ_CHECK(seed_result_json(d.records[i].result).dump() == seed_result_json(c.records[i].result).dump());
  }
  try {
    merge_shards({c}, {"fuzz.checkpoint"});
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
