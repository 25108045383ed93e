#pragma once
// A curve: the theory at a sequence of model points, each warm-started from the last converged
// neighbour (a sweep moves the solution a little from point to point).
#include <cstddef>
#include <functional>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/request.hpp>

namespace srf::studies {

// Called after each point, in order, with its index, its parameters and its solution.
using CurvePointCallback = std::function<void(std::size_t, const model::ModelParams&, const theory::TheoryAnswer&)>;

// Answers `request` at every point (request.model replaced by the point; validated by
// theory::solve) and returns the number that did not converge. A point that does not converge
// keeps its NaN errors and does not become a warm start.
int solve_curve(const std::vector<model::ModelParams>& points, const theory::TheoryRequest& request,
                const CurvePointCallback& on_point);

}  // namespace srf::studies
