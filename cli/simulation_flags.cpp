#include <sobolev_rf/cli/simulation_flags.hpp>

#include <sobolev_rf/simulation/options_table.hpp>

namespace srf::cli {

void add_simulation_flags(CLI::App& cmd, SimulationFlags& f) {
  // A loop over the table, as add_field_flags, except that the choices are checked by the
  // library (its messages, e.g. "must be normal or unit"), not by CLI11.
  const auto& table = simulation::simulation_options_table();
  f.table = &table;
  const simulation::SimulationOptions defaults{};
  for (const auto& field : table) {
    const std::string name(field.name);
    std::string& value = f.text[name];
    CLI::Option* o = nullptr;
    if (field.type == model::FieldType::kBool) {
      o = cmd.add_flag_callback(model::flag_name(name), [&value] { value = "true"; }, std::string(field.description));
    } else {
      o = cmd.add_option(model::flag_name(name), value, std::string(field.description))->type_name(type_name(field.type));
      const std::string shown = model::field_text(defaults, field);
      if (!shown.empty()) o->default_str(shown);
    }
    f.given.emplace_back(name, o);
  }
}

simulation::SimulationOptions SimulationFlags::resolve() const {
  simulation::SimulationOptions o;
  apply(o);
  simulation::check_given_options(o, [this](std::string_view name) { return has(std::string(name)); });
  simulation::validate_options(o);
  return o;
}

void check_memory_fits(const model::ModelParams& params, const simulation::SimulationOptions& options) {
  simulation::check_simulation_fits(params, options);
}

model::ModelParams resolve_model(const ModelFlags& model, const SimulationFlags& sim) {
  simulation::SimulationOptions o;
  sim.apply(o);
  return simulation::simulation_model(model.base(), o, model.has("varpi"));
}

}  // namespace srf::cli
