// The checkpoint file: every number reads back to the same bits, a line cut short by a kill is
// dropped, anything else malformed is refused with file and line.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <sobolev_rf/distributed/checkpoint.hpp>

using namespace srf;
using namespace srf::distributed;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

bool same_result(const simulation::SeedResult& a, const simulation::SeedResult& b) {
  if (a.seed_index != b.seed_index || a.primal != b.primal || a.varpi.size() != b.varpi.size()) return false;
  for (std::size_t i = 0; i < a.varpi.size(); ++i)
    if (!same_bits(a.varpi[i], b.varpi[i])) return false;
  for (const auto& [name, field] : model::error_fields())
    if (!same_bits(a.errors.*field, b.errors.*field) || !same_bits(a.test_se.*field, b.test_se.*field) ||
        !same_bits(a.population_truncation_bound.*field, b.population_truncation_bound.*field))
      return false;
  return true;
}

SimulationJob small_job() {
  SimulationJob j;
  j.params.k = 1;
  j.params.varpi = {0.6};
  j.params.alpha = 0.7;
  j.options.p = 24;
  j.options.seeds = 3;
  j.options.base_seed = 11;
  return j;
}

}  // namespace

TEST_CASE("checkpoint: doubles read back to the same bits, the non-finite ones too") {
  for (double x : {0.1, 1.0 / 3.0, -2.5e-300, 4.9406564584124654e-324, std::numeric_limits<double>::max(),
                   std::nextafter(1.0, 2.0), 0.0, -0.0, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    INFO(x);
    const nlohmann::json j = nlohmann::json::parse(double_json(x).dump());
    CHECK(same_bits(double_from_json(j, "x"), x));
  }
  CHECK_THROWS_AS(double_from_json("NaN?", "x"), std::invalid_argument);
  CHECK_THROWS_AS(double_from_json(nlohmann::json::array(), "x"), std::invalid_argument);
}

TEST_CASE("checkpoint: a record line reads back to the same job key, seed and result bits") {
  const SimulationJob job = small_job();
  simulation::SeedResult r = simulation::simulate_seed(job.params, job.options, 2);
  r.test_se.gen_f = std::numeric_limits<double>::quiet_NaN();  // non-finite fields survive too
  const SeedRecord rec = make_record(job, 2, r);
  std::istringstream in(checkpoint_header().dump() + "\n" + record_line(rec));
  const Checkpoint c = read_checkpoint(in, "mem");
  REQUIRE(c.records.size() == 1);
  CHECK_FALSE(c.cut_short);
  CHECK(c.records[0].key == job_key(job));
  CHECK(c.records[0].seed == 2);
  CHECK(same_result(c.records[0].result, r));
}

TEST_CASE("checkpoint: a file cut at any byte keeps exactly the complete lines") {
  const SimulationJob job = small_job();
  std::string text = checkpoint_header().dump() + "\n";
  std::vector<std::size_t> ends = {text.size()};
  for (int s = 0; s < 2; ++s) {
    text += record_line(make_record(job, s, simulation::simulate_seed(job.params, job.options, s)));
    ends.push_back(text.size());
  }
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    INFO("cut at byte " << cut);
    std::istringstream in(text.substr(0, cut));
    const Checkpoint c = read_checkpoint(in, "mem");
    std::size_t complete = 0;
    for (std::size_t i = 1; i < ends.size(); ++i) complete += ends[i] <= cut;
    CHECK(c.records.size() == complete);
    const bool at_boundary = cut == 0 || std::find(ends.begin(), ends.end(), cut) != ends.end();
    CHECK(c.cut_short == !at_boundary);
  }
}

TEST_CASE("checkpoint: malformed complete lines are refused naming file and line") {
  const std::string header = checkpoint_header().dump() + "\n";
  for (const std::string& text : {std::string("{\"not\":\"a checkpoint\"}\n"), header + "{oops\n",
                                  header + "{\"job\":{},\"seed\":0,\"result\":{}}\n",
                                  header + "[1,2,3]\n"}) {
    INFO(text);
    std::istringstream in(text);
    try {
      read_checkpoint(in, "f.checkpoint");
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).rfind("f.checkpoint:", 0) == 0);
    }
  }
}

TEST_CASE("checkpoint: the writer replaces the file with header and kept records, then appends") {
  const std::string path = (std::filesystem::temp_directory_path() / "srf_checkpoint_writer_test.checkpoint").string();
  const SimulationJob job = small_job();
  const SeedRecord r0 = make_record(job, 0, simulation::simulate_seed(job.params, job.options, 0));
  const SeedRecord r1 = make_record(job, 1, simulation::simulate_seed(job.params, job.options, 1));
  {
    std::ofstream junk(path);
    junk << "old content\n";
  }
  {
    CheckpointWriter w;
    w.open(path, checkpoint_header({{"shard", 1}}), {r0});
    w.append(r1);
  }
  const Checkpoint c = read_checkpoint_file(path);
  CHECK(c.header["shard"] == 1);
  REQUIRE(c.records.size() == 2);
  CHECK(c.records[0].seed == 0);
  CHECK(c.records[1].seed == 1);
  CHECK(same_result(c.records[1].result, r1.result));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  std::filesystem::remove(path);
}
