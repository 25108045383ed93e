#include <sobolev_rf/report/theory_json.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include <sobolev_rf/report/fields_json.hpp>
#include <sobolev_rf/report/run_metadata.hpp>
#include <sobolev_rf/model/parameter_table.hpp>
#include <sobolev_rf/theory/varpi_law.hpp>
#include <sobolev_rf/simulation/memory_estimate.hpp>

namespace srf::report {

namespace {
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }
}  // namespace

nlohmann::json params_json(const model::ModelParams& p) { return fields_json(p, model::model_parameters()); }

nlohmann::json theory_json(const model::ModelParams& p, const theory::TheoryResult& r, bool varpi_average) {
  nlohmann::json j = params_json(p);
  for (const auto& [name, field] : model::error_fields()) {
    if (varpi_average) {
      const double A0 = r.varpi_law.A0.*field, A2 = r.varpi_law.A2.*field;
      const theory::VarpiStatistics s = theory::varpi_statistics(r.varpi_law, field, p.k);
      j[name] = {{"mean", number(s.mean)}, {"std", number(s.std)}, {"q05", number(s.q05)}, {"q50", number(s.q50)},
                 {"q95", number(s.q95)},   {"A0", number(A0)},      {"A2", number(A2)}};
    } else {
      j[name] = number(r.errors.*field);
    }
  }
  j["converged"] = r.summary.converged();
  j["termination"] = numerics::to_string(r.summary.termination);
  j["message"] = r.summary.message;
  j["iterations"] = r.summary.iterations;
  j["residual"] = number(r.summary.residual);
  nlohmann::json op = nlohmann::json::object();
  for (const auto& [name, v] : r.order_parameters) op[name] = number(v);
  j["order_parameters"] = op;
  if (r.unpinned_sketch.applies && !varpi_average) {
    // beta = 0, k > 0: gen_g (and gen_h1 = gen_f + gen_g) random over the sketch's free part at
    // this varpi [D.11]; gen_g above is its mean. (Averaged over varpi, the report above is the
    // law of that mean over varpi.)
    const auto& u = r.unpinned_sketch;
    nlohmann::json s_mean = nlohmann::json::array();
    for (double v : u.s_mean) s_mean.push_back(number(v));
    j["gen_g_law"] = {{"mean", number(u.gen_g_mean)},
                      {"std", number(u.gen_g_std)},
                      {"s_mean", s_mean},
                      {"s_variance", number(u.s_variance)},
                      {"note", "beta = 0: the L2 fit on this sketch; gen_g (reported: its mean) = sum_m [c_m - 2 varpi_m mu_1 kappa_1 s_m + kappa_1^2 s_m^2] with "
                               "s_m ~ N(s_mean_m, s_variance) independent over the sketch's free part"}};
  }
  // Structured inputs: the regime index and the finite-size correction (docs/theory/structured.md [S.15]).
  if (r.finite_size.applies) {
    const theory::FiniteSizeEstimate& e = r.finite_size;
    j["finite_size"] = {{"regime_index", number(e.regime_index)},
                        {"d", number(e.d)},
                        {"correction", number(e.correction)},
                        {"quantity", e.quantity.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.quantity)},
                        {"message", e.message}};
  }
  // The finite-d structured theory: how its errors were averaged over teachers.
  if (r.teacher_average.applies) {
    const theory::TeacherAverage& t = r.teacher_average;
    nlohmann::json se = nlohmann::json::object();
    for (const auto& [name, field] : model::error_fields())
      se[name] = number(varpi_average ? t.se_law_mean.*field : t.se.*field);
    j["teacher_average"] = {{"method", t.method}, {"draws", t.draws}, {"seed", t.seed}, {"se", se}};
  }
  return j;
}

nlohmann::json theory_answer_json(const theory::TheoryRequest& request, const theory::TheoryAnswer& answer, bool full) {
  const theory::TheoryResult& r = answer.solution.result;
  nlohmann::json j = theory_json(answer.model, r, request.varpi_average);
  if (full) j["residual_history"] = r.summary.residual_history;
  j.update(run_metadata_json(request.solver));
  j["sketch_scale"] = model::to_string(request.sketch_scale);
  if (request.sensitivities) {
    const theory::Sensitivities& s = r.sensitivities;
    nlohmann::json sj = {{"computed", s.computed}, {"message", s.message}};
    auto block = [&](const model::Errors& at, const theory::VarpiLaw& law) {
      nlohmann::json b = nlohmann::json::object();
      for (const auto& [name, field] : model::error_fields())
        b[name] = request.varpi_average
                      ? number(law.A0.*field + answer.model.k * r.varpi_law.tau2 * law.A2.*field)  // d of the mean
                      : number(at.*field);
      return b;
    };
    sj["d_lambda"] = block(s.d_lambda, s.d_lambda_law);
    sj["d_beta"] = block(s.d_beta, s.d_beta_law);
    j["sensitivities"] = sj;
  }
  switch (answer.variant) {
    case theory::TheoryVariant::kLimit: break;
    case theory::TheoryVariant::kInformedFiniteD:
      j["d"] = request.d;
      j["informed_version"] = "finite-d";
      break;
    case theory::TheoryVariant::kStructuredFiniteD:
      j["d"] = request.d;
      j["finite_d"] = request.d;
      break;
    case theory::TheoryVariant::kUnitSketch:
      j["d"] = request.d;
      j["equivalent_beta"] = answer.solved.beta;
      j["equivalent_delta_g"] = answer.solved.delta_g;
      break;
  }
  return j;
}

nlohmann::json simulation_json(const model::ModelParams& params, const simulation::SimulationOptions& o,
                               const simulation::SimulationResult& r) {
  nlohmann::json j = params_json(params);  // the same names and layout as `theory`
  if (o.varpi_mode == simulation::VarpiMode::kDrawn) j["varpi"] = nullptr;
  j["n"] = r.size.n;
  j["p"] = r.size.p;
  j["d"] = r.size.d;
  j["k"] = r.size.k;
  j["seeds"] = r.seeds;
  j["threads"] = r.threads;
  j["seeds_in_parallel"] = r.seeds_in_parallel;
  j["base_seed"] = o.base_seed;
  j["test_error"] = simulation::to_string(o.test_error);
  if (o.test_error == simulation::TestError::kSampled) j["test_samples"] = o.test_samples;
  else j["test_samples"] = nullptr;
  j["sketch_scale"] = model::to_string(o.sketch_scale);
  j["varpi_mode"] = simulation::to_string(o.varpi_mode);
  for (const auto& [name, e] : r.estimates) j[name] = {{"mean", e.mean}, {"se", e.se}};  // NaN se -> null
  // Exact errors: the largest truncation bound over the seeds, per error; sampled: the per-seed
  // standard errors of the test-set means.
  const bool exact = o.test_error == simulation::TestError::kExact;
  static const char* const gen_names[] = {"gen_f", "gen_g", "gen_h1", "gen_grad", "gen_inf"};
  if (exact) {
    nlohmann::json bound;
    for (const auto& [name, field] : model::error_fields()) {
      if (std::string(name).rfind("gen_", 0) != 0) continue;
      double worst = 0;
      for (const auto& s : r.per_seed) worst = std::max(worst, s.population_truncation_bound.*field);
      bound[name] = worst;
    }
    j["population_truncation_bound"] = bound;
  }
  nlohmann::json seeds = nlohmann::json::array();
  for (const auto& s : r.per_seed) {
    nlohmann::json js = {{"seed", s.seed_index}, {"varpi", s.varpi}, {"solve", simulation::solved_system(s.primal)}};
    for (const auto& [name, field] : model::error_fields()) js[name] = s.errors.*field;
    nlohmann::json extra;
    for (const auto& [name, field] : model::error_fields())
      for (const char* g : gen_names)
        if (std::string(name) == g) extra[name] = exact ? s.population_truncation_bound.*field : s.test_se.*field;
    js[exact ? "population_truncation_bound" : "test_se"] = extra;
    seeds.push_back(js);
  }
  j["per_seed"] = seeds;
  j["wall_seconds"] = r.wall_seconds;
  j["version"] = version();
  j["estimated_peak_bytes"] = simulation::estimate_peak_memory(params, o).peak_bytes;  // the memory guard's figure
  return j;
}

}  // namespace srf::report
