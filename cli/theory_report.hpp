#pragma once
// Turns a TheoryResult into a human table (JSON: report/theory_json.hpp).
#include <string>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::cli {

std::string theory_table(const model::ModelParams& p, const theory::TheoryResult& r, bool varpi_average,
                         bool full);

}  // namespace srf::cli
