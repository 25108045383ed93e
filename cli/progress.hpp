#pragma once
// A one-line progress report on stderr ("label: 3/10 done, ETA 42 s"), shown only when stderr
// is a terminal, so that pipes and log files stay clean.
#include <chrono>
#include <string>

namespace srf::cli {

class Progress {
 public:
  Progress(std::string label, int total);
  ~Progress();  // ends the line if anything was shown
  void update(int done);
  void update(int done, int total) {  // the total may become known late
    total_ = total;
    update(done);
  }
  bool enabled() const { return enabled_; }

 private:
  std::string label_;
  int total_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace srf::cli
