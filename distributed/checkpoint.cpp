#include <sobolev_rf/distributed/checkpoint.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::distributed {

nlohmann::json double_json(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return x;  // nlohmann writes the shortest digits that read back to the same double
}

double double_from_json(const nlohmann::json& j, const std::string& what) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  throw std::invalid_argument(what + ": must be a number, \"nan\", \"inf\" or \"-inf\"");
}

namespace {

nlohmann::json errors_json(const model::Errors& e) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, field] : model::error_fields()) j[name] = double_json(e.*field);
  return j;
}

model::Errors errors_from_json(const nlohmann::json& j, const std::string& what) {
  if (!j.is_object()) throw std::invalid_argument(what + ": must be an object");
  model::Errors e;
  for (const auto& [name, field] : model::error_fields()) {
    if (!j.contains(name)) throw std::invalid_argument(what + ": missing '" + name + "'");
    e.*field = double_from_json(j.at(name), what + "." + name);
  }
  return e;
}

const nlohmann::json& member(const nlohmann::json& j, const char* name, const std::string& what) {
  if (!j.is_object() || !j.contains(name)) throw std::invalid_argument(what + ": missing '" + name + "'");
  return j.at(name);
}

int small_int(const nlohmann::json& j, const std::string& what) {
  if (!j.is_number_integer() && !j.is_number_unsigned()) throw std::invalid_argument(what + ": must be an integer");
  const long long v = j.get<long long>();
  if (v < 0 || v > std::numeric_limits<int>::max()) throw std::invalid_argument(what + ": out of range");
  return static_cast<int>(v);
}

}  // namespace

nlohmann::json seed_result_json(const simulation::SeedResult& r) {
  nlohmann::json varpi = nlohmann::json::array();
  for (double v : r.varpi) varpi.push_back(double_json(v));
  return {{"seed_index", r.seed_index},
          {"errors", errors_json(r.errors)},
          {"varpi", varpi},
          {"primal", r.primal},
          {"test_se", errors_json(r.test_se)},
          {"population_truncation_bound", errors_json(r.population_truncation_bound)}};
}

simulation::SeedResult seed_result_from_json(const nlohmann::json& j, const std::string& source) {
  simulation::SeedResult r;
  r.seed_index = small_int(member(j, "seed_index", source), source + ": seed_index");
  r.errors = errors_from_json(member(j, "errors", source), source + ": errors");
  const nlohmann::json& varpi = member(j, "varpi", source);
  if (!varpi.is_array()) throw std::invalid_argument(source + ": varpi must be an array");
  for (const auto& v : varpi) r.varpi.push_back(double_from_json(v, source + ": varpi"));
  const nlohmann::json& primal = member(j, "primal", source);
  if (!primal.is_boolean()) throw std::invalid_argument(source + ": primal must be true or false");
  r.primal = primal.get<bool>();
  r.test_se = errors_from_json(member(j, "test_se", source), source + ": test_se");
  r.population_truncation_bound =
      errors_from_json(member(j, "population_truncation_bound", source), source + ": population_truncation_bound");
  return r;
}

SeedRecord make_record(const SimulationJob& job, int seed, const simulation::SeedResult& result) {
  SeedRecord r;
  r.job = job_json(job);
  r.key = r.job.dump();
  r.seed = seed;
  r.result = result;
  return r;
}

std::string record_line(const SeedRecord& r) {
  const nlohmann::json j = {{"job", r.job}, {"seed", r.seed}, {"result", seed_result_json(r.result)}};
  return j.dump() + "\n";
}

nlohmann::json checkpoint_header(const nlohmann::json& fields) {
  nlohmann::json h = {{"sobolev_rf_checkpoint", 1}, {"version", report::version()}};
  for (auto it = fields.begin(); it != fields.end(); ++it) h[it.key()] = it.value();
  return h;
}

Checkpoint read_checkpoint(std::istream& in, const std::string& source) {
  Checkpoint c;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (in.eof()) {  // no newline after it: a write cut short
      c.cut_short = true;
      break;
    }
    const std::string where = source + ":" + std::to_string(number);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      throw std::invalid_argument(where + ": not a JSON line of a sobolev-rf checkpoint");
    }
    if (number == 1) {
      if (!j.is_object() || !j.contains("sobolev_rf_checkpoint") || j["sobolev_rf_checkpoint"] != 1)
        throw std::invalid_argument(where + ": not a sobolev-rf checkpoint (version 1) file");
      c.header = j;
      continue;
    }
    SeedRecord r;
    r.job = member(j, "job", where);
    // Parsing the job checks it describes a simulation; the key is its canonical form.
    r.key = job_json(job_from_json(r.job, where)).dump();
    r.seed = small_int(member(j, "seed", where), where + ": seed");
    r.result = seed_result_from_json(member(j, "result", where), where + ": result");
    if (r.result.seed_index != r.seed) throw std::invalid_argument(where + ": result.seed_index differs from seed");
    c.records.push_back(std::move(r));
  }
  return c;
}

Checkpoint read_checkpoint_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot open for reading");
  return read_checkpoint(in, path);
}

namespace {

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

CheckpointWriter::~CheckpointWriter() { close(); }

void CheckpointWriter::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void CheckpointWriter::open(const std::string& path, const nlohmann::json& header, const std::vector<SeedRecord>& keep) {
  close();
  path_ = path;
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(tmp + ": cannot open for writing: " + std::strerror(errno));
  try {
    std::string text = header.dump() + "\n";
    for (const SeedRecord& r : keep) text += record_line(r);
    write_all(fd, text, tmp);
    if (::fsync(fd) != 0) throw std::runtime_error(tmp + ": cannot flush to disk: " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error(path + ": cannot replace: " + std::strerror(errno));
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(path + ": cannot open for appending: " + std::strerror(errno));
}

void CheckpointWriter::append(const SeedRecord& r) {
  if (fd_ < 0) throw std::logic_error("CheckpointWriter::append: not open");
  write_all(fd_, record_line(r), path_);
  ::fsync(fd_);  // best effort: a file system without fsync still gets complete lines
}

}  // namespace srf::distributed
