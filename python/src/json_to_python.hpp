#pragma once
// A report of the library (nlohmann::json, built by report/: the same object the CLI prints) as
// Python objects in memory: dicts, lists, numbers, strings. No JSON text is involved.
#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

namespace srf::python {

// JSON writes a non-finite number as null; with `nan_for_null` every null becomes NaN, except
// the values of the keys "varpi" (a drawn sketch has none) and "test_samples" (exact errors use
// no test set), which stay None.
pybind11::object json_to_python(const nlohmann::json& j, bool nan_for_null = true);

}  // namespace srf::python
