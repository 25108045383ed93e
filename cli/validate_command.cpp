// `sobolev-rf validate`: the asymptotic theory against the finite-size simulation at sizes p and
// 2p (--p-large), point by point, with z-scores and the finite-size trend (validation/comparison.hpp).
//
// Points come from one of
//   * the model flags alone (one point),
//   * --sweep name=lo:hi:count[:log] on top of the model flags (as `curve`),
//   * --points FILE: a CSV file. The first line that is neither empty nor a '#' comment is the
//     header; its columns are any of sigma, teacher, alpha, p_over_n, gamma, lambda, k, beta,
//     delta_f, delta_g, rho, varpi (varpi's k components separated by ';' or spaces). Every
//     further line is a point; a column absent or left empty takes the model flag's value.
//       # sigma,teacher,p_over_n,lambda,k,varpi
//       tanh,tanh,2,1e-3,0,
//       relu,erf,1.5,1e-2,2,0.7;-0.3
// Exit status 0 when every comparison agrees, 1 (after the table and CSV are written) when some
// quantity has |z| > --z-threshold at 2p and its gap to the theory does not shrink from p to 2p,
// 2 for bad input.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/model_flags.hpp"
#include "cli/progress.hpp"
#include "cli/simulation_flags.hpp"
#include "cli/sweep.hpp"
#include "theory/saddle_point.hpp"
#include "validation/comparison.hpp"

namespace srf::cli {

namespace {

struct ValidateArgs {
  ModelFlags model;
  SimulationFlags sim;
  std::string sweep;
  std::string points_file;
  std::string output;
  double z_threshold = 4.0;
  int p_large = 0;  // 0: 2p
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) cells.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

// The model flags as a starting point, without validating (a points file may set k and varpi).
theory::ModelParams base_params(const ModelFlags& m) {
  theory::ModelParams p = m.params;
  if (m.p_over_n) p.alpha = 1.0 / *m.p_over_n;
  p.varpi = parse_double_list(m.varpi_text, "--varpi");
  return p;
}

std::vector<theory::ModelParams> read_points_file(const std::string& path, const theory::ModelParams& base) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("--points = " + path + ": cannot open for reading");
  static const std::vector<std::string> known = {"sigma",  "teacher", "alpha",   "p_over_n", "gamma", "lambda",
                                                 "k",      "beta",    "delta_f", "delta_g",  "rho",   "varpi"};
  std::vector<std::string> header;
  std::vector<theory::ModelParams> points;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') {
      // A commented header ("# sigma,teacher,...") counts when no header has been seen yet.
      if (header.empty() && t.size() > 1 && t[0] == '#') {
        const auto cells = split_csv(t.substr(1));
        if (!cells.empty() && std::find(known.begin(), known.end(), cells[0]) != known.end()) header = cells;
      }
      continue;
    }
    const std::string where = fmt::format("--points = {}, line {}", path, line_no);
    const auto cells = split_csv(t);
    if (header.empty()) {
      for (const auto& c : cells)
        if (std::find(known.begin(), known.end(), c) == known.end())
          throw std::invalid_argument(fmt::format("{}: unknown column '{}'; known: sigma, teacher, alpha, p_over_n, "
                                                  "gamma, lambda, k, beta, delta_f, delta_g, rho, varpi",
                                                  where, c));
      header = cells;
      continue;
    }
    if (cells.size() > header.size())
      throw std::invalid_argument(fmt::format("{}: {} cells but the header has {}", where, cells.size(), header.size()));
    theory::ModelParams p = base;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string& name = header[c];
      const std::string& v = cells[c];
      if (v.empty()) continue;
      try {
        if (name == "sigma") p.sigma = v;
        else if (name == "teacher") p.teacher = v;
        else if (name == "k") {
          std::size_t pos = 0;
          p.k = std::stoi(v, &pos);
          if (pos != v.size()) throw std::invalid_argument("not an integer");
        } else if (name == "varpi") {
          std::string list = v;
          std::replace(list.begin(), list.end(), ';', ',');
          std::replace(list.begin(), list.end(), ' ', ',');
          list.erase(std::unique(list.begin(), list.end(), [](char a, char b) { return a == ',' && b == ','; }),
                     list.end());
          p.varpi = parse_double_list(list, "varpi");
        } else {
          std::size_t pos = 0;
          const double x = std::stod(v, &pos);
          if (pos != v.size()) throw std::invalid_argument("not a number");
          set_swept_parameter(p, name, x);
        }
      } catch (const std::exception& e) {
        throw std::invalid_argument(fmt::format("{}: column {} = '{}': {}", where, name, v, e.what()));
      }
    }
    // A row that sets k without varpi gets varpi = 0 only if the flags gave none either.
    try {
      p.validate();
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", where, e.what()));
    }
    points.push_back(p);
  }
  if (points.empty()) throw std::invalid_argument("--points = " + path + ": no points (a header and one row at least)");
  return points;
}

std::vector<theory::ModelParams> collect_points(const ValidateArgs& a) {
  if (!a.points_file.empty()) return read_points_file(a.points_file, base_params(a.model));
  const theory::ModelParams base = a.model.resolve();
  if (a.sweep.empty()) return {base};
  return sweep_points(base, parse_sweep_spec(a.sweep));
}

std::string describe(const theory::ModelParams& p) {
  std::string s = fmt::format("sigma={} teacher={} alpha={:g} (p/n={:g}) gamma={:g} lambda={:g} k={}", p.sigma,
                              p.teacher, p.alpha, 1.0 / p.alpha, p.gamma, p.lambda, p.k);
  if (p.k > 0) {
    s += fmt::format(" beta={:g} varpi=", p.beta);
    for (std::size_t j = 0; j < p.varpi.size(); ++j) s += fmt::format("{}{:g}", j ? ";" : "", p.varpi[j]);
  }
  if (p.delta_f != 0 || p.delta_g != 0 || p.rho != 0)
    s += fmt::format(" delta_f={:g} delta_g={:g} rho={:g}", p.delta_f, p.delta_g, p.rho);
  return s;
}

std::string num(double x) { return std::isnan(x) ? "" : fmt::format("{:.10g}", x); }

void run_validate(const ValidateArgs& a) {
  if (!a.sweep.empty() && !a.points_file.empty())
    throw std::invalid_argument("--sweep and --points: give one of them, not both");
  if (a.sim.varpi_drawn)
    throw std::invalid_argument("--varpi-drawn: validate compares with the theory conditional on --varpi; not allowed");
  if (a.sim.sketch_scale != "normal")
    throw std::invalid_argument("--sketch-scale = " + a.sim.sketch_scale +
                                ": the theory is for the normal sketch scale; use `simulate` for the other");
  validation::ComparisonOptions cmp;
  cmp.z_threshold = a.z_threshold;
  cmp.validate();
  validation::SimulationOptions small = a.sim.resolve();
  if (small.seeds < 2) throw std::invalid_argument("--seeds = " + std::to_string(small.seeds) + ": validate needs >= 2 (standard errors)");
  validation::SimulationOptions large = small;
  large.p = a.p_large > 0 ? a.p_large : 2 * small.p;
  if (a.p_large < 0 || large.p < small.p)
    throw std::invalid_argument("--p-large = " + std::to_string(a.p_large) + ": must be >= --p (0: 2p)");
  const std::vector<theory::ModelParams> points = collect_points(a);

  std::ofstream csv;
  if (!a.output.empty()) {
    csv.open(a.output);
    if (!csv) throw std::invalid_argument("--output = " + a.output + ": cannot open for writing");
    csv << "point,sigma,teacher,alpha,p_over_n,gamma,lambda,k,beta,delta_f,delta_g,rho,varpi,quantity,"
           "theory,theory_status,p_small,mean_small,se_small,z_small,p_large,mean_large,se_large,z_large,"
           "gap_shrinks,verdict\n";
  }

  Progress progress("validate", 2 * static_cast<int>(points.size()));
  int disagreements = 0, comparisons = 0, done = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const theory::ModelParams& params = points[i];
    theory::TheoryResult theory;
    bool have_theory = false;
    std::string status;
    try {
      theory = theory::solve_saddle_point(params).result;
      have_theory = true;
      status = theory.summary.converged() ? "converged"
                                          : std::string("not converged (") +
                                                numerics::to_string(theory.summary.termination) + ")";
    } catch (const std::exception& e) {
      status = std::string("not available: ") + e.what();
    }
    const auto sim_small = validation::simulate(params, small);
    progress.update(++done);
    const auto sim_large = validation::simulate(params, large);
    progress.update(++done);
    const auto rows = validation::compare_point(params, have_theory ? &theory : nullptr, sim_small, sim_large, cmp);

    std::cout << fmt::format("point {}: {}\n", i + 1, describe(params));
    std::cout << fmt::format("  theory: {}; simulation: n={} d={} at p={}, n={} d={} at p={}, {} seeds each\n", status,
                             sim_small.size.n, sim_small.size.d, small.p, sim_large.size.n, sim_large.size.d, large.p,
                             small.seeds);
    std::cout << fmt::format("  {:<9} {:>12} {:>24} {:>7} {:>24} {:>7} {:>7}  {}\n", "quantity", "theory",
                             fmt::format("sim p={}", small.p), "z", fmt::format("sim p={}", large.p), "z", "shrinks",
                             "verdict");
    for (const auto& q : rows) {
      const auto pm = [](const validation::Estimate& e) { return fmt::format("{:.6g} ± {:.2g}", e.mean, e.se); };
      const auto z = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.2f}", v); };
      const bool with_theory = q.verdict != validation::Verdict::kSimulationOnly;
      std::cout << fmt::format("  {:<9} {:>12} {:>24} {:>7} {:>24} {:>7} {:>7}  {}\n", q.name,
                               with_theory ? fmt::format("{:.6g}", q.theory) : "-", pm(q.small), z(q.z_small),
                               pm(q.large), z(q.z_large), with_theory ? (q.gap_shrinks ? "yes" : "no") : "-",
                               validation::to_string(q.verdict));
      if (with_theory) ++comparisons;
      if (q.verdict == validation::Verdict::kDisagree) ++disagreements;
      if (csv.is_open()) {
        std::string varpi;
        for (std::size_t j = 0; j < params.varpi.size(); ++j) varpi += fmt::format("{}{:.10g}", j ? ";" : "", params.varpi[j]);
        std::string st = status;
        std::replace(st.begin(), st.end(), ',', ';');
        csv << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},\"{}\",{},{},{},{},{},{},{},{},{},{}\n", i + 1,
                           params.sigma, params.teacher, num(params.alpha), num(1.0 / params.alpha), num(params.gamma),
                           num(params.lambda), params.k, num(params.beta), num(params.delta_f), num(params.delta_g),
                           num(params.rho), varpi, q.name, num(q.theory), st, small.p, num(q.small.mean),
                           num(q.small.se), num(q.z_small), large.p, num(q.large.mean), num(q.large.se),
                           num(q.z_large), with_theory ? (q.gap_shrinks ? 1 : 0) : 0, validation::to_string(q.verdict));
        csv.flush();
      }
    }
  }
  std::cout << fmt::format("validate: {} comparison(s) with theory, {} disagree (|z| > {:g} at p={} and the gap not "
                           "shrinking)\n",
                           comparisons, disagreements, a.z_threshold, large.p);
  std::cout.flush();
  if (disagreements > 0)
    throw CliError(1, fmt::format("validate: {} of {} comparisons disagree", disagreements, comparisons));
}

void add_validate_command(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  auto* cmd = app.add_subcommand(
      "validate",
      "theory against simulation at sizes p and 2p: z-scores and finite-size trend; exit 1 on disagreement");
  add_model_flags(*cmd, args->model);
  add_simulation_flags(*cmd, args->sim);
  cmd->add_option("--sweep", args->sweep, "name=lo:hi:count[:log] on top of the model flags, e.g. p_over_n=0.3:3:6");
  cmd->add_option("--points", args->points_file,
                  "CSV of points: header of sigma,teacher,alpha,p_over_n,gamma,lambda,k,beta,delta_f,delta_g,rho,"
                  "varpi (varpi components separated by ';'), one point per line; empty cells take the flags");
  cmd->add_option("--output,-o", args->output, "also write the comparison as CSV to this file");
  cmd->add_option("--p-large", args->p_large, "the larger simulation size (0: 2p)")->capture_default_str();
  cmd->add_option("--z-threshold", args->z_threshold, "disagreement: |z| above this at 2p, gap not shrinking")
      ->capture_default_str();
  cmd->callback([args] { run_validate(*args); });
}

const CommandRegistrar reg(40, add_validate_command);

}  // namespace

}  // namespace srf::cli
