#pragma once
// A CSV file of model points (for validation runs and batch jobs). The first line that is
// neither empty nor a '#' comment is the header (a commented header "# sigma,teacher,..." counts
// when it comes first); its columns are parameter names of model/parameter_table.hpp
// (varpi's k components separated by ';' or blanks). Every further line is a point; a column
// absent or left empty takes the base point's value.
//     # sigma,teacher,p_over_n,lambda,k,varpi
//     tanh,tanh,2,1e-3,0,
//     relu,erf,1.5,1e-2,2,0.7;-0.3
#include <istream>
#include <string>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>

namespace srf::studies {

// Reads the points of `in` on top of `base` (not validated itself: a row may set k and varpi).
// Every point is validated. Throws std::invalid_argument "NAME, line L: ..." naming the column
// and the rule; `name` names the source in messages.
std::vector<model::ModelParams> read_points(std::istream& in, const model::ModelParams& base, const std::string& name);
// The same from a file; throws std::invalid_argument if it cannot be opened.
std::vector<model::ModelParams> read_points_file(const std::string& path, const model::ModelParams& base);

}  // namespace srf::studies
