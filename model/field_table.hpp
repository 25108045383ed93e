#pragma once
// One table per parameter or option struct binds each field to its name, type, description and
// accessors. Everything that spells a field is a loop over such a table: setting from a number
// or from text (sweeps, specs, points files, CLI flags), CSV cells, JSON keys, CLI flags and
// Python keywords. A field's default is what a default-constructed struct holds: it is written
// once, in the struct.
//
//   struct Options { double tolerance = 1e-12; int max_iterations = 200; };
//   const std::vector<Field<Options>> table = {
//       real("tolerance", &Options::tolerance, "stop when ..."),
//       integer("max_iterations", &Options::max_iterations, "Newton iterations")};
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <sobolev_rf/model/enum_names.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>

namespace srf::model {

enum class FieldType {
  kText,      // free text (an activation name, a spectrum)
  kChoice,    // one of Field::choices
  kBool,      // true / false
  kInteger,   // a whole number
  kReal,      // a double
  kRealList,  // several doubles (varpi)
};

template <class S>
struct Field {
  std::string_view name;         // the key everywhere; CLI: --name-with-dashes
  FieldType type;
  std::string_view description;  // one line, for help texts and docstrings
  std::vector<std::string> choices{};  // kChoice: the values allowed, in help order
  bool sweepable = false;  // a real a sweep may vary
  bool column = true;      // a column of CSV and JSON (false: a shorthand that sets other fields)
  // kReal, kInteger, kBool as a number; kText, kChoice as text; kRealList as a list.
  std::function<double(const S&)> get_number{};
  std::function<void(S&, double)> set_number{};
  std::function<std::string(const S&)> get_text{};
  std::function<void(S&, const std::string&)> set_text{};
  std::function<std::vector<double>(const S&)> get_list{};
  std::function<void(S&, const std::vector<double>&)> set_list{};
};

// %.10g, the CSV cells' format; "nan", "inf".
std::string format_number(double v);
// A number written in full ("1e-3", "-2"), nothing after it; throws InvalidParameter naming `field`.
double parse_number(const std::string& text, std::string_view field);
// Numbers separated by ',' (and, when `blanks_and_semicolons`, by ';' or blanks too). Throws
// InvalidParameter naming `field` on a malformed entry.
std::vector<double> parse_real_list(const std::string& text, std::string_view field, bool blanks_and_semicolons = false);

// ---- rows bound to members ------------------------------------------------------------------

template <class S>
Field<S> real(std::string_view name, double S::*m, std::string_view description, bool sweepable = false) {
  Field<S> f{name, FieldType::kReal, description};
  f.sweepable = sweepable;
  f.get_number = [m](const S& s) { return s.*m; };
  f.set_number = [m](S& s, double v) { s.*m = v; };
  return f;
}

// An integer member (int, long, unsigned ...): set_number accepts only whole numbers in range.
template <class S, class T>
Field<S> integer(std::string_view name, T S::*m, std::string_view description) {
  static_assert(std::is_integral_v<T>);
  Field<S> f{name, FieldType::kInteger, description};
  f.get_number = [m](const S& s) { return static_cast<double>(s.*m); };
  f.set_number = [m, name](S& s, double v) {
    const double lo = std::is_signed_v<T> ? -9.0e15 : 0.0;
    if (!(std::isfinite(v) && v == std::floor(v) && v >= lo && v <= 9.0e15 &&
          v >= static_cast<double>(std::numeric_limits<T>::lowest()) &&
          v <= static_cast<double>(std::numeric_limits<T>::max())))
      throw InvalidParameter(std::string(name), std::string(name) + " = " + format_number(v) + ": must be an integer" +
                                                    (std::is_signed_v<T> ? "" : " >= 0"));
    s.*m = static_cast<T>(v);
  };
  return f;
}

template <class S>
Field<S> boolean(std::string_view name, bool S::*m, std::string_view description) {
  Field<S> f{name, FieldType::kBool, description};
  f.get_number = [m](const S& s) { return s.*m ? 1.0 : 0.0; };
  f.set_number = [m, name](S& s, double v) {
    if (v != 0.0 && v != 1.0)
      throw InvalidParameter(std::string(name), std::string(name) + " = " + format_number(v) + ": must be true or false");
    s.*m = v != 0.0;
  };
  return f;
}

template <class S>
Field<S> text(std::string_view name, std::string S::*m, std::string_view description) {
  Field<S> f{name, FieldType::kText, description};
  f.get_text = [m](const S& s) { return s.*m; };
  f.set_text = [m](S& s, const std::string& v) { s.*m = v; };
  return f;
}

// An enum member spelled by its names array (model/enum_names.hpp), the one place its names are written.
// The names are copied into the row (a braced list of names is a temporary array).
template <class S, class E, std::size_t N>
Field<S> choice(std::string_view name, E S::*m, const EnumName<E> (&names)[N], std::string_view description) {
  Field<S> f{name, FieldType::kChoice, description};
  std::vector<std::pair<std::string, E>> values;
  for (const auto& n : names) {
    f.choices.emplace_back(n.name);
    values.emplace_back(n.name, n.value);
  }
  f.get_text = [m, values](const S& s) {
    for (const auto& [n, e] : values)
      if (e == s.*m) return n;
    return std::string("?");
  };
  f.set_text = [m, values, name](S& s, const std::string& t) {
    for (const auto& [n, e] : values)
      if (t == n) {
        s.*m = e;
        return;
      }
    std::string known;
    for (std::size_t i = 0; i < values.size(); ++i)
      known += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i].first;
    throw InvalidParameter(std::string(name), std::string(name) + " = '" + t + "': must be " + known);
  };
  return f;
}

template <class S>
Field<S> real_list(std::string_view name, std::vector<double> S::*m, std::string_view description) {
  Field<S> f{name, FieldType::kRealList, description};
  f.get_list = [m](const S& s) { return s.*m; };
  f.set_list = [m](S& s, const std::vector<double>& v) { s.*m = v; };
  return f;
}

// ---- loops over a table -----------------------------------------------------------------------


template <class S>
const Field<S>* find_field(const std::vector<Field<S>>& table, std::string_view name) {
  for (const auto& f : table)
    if (f.name == name) return &f;
  return nullptr;
}

// "a, b, c": the names of a table (only the sweepable ones, or only the columns, on request).
template <class S>
std::string field_names(const std::vector<Field<S>>& table, bool sweepable_only = false) {
  std::string out;
  for (const auto& f : table)
    if (!sweepable_only || f.sweepable) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

// Sets `f` from text as written on a command line, in a spec or a points file.
template <class S>
void set_field_text(S& s, const Field<S>& f, const std::string& t) {
  switch (f.type) {
    case FieldType::kText:
    case FieldType::kChoice: f.set_text(s, t); return;
    case FieldType::kBool:
      if (t == "true" || t == "1") f.set_number(s, 1.0);
      else if (t == "false" || t == "0") f.set_number(s, 0.0);
      else throw InvalidParameter(std::string(f.name), std::string(f.name) + " = '" + t + "': must be true or false");
      return;
    case FieldType::kInteger:
      if (f.set_text) return f.set_text(s, t);  // a row that reads integers itself
      [[fallthrough]];
    case FieldType::kReal: f.set_number(s, parse_number(t, f.name)); return;
    case FieldType::kRealList: f.set_list(s, parse_real_list(t, f.name, true)); return;
  }
}

// The field as text: a CSV cell (numbers %.10g, a list joined by ';').
template <class S>
std::string field_text(const S& s, const Field<S>& f) {
  switch (f.type) {
    case FieldType::kText:
    case FieldType::kChoice: return f.get_text(s);
    case FieldType::kBool: return f.get_number(s) != 0.0 ? "true" : "false";
    case FieldType::kInteger: return std::to_string(static_cast<long long>(f.get_number(s)));
    case FieldType::kReal: return format_number(f.get_number(s));
    case FieldType::kRealList: {
      std::string out;
      for (double v : f.get_list(s)) out += (out.empty() ? "" : ";") + format_number(v);
      return out;
    }
  }
  return {};
}

// The CLI's spelling of a field: "delta_f" -> "--delta-f".
std::string flag_name(std::string_view field);

}  // namespace srf::model
