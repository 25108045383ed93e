#pragma once
// The tidy CSV of theory points: one row per point, one column per parameter and quantity.
#include <ostream>

#include "theory/model_params.hpp"
#include "theory/theory_result.hpp"

namespace srf::cli {

class CurveCsvWriter {
 public:
  // Writes the header at once.
  CurveCsvWriter(std::ostream& out, bool varpi_average);
  // Writes and flushes one row; a non-converged point has converged = 0 and empty error cells.
  void write_row(const theory::ModelParams& p, const theory::TheoryResult& r);

 private:
  std::ostream& out_;
  bool varpi_average_;
};

}  // namespace srf::cli
