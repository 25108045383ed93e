#pragma once
// One CLI flag per row of a field table (model/field_table.hpp): --name-with-dashes, its type in
// the help, the default from a default-constructed struct, and after parsing the given values
// applied to a struct in table order. Used for the model parameters and every option struct.
#include <CLI/CLI.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sobolev_rf/model/field_table.hpp>

namespace srf::cli {

template <class S>
struct FieldFlags {
  const std::vector<model::Field<S>>* table = nullptr;
  std::map<std::string, std::string> text;                  // as typed, by field name
  std::vector<std::pair<std::string, CLI::Option*>> given;  // the options, by field name

  bool has(const std::string& name) const {
    for (const auto& [n, o] : given)
      if (n == name) return o->count() > 0;
    return false;
  }
  // Applies the given flags to `s` in table order (throws model::InvalidParameter).
  void apply(S& s) const {
    for (const auto& f : *table) {
      const std::string name(f.name);
      if (has(name)) model::set_field_text(s, f, text.at(name));
    }
  }
};

// How the CLI spells a library field in messages: its flag, --name-with-dashes, except the few
// flags named otherwise (--seed for base_seed, --solve, --max-memory, --varpi-drawn).
std::string flag_spelling(std::string_view field);

inline const char* type_name(model::FieldType t) {
  switch (t) {
    case model::FieldType::kText: return "TEXT";
    case model::FieldType::kChoice: return "NAME";
    case model::FieldType::kBool: return "BOOL";
    case model::FieldType::kInteger: return "INT";
    case model::FieldType::kReal: return "FLOAT";
    case model::FieldType::kRealList: return "FLOAT,...";
  }
  return "";
}

// Adds a flag per row of `table` except those in `skip`. Boolean rows are plain flags (--name).
template <class S>
void add_field_flags(CLI::App& cmd, const std::vector<model::Field<S>>& table, FieldFlags<S>& flags,
                     const std::set<std::string>& skip = {}) {
  flags.table = &table;
  const S defaults{};
  for (const auto& f : table) {
    const std::string name(f.name);
    if (skip.count(name)) continue;
    std::string& value = flags.text[name];
    CLI::Option* o = nullptr;
    if (f.type == model::FieldType::kBool) {
      // A flag; one that is on by default is turned off by --no-NAME.
      const bool on = f.get_number(defaults) != 0.0;
      const std::string flag = on ? "--no-" + model::flag_name(name).substr(2) : model::flag_name(name);
      o = cmd.add_flag_callback(flag, [&value, on] { value = on ? "false" : "true"; }, std::string(f.description));
    } else {
      o = cmd.add_option(model::flag_name(name), value, std::string(f.description))->type_name(type_name(f.type));
      if (f.column && f.type != model::FieldType::kRealList) o->default_str(model::field_text(defaults, f));
      if (f.type == model::FieldType::kChoice) o->check(CLI::IsMember(f.choices));
    }
    flags.given.emplace_back(name, o);
  }
}

}  // namespace srf::cli
