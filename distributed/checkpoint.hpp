#pragma once
// The checkpoint and shard file: JSON lines, one finished seed per line, written as each seed
// finishes, so that a run killed at any moment leaves every finished seed on disk.
//
//   {"sobolev_rf_checkpoint":1,"version":"0.2.0+...", ...header fields}     first line
//   {"job":{...job_json...},"seed":3,"result":{...}}                          one per finished seed
//
// Every number is written so that it reads back to the same bits (JSON numbers with the
// shortest round-trip digits; the non-finite ones as the strings "nan", "inf", "-inf"), so
// that a resumed or merged run reduces exactly the numbers an uninterrupted run would have.
// A last line without its newline is a write cut short by a kill: the reader drops it. A
// line is written with one write() and flushed to disk (fsync) before the next seed counts
// as finished.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include <sobolev_rf/distributed/simulation_job.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::distributed {

// A double as JSON that reads back to the same bits; double_from_json throws
// std::invalid_argument (naming `what`) on anything else.
nlohmann::json double_json(double x);
double double_from_json(const nlohmann::json& j, const std::string& what);

// Every field of a SeedResult.
nlohmann::json seed_result_json(const simulation::SeedResult& r);
simulation::SeedResult seed_result_from_json(const nlohmann::json& j, const std::string& source);

// One finished seed: the job (as job_json), its key, the seed index and the result.
struct SeedRecord {
  std::string key;       // job_key of the job
  nlohmann::json job;    // job_json
  int seed = 0;
  simulation::SeedResult result;
};

SeedRecord make_record(const SimulationJob& job, int seed, const simulation::SeedResult& result);

// The text of one record's line, with its newline.
std::string record_line(const SeedRecord& r);

struct Checkpoint {
  nlohmann::json header;            // the first line (an object with "sobolev_rf_checkpoint")
  std::vector<SeedRecord> records;  // in file order
  bool cut_short = false;           // a last line without newline was dropped
};

// Reads a checkpoint; `source` (the file name) goes into messages. Throws
// std::invalid_argument on a file that is not a checkpoint or has a malformed complete line.
// An empty stream is an empty checkpoint with a null header.
Checkpoint read_checkpoint(std::istream& in, const std::string& source);
Checkpoint read_checkpoint_file(const std::string& path);  // throws naming the path

// The header line's object: {"sobolev_rf_checkpoint": 1, "version": ...} plus `fields`.
nlohmann::json checkpoint_header(const nlohmann::json& fields = nlohmann::json::object());

// Appends records to a checkpoint file. open() writes the header and `keep` to a temporary
// file beside `path`, flushes it to disk and renames it over `path` (atomic: a kill leaves the
// old file or the new one), then appends.
class CheckpointWriter {
 public:
  CheckpointWriter() = default;
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;
  ~CheckpointWriter();
  // Throws std::runtime_error naming the path when it cannot be written.
  void open(const std::string& path, const nlohmann::json& header, const std::vector<SeedRecord>& keep = {});
  void append(const SeedRecord& r);  // one write(), then fsync
  bool is_open() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  void close();

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace srf::distributed
