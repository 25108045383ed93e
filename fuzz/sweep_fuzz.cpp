// Fuzzes studies::parse_sweep_spec ("name=lo:hi:count[:lin|log]", studies/parameter_sweep.hpp)
// and, for short sweeps, studies::sweep_points. Rejection is std::invalid_argument. An accepted
// sweep names a sweepable parameter, has the announced number of points (one for a single
// number), finite values with the endpoints as typed, ordered from lo to hi, and every point
// sweep_points returns passes ModelParams::validate.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "fuzz_check.hpp"
#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/studies/parameter_sweep.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  srf::studies::Sweep sweep;
  try {
    sweep = srf::studies::parse_sweep_spec(text);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const auto* info = srf::model::find_model_parameter(sweep.name);
  SRF_FUZZ_CHECK(info && info->sweepable);
  // The announced count: the third ':'-separated field of the range, or 1 for a single number.
  const std::string range = text.substr(text.find('=') + 1);
  std::size_t announced = 1;
  const auto c1 = range.find(':');
  if (c1 != std::string::npos) {
    const auto c2 = range.find(':', c1 + 1);
    SRF_FUZZ_CHECK(c2 != std::string::npos);
    announced = std::stoul(range.substr(c2 + 1, range.find(':', c2 + 1) - c2 - 1));
  }
  SRF_FUZZ_CHECK(sweep.values.size() == announced);
  // Values inside [lo, hi] up to the rounding of lo + t (hi - lo) and 10^(log10 lo + ...): 8 ulps.
  const double lo = sweep.values.front(), hi = sweep.values.back();
  const double slack = 8 * std::numeric_limits<double>::epsilon() * std::fmax(std::fabs(lo), std::fabs(hi));
  for (double v : sweep.values) {
    SRF_FUZZ_CHECK(std::isfinite(v));
    SRF_FUZZ_CHECK(std::fmin(lo, hi) - slack <= v && v <= std::fmax(lo, hi) + slack);
  }
  if (sweep.values.size() > 64) return 0;
  std::vector<srf::model::ModelParams> points;
  try {
    points = srf::studies::sweep_points(srf::model::ModelParams{}, sweep);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  SRF_FUZZ_CHECK(points.size() == sweep.values.size());
  for (const auto& p : points) p.validate();  // an invalid accepted point escapes: a finding
  return 0;
}
