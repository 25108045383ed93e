#include "keywords.hpp"

#include <algorithm>

namespace srf::python {

std::string python_name(std::string_view field) {
  if (field == "lambda") return "lam";
  return std::string(field);
}

std::string library_name(std::string_view keyword) {
  if (keyword == "lam") return "lambda";
  return std::string(keyword);
}

const Numpy& Numpy::get() {
  static const Numpy* np = [] {
    auto* n = new Numpy;  // never freed: Python objects must not be released after the interpreter ends
    py::module_ m = py::module_::import("numpy");
    n->ndarray = m.attr("ndarray");
    n->integer = m.attr("integer");
    n->floating = m.attr("floating");
    n->bool_ = m.attr("bool_");
    n->asarray = m.attr("asarray");
    n->broadcast_shapes = m.attr("broadcast_shapes");
    n->broadcast_to = m.attr("broadcast_to");
    n->ascontiguousarray = m.attr("ascontiguousarray");
    return n;
  }();
  return *np;
}

PyKind classify(py::handle v) {
  PyObject* o = v.ptr();
  if (o == Py_None) return PyKind::kNone;
  if (PyBool_Check(o)) return PyKind::kBool;
  if (PyLong_Check(o)) return PyKind::kInt;
  if (PyFloat_Check(o)) return PyKind::kReal;
  if (PyUnicode_Check(o)) return PyKind::kText;
  if (PyList_Check(o) || PyTuple_Check(o)) return PyKind::kArray;
  const Numpy& np = Numpy::get();
  if (PyObject_IsInstance(o, np.bool_.ptr()) == 1) return PyKind::kBool;
  if (PyObject_IsInstance(o, np.integer.ptr()) == 1) return PyKind::kInt;
  if (PyObject_IsInstance(o, np.floating.ptr()) == 1) return PyKind::kReal;
  if (PyObject_IsInstance(o, np.ndarray.ptr()) == 1 || PyObject_HasAttrString(o, "__array__")) return PyKind::kArray;
  PyErr_Clear();
  return PyKind::kOther;
}

const char* kind_name(PyKind k) {
  switch (k) {
    case PyKind::kNone: return "None";
    case PyKind::kBool: return "bool";
    case PyKind::kInt: return "int";
    case PyKind::kReal: return "float";
    case PyKind::kText: return "str";
    case PyKind::kArray: return "array";
    case PyKind::kOther: return "object";
  }
  return "?";
}

const char* type_label(model::FieldType t) {
  switch (t) {
    case model::FieldType::kText: return "str";
    case model::FieldType::kChoice: return "str";
    case model::FieldType::kBool: return "bool";
    case model::FieldType::kInteger: return "int";
    case model::FieldType::kReal: return "float";
    case model::FieldType::kRealList: return "list[float]";
  }
  return "?";
}

void raise_type_error(const std::string& message) { throw py::type_error(message); }
void raise_value_error(const std::string& message) { throw py::value_error(message); }

std::string python_repr(py::handle v) {
  std::string r = py::cast<std::string>(py::repr(v));
  if (r.size() > 60) r = r.substr(0, 57) + "...";
  return r;
}

std::string shape_text(const std::vector<py::ssize_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) s += ",";
  return s + ")";
}

std::string Parsed::where(std::size_t point) const {
  if (!vector) return "";
  std::vector<py::ssize_t> index(shape.size());
  std::size_t rest = point;
  for (std::size_t d = shape.size(); d-- > 0;) {
    const auto n = static_cast<std::size_t>(shape[d]);
    index[d] = static_cast<py::ssize_t>(n ? rest % n : 0);
    rest = n ? rest / n : 0;
  }
  std::string s = shape_text(index);
  if (index.size() == 1) s = "(" + std::to_string(index[0]) + ")";
  return " (at index " + s + " of the broadcast shape " + shape_text(shape) + ")";
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string suggestion(const std::string& keyword, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_d = 3;  // at most two edits away
  for (const auto& k : known) {
    const std::size_t d = edit_distance(keyword, k);
    // Ties go to the name with the longer common prefix (lamda: lam, not gamma).
    auto prefix = [&](const std::string& x) {
      std::size_t i = 0;
      while (i < x.size() && i < keyword.size() && x[i] == keyword[i]) ++i;
      return i;
    };
    if (d < best_d || (d == best_d && !best.empty() && prefix(k) > prefix(best))) best_d = d, best = k;
  }
  if (keyword == "lambda") best = "lam";
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

}  // namespace srf::python
