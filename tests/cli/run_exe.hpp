#pragma once
// Runs the built sobolev-rf (path in SOBOLEV_RF_EXE, set by CTest) with a shell argument string
// and captures exit status, stdout and stderr. For the command-line tests.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <filesystem>
#include <string>

namespace srf_test {

struct Run {
  int status = -1;
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `env` is an optional shell prefix such as "PATH=/nowhere".
inline Run run_exe(const std::string& args, const std::string& env = "") {
  const char* exe = std::getenv("SOBOLEV_RF_EXE");
  REQUIRE_MESSAGE(exe != nullptr, "SOBOLEV_RF_EXE must name the built sobolev-rf");
  static std::atomic<int> counter{0};
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const std::string tmp = std::filesystem::temp_directory_path().string();
  const std::string out = tmp + "/srf_cli_" + tag + ".out", err = tmp + "/srf_cli_" + tag + ".err";
  const std::string cmd =
      env + (env.empty() ? "" : " ") + std::string("\"") + exe + "\" " + args + " >" + out + " 2>" + err;
  const int raw = std::system(cmd.c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

inline int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace srf_test
