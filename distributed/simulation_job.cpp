#include <sobolev_rf/distributed/simulation_job.hpp>

#include <stdexcept>

#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/model/parameter_table.hpp>

namespace srf::distributed {

namespace {

[[noreturn]] void bad(const std::string& source, const std::string& what) {
  throw std::invalid_argument(source + ": " + what);
}

const nlohmann::json& field(const nlohmann::json& j, const char* name, const std::string& source) {
  if (!j.is_object() || !j.contains(name)) bad(source, std::string("job: missing field '") + name + "'");
  return j.at(name);
}

double real(const nlohmann::json& j, const char* name, const std::string& source) {
  const nlohmann::json& v = field(j, name, source);
  if (!v.is_number()) bad(source, std::string("job: field '") + name + "' must be a number");
  return v.get<double>();
}

long long integer(const nlohmann::json& j, const char* name, const std::string& source) {
  const nlohmann::json& v = field(j, name, source);
  if (!v.is_number_integer() && !v.is_number_unsigned()) bad(source, std::string("job: field '") + name + "' must be an integer");
  return v.get<long long>();
}

std::string text(const nlohmann::json& j, const char* name, const std::string& source) {
  const nlohmann::json& v = field(j, name, source);
  if (!v.is_string()) bad(source, std::string("job: field '") + name + "' must be a string");
  return v.get<std::string>();
}

template <class E, std::size_t N>
E choice(const nlohmann::json& j, const char* name, const model::EnumName<E> (&names)[N], const std::string& source) {
  const std::string t = text(j, name, source);
  for (const auto& n : names)
    if (t == n.name) return n.value;
  bad(source, std::string("job: field '") + name + "' = '" + t + "' is not a known value");
}

}  // namespace

nlohmann::json job_json(const SimulationJob& job) {
  const simulation::SimulationOptions& o = job.options;
  nlohmann::json j;
  j["params"] = report::params_json(job.params);
  j["p"] = o.p;
  j["test_error"] = simulation::to_string(o.test_error);
  // The test set size matters only when there is a test set.
  j["test_samples"] = o.test_error == simulation::TestError::kSampled ? o.test_samples : 0;
  j["population"] = {{"tolerance", o.population.tolerance},
                     {"max_degree", o.population.max_degree},
                     {"series_correlation_cut", o.population.series_correlation_cut}};
  j["batch_rows"] = o.batch_rows;
  j["sketch_scale"] = model::to_string(o.sketch_scale);
  j["varpi_mode"] = simulation::to_string(o.varpi_mode);
  j["solve"] = simulation::to_string(o.solve_method);
  j["base_seed"] = o.base_seed;
  return j;
}

SimulationJob job_from_json(const nlohmann::json& j, const std::string& source) {
  SimulationJob job;
  const nlohmann::json& pj = field(j, "params", source);
  model::ModelParams& p = job.params;
  // Every parameter of the registry (the one list), in its order (k before varpi).
  for (const auto& info : model::model_parameters()) {
    const std::string name(info.name);
    if (!info.column || name == "p_over_n") continue;  // shorthands for other fields
    const nlohmann::json& v = field(pj, name.c_str(), source);
    switch (info.type) {
      case model::FieldType::kText:
      case model::FieldType::kChoice:
        if (!v.is_string()) bad(source, "job: parameter '" + name + "' must be a string");
        model::set_model_parameter_text(p, name, v.get<std::string>());
        break;
      case model::FieldType::kBool:
      case model::FieldType::kInteger:
      case model::FieldType::kReal:
        if (!v.is_number()) bad(source, "job: parameter '" + name + "' must be a number");
        model::set_model_parameter(p, name, v.get<double>());
        break;
      case model::FieldType::kRealList:
        if (!v.is_array()) bad(source, "job: parameter '" + name + "' must be an array");
        p.varpi.clear();
        for (const auto& x : v) {
          if (!x.is_number()) bad(source, "job: parameter '" + name + "' must hold numbers");
          p.varpi.push_back(x.get<double>());
        }
        break;
    }
  }
  simulation::SimulationOptions& o = job.options;
  o.seeds = 1;
  const long long pp = integer(j, "p", source);
  if (pp < 1 || pp > 100000000) bad(source, "job: p = " + std::to_string(pp) + " out of range");
  o.p = static_cast<int>(pp);
  o.test_error = choice(j, "test_error", simulation::kTestErrorNames, source);
  const long long ts = integer(j, "test_samples", source);
  if (ts < 0 || ts > 1000000000) bad(source, "job: test_samples out of range");
  if (o.test_error == simulation::TestError::kSampled) o.test_samples = static_cast<int>(ts);
  const nlohmann::json& pop = field(j, "population", source);
  o.population.tolerance = real(pop, "tolerance", source);
  const long long md = integer(pop, "max_degree", source);
  if (md < -1000000 || md > 1000000) bad(source, "job: max_degree out of range");
  o.population.max_degree = static_cast<int>(md);
  o.population.series_correlation_cut = real(pop, "series_correlation_cut", source);
  const long long br = integer(j, "batch_rows", source);
  if (br < 0 || br > 100000000) bad(source, "job: batch_rows out of range");
  o.batch_rows = static_cast<int>(br);
  o.sketch_scale = choice(j, "sketch_scale", model::kSketchScaleNames, source);
  o.varpi_mode = choice(j, "varpi_mode", simulation::kVarpiModeNames, source);
  o.solve_method = choice(j, "solve", simulation::kSolveMethodNames, source);
  const nlohmann::json& bs = field(j, "base_seed", source);
  if (!bs.is_number_unsigned() && !(bs.is_number_integer() && bs.get<long long>() >= 0))
    bad(source, "job: base_seed must be a non-negative integer");
  o.base_seed = bs.get<std::uint64_t>();
  try {
    o.validate();
  } catch (const std::invalid_argument& e) {
    bad(source, std::string("job: ") + e.what());
  }
  return job;
}

std::string job_key(const SimulationJob& job) { return job_json(job).dump(); }

}  // namespace srf::distributed
