#pragma once
// A validation run (theory against simulation, theory_vs_simulation.hpp) as one plan that every
// front end follows (`sobolev-rf validate`, sobolev_rf.validate): its checks, its points, the two
// sizes p and p_large (0: 2p) with the same seeds, the simulations to run, the per-point
// comparisons and the verdict. The front end only collects the points (model flags, a sweep, a
// points file), runs the simulations (threads, MPI ranks, shards, a checkpoint) and prints.
//
//   ValidationPlan plan(simulation_options, validation_options);   // checks, throws InvalidParameter
//   plan.add_points(points);                                        // validated
//   for (const auto& s : plan.simulations()) ... run s.params at s.options ...
//   for (i ...) { PointValidation v = plan.compare(i, small_i, large_i); tally.add(v); }
#include <cstddef>
#include <string>
#include <vector>

#include <sobolev_rf/model/field_table.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/simulator.hpp>
#include <sobolev_rf/studies/theory_vs_simulation.hpp>

namespace srf::studies {

struct ValidationOptions {
  int p_large = 0;           // the larger size (0: 2p), >= p
  double z_threshold = 4.0;  // disagreement: |z| above this at p_large, and the gap not shrinking
  // The theory compared with: the limit, or the finite-d structured theory at each size's d.
  ValidationTheory theory = ValidationTheory::kLimit;
  // Throws model::InvalidParameter naming the field (z_threshold; p_large is checked against p by
  // the plan).
  void validate() const;
};

// The options as a field table (CLI flags --p-large, --z-threshold; Python keywords).
const std::vector<model::Field<ValidationOptions>>& validation_options_table();

class ValidationPlan {
 public:
  // Checks the options (throws model::InvalidParameter naming the field, in this order):
  // varpi_drawn is not allowed (the theory is conditional on varpi), the sketch scale must be
  // normal (the theory's), z_threshold finite and > 0, the simulation options valid, seeds >= 2
  // (standard errors), p_large >= p (0: 2p).
  ValidationPlan(const simulation::SimulationOptions& simulation, const ValidationOptions& options);

  // Adds points (each validated: throws model::InvalidParameter naming the field).
  void add_points(const std::vector<model::ModelParams>& points);
  const std::vector<model::ModelParams>& points() const { return points_; }

  const simulation::SimulationOptions& small() const { return small_; }  // at p
  const simulation::SimulationOptions& large() const { return large_; }  // at p_large
  const ValidationOptions& options() const { return options_; }

  // The simulations of the run, in order: point 0 at p, point 0 at p_large, point 1 at p, ...
  struct Simulation {
    model::ModelParams params;
    simulation::SimulationOptions options;
  };
  std::vector<Simulation> simulations() const;

  // Point `index`'s theory and comparison, from its two simulations (as simulations() lists them).
  PointValidation compare(std::size_t index, simulation::SimulationResult small,
                          simulation::SimulationResult large) const;

 private:
  simulation::SimulationOptions small_, large_;
  ValidationOptions options_;
  ComparisonOptions comparison_;
  std::vector<model::ModelParams> points_;
};

// The verdict of a run: every comparison with a theory value, and those that disagree.
struct ValidationTally {
  int comparisons = 0;
  int disagreements = 0;
  void add(const PointValidation& v);
  bool agree() const { return disagreements == 0; }
  // "N comparison(s) with theory, M disagree (|z| > T at p=P and the gap not shrinking)"
  std::string summary(const ValidationPlan& plan) const;
};

}  // namespace srf::studies
