#pragma once
// The model flags, one per entry of the parameter table (model/parameter_table.hpp):
// --sigma, --teacher, --alpha | --p-over-n, --gamma, --lambda, --k, --beta, --delta-f,
// --delta-g, --rho, --varpi. Shared by theory, curve, simulate, validate.
#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <sobolev_rf/cli/field_flags.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/request.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::cli {

struct ModelFlags : FieldFlags<model::ModelParams> {
  // The defaults of ModelParams with the given flags applied, not validated.
  model::ModelParams base() const;
  // base(), validated. Throws model::InvalidParameter (the CLI names the flag).
  model::ModelParams resolve() const;
  // resolve(), except that when the errors are averaged over varpi ~ N(0, I_k) a missing
  // --varpi is no error: the conditional errors are then reported at varpi = 0 (the averaged
  // ones do not depend on it).
  model::ModelParams resolve(bool varpi_average) const;
};

void add_model_flags(CLI::App& cmd, ModelFlags& flags);

// The saddle-point solver's options (theory/solver_options_table.hpp), one flag each:
// --tolerance, --max-iterations, ..., --traces, --trace-size, --trace-seed.
struct SolverFlags : FieldFlags<theory::SaddlePointOptions> {
  // The defaults with the given flags applied, validated (throws model::InvalidParameter).
  theory::SaddlePointOptions resolve() const;
};
void add_solver_flags(CLI::App& cmd, SolverFlags& flags);

// A theory request (theory/request.hpp): the model flags, the solver flags and the request's own
// (--varpi-average, --sketch-scale, --d).
struct RequestFlags : FieldFlags<theory::TheoryRequest> {
  ModelFlags model;
  SolverFlags solver;
  theory::TheoryRequest resolve() const;  // validated
  // The same without the request's own validation (the variant's rules on d): for a caller that takes d
  // for itself (compare --directions). The solver options are validated.
  theory::TheoryRequest resolve_unchecked() const;
};
void add_request_flags(CLI::App& cmd, RequestFlags& flags);

// A library message that starts with a field name ("lambda = 0: ...") as the CLI says it
// ("--lambda = 0: ..."); other messages are returned unchanged.
std::string flag_message(const std::string& field, const std::string& message);

}  // namespace srf::cli
