// Fuzzes the numeric flag values: model::set_model_parameter_text (a value as typed on the
// command line, in a spec or a points file) followed by ModelParams::validate. The first byte
// picks the parameter of model::model_parameters(), the second k (0..8, set first, as a flag
// --k would be), the rest is the value. Rejection is model::InvalidParameter; its field names
// a registered parameter and its message starts with that name (model_params.hpp).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz_check.hpp"
#include <sobolev_rf/model/parameter_table.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto& parameters = srf::model::model_parameters();
  const std::string name(parameters[data[0] % parameters.size()].name);
  const std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);
  srf::model::ModelParams p;
  p.k = data[1] % 9;
  p.varpi.assign(static_cast<std::size_t>(p.k), 0.5);
  p.rho = 0.0;
  try {
    srf::model::set_model_parameter_text(p, name, text);
    p.validate();
  } catch (const srf::model::InvalidParameter& e) {
    SRF_FUZZ_CHECK(srf::model::find_model_parameter(e.field()) != nullptr);
    SRF_FUZZ_CHECK(std::string(e.what()).rfind(e.field(), 0) == 0);
    return 0;
  }
  // Accepted: the value read back is the one typed (numbers in full, no trailing characters).
  if (name == "lambda") SRF_FUZZ_CHECK(p.lambda == std::stod(text));
  if (name == "alpha") SRF_FUZZ_CHECK(p.alpha == std::stod(text));
  if (name == "p_over_n") SRF_FUZZ_CHECK(p.alpha == 1.0 / std::stod(text));
  if (name == "k") SRF_FUZZ_CHECK(p.k == std::stoi(text));
  if (name == "sigma") SRF_FUZZ_CHECK(p.sigma == text);
  return 0;
}
