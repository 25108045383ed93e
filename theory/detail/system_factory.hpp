#pragma once
// The one place that decides which saddle point answers a question: the model family (fixed k with
// every output in the loss, fixed k at beta = 0, extensive sketches), its traces (isotropic,
// structured, sampled: OuterEquation) and the request's variant (the limit, the unit-scale sketch at
// a finite d, an informed direction's finite-d version). A new family is one SaddlePointSystem and
// one case here. Internal to theory/ (theory::solve and solve_saddle_point call it).
#include <memory>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/detail/saddle_point_system.hpp>
#include <sobolev_rf/theory/request.hpp>

namespace srf::theory {

// The family that solves validated `params` in the proportional limit.
std::unique_ptr<SaddlePointSystem> make_model_system(const model::ModelParams& params, const SaddlePointOptions& options);

// Which variant a request asks for (sketch_scale, d, the model).
TheoryVariant variant_of(const TheoryRequest& request);

// The variant's rules on the request beyond the model's and the solver's own validation: d > 0
// where a variant needs it, 0 where none takes it, the combinations a variant is derived for.
// Throws model::InvalidParameter naming the field.
void validate_variant(const TheoryRequest& request);

struct SystemChoice {
  TheoryVariant variant = TheoryVariant::kLimit;
  model::ModelParams solved;  // the model whose saddle point is solved (the variant's equivalent)
  std::unique_ptr<SaddlePointSystem> system;  // answers in the request's terms
};

// The system for a validated request.
SystemChoice make_request_system(const TheoryRequest& request);

}  // namespace srf::theory
