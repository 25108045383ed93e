// Fuzzes model::parse_real_list (varpi lists: "0.7,-0.3" on the command line, "0.7;-0.3" or
// "0.7 -0.3" in points files). The first byte picks the separator set, the rest is the list.
// Rejection is model::InvalidParameter naming the field. An accepted list has at most one
// number per separated item.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz_check.hpp"
#include <sobolev_rf/model/parameter_table.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool blanks_and_semicolons = data[0] & 1;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<double> values;
  try {
    values = srf::model::parse_real_list(text, "varpi", blanks_and_semicolons);
  } catch (const srf::model::InvalidParameter& e) {
    SRF_FUZZ_CHECK(e.field() == "varpi");
    SRF_FUZZ_CHECK(std::string(e.what()).rfind("varpi", 0) == 0);
    return 0;
  }
  std::size_t separators = std::count(text.begin(), text.end(), ',');
  if (blanks_and_semicolons)
    separators += std::count(text.begin(), text.end(), ';') + std::count(text.begin(), text.end(), ' ') +
                  std::count(text.begin(), text.end(), '\t');
  SRF_FUZZ_CHECK(values.size() <= separators + 1);
  SRF_FUZZ_CHECK(!text.empty() || values.empty());
  return 0;
}
