#pragma once
// One question to the theory, and the policy that answers it: which saddle point to solve for a
// model point, a sketch scale, a finite input dimension and how the errors are reported. Every
// front end (CLI `theory`, a `curve` row, Python) asks through a TheoryRequest, so they cannot
// disagree about which solver a combination of options means.
//   - the limit (default): solve_saddle_point at the model;
//   - sketch_scale = unit at d > 0: the N(0, I) model with beta/d and d Delta_g (sketch_scale.hpp);
//   - an informed direction at d > 0 (k = 0): its finite-d version [I.6] (informed.hpp).
//   - a structured spectrum at d > 0 (no informed direction): the finite-d structured theory
//     [S.15] (structured_finite_d.hpp). Every structured answer also carries the finite-size
//     estimate of [S.15] (TheoryResult::finite_size).
#include <vector>

#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/model/sketch_scale.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::theory {

struct TheoryRequest {
  model::ModelParams model;
  SaddlePointOptions solver;
  // Report each error's law over the sketch draw varpi ~ N(0, I_k) (mean, std, quantiles, A0, A2)
  // instead of its value at model.varpi; model.varpi may then be left empty (zeros are used).
  bool varpi_average = false;
  model::SketchScale sketch_scale = model::SketchScale::kNormal;
  // A finite input dimension (> 0) for the unit sketch, an informed direction's finite-d
  // version or the finite-d structured theory; 0: the proportional limit.
  double d = 0;
  // The finite-d structured theory's average over the teacher's directions [S.15]: 0, exact where
  // the errors are affine in its weights; N > 0, the mean over N draws from teacher_seed.
  int teacher_draws = 0;
  unsigned long long teacher_seed = 1;
  // Also d(error)/d(lambda) and d(error)/d(beta) at the solution (sensitivities.hpp).
  bool sensitivities = false;
  // Structured inputs: attach the finite-size estimate of [S.15] (TheoryResult::finite_size; it solves
  // the other side, the finite-d theory at d = 1000 or the limit). Not a field of the table: a search
  // (studies/optimize.cpp) turns it off for its trial points and attaches it to its answer.
  bool finite_size_estimate = true;
  // Throws model::InvalidParameter naming the field (of the model or of this struct).
  void validate() const;
};

// The request's model as solved: varpi filled with zeros when the errors are averaged over it and
// none was given.
model::ModelParams requested_model(const TheoryRequest& request);

// Which equations answered a request.
enum class TheoryVariant { kLimit, kUnitSketch, kInformedFiniteD, kStructuredFiniteD };
inline constexpr model::EnumName<TheoryVariant> kTheoryVariantNames[] = {{"limit", TheoryVariant::kLimit},
                                                                         {"unit-sketch", TheoryVariant::kUnitSketch},
                                                                         {"finite-d", TheoryVariant::kInformedFiniteD},
                                                                         {"finite-d", TheoryVariant::kStructuredFiniteD}};
inline const char* to_string(TheoryVariant v) { return model::enum_to_string(kTheoryVariantNames, v); }

struct TheoryAnswer {
  TheoryVariant variant = TheoryVariant::kLimit;
  model::ModelParams model;   // the request's model (varpi filled with zeros when averaging without one)
  model::ModelParams solved;  // the model whose saddle point was solved (the equivalent one of a variant)
  SaddlePointSolution solution;  // the result in the request's terms (errors of the variant)
};

// Validates and answers `request`; `warm` is the state of a neighbouring point (a curve). Never
// throws for non-convergence (the summary says so).
TheoryAnswer solve(const TheoryRequest& request, const SaddlePointState& warm = {});

// Sets answer.solution.result.finite_size for a structured model (docs/theory/structured.md [S.15]).
void attach_finite_size_estimate(const TheoryRequest& request, TheoryAnswer& answer);

// The request's own fields (varpi_average, sketch_scale, d, teacher_draws, teacher_seed, sensitivities) as a field table: CLI flags, Python
// keywords and JSON keys.
const std::vector<model::Field<TheoryRequest>>& theory_request_table();

}  // namespace srf::theory
