#include <sobolev_rf/theory/request.hpp>

#include <utility>

#include <sobolev_rf/theory/detail/saddle_point_system.hpp>
#include <sobolev_rf/theory/detail/system_factory.hpp>

namespace srf::theory {

model::ModelParams requested_model(const TheoryRequest& r) {
  model::ModelParams p = r.model;
  if (r.varpi_average && p.varpi.empty() && p.k > 0) p.varpi.assign(static_cast<std::size_t>(p.k), 0.0);
  return p;
}

void TheoryRequest::validate() const {
  requested_model(*this).validate();
  solver.validate();
  validate_theory_model(model, solver);
  validate_variant(*this);
}

TheoryAnswer solve(const TheoryRequest& request, const SaddlePointState& warm) {
  request.validate();
  SystemChoice choice = make_request_system(request);
  TheoryAnswer a;
  a.variant = choice.variant;
  a.model = requested_model(request);
  a.solved = std::move(choice.solved);
  a.solution = solve_system(*choice.system, a.solved.lambda, request.solver, warm);
  if (request.sensitivities) a.solution.result.sensitivities = choice.system->sensitivities(a.solution);
  return a;
}

const std::vector<model::Field<TheoryRequest>>& theory_request_table() {
  using R = TheoryRequest;
  static const std::vector<model::Field<R>> table = {
      model::boolean("varpi_average", &R::varpi_average,
                     "report each error's law over varpi ~ N(0, I_k): mean, std, quantiles, A0, A2 (no varpi needed)"),
      model::choice("sketch_scale", &R::sketch_scale,
                    model::kSketchScaleNames,
                    "normal: V ~ N(0, I); unit: V ~ N(0, I/d) at a finite d (solved as beta/d, d Delta_g)"),
      model::real("d", &R::d,
                  "input dimension for sketch_scale = unit, or for an informed direction's finite-d version (k = 0); "
                  "0: the limit"),
      model::boolean("sensitivities", &R::sensitivities,
                     "also d(error)/d(lambda) and d(error)/d(beta), by the implicit function theorem at the solution"),
  };
  return table;
}

}  // namespace srf::theory
