#include "json_to_python.hpp"

#include <cmath>
#include <string>

namespace srf::python {

namespace py = pybind11;

namespace {

py::object convert(const nlohmann::json& j, bool nan_for_null) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return nan_for_null ? py::object(py::float_(NAN)) : py::object(py::none());
    case nlohmann::json::value_t::boolean: return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: return py::float_(j.get<double>());
    case nlohmann::json::value_t::string: return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list list(j.size());
      for (std::size_t i = 0; i < j.size(); ++i) list[i] = convert(j[i], nan_for_null);
      return list;
    }
    case nlohmann::json::value_t::object: {
      py::dict dict;
      for (auto it = j.begin(); it != j.end(); ++it) {
        const bool keep_none = it.key() == "varpi" || it.key() == "test_samples";
        dict[py::str(it.key())] = convert(it.value(), nan_for_null && !keep_none);
      }
      return dict;
    }
    default: return py::none();  // binary and discarded values do not occur in reports
  }
}

}  // namespace

py::object json_to_python(const nlohmann::json& j, bool nan_for_null) { return convert(j, nan_for_null); }

}  // namespace srf::python
