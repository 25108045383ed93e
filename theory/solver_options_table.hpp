#pragma once
// The saddle-point solver's options (SaddlePointOptions, saddle_point.hpp) as a field table
// (model/field_table.hpp): CLI flags, Python keywords and the "solver" object of every JSON report
// are loops over it.
#include <vector>

#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

namespace srf::theory {

const std::vector<model::Field<SaddlePointOptions>>& solver_options_table();

}  // namespace srf::theory
