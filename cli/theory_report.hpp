#pragma once
// Turns a TheoryResult into a human table (JSON: report/theory_json.hpp).
#include <string>

#include "theory/model_params.hpp"
#include "theory/theory_result.hpp"

namespace srf::cli {

std::string theory_table(const theory::ModelParams& p, const theory::TheoryResult& r, bool varpi_average,
                         bool full);

}  // namespace srf::cli
