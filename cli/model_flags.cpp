#include <sobolev_rf/cli/model_flags.hpp>

#include <stdexcept>

#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/theory/solver_options_table.hpp>

namespace srf::cli {

std::string flag_spelling(std::string_view field) {
  if (field == "base_seed") return "--seed";
  if (field == "solve_method") return "--solve";
  if (field == "max_memory_bytes") return "--max-memory";
  if (field == "varpi_mode") return "--varpi-drawn";
  return model::flag_name(field);
}

std::string flag_message(const std::string& field, const std::string& message) {
  if (message.rfind(field, 0) == 0) return model::flag_name(field) + message.substr(field.size());
  return message;
}

model::ModelParams ModelFlags::base() const {
  model::ModelParams p;
  apply(p);
  return p;
}

model::ModelParams ModelFlags::resolve() const {
  const model::ModelParams p = base();
  p.validate();
  return p;
}

model::ModelParams ModelFlags::resolve(bool varpi_average) const {
  model::ModelParams p = base();
  if (varpi_average && !has("varpi") && p.k >= 0) p.varpi.assign(static_cast<std::size_t>(p.k), 0.0);
  p.validate();
  return p;
}

void add_model_flags(CLI::App& cmd, ModelFlags& f) {
  // The shorthands noise and d_over_n are for sweeps and specs; p_over_n is a flag.
  add_field_flags(cmd, model::model_parameters(), f, {"noise", "d_over_n"});
  cmd.get_option("--alpha")->excludes(cmd.get_option("--p-over-n"));
}

theory::SaddlePointOptions SolverFlags::resolve() const {
  theory::SaddlePointOptions o;
  apply(o);
  o.validate();
  return o;
}

void add_solver_flags(CLI::App& cmd, SolverFlags& f) {
  // The inner Newton's and the quadrature's settings stay at their defaults on the command line.
  add_field_flags(cmd, theory::solver_options_table(), f,
                  {"continuation_factor", "radial_nodes_per_panel", "inner_tolerance", "inner_stall_tolerance",
                   "inner_max_iterations"});
}

theory::TheoryRequest RequestFlags::resolve_unchecked() const {
  theory::TheoryRequest r;
  apply(r);
  r.model = model.base();
  r.model = theory::requested_model(r);
  r.solver = solver.resolve();
  return r;
}

theory::TheoryRequest RequestFlags::resolve() const {
  theory::TheoryRequest r = resolve_unchecked();
  r.validate();
  return r;
}

void add_request_flags(CLI::App& cmd, RequestFlags& f) {
  add_model_flags(cmd, f.model);
  add_field_flags(cmd, theory::theory_request_table(), f);
  add_solver_flags(cmd, f.solver);
}

}  // namespace srf::cli
