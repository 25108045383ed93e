// sobolev-rf compare: "should I train on my gradients?" L2 on the same sketch at n samples and at
// equal cost, Sobolev training at its optimal (lambda, beta) and at beta = 1, the gains, a
// verdict, and optionally the best number of directions at a fixed budget
// (studies::compare_training).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include <sobolev_rf/cli/commands.hpp>
#include <sobolev_rf/cli/model_flags.hpp>
#include <sobolev_rf/report/research_json.hpp>
#include <sobolev_rf/studies/training_comparison.hpp>
#include <sobolev_rf/theory/structured_finite_d.hpp>

namespace srf::cli {

namespace {

struct CompareFlags {
  RequestFlags request;
  FieldFlags<studies::OptimizeOptions> search;
  FieldFlags<studies::CompareOptions> compare;
  bool directions = false;
  std::string format = "table";
};

void print_table(const theory::TheoryRequest& r, const studies::CompareOptions& o, const studies::TrainingComparison& c) {
  std::cout << fmt::format("{} at each row's optimum, lambda in [{:.3g}, {:.3g}], beta in {{0}} and [{:.3g}, {:.3g}]{}:\n",
                           o.search.objective, o.search.lambda_min, o.search.lambda_max, o.search.beta_min,
                           o.search.beta_max, r.varpi_average ? " (mean over varpi ~ N(0, I_k))" : "");
  std::cout << fmt::format("{:<26} {:>9} {:>13} {:>11} {:>13}\n", "training", "samples", "lambda_opt", "beta_opt",
                           o.search.objective);
  auto line = [](const std::string& name, double samples, const studies::Optimum& t) {
    std::cout << fmt::format("{:<26} {:>8.4g}n {:>13.6g} {:>11.4g} {:>13.6g}{}\n", name, samples, t.lambda, t.beta,
                             t.value, t.lambda_on_boundary || t.beta_on_boundary ? "  (on a range boundary)" : "");
  };
  line("L2 (beta = 0)", 1.0, c.l2_equal_samples.optimum);
  if (c.equal_cost_available) line("L2, equal cost", c.label_cost, c.l2_equal_cost.optimum);
  else std::cout << fmt::format("{:<26} {:>9}  (infinitely many samples: give --adjoint-cost)\n", "L2, equal cost", "inf");
  const std::string sketch = r.model.extensive() ? fmt::format("kappa = {:g} {}", r.model.kappa, model::to_string(r.model.sketch))
                                                 : fmt::format("k = {}", r.model.k);
  line(fmt::format("Sobolev ({}), tuned", sketch), 1.0, c.sobolev.optimum);
  line("Sobolev, beta = 1", 1.0, c.sobolev_beta1.optimum);
  std::cout << fmt::format("gain at equal samples {:.4g}, at equal cost {:.4g} (c = {:g}), with beta = 1 {:.4g}\n",
                           c.gain_equal_samples, c.gain_equal_cost, o.gradient_cost, c.gain_beta1);
  if (!c.budget.empty()) {
    std::cout << fmt::format("at the budget of {:g}n labels:\n{:>4} {:>9} {:>13} {:>11} {:>13}\n",
                             1.0 + o.budget_directions * o.gradient_cost, "k", "samples", "lambda_opt", "beta_opt",
                             o.search.objective);
    for (const auto& b : c.budget)
      std::cout << fmt::format("{:>4} {:>8.4g}n {:>13.6g} {:>11.4g} {:>13.6g}{}\n", b.k, b.sample_factor,
                               b.optimum.lambda, b.optimum.beta, b.optimum.value, b.k == c.best_k ? "  <- best" : "");
  }
  std::cout << c.verdict << "\n";
}

// compare --directions: one row per k and theory, the L2 references, the two answers.
void print_directions(const studies::DirectionsOptions& o, const studies::DirectionsTable& t) {
  const auto& s = o.compare.search;
  std::cout << fmt::format("how many directions? d = {:g}; {} at each row's optimum (lambda, beta), L2 (n samples) {:.6g} at "
                           "lambda {:.3g}; equal cost: n (1 + min(k c, C)) L2 samples, c = {:g}{}\n",
                           o.d, s.objective, t.l2.value, t.l2.lambda, o.compare.gradient_cost,
                           o.compare.adjoint_cost > 0 ? fmt::format(", C = {:g}", o.compare.adjoint_cost) : "");
  std::cout << fmt::format("{:>6} {:>8} {:<10} {:>13} {:>11} {:>13} {:>10} {:>10} {:>10}\n", "k", "kappa", "theory",
                           "lambda_opt", "beta_opt", s.objective, "gain", "cost", "gain_cost");
  for (const auto& r : t.rows)
    std::cout << fmt::format("{:>6} {:>8.4g} {:<10} {:>13.6g} {:>11.4g} {:>13.6g} {:>10.4g} {:>9.4g}n {:>10.4g}{}\n", r.k,
                             r.kappa, r.theory, r.sobolev.lambda, r.sobolev.beta, r.sobolev.value, r.gain_equal_samples,
                             r.label_cost, r.gain_equal_cost, r.sobolev.converged ? "" : "  (not converged)");
  if (t.smallest_k_gain > 0)
    std::cout << fmt::format("the smallest k with a gain >= 1.1 at equal samples: k = {} ({} theory)\n", t.smallest_k_gain,
                             t.smallest_k_theory);
  else std::cout << "no k reaches a gain of 1.1 at equal samples\n";
  if (t.best_k_equal_cost > 0)
    std::cout << fmt::format("the best k at equal cost: k = {} ({} theory)\n", t.best_k_equal_cost, t.best_k_theory);
}

void run_directions(const CompareFlags& f, const studies::CompareOptions& o) {
  theory::TheoryRequest request = f.request.resolve_unchecked();
  studies::DirectionsOptions d;
  d.compare = o;
  d.d = request.d;
  if (!(request.d > 0))
    throw model::InvalidParameter("d", "directions: give the input dimension {d} (> 0): the table runs k = 1 .. d");
  request.d = 0;
  const studies::DirectionsTable t = studies::compare_directions(request, d);
  if (f.format == "json") std::cout << report::directions_json(request, d, t).dump(2) << "\n";
  else print_directions(d, t);
  if (!t.converged) throw CliError(3, "compare --directions: a saddle point did not converge");
}

void run_compare(const CompareFlags& f) {
  studies::CompareOptions o;
  f.search.apply(o.search);
  f.compare.apply(o);
  o.validate();
  if (f.directions) return run_directions(f, o);
  const theory::TheoryRequest request = f.request.resolve();
  const studies::TrainingComparison c = studies::compare_training(request, o);
  if (f.format == "json") std::cout << report::training_comparison_json(request, o, c).dump(2) << "\n";
  else print_table(request, o, c);
  // [S.15]: one line, from the Sobolev row (the others share its spectrum and d).
  if (const std::string w = theory::finite_size_warning(c.sobolev.optimum.answer.solution.result.finite_size); !w.empty())
    std::cerr << w << "\n";
  if (!c.converged) throw CliError(3, "compare: " + c.verdict);
}

void add_compare_command(CLI::App& app) {
  auto flags = std::make_shared<CompareFlags>();
  auto* cmd = app.add_subcommand("compare",
                                 "should I train on my gradients? L2 on the same sketch (n and equal-cost samples) vs "
                                 "Sobolev at its optimal (lambda, beta) and at beta = 1; --budget-directions K");
  add_request_flags(*cmd, flags->request);
  add_field_flags(*cmd, studies::optimize_options_table(), flags->search, {"over", "max_iterations", "bits"});
  add_field_flags(*cmd, studies::compare_options_table(), flags->compare);
  cmd->add_flag("--directions", flags->directions,
                "how many directions do I need? k = 1 .. d at the input dimension --d (fixed-k theory for k <= 8, the "
                "extensive theory at kappa = k/d), each at its optimum, at equal samples and equal cost");
  cmd->add_option("--format", flags->format, "table | json")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  cmd->callback([flags] { run_compare(*flags); });
}

const CommandRegistrar reg(17, add_compare_command);

}  // namespace
}  // namespace srf::cli
