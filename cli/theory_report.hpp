#pragma once
// Turns a TheoryResult into JSON or a human table (the solver itself never prints).
#include <nlohmann/json.hpp>

#include <string>

#include "theory/model_params.hpp"
#include "theory/theory_result.hpp"

namespace srf::cli {

nlohmann::json theory_params_json(const theory::ModelParams& p);
// Errors, convergence fields (converged, termination, message, iterations, residual) and order
// parameters. With varpi_average each error is {"mean","std","q05","q50","q95","A0","A2"}.
nlohmann::json theory_json(const theory::ModelParams& p, const theory::TheoryResult& r, bool varpi_average);
std::string theory_table(const theory::ModelParams& p, const theory::TheoryResult& r, bool varpi_average,
                         bool full);

// Law of A0 + A2 X, X ~ chi^2_k: mean, std and quantiles.
struct VarpiStatistics {
  double mean, std, q05, q50, q95;
};
VarpiStatistics varpi_statistics(double A0, double A2, int k);

}  // namespace srf::cli
