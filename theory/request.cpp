#include <sobolev_rf/theory/request.hpp>

#include <string>
#include <utility>

#include <sobolev_rf/theory/detail/saddle_point_system.hpp>
#include <sobolev_rf/theory/detail/system_factory.hpp>
#include <sobolev_rf/theory/structured_finite_d.hpp>

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
  // Every structured answer: the regime index and the distance of the limit from the finite-d theory [S.15].
  if (request.finite_size_estimate) attach_finite_size_estimate(request, a);
  if (request.sensitivities) a.solution.result.sensitivities = choice.system->sensitivities(a.solution);
  return a;
}

void attach_finite_size_estimate(const TheoryRequest& request, TheoryAnswer& a) {
  if (!a.model.structured()) return;
  a.solution.result.finite_size =
      estimate_finite_size(a.solved, request.solver, request.varpi_average, a.solution,
                           a.variant == TheoryVariant::kStructuredFiniteD ? request.d : 0.0);
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
                  "input dimension for sketch_scale = unit, an informed direction's finite-d version (k = 0), or the "
                  "finite-d theory of a structured spectrum; 0: the limit"),
      model::integer("teacher_draws", &R::teacher_draws,
                     "finite-d structured theory: 0, the exact average over the teacher's directions (draws only where "
                     "none exists); N, the mean over N seeded teacher draws with standard errors"),
      model::integer("teacher_seed", &R::teacher_seed, "the seed of the teacher draws (teacher_draws)"),
      model::boolean("sensitivities", &R::sensitivities,
                     "also d(error)/d(lambda) and d(error)/d(beta), by the implicit function theorem at the solution"),
  };
  return table;
}

}  // namespace srf::theory
