#include <sobolev_rf/theory/solver_options_table.hpp>

namespace srf::theory {

const std::vector<model::Field<SaddlePointOptions>>& solver_options_table() {
  using O = SaddlePointOptions;
  using model::choice;
  using model::integer;
  using model::real;
  static const std::vector<model::Field<O>> table = {
      real("tolerance", &O::tolerance, "stop when max |log V - log T(V)| <= tolerance"),
      integer("max_iterations", &O::max_iterations, "Newton iterations per lambda-continuation stage"),
      integer("max_continuation_stages", &O::max_continuation_stages,
              "lambda-continuation stages (from max(lambda, 1) down by continuation_factor) if a direct solve fails"),
      real("continuation_factor", &O::continuation_factor, "lambda continuation: the factor between stages"),
      integer("radial_nodes_per_panel", &O::radial_nodes_per_panel,
              "Gauss-Legendre nodes per panel of the radial zeta quadrature"),
      real("inner_tolerance", &O::inner_tolerance, "inner Newton: stop when max |log Delta - log F(Delta)| <= this"),
      real("inner_stall_tolerance", &O::inner_stall_tolerance,
           "inner Newton: or when no step reduces the residual and it is <= this"),
      integer("inner_max_iterations", &O::inner_max_iterations, "inner Newton iterations"),
      choice("traces", &O::traces, kTraceMethodNames,
             "core traces: deterministic (the limit) | sampled (one sampled matrix of trace_size, a check)"),
      integer("trace_size", &O::trace_size, "P of the sampled trace matrix"),
      integer("trace_seed", &O::trace_seed, "seed of the sampled trace matrix"),
  };
  return table;
}

}  // namespace srf::theory
