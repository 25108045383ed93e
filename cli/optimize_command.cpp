// sobolev-rf optimize: the lambda, the beta, or both, that minimise one error (or its mean over
// varpi) at a model point; the search itself is studies::optimize.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/cli/theory_report.hpp>
#include <sobolev_rf/report/research_json.hpp>
#include <sobolev_rf/studies/optimize.hpp>
#include <sobolev_rf/theory/structured_finite_d.hpp>

namespace srf::cli {

namespace {

struct OptimizeFlags {
  RequestFlags request;
  FieldFlags<studies::OptimizeOptions> search;
  std::string format = "json";
};

void run_optimize(const OptimizeFlags& f) {
  studies::OptimizeOptions o;
  f.search.apply(o);
  o.validate();
  const theory::TheoryRequest request = f.request.resolve();
  const studies::Optimum best = studies::optimize(request, o);
  const theory::TheoryResult& r = best.answer.solution.result;
  if (f.format == "json") {
    std::cout << report::optimum_json(best, o).dump(2) << "\n";
  } else {
    std::string s = fmt::format("minimise {}{} over {}: value {:.10g}\n", o.objective,
                                request.varpi_average ? " (mean over varpi ~ N(0, I_k))" : "",
                                studies::to_string(o.over), best.value);
    if (o.over != studies::OptimizeOver::kBeta)
      s += fmt::format("lambda_opt = {:.8g} in [{:.3g}, {:.3g}]{}\n", best.lambda, o.lambda_min, o.lambda_max,
                       best.lambda_on_boundary ? "  (ON THE BOUNDARY of the range)" : "");
    if (o.over != studies::OptimizeOver::kLambda)
      s += fmt::format("beta_opt = {:.8g} in {{0}} and [{:.3g}, {:.3g}]{}{}\n", best.beta, o.beta_min, o.beta_max,
                       best.beta_on_boundary ? "  (ON THE BOUNDARY of the range)" : "",
                       best.beta == 0.0 ? "  (beta = 0: the L2 fit on the same sketch is best)" : "");
    s += fmt::format("{} saddle-point solves\n", best.evaluations);
    std::cout << s << theory_table(best.answer.model, r, request.varpi_average, false);
  }
  if (const std::string w = theory::finite_size_warning(r.finite_size); !w.empty()) std::cerr << w << "\n";  // [S.15]
  if (!best.converged)
    throw CliError(3, "optimize: no converged saddle point in the range (" + r.summary.message + ")");
}

void add_optimize_command(CLI::App& app) {
  auto flags = std::make_shared<OptimizeFlags>();
  auto* cmd = app.add_subcommand("optimize",
                                 "the lambda and/or beta that minimise one error (grid in log, then Brent; beta = 0 "
                                 "is a candidate), and the errors there");
  add_request_flags(*cmd, flags->request);
  // Brent's own iteration count and precision keep their defaults here (--max-iterations is the solver's).
  add_field_flags(*cmd, studies::optimize_options_table(), flags->search, {"max_iterations", "bits"});
  cmd->add_option("--format", flags->format, "json | table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  cmd->callback([flags] { run_optimize(*flags); });
}

const CommandRegistrar reg(15, add_optimize_command);

}  // namespace
}  // namespace srf::cli
