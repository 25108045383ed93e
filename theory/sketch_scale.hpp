#pragma once
// The "wrong scaling" sketch V ~ N(0, I/d) (unit-norm columns) at finite input dimension d is
// exactly the model with V ~ N(0, I) and a rescaled loss: dividing V by sqrt(d) divides the
// sketched labels and the student's sketched gradient by sqrt(d), so
//   beta |g/sqrt(d) - V^T grad f/sqrt(d)|^2 = (beta/d) |g - V^T grad f|^2,
// with the gradient-label noise Delta_g of the unit-scale labels becoming d Delta_g on the
// N(0, I) scale (varpi stays the N(0, I)-scale alignment, as the simulator takes it). The
// sketched-gradient errors (train_g, gen_g) are measured with the unit-scale V: 1/d times the
// N(0, I)-scale ones, and gen_h1 = gen_f + gen_g accordingly.
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::theory {

// The N(0, I)-sketch model equivalent to `p` with a unit-scale sketch at input dimension d > 0:
// beta/d and d Delta_g. Throws InvalidParameter("d", ...) for d not finite and > 0.
model::ModelParams unit_sketch_equivalent(const model::ModelParams& p, double d);

// The errors of the equivalent model as the unit-scale sketch measures them (train_g, gen_g / d).
model::Errors unit_sketch_errors(const model::Errors& equivalent, double d);

// The same for a whole result (errors and the varpi law A0, A2, which scale alike).
TheoryResult unit_sketch_result(TheoryResult equivalent, double d);

}  // namespace srf::theory
