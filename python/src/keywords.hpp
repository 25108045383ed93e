#pragma once
// Python keywords as loops over the library's field tables (model/field_table.hpp). A KeywordSet<B>
// binds every row of some tables to a keyword of a Python function whose arguments fill a bundle B
// (e.g. a theory::TheoryRequest: the model's rows, the request's own, the solver options): the
// keyword is the row's name (lam for lambda, which Python reserves), its type is checked
// (TypeError naming the keyword), its value set through the row's accessors (the library's
// model::InvalidParameter becomes ValueError naming Python keywords), its default is the
// default-constructed struct's. A new row is a new keyword with nothing written here.
//
// Array-valued numeric keywords broadcast (numpy rules): the call then covers every point of the
// broadcast shape, flattened in C order. A vector row (varpi) takes a sequence of its values, or
// an array of shape (..., k) whose leading axes broadcast.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>

namespace srf::python {

namespace py = pybind11;

// Python's spelling of a library field ("lambda" -> "lam"), and back.
std::string python_name(std::string_view field);
std::string library_name(std::string_view keyword);

// The message of a library error with every field spelt as a Python keyword.
inline std::string python_message(const model::InvalidParameter& e) { return e.message(python_name); }

// numpy's types and functions, looked up once (the module holds references).
struct Numpy {
  py::object ndarray, integer, floating, bool_, asarray, broadcast_shapes, broadcast_to, ascontiguousarray;
  static const Numpy& get();
};

// What a Python value is, for a keyword.
enum class PyKind { kNone, kBool, kInt, kReal, kText, kArray, kOther };
PyKind classify(py::handle v);
const char* kind_name(PyKind k);  // "bool", "int", ... for messages

// A keyword's value, converted once: a scalar, a vector (varpi), or a broadcast column.
struct Value {
  PyKind kind = PyKind::kNone;
  double number = 0;
  std::string text;
  std::vector<double> list;
  // Broadcast: one value (or one row of `width` values, for a vector row) per point.
  bool broadcast = false;
  py::array array;  // the values as given (np.asarray), before broadcasting
  std::vector<py::ssize_t> shape;  // the broadcast part of the array's shape
  std::size_t width = 0;           // vector rows: values per point
  py::array column;                // after broadcasting: contiguous float64 (points) or (points, width)
  const double* data = nullptr;
  std::vector<std::string> texts;  // text rows: one per point
};

// The keywords of one call, checked and converted, in the order their rows are applied.
struct Parsed {
  std::string function;  // for messages: "theory"
  struct Item {
    std::size_t entry;
    std::string keyword;
    Value value;
  };
  std::vector<Item> items;
  bool vector = false;               // some keyword broadcasts
  std::vector<py::ssize_t> shape;    // the broadcast shape (empty: a scalar call)
  std::size_t points = 1;
  std::vector<std::string> broadcast;  // the keywords that broadcast, in call order
  bool given(std::string_view keyword) const {
    for (const auto& i : items)
      if (i.keyword == keyword) return true;
    return false;
  }
  const Item* find(std::string_view keyword) const {
    for (const auto& i : items)
      if (i.keyword == keyword) return &i;
    return nullptr;
  }
  // " (at index (0, 3) of the broadcast shape (2, 4))" for messages about point `point`.
  std::string where(std::size_t point) const;
};

// What Python needs to know of a keyword (signatures, docstrings, struct properties).
struct KeywordInfo {
  std::string keyword, field, group, type, description;
  std::vector<std::string> choices;
  bool shorthand = false;  // sets other rows (p_over_n sets alpha): no default of its own
  bool column = true;
  bool sweepable = false;
};

[[noreturn]] void raise_type_error(const std::string& message);
[[noreturn]] void raise_value_error(const std::string& message);

// A Python value of a row's type (float, int, bool, str, list of floats).
template <class S>
py::object field_value(const S& s, const model::Field<S>& f) {
  switch (f.type) {
    case model::FieldType::kReal: return py::float_(f.get_number(s));
    case model::FieldType::kInteger: return py::int_(static_cast<long long>(f.get_number(s)));
    case model::FieldType::kBool: return py::bool_(f.get_number(s) != 0.0);
    case model::FieldType::kText:
    case model::FieldType::kChoice: return py::str(f.get_text(s));
    case model::FieldType::kRealList: {
      const std::vector<double> v = f.get_list(s);
      py::list l(v.size());
      for (std::size_t i = 0; i < v.size(); ++i) l[i] = py::float_(v[i]);
      return l;
    }
  }
  return py::none();
}

const char* type_label(model::FieldType t);  // "float", "int", "bool", "str", "choice", "list[float]"

template <class B>
class KeywordSet {
 public:
  struct Entry {
    KeywordInfo info;
    model::FieldType type;
    std::function<void(B&, double)> set_number;
    std::function<void(B&, const std::string&)> set_text;
    std::function<void(B&, const std::vector<double>&)> set_list;
    // A snapshot of the row's value (to tell when a later keyword overwrote it).
    std::function<double(const B&)> get_number;
    std::function<std::string(const B&)> get_text;
    std::function<std::vector<double>(const B&)> get_list;
    std::function<py::object(const B&)> value;
  };

  // Adds the rows of `table` (except `skip`), reached from the bundle by `part`.
  template <class S>
  void add(const std::vector<model::Field<S>>& table, std::function<S&(B&)> part, const std::string& group,
           const std::vector<std::string>& skip = {}) {
    std::function<const S&(const B&)> cpart = [part](const B& b) -> const S& { return part(const_cast<B&>(b)); };
    const std::vector<bool> shorthands = shorthand_rows(table);
    for (std::size_t r = 0; r < table.size(); ++r) {
      const model::Field<S>* f = &table[r];
      if (std::find(skip.begin(), skip.end(), std::string(f->name)) != skip.end()) continue;
      Entry e;
      e.info.keyword = python_name(f->name);
      e.info.field = std::string(f->name);
      e.info.group = group;
      e.info.type = type_label(f->type);
      e.info.description = std::string(f->description);
      e.info.choices = f->choices;
      e.info.shorthand = shorthands[r];
      e.info.column = f->column;
      e.info.sweepable = f->sweepable;
      e.type = f->type;
      if (f->set_number) e.set_number = [part, f](B& b, double v) { f->set_number(part(b), v); };
      if (f->set_text) e.set_text = [part, f](B& b, const std::string& v) { f->set_text(part(b), v); };
      if (f->set_list) e.set_list = [part, f](B& b, const std::vector<double>& v) { f->set_list(part(b), v); };
      if (f->get_number) e.get_number = [cpart, f](const B& b) { return f->get_number(cpart(b)); };
      if (f->get_text) e.get_text = [cpart, f](const B& b) { return f->get_text(cpart(b)); };
      if (f->get_list) e.get_list = [cpart, f](const B& b) { return f->get_list(cpart(b)); };
      e.value = [cpart, f](const B& b) { return field_value(cpart(b), *f); };
      if (index_.count(e.info.keyword))
        throw std::logic_error("sobolev_rf: keyword " + e.info.keyword + " comes from two tables");
      index_[e.info.keyword] = entries_.size();
      entries_.push_back(std::move(e));
    }
  }

  const std::vector<Entry>& entries() const { return entries_; }
  const Entry* find(std::string_view keyword) const {
    auto it = index_.find(std::string(keyword));
    return it == index_.end() ? nullptr : &entries_[it->second];
  }
  std::vector<KeywordInfo> infos() const {
    std::vector<KeywordInfo> out;
    for (const auto& e : entries_) out.push_back(e.info);
    return out;
  }

  // Every keyword for Python's signatures and docs: keyword, field, group, type, description,
  // choices, shorthand, default (the default-constructed bundle's value; None for a shorthand or an
  // empty list).
  py::list describe(const B& defaults) const {
    py::list out;
    for (const auto& e : entries_) {
      py::dict d;
      d["keyword"] = e.info.keyword;
      d["field"] = e.info.field;
      d["group"] = e.info.group;
      d["type"] = e.info.type;
      d["description"] = e.info.description;
      d["choices"] = py::cast(e.info.choices);
      d["shorthand"] = e.info.shorthand;
      d["sweepable"] = e.info.sweepable;
      py::object v = e.info.shorthand ? py::none() : e.value(defaults);
      if (!v.is_none() && e.type == model::FieldType::kRealList && py::len(v) == 0) v = py::none();
      d["default"] = v;
      out.append(d);
    }
    return out;
  }

  // Checks and converts `kwargs` (None: not given). Unknown keyword or wrong type: TypeError.
  // `broadcast`: arrays of numbers broadcast; otherwise they are a TypeError.
  Parsed parse(py::handle kwargs, const std::string& function, bool broadcast = true) const;

  // Applies the parsed keywords (point `point` of broadcast ones) to `b`, in table order. A keyword
  // that a later one overwrote (alpha = 0.5 with p_over_n = 3) is a ValueError naming both, unless
  // they agree (to rounding). Throws model::InvalidParameter for values a row rejects.
  void apply(B& b, const Parsed& parsed, std::size_t point = 0) const;

 private:
  // Rows that set an earlier row of the table (p_over_n sets alpha) or are no column: shorthands.
  template <class S>
  static std::vector<bool> shorthand_rows(const std::vector<model::Field<S>>& table) {
    std::vector<bool> out(table.size(), false);
    const S defaults{};
    for (std::size_t r = 0; r < table.size(); ++r) {
      if (!table[r].column) {
        out[r] = true;
        continue;
      }
      if (!table[r].set_number || table[r].type != model::FieldType::kReal) continue;
      for (double trial : {0.5, 2.0}) {
        S s = defaults;
        try {
          table[r].set_number(s, trial);
        } catch (const std::exception&) {
          continue;
        }
        for (std::size_t j = 0; j < r; ++j)
          if (model::field_text(s, table[j]) != model::field_text(defaults, table[j])) out[r] = true;
        break;
      }
    }
    return out;
  }

  void convert(const Entry& e, const std::string& keyword, py::handle v, Value& out, const std::string& function,
               bool broadcast) const;

  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

// ---- implementation ------------------------------------------------------------------------

std::string suggestion(const std::string& keyword, const std::vector<std::string>& known);
std::string python_repr(py::handle v);
std::string shape_text(const std::vector<py::ssize_t>& shape);

template <class B>
void KeywordSet<B>::convert(const Entry& e, const std::string& keyword, py::handle v, Value& out,
                            const std::string& function, bool broadcast) const {
  const PyKind kind = classify(v);
  out.kind = kind;
  auto wrong = [&](const std::string& expected) {
    raise_type_error(function + "(): " + keyword + " = " + python_repr(v) + ": expected " + expected + ", not " +
                     std::string(py::str(py::type::handle_of(v).attr("__name__"))));
  };
  const model::FieldType t = e.type;
  const bool numeric = t == model::FieldType::kReal || t == model::FieldType::kInteger || t == model::FieldType::kBool;
  if (kind == PyKind::kArray) {
    const Numpy& np = Numpy::get();
    py::array a;
    try {
      a = py::reinterpret_borrow<py::array>(np.asarray(v));
    } catch (const py::error_already_set&) {
      wrong("a number or an array of numbers");
    }
    const char dk = a.dtype().kind();
    if (t == model::FieldType::kRealList) {
      if (!(dk == 'f' || dk == 'i' || dk == 'u'))
        wrong("a sequence of numbers (or an array of shape (..., k))");
      if (a.ndim() == 0) {  // a scalar: every component
        out.kind = PyKind::kReal;
        out.number = py::cast<double>(a.attr("item")());
        return;
      }
      a = py::reinterpret_borrow<py::array>(np.asarray(a, py::dtype::of<double>()));
      if (a.ndim() == 1) {
        out.kind = PyKind::kArray;
        const py::array c = np.ascontiguousarray(a).template cast<py::array>();
        const double* p = static_cast<const double*>(c.data());
        out.list.assign(p, p + c.shape(0));
        return;
      }
      if (!broadcast) wrong("a sequence of numbers");
      out.broadcast = true;
      out.array = a;
      out.shape.assign(a.shape(), a.shape() + a.ndim() - 1);
      out.width = static_cast<std::size_t>(a.shape(a.ndim() - 1));
      return;
    }
    const bool ok = (t == model::FieldType::kReal && (dk == 'f' || dk == 'i' || dk == 'u')) ||
                    (t == model::FieldType::kInteger && (dk == 'i' || dk == 'u')) ||
                    (t == model::FieldType::kBool && dk == 'b') ||
                    ((t == model::FieldType::kText || t == model::FieldType::kChoice) && (dk == 'U' || dk == 'O'));
    const char* expected = t == model::FieldType::kReal      ? "numbers"
                           : t == model::FieldType::kInteger ? "integers (an int array)"
                           : t == model::FieldType::kBool    ? "booleans"
                                                             : "strings";
    if (!ok) wrong(std::string("a ") + type_label(t) + (broadcast ? std::string(" or an array of ") + expected : ""));
    if (a.ndim() == 0) return convert(e, keyword, a.attr("item")(), out, function, broadcast);
    if (!broadcast)
      wrong(std::string("a ") + type_label(t) + " (arrays broadcast in the computing functions, not here)");
    out.broadcast = true;
    out.array = a;
    out.shape.assign(a.shape(), a.shape() + a.ndim());
    out.width = 0;
    (void)numeric;
    return;
  }
  switch (t) {
    case model::FieldType::kReal:
      if (kind != PyKind::kReal && kind != PyKind::kInt) wrong("a float");
      out.number = py::cast<double>(v);
      return;
    case model::FieldType::kInteger: {
      if (kind != PyKind::kInt) wrong("an int");
      const long long n = py::cast<long long>(v);
      out.number = static_cast<double>(n);
      if (static_cast<long long>(out.number) != n || std::fabs(out.number) > 9.0e15)
        raise_value_error(keyword + " = " + python_repr(v) + ": out of range");
      return;
    }
    case model::FieldType::kBool:
      if (kind != PyKind::kBool) wrong("a bool");
      out.number = py::cast<bool>(v) ? 1.0 : 0.0;
      return;
    case model::FieldType::kText:
    case model::FieldType::kChoice:
      if (kind != PyKind::kText) wrong("a str");
      out.text = py::cast<std::string>(v);
      return;
    case model::FieldType::kRealList:
      if (kind != PyKind::kReal && kind != PyKind::kInt) wrong("a sequence of numbers");
      out.number = py::cast<double>(v);  // one number: every component (needs k >= 1)
      return;
  }
}

template <class B>
Parsed KeywordSet<B>::parse(py::handle kwargs, const std::string& function, bool broadcast) const {
  Parsed p;
  p.function = function;
  if (kwargs.is_none()) return p;
  const py::dict kw = py::reinterpret_borrow<py::dict>(kwargs);
  p.items.reserve(kw.size());
  for (auto item : kw) {
    const std::string keyword = py::cast<std::string>(item.first);
    auto it = index_.find(keyword);
    if (it == index_.end()) {
      std::vector<std::string> known;
      for (const auto& e : entries_) known.push_back(e.info.keyword);
      raise_type_error(function + "() got an unexpected keyword argument '" + keyword + "'" +
                       suggestion(keyword, known));
    }
    if (classify(item.second) == PyKind::kNone) continue;  // None: the default
    Parsed::Item i{it->second, keyword, {}};
    convert(entries_[it->second], keyword, item.second, i.value, function, broadcast);
    if (i.value.broadcast) p.broadcast.push_back(keyword);
    p.items.push_back(std::move(i));
  }
  std::sort(p.items.begin(), p.items.end(), [](const Parsed::Item& a, const Parsed::Item& b) { return a.entry < b.entry; });
  if (p.broadcast.empty()) return p;
  // The broadcast shape of every array keyword (numpy's rules), then each as a flat column.
  const Numpy& np = Numpy::get();
  py::list shapes;
  for (const auto& i : p.items)
    if (i.value.broadcast) shapes.append(py::tuple(py::cast(i.value.shape)));
  try {
    p.shape = py::cast<std::vector<py::ssize_t>>(np.broadcast_shapes(*shapes));
  } catch (const py::error_already_set&) {
    std::string which;
    for (const auto& i : p.items)
      if (i.value.broadcast) which += (which.empty() ? "" : ", ") + i.keyword + " " + shape_text(i.value.shape);
    raise_value_error(function + "(): the array keywords do not broadcast together (numpy's rules): " + which);
  }
  p.vector = true;
  p.points = 1;
  for (auto n : p.shape) p.points *= static_cast<std::size_t>(n);
  for (auto& i : p.items) {
    Value& v = i.value;
    if (!v.broadcast) continue;
    std::vector<py::ssize_t> full = p.shape;
    if (v.width) full.push_back(static_cast<py::ssize_t>(v.width));
    py::object b = np.broadcast_to(v.array, py::tuple(py::cast(full)));
    const model::FieldType t = entries_[i.entry].type;
    if (t == model::FieldType::kText || t == model::FieldType::kChoice) {
      py::list flat = b.attr("ravel")().attr("tolist")();
      v.texts.reserve(flat.size());
      for (auto x : flat) {
        if (!PyUnicode_Check(x.ptr()))
          raise_type_error(function + "(): " + i.keyword + ": expected strings, found " + python_repr(x));
        v.texts.push_back(py::cast<std::string>(x));
      }
      continue;
    }
    v.column = np.ascontiguousarray(b, py::dtype::of<double>()).template cast<py::array>();
    v.data = static_cast<const double*>(v.column.data());
  }
  return p;
}

template <class B>
void KeywordSet<B>::apply(B& b, const Parsed& parsed, std::size_t point) const {
  // Each keyword's value right after it was set, to tell when a later one overwrote it.
  struct Snapshot {
    double number = 0;
    std::string text;
    std::vector<double> list;
  };
  auto snap = [](const Entry& e, const B& s) {
    Snapshot x;
    if (e.type == model::FieldType::kRealList && e.get_list) x.list = e.get_list(s);
    else if (e.get_number) x.number = e.get_number(s);
    else if (e.get_text) x.text = e.get_text(s);
    return x;
  };
  auto close = [](double a, double c) {
    return a == c || (std::isnan(a) && std::isnan(c)) || std::fabs(a - c) <= 8e-16 * std::max(std::fabs(a), std::fabs(c));
  };
  auto same = [&](const Snapshot& a, const Snapshot& c, bool& near) {
    near = false;
    if (a.text != c.text || a.list.size() != c.list.size()) return false;
    bool exact = a.number == c.number || (std::isnan(a.number) && std::isnan(c.number));
    if (!exact && close(a.number, c.number)) near = true;
    for (std::size_t i = 0; i < a.list.size(); ++i)
      if (a.list[i] != c.list[i]) {
        if (!close(a.list[i], c.list[i])) return false;
        near = true;
      }
    return exact || near;
  };
  auto set = [&](const Entry& e, const Value& v) {
    if (v.broadcast) {
      if (!v.texts.empty()) return e.set_text(b, v.texts[point]);
      if (v.width) return e.set_list(b, std::vector<double>(v.data + point * v.width, v.data + (point + 1) * v.width));
      return e.set_number(b, v.data[point]);
    }
    switch (v.kind) {
      case PyKind::kText: return e.set_text(b, v.text);
      case PyKind::kArray: return e.set_list(b, v.list);
      default:
        if (!e.set_number)
          throw model::InvalidParameter(e.info.field, e.info.field + " = " + model::format_number(v.number) +
                                                          ": expects a list of numbers");
        return e.set_number(b, v.number);
    }
  };
  const auto& items = parsed.items;
  std::vector<Snapshot> snaps(items.size());
  for (std::size_t j = 0; j < items.size(); ++j) {
    const Entry& e = entries_[items[j].entry];
    set(e, items[j].value);
    snaps[j] = snap(e, b);
    for (std::size_t i = 0; i < j; ++i) {
      const Entry& earlier = entries_[items[i].entry];
      const Snapshot now = snap(earlier, b);
      bool near = false;
      if (same(now, snaps[i], near)) {
        if (near) {  // agreeing to rounding (p_over_n = 1/alpha): keep the earlier keyword's value
          set(earlier, items[i].value);
          snaps[j] = snap(e, b);
        }
        continue;
      }
      throw model::InvalidParameter(
          earlier.info.field, "{" + earlier.info.field + "} and {" + e.info.field + "} disagree: {" + e.info.field +
                                  "} sets {" + earlier.info.field + "}; give one of them");
    }
  }
}

}  // namespace srf::python
