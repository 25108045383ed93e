#pragma once
// The tidy CSV of theory points: one row per point, one column per parameter and quantity,
// written and flushed row by row (a long sweep loses nothing computed).
#include <ostream>
#include <string>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::report {

class CurveCsvWriter {
 public:
  // Writes the header at once: the parameters, `extra_columns` (e.g. lambda_opt), every error
  // (with varpi_average also _mean _std _q05 _q50 _q95 _A0 _A2), converged, termination,
  // iterations, residual.
  // write_header = false: appending to a file that has it (a resumed run).
  CurveCsvWriter(std::ostream& out, bool varpi_average, std::vector<std::string> extra_columns = {},
                 bool write_header = true);
  // Writes and flushes one row; a non-converged point has converged = 0 and empty error cells.
  // `extra` holds the values of the extra columns (NaN: empty).
  void write_row(const model::ModelParams& p, const theory::TheoryResult& r, const std::vector<double>& extra = {});
  // The header line (with its newline).
  static std::string header_line(bool varpi_average, const std::vector<std::string>& extra_columns = {});
  // The header's column names.
  static std::vector<std::string> columns(bool varpi_average, const std::vector<std::string>& extra_columns = {});

 private:
  std::ostream& out_;
  bool varpi_average_;
  std::size_t extra_;
};

// The part of a curve CSV that a resumed run keeps: the header (which must equal `header`) and
// the first whole groups of `group` complete lines (a grid row: one line per inner value).
// A kill may cut the file anywhere; what follows the kept part is written again.
struct CsvResumePoint {
  bool same_header = false;  // the text starts with `header`, or is cut inside it
  std::size_t bytes = 0;     // the length to keep (0: not even the whole header)
  std::size_t groups = 0;    // whole groups kept
};
CsvResumePoint csv_resume_point(const std::string& text, const std::string& header, std::size_t group);

}  // namespace srf::report
