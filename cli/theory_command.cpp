// sobolev-rf theory: the asymptotic errors at one parameter point (theory/request.hpp decides
// which equations answer it).
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/cli/theory_report.hpp>
#include <sobolev_rf/report/theory_json.hpp>
#include <sobolev_rf/theory/request.hpp>
#include <sobolev_rf/theory/structured_finite_d.hpp>

namespace srf::cli {

namespace {

struct TheoryFlags {
  RequestFlags request;
  std::string format = "json";
  bool full = false;
};

void run_theory(const TheoryFlags& f) {
  const theory::TheoryRequest request = f.request.resolve();
  const theory::TheoryAnswer a = theory::solve(request);
  const theory::TheoryResult& r = a.solution.result;
  if (f.format == "json") std::cout << report::theory_answer_json(request, a, f.full).dump(2) << "\n";
  else std::cout << theory_table(a.model, r, request.varpi_average, f.full);
  // Structured inputs near the edge: one line when the limit is far from the finite-d theory [S.15].
  if (const std::string w = theory::finite_size_warning(r.finite_size); !w.empty()) std::cerr << w << "\n";
  if (!r.summary.converged())
    throw CliError(3, "theory did not converge (" + std::string(numerics::to_string(r.summary.termination)) +
                          "): " + r.summary.message);
}

void add_theory_command(CLI::App& app) {
  auto flags = std::make_shared<TheoryFlags>();
  auto* cmd = app.add_subcommand("theory", "asymptotic errors at one point (replica saddle point)");
  add_request_flags(*cmd, flags->request);
  cmd->add_option("--format", flags->format, "json | table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  cmd->add_flag("--full", flags->full, "add the residual history");
  cmd->callback([flags] { run_theory(*flags); });
}

const CommandRegistrar reg(10, add_theory_command);

}  // namespace
}  // namespace srf::cli
