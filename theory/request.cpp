#include <sobolev_rf/theory/request.hpp>

#include <sstream>

#include <sobolev_rf/theory/informed.hpp>
#include <sobolev_rf/theory/sensitivities.hpp>
#include <sobolev_rf/theory/sketch_scale.hpp>
#include <sobolev_rf/theory/structured_finite_d.hpp>

namespace srf::theory {

model::ModelParams requested_model(const TheoryRequest& r) {
  model::ModelParams p = r.model;
  if (r.varpi_average && p.varpi.empty() && p.k > 0) p.varpi.assign(static_cast<std::size_t>(p.k), 0.0);
  return p;
}

namespace {

TheoryVariant variant_of(const TheoryRequest& r) {
  if (r.sketch_scale == model::SketchScale::kUnit) return TheoryVariant::kUnitSketch;
  if (r.model.has_informed() && r.d != 0) return TheoryVariant::kInformedFiniteD;
  if (r.model.structured() && r.d != 0) return TheoryVariant::kStructuredFiniteD;  // [S.15]
  return TheoryVariant::kLimit;
}

FiniteDOptions finite_d_options(const TheoryRequest& r) { return {r.d, r.teacher_draws, r.teacher_seed}; }

[[noreturn]] void bad_d(double d, const std::string& rule) {
  std::ostringstream os;
  os << "d = " << d << ": " << rule;
  throw model::InvalidParameter("d", os.str());
}

// The sensitivities in the request's terms: the unit sketch solves beta/d with gen_g/d (both
// linear), so d/d(beta) gains 1/d and every derivative maps like the errors.
void add_sensitivities(const TheoryRequest& request, TheoryAnswer& a) {
  Sensitivities& s = a.solution.result.sensitivities;
  switch (a.variant) {
    case TheoryVariant::kLimit: s = sensitivities(a.solved, request.solver, a.solution); break;
    case TheoryVariant::kUnitSketch: {
      s = sensitivities(a.solved, request.solver, a.solution);
      const double d = request.d;
      for (model::Errors* e : {&s.d_lambda, &s.d_lambda_law.A0, &s.d_lambda_law.A2, &s.d_beta, &s.d_beta_law.A0,
                               &s.d_beta_law.A2})
        *e = unit_sketch_errors(*e, d);
      for (model::Errors* e : {&s.d_beta, &s.d_beta_law.A0, &s.d_beta_law.A2})
        for (const auto& f : model::error_fields()) e->*(f.second) /= d;
      break;
    }
    case TheoryVariant::kInformedFiniteD:
      s = Sensitivities{};
      s.message = "sensitivities are not available for the finite-d version of an informed direction";
      break;
    case TheoryVariant::kStructuredFiniteD:
      s = structured_finite_d_sensitivities(a.solved, finite_d_options(request), request.solver, request.varpi_average,
                                            a.solution);
      break;
  }
}

}  // namespace

const char* to_string(TheoryVariant v) {
  switch (v) {
    case TheoryVariant::kLimit: return "limit";
    case TheoryVariant::kUnitSketch: return "unit-sketch";
    case TheoryVariant::kInformedFiniteD: return "finite-d";
    case TheoryVariant::kStructuredFiniteD: return "finite-d";
  }
  return "?";
}

void TheoryRequest::validate() const {
  requested_model(*this).validate();
  solver.validate();
  validate_theory_model(model, solver);
  switch (variant_of(*this)) {
    case TheoryVariant::kUnitSketch:
      if (!(d > 0)) bad_d(d, "{sketch_scale} = unit needs the input dimension d > 0");
      break;
    case TheoryVariant::kInformedFiniteD:
      if (!(d > 0)) bad_d(d, "must be > 0");
      if (model.structured())
        bad_d(d, "the finite-d version of an {informed} direction is derived for isotropic inputs only, not with {spectrum} = " +
                     model.spectrum + " (0: the limit)");
      if (varpi_average)
        throw model::InvalidParameter("varpi_average", "varpi_average: not with an {informed} direction at a finite {d}");
      break;
    case TheoryVariant::kStructuredFiniteD: finite_d_options(*this).validate(); break;
    case TheoryVariant::kLimit:
      if (d != 0)
        bad_d(d, "only with {sketch_scale} = unit, an {informed} direction (k = 0) or a structured {spectrum} (0: the "
                 "limit)");
      break;
  }
  if (teacher_draws != 0 && variant_of(*this) != TheoryVariant::kStructuredFiniteD)
    throw model::InvalidParameter("teacher_draws", "teacher_draws = " + std::to_string(teacher_draws) +
                                                       ": only for the finite-d theory of a structured {spectrum} "
                                                       "(with {d})");
}

TheoryAnswer solve(const TheoryRequest& request, const SaddlePointState& warm) {
  request.validate();
  TheoryAnswer a;
  a.variant = variant_of(request);
  a.model = requested_model(request);
  switch (a.variant) {
    case TheoryVariant::kLimit:
      a.solved = a.model;
      a.solution = solve_saddle_point(a.model, request.solver, warm);
      break;
    case TheoryVariant::kUnitSketch:
      a.solved = unit_sketch_equivalent(a.model, request.d);
      a.solution = solve_unit_sketch(a.model, request.d, request.solver, warm);
      break;
    case TheoryVariant::kInformedFiniteD: {
      a.solved = informed_finite_d_equivalent(a.model, request.d);
      a.solution = solve_saddle_point(a.solved, request.solver, warm);
      TheoryResult& r = a.solution.result;
      r.errors = informed_finite_d_errors(r.errors, request.d);
      r.varpi_law = {r.errors, model::Errors{}};  // k = 0: no law over a sketch
      break;
    }
    case TheoryVariant::kStructuredFiniteD:
      a.solved = a.model;
      a.solution = solve_structured_finite_d(a.model, finite_d_options(request), request.solver, request.varpi_average, warm);
      break;
  }
  // Every structured answer: the regime index and the distance of the limit from the finite-d theory [S.15].
  if (request.finite_size_estimate) attach_finite_size_estimate(request, a);
  if (request.sensitivities) add_sensitivities(request, a);
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
                    {{"normal", model::SketchScale::kNormal}, {"unit", model::SketchScale::kUnit}},
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
