#pragma once
// A curve: the saddle point at a sequence of model points, each warm-started from the last
// converged neighbour (a sweep moves the solution a little from point to point).
#include <cstddef>
#include <functional>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::studies {

// Called after each point, in order, with its index, its parameters and its solution.
using CurvePointCallback = std::function<void(std::size_t, const model::ModelParams&, const theory::SaddlePointSolution&)>;

// Solves every point (validated by the solver) and returns the number that did not converge.
// A point that does not converge keeps its NaN errors and does not become a warm start.
int solve_curve(const std::vector<model::ModelParams>& points, const theory::SaddlePointOptions& options,
                const CurvePointCallback& on_point);

}  // namespace srf::studies
