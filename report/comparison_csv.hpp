#pragma once
// The tidy CSV of a validation run: one row per (point, compared quantity), written and flushed
// as each point finishes.
#include <ostream>

#include <sobolev_rf/studies/theory_vs_simulation.hpp>

namespace srf::report {

class ComparisonCsvWriter {
 public:
  explicit ComparisonCsvWriter(std::ostream& out);  // writes the header at once
  // The rows of point number `point` (1-based).
  void write_point(int point, const studies::PointValidation& v);

 private:
  std::ostream& out_;
};

}  // namespace srf::report
