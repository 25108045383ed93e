#pragma once
// Keyword arguments of the Python functions, read by the CLI's own flag sets (cli/model_flags,
// cli/simulation_flags): the Python layer turns `lam=1e-3, p_over_n=2` into the words
// "--lambda 1e-3 --p-over-n 2", and they are parsed, defaulted and validated exactly as on the
// command line, with the command line's messages. No second list of parameters or options.
#include <string>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::python {

// Which flag sets a function accepts (the model flags always).
struct FlagSets {
  bool solver = false;      // --tolerance, --max-iterations, ... (theory, curve)
  bool simulation = false;  // --p, --seeds, --seed, --threads, ... (simulate, validate)
  bool varpi_average = false;  // errors averaged over varpi: a missing --varpi is no error
};

struct Arguments {
  model::ModelParams model;               // validated
  theory::SaddlePointOptions solver;       // validated (defaults unless FlagSets::solver)
  simulation::SimulationOptions simulation;  // validated (defaults unless FlagSets::simulation)
  // The simulation words as given (e.g. varpi drawn, sketch scale), for checks a command adds.
  bool varpi_drawn = false;
  std::string sketch_scale = "normal";
};

// Parses `words` (flags and values in command-line order). Throws CLI::ParseError for an
// unknown flag or a malformed value, model::InvalidParameter or std::invalid_argument for a
// bad value (the caller maps them to ValueError with the CLI's one-line message).
// `validate_model` = false leaves the model unvalidated (a sweep sets the swept value first).
Arguments parse_arguments(const std::vector<std::string>& words, const FlagSets& sets, bool validate_model = true);

}  // namespace srf::python
