// Distributed and resumable runs (docs/cluster.md), run as the built executable: job-array
// shards merged, runs killed (SIGKILL) or interrupted (SIGINT) and resumed, and MPI with 1, 2
// and 3 ranks, all give the output of the plain serial run, every number bit for bit (only
// wall_seconds, the run's own timing, differs).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "cli/run_exe.hpp"

using srf_test::count_lines;
using srf_test::Run;
using srf_test::run_exe;
using srf_test::slurp;

namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("srf_cluster_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// The JSON of `simulate` without its timing: what must be identical.
std::string without_wall(const std::string& json_text) {
  nlohmann::json j = nlohmann::json::parse(json_text);
  j.erase("wall_seconds");
  return j.dump();
}

// A CSV without its wall_seconds column (the markers' timing), if it has one.
std::string without_wall_column(const std::string& csv) {
  if (csv.substr(0, csv.find('\n')).find(",wall_seconds") == std::string::npos) return csv;
  std::string out;
  std::size_t pos = 0;
  while (pos < csv.size()) {
    const std::size_t end = csv.find('\n', pos);
    const std::string line = csv.substr(pos, end - pos);
    out += line.substr(0, line.rfind(',')) + "\n";
    pos = end == std::string::npos ? csv.size() : end + 1;
  }
  return out;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

const std::string kSimulate =
    "simulate --sigma tanh --teacher relu --alpha 0.7 --gamma 0.6 --lambda 1e-2 --k 1 --varpi 0.4 --p 40 --seeds 5 "
    "--seed 3";
const std::string kValidate =
    "validate --k 1 --varpi 0.5 --lambda 1e-2 --p 30 --seeds 3 --sweep p_over_n=0.5:2:3 --z-threshold 1e9";

// Starts the executable with `args` in the background; returns its pid.
pid_t spawn(const std::string& args) {
  const char* exe = std::getenv("SOBOLEV_RF_EXE");
  REQUIRE(exe != nullptr);
  const std::string cmd = std::string("exec \"") + exe + "\" " + args + " >/dev/null 2>/dev/null";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Waits until `path` holds at least `lines` complete lines (or the process ended).
void wait_for_lines(const fs::path& path, int lines, pid_t pid) {
  for (int i = 0; i < 24000; ++i) {  // up to 2 minutes on a loaded machine
    if (count_lines(slurp(path.string())) >= lines) return;
    int status;
    if (::waitpid(pid, &status, WNOHANG) == pid) FAIL("the run ended before writing " << lines << " lines");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("no progress in " << path);
}

}  // namespace

TEST_CASE("cluster cli: simulate --output writes what standard output shows") {
  const fs::path d = fresh_dir("output");
  const Run plain = run_exe(kSimulate);
  REQUIRE(plain.status == 0);
  const Run to_file = run_exe(kSimulate + " --output " + (d / "r.json").string());
  INFO(to_file.err);
  REQUIRE(to_file.status == 0);
  CHECK(to_file.out.empty());
  CHECK(without_wall(slurp((d / "r.json").string())) == without_wall(plain.out));
  CHECK(count_lines(slurp((d / "r.json.checkpoint").string())) == 1 + 5);  // header + one line per seed
  fs::remove_all(d);
}

TEST_CASE("cluster cli: shards of simulate and validate merged equal the single run") {
  const fs::path d = fresh_dir("shards");
  const Run single = run_exe(kSimulate);
  REQUIRE(single.status == 0);
  std::string files;
  for (int i = 0; i < 3; ++i) {
    const std::string f = (d / ("sim." + std::to_string(i))).string();
    const Run r = run_exe(kSimulate + " --shard " + std::to_string(i) + "/3 --output " + f);
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.empty());
    files += " " + f;
  }
  const Run m = run_exe("merge --output " + (d / "sim.json").string() + files);
  INFO(m.err);
  REQUIRE(m.status == 0);
  CHECK(without_wall(slurp((d / "sim.json").string())) == without_wall(single.out));

  const Run vsingle = run_exe(kValidate + " --output " + (d / "single.csv").string());
  INFO(vsingle.err);
  REQUIRE(vsingle.status == 0);
  files.clear();
  for (int i = 0; i < 2; ++i) {
    const std::string f = (d / ("val." + std::to_string(i))).string();
    REQUIRE(run_exe(kValidate + " --shard " + std::to_string(i) + "/2 --output " + f).status == 0);
    files = " " + f + files;  // any order
  }
  const Run vm = run_exe("merge --output " + (d / "merged.csv").string() + files);
  INFO(vm.err);
  REQUIRE(vm.status == 0);
  CHECK(vm.out == vsingle.out);
  CHECK(slurp((d / "merged.csv").string()) == slurp((d / "single.csv").string()));
  fs::remove_all(d);
}

TEST_CASE("cluster cli: merge names a missing shard and refuses other files, exit 2") {
  const fs::path d = fresh_dir("missing");
  for (int i : {0, 2}) {
    const std::string f = (d / ("s." + std::to_string(i))).string();
    REQUIRE(run_exe(kSimulate + " --shard " + std::to_string(i) + "/4 --output " + f).status == 0);
  }
  const Run m = run_exe("merge --output " + (d / "out.json").string() + " " + (d / "s.0").string() + " " +
                        (d / "s.2").string());
  CHECK(m.status == 2);
  CHECK(m.err.find("missing shard(s) 1/4, 3/4") != std::string::npos);
  CHECK(count_lines(m.err) == 1);
  CHECK_FALSE(fs::exists(d / "out.json"));
  write(d / "junk", "hello\n");
  const Run j = run_exe("merge --output " + (d / "out.json").string() + " " + (d / "junk").string());
  CHECK(j.status == 2);
  CHECK(j.err.find("junk") != std::string::npos);
  const Run bad = run_exe(kSimulate + " --shard 3/3 --output " + (d / "x").string());
  CHECK(bad.status == 2);
  CHECK(bad.err.find("--shard") != std::string::npos);
  const Run no_out = run_exe(kSimulate + " --resume");
  CHECK(no_out.status == 2);
  CHECK(no_out.err.find("--resume") != std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("cluster cli: simulate resumed from a checkpoint cut at any point equals the uninterrupted run") {
  const fs::path d = fresh_dir("resume");
  const std::string full = (d / "full.json").string();
  REQUIRE(run_exe(kSimulate + " --output " + full).status == 0);
  const std::string expected = without_wall(slurp(full));
  const std::string checkpoint = slurp(full + ".checkpoint");
  // A SIGKILL leaves a prefix of the appended lines: cut inside the header, after it, inside a
  // line, on a line boundary, and keep everything.
  const std::size_t first = checkpoint.find('\n') + 1, second = checkpoint.find('\n', first) + 1;
  for (std::size_t cut : {std::size_t{5}, first, first + 40, second, second + 1, checkpoint.size() - 3,
                          checkpoint.size()}) {
    INFO("cut at byte " << cut);
    const std::string out = (d / ("cut" + std::to_string(cut) + ".json")).string();
    write(out + ".checkpoint", checkpoint.substr(0, cut));
    const Run r = run_exe(kSimulate + " --output " + out + " --resume");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(without_wall(slurp(out)) == expected);
    CHECK(count_lines(slurp(out + ".checkpoint")) == 1 + 5);  // the cut line was replaced, not kept
  }
  fs::remove_all(d);
}

TEST_CASE("cluster cli: validate resumed from a cut checkpoint prints and writes what the uninterrupted run does") {
  const fs::path d = fresh_dir("validate_resume");
  const std::string full = (d / "full.csv").string();
  const Run plain = run_exe(kValidate + " --output " + full);
  REQUIRE(plain.status == 0);
  const std::string checkpoint = slurp(full + ".checkpoint");
  const std::string out = (d / "cut.csv").string();
  write(out + ".checkpoint", checkpoint.substr(0, checkpoint.size() / 2));
  const Run r = run_exe(kValidate + " --output " + out + " --resume");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == plain.out);
  CHECK(slurp(out) == slurp(full));
  fs::remove_all(d);
}

TEST_CASE("cluster cli: simulate killed with SIGKILL mid-run and resumed equals the uninterrupted run") {
  const fs::path d = fresh_dir("kill");
  const std::string args = "simulate --k 1 --varpi 0.5 --p 600 --seeds 8 --threads 1 --seed 9";
  const Run plain = run_exe(args);
  REQUIRE(plain.status == 0);
  const std::string out = (d / "r.json").string();
  const pid_t pid = spawn(args + " --output " + out);
  wait_for_lines(out + ".checkpoint", 3, pid);  // header and two seeds
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  CHECK_FALSE(fs::exists(out));
  const Run r = run_exe(args + " --output " + out + " --resume");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("resuming from") != std::string::npos);
  CHECK(without_wall(slurp(out)) == without_wall(plain.out));
  fs::remove_all(d);
}

TEST_CASE("cluster cli: Ctrl-C saves the finished seeds, says how to resume and exits 130") {
  const fs::path d = fresh_dir("sigint");
  const std::string args = "simulate --k 1 --varpi 0.5 --p 600 --seeds 8 --threads 1 --seed 4";
  const std::string out = (d / "r.json").string();
  const char* exe = std::getenv("SOBOLEV_RF_EXE");
  const std::string err = (d / "err").string();
  const std::string cmd = std::string("exec \"") + exe + "\" " + args + " --output " + out + " 2>" + err;
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  wait_for_lines(out + ".checkpoint", 2, pid);
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  const std::string message = slurp(err);
  CHECK(message.find("interrupted") != std::string::npos);
  CHECK(message.find("--resume") != std::string::npos);
  const Run r = run_exe(args + " --output " + out + " --resume");
  REQUIRE(r.status == 0);
  CHECK(without_wall(slurp(out)) == without_wall(run_exe(args).out));
  fs::remove_all(d);
}

TEST_CASE("cluster cli: a curve grid cut at any byte and resumed equals the uninterrupted run") {
  const fs::path d = fresh_dir("curve");
  const std::string args = "curve --k 1 --varpi 0.5 --sweep lambda=1e-3:1e-1:3:log --sweep p_over_n=0.5:2:4";
  const std::string full = (d / "full.csv").string();
  REQUIRE(run_exe(args + " --output " + full).status == 0);
  const std::string expected = slurp(full);
  const std::string meta = slurp((d / "full.meta.json").string());
  REQUIRE(count_lines(expected) == 1 + 12);
  for (std::size_t cut = 0; cut <= expected.size(); cut += 97) {
    INFO("cut at byte " << cut);
    const std::string out = (d / "cut.csv").string();
    write(out, expected.substr(0, cut));
    write(d / "cut.meta.json", meta);
    const Run r = run_exe(args + " --output " + out + " --resume");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(slurp(out) == expected);
  }
  // A file of another run is not completed.
  const Run other = run_exe("curve --k 1 --varpi 0.6 --sweep lambda=1e-3:1e-1:3:log --sweep p_over_n=0.5:2:4 --output " +
                            full + " --resume");
  CHECK(other.status == 2);
  CHECK(other.err.find("another run") != std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("cluster cli: figure markers interrupted and resumed from OUT_DIR/markers.checkpoint equal the plain run") {
  const fs::path d = fresh_dir("figure");
  // Markers of 8 seeds each at p = 300 (about 0.1 s a seed): the run is still inside the first
  // marker simulation when the interruption comes.
  const fs::path spec = d / "resume.toml";
  write(spec,
        "output = \"resume\"\n[defaults]\nlambda = 0.01\nk = 1\nvarpi = 0.5\n[[panel]]\nx = \"p_over_n\"\n"
        "  [[panel.curve]]\n  sweep = \"p_over_n=0.5:2:4\"\n  quantities = [\"gen_f\"]\n"
        "  markers = { at = [0.5, 1.0, 2.0], p = 300, seeds = 8 }\n");
  const std::string args = "figure --csv-only " + spec.string() + " --out-dir ";
  // The plain run: after success no checkpoint is left, only the figure's folder.
  const fs::path a = d / "a";
  REQUIRE(run_exe(args + a.string()).status == 0);
  CHECK_FALSE(fs::exists(a / "markers.checkpoint"));
  const fs::path data_a = a / "resume" / "data";
  REQUIRE(fs::is_directory(data_a));
  // Interrupted (Ctrl-C) after the first marker seed: the seeds stay in the checkpoint, exit 130.
  const fs::path b = d / "b";
  fs::create_directories(b);
  const fs::path checkpoint = b / "markers.checkpoint";
  const pid_t pid = spawn(args + b.string());
  wait_for_lines(checkpoint, 2, pid);  // header and a seed
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 130);
  // Cut inside its last line, as a kill would; --resume computes the rest.
  const std::string saved = slurp(checkpoint.string());
  REQUIRE(count_lines(saved) >= 2);
  write(checkpoint, saved.substr(0, saved.size() - 5));
  const Run r = run_exe(args + b.string() + " --resume");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.find("resuming from") != std::string::npos);
  CHECK_FALSE(fs::exists(checkpoint));
  int tables = 0;
  for (const auto& e : fs::directory_iterator(data_a)) {
    if (e.path().extension() != ".csv") continue;
    INFO(e.path());
    ++tables;
    CHECK(without_wall_column(slurp(e.path().string())) ==
          without_wall_column(slurp((b / "resume" / "data" / e.path().filename()).string())));
  }
  CHECK(tables == 2);  // the curve and its markers
  fs::remove_all(d);
}

#ifdef SRF_MPIEXEC
namespace {
// mpirun as root needs these two variables; they are set for this command only.
Run run_mpi(int ranks, const std::string& args) {
  const char* exe = std::getenv("SOBOLEV_RF_EXE");
  REQUIRE(exe != nullptr);
  const fs::path tmp = fs::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(ranks);
  const std::string out = (tmp / ("srf_mpi_" + tag + ".out")).string(), err = (tmp / ("srf_mpi_" + tag + ".err")).string();
  const std::string cmd = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 " +
                          std::string(SRF_MPIEXEC) + " --oversubscribe -n " + std::to_string(ranks) + " \"" + exe +
                          "\" " + args + " >" + out + " 2>" + err;
  const int raw = std::system(cmd.c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}
}  // namespace

TEST_CASE("[mpi] cluster cli: simulate and validate under mpirun with 1, 2 and 3 ranks equal the serial run") {
  const fs::path d = fresh_dir("mpi");
  const Run sim = run_exe(kSimulate + " --threads 1");
  REQUIRE(sim.status == 0);
  const Run val = run_exe(kValidate + " --threads 1 --output " + (d / "serial.csv").string());
  REQUIRE(val.status == 0);
  for (int ranks : {1, 2, 3}) {
    INFO(ranks << " rank(s)");
    const Run s = run_mpi(ranks, kSimulate + " --threads 1");
    INFO(s.err);
    REQUIRE(s.status == 0);
    CHECK(without_wall(s.out) == without_wall(sim.out));
    const std::string csv = (d / ("mpi" + std::to_string(ranks) + ".csv")).string();
    const Run v = run_mpi(ranks, kValidate + " --threads 1 --output " + csv);
    INFO(v.err);
    REQUIRE(v.status == 0);
    CHECK(v.out == val.out);  // printed once, by rank 0
    CHECK(slurp(csv) == slurp((d / "serial.csv").string()));
  }
  fs::remove_all(d);
}
#endif
