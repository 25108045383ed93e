#include <sobolev_rf/studies/validation_plan.hpp>

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/simulation/options_table.hpp>

namespace srf::studies {

void ValidationOptions::validate() const {
  ComparisonOptions c;
  c.z_threshold = z_threshold;
  try {
    c.validate();
  } catch (const std::invalid_argument& e) {
    throw model::InvalidParameter("z_threshold", e.what());  // "z_threshold = 0: must be finite and > 0"
  }
  if (p_large < 0)
    throw model::InvalidParameter("p_large", fmt::format("p_large = {}: must be >= {{p}} (0: 2p)", p_large));
}

const std::vector<model::Field<ValidationOptions>>& validation_options_table() {
  using O = ValidationOptions;
  static const std::vector<model::Field<O>> table = {
      model::integer("p_large", &O::p_large, "the larger simulation size (0: 2p)"),
      model::real("z_threshold", &O::z_threshold, "disagreement: |z| above this at p_large, gap not shrinking"),
      model::choice("theory", &O::theory,
                    kValidationTheoryNames,
                    "the theory compared with: the limit, or for a structured spectrum the finite-d theory at each "
                    "size's d = round(gamma p) (docs/theory/structured.md [S.15])"),
  };
  return table;
}

ValidationPlan::ValidationPlan(const simulation::SimulationOptions& simulation, const ValidationOptions& options)
    : small_(simulation), options_(options) {
  if (simulation.varpi_mode == simulation::VarpiMode::kDrawn)
    throw model::InvalidParameter("varpi_drawn",
                                  "{varpi_drawn}: validate compares with the theory conditional on {varpi}; not allowed");
  if (simulation.sketch_scale != model::SketchScale::kNormal)
    throw model::InvalidParameter("sketch_scale",
                                  "sketch_scale = unit: the theory is for the normal sketch scale; use `simulate` for "
                                  "the other");
  options.validate();
  comparison_.z_threshold = options.z_threshold;
  simulation::validate_options(small_);
  if (small_.seeds < 2)
    throw model::InvalidParameter("seeds", fmt::format("seeds = {}: validate needs >= 2 (standard errors)", small_.seeds));
  large_ = small_;
  large_.p = options.p_large > 0 ? options.p_large : 2 * small_.p;
  if (large_.p < small_.p)
    throw model::InvalidParameter("p_large", fmt::format("p_large = {}: must be >= {{p}} (0: 2p)", options.p_large));
}

void ValidationPlan::add_points(const std::vector<model::ModelParams>& points) {
  for (const auto& p : points) p.validate();
  points_.insert(points_.end(), points.begin(), points.end());
}

std::vector<ValidationPlan::Simulation> ValidationPlan::simulations() const {
  std::vector<Simulation> out;
  out.reserve(2 * points_.size());
  for (const auto& p : points_) {
    out.push_back({p, small_});
    out.push_back({p, large_});
  }
  return out;
}

PointValidation ValidationPlan::compare(std::size_t index, simulation::SimulationResult small,
                                        simulation::SimulationResult large) const {
  return compare_simulations(points_.at(index), std::move(small), std::move(large), comparison_, options_.theory);
}

void ValidationTally::add(const PointValidation& v) {
  for (const auto& q : v.quantities) {
    if (q.verdict != Verdict::kSimulationOnly) ++comparisons;
    if (q.verdict == Verdict::kDisagree) ++disagreements;
  }
}

std::string ValidationTally::summary(const ValidationPlan& plan) const {
  return fmt::format("{} comparison(s) with theory, {} disagree (|z| > {:g} at p={} and the gap not shrinking)",
                     comparisons, disagreements, plan.options().z_threshold, plan.large().p);
}

}  // namespace srf::studies
