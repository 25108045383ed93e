#pragma once
// d(error)/d(lambda) and d(error)/d(beta) at a converged saddle point, by the implicit function
// theorem (docs/theory/derivation.md [D.15]). The level-1 unknowns z = (log V, log Delta) solve
// F(z; theta) = 0 (the outer equation [D.2.3] and the inner fixed point [D.3] together), so at
// the solution dz/dtheta = -(dF/dz)^{-1} dF/dtheta, and every error E(z; theta) of level 2 has
//   dE/dtheta = dE/dtheta|_z + dE/dz dz/dtheta.
// Nothing is re-solved: F and E are explicit at given z (no fixed point inside), and their
// partial derivatives are central differences of those explicit maps (fourth order, steps
// 1e-4 and 2e-4 in log variables), accurate to about 1e-9 relative whatever the conditioning of
// the fixed point, which enters only through the linear solve with dF/dz.
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::theory {

// The sensitivities of `solution` (converged, deterministic traces) of the model `params`.
// Not available (computed = false, with a message): lambda = 0 (the ridgeless limit), sampled
// traces; at beta = 0 with k > 0 d/d(beta) is NaN (the limit is discontinuous there, [D.11]).
Sensitivities sensitivities(const model::ModelParams& params, const SaddlePointOptions& options,
                            const SaddlePointSolution& solution);

}  // namespace srf::theory
