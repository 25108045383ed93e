// Fuzzes studies::read_points (CSV files of model points). Rejection is std::invalid_argument;
// an accepted file has at least one point and every point passes ModelParams::validate, as
// points_file.hpp promises.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include "fuzz_check.hpp"
#include <sobolev_rf/studies/points_file.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<srf::model::ModelParams> points;
  try {
    points = srf::studies::read_points(in, srf::model::ModelParams{}, "fuzz.csv");
  } catch (const std::invalid_argument&) {
    return 0;
  }
  SRF_FUZZ_CHECK(!points.empty());
  for (const auto& p : points) p.validate();  // an invalid accepted point escapes: a finding
  return 0;
}
