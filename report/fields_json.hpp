#pragma once
// A struct's field table (model/field_table.hpp) as JSON: numbers as numbers (integers as
// integers, booleans as booleans), text as strings, lists as arrays. One loop for model
// parameters and for every option struct.
#include <nlohmann/json.hpp>

#include <vector>

#include <sobolev_rf/model/field_table.hpp>

namespace srf::report {

// The columns of `table` (shorthands too when `with_shorthands`), by name.
template <class S>
nlohmann::json fields_json(const S& s, const std::vector<model::Field<S>>& table, bool with_shorthands = false) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : table) {
    if (!f.column && !with_shorthands) continue;
    const std::string name(f.name);
    switch (f.type) {
      case model::FieldType::kText:
      case model::FieldType::kChoice: j[name] = f.get_text(s); break;
      case model::FieldType::kBool: j[name] = f.get_number(s) != 0.0; break;
      case model::FieldType::kInteger: j[name] = static_cast<long long>(f.get_number(s)); break;
      case model::FieldType::kReal: j[name] = f.get_number(s); break;
      case model::FieldType::kRealList: j[name] = f.get_list(s); break;
    }
  }
  return j;
}

}  // namespace srf::report
