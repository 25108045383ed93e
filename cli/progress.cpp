#include <sobolev_rf/cli/progress.hpp>

#include <unistd.h>

#include <cstdio>

namespace srf::cli {

Progress::Progress(std::string label, int total)
    : label_(std::move(label)), total_(total), enabled_(isatty(fileno(stderr)) == 1),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (shown_) std::fprintf(stderr, "\n");
}

void Progress::update(int done) {
  if (!enabled_ || total_ <= 0) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = done > 0 ? elapsed * (total_ - done) / done : 0.0;
  std::fprintf(stderr, "\r%s: %d/%d done, %.0f s elapsed, ETA %.0f s   ", label_.c_str(), done, total_, elapsed, eta);
  std::fflush(stderr);
  shown_ = true;
}

}  // namespace srf::cli
