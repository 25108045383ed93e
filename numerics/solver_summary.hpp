#pragma once
// What every iterative solver in numerics/ returns: how it stopped, why, and its history.
// Solvers never print and never exit; the front end turns a Summary into a report.
#include <string>
#include <vector>

namespace srf::numerics {

enum class TerminationType {
  kConverged,          // the stopping rule held
  kMaxIterations,      // ran out of iterations before the stopping rule held
  kNonFinite,          // the map or residual produced NaN/Inf
  kNoAdmissibleStep,   // every damped/backtracked step left the admissible set
  kStalled,            // steps stopped reducing the residual
};

inline const char* to_string(TerminationType t) {
  switch (t) {
    case TerminationType::kConverged: return "converged";
    case TerminationType::kMaxIterations: return "max_iterations";
    case TerminationType::kNonFinite: return "non_finite";
    case TerminationType::kNoAdmissibleStep: return "no_admissible_step";
    case TerminationType::kStalled: return "stalled";
  }
  return "unknown";
}

struct SolverSummary {
  TerminationType termination = TerminationType::kMaxIterations;
  std::string message;
  int iterations = 0;
  double residual = 0.0;                  // final residual, in the solver's stopping norm
  std::vector<double> residual_history;   // one entry per iteration
  bool converged() const { return termination == TerminationType::kConverged; }
};

}  // namespace srf::numerics
