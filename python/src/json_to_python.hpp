#pragma once
// nlohmann::json -> Python objects (dict, list, str, int, float, bool, None), recursively.
#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

namespace srf::python {

pybind11::object json_to_python(const nlohmann::json& j);

}  // namespace srf::python
