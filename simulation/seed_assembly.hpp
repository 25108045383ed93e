#pragma once
// Step (a) of a simulated seed: its draws and its training design. From the seed's random
// streams (sampling.hpp) it draws the problem (theta0, the sketch V, the features Theta), the
// informed direction when there is one, then the n training inputs with their labels
//   y = phi(omega) + sqrt(Delta_f) eps,  g = varpi phi'(omega) + sqrt(Delta_g) eps',
//   z = t phi'(omega) + sqrt(Delta_g) eps''   (informed; t = u . theta0),
// (inputs x ~ N(0, Sigma), Sigma = diag(problem.input_variance) with structured inputs)
// and stacks them into the design of stacked_design.hpp, batch by batch (memory bounded by the
// design's stored form plus one batch). The draws consume the streams exactly as they always
// did: these are the bits every recorded simulation depends on.
#include <Eigen/Dense>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/simulator.hpp>
#include <sobolev_rf/simulation/stacked_design.hpp>

namespace srf::simulation {

// The informed direction u of docs/model.md, its alignment t = u . theta0 and its feature row
// a = u^T Theta / sqrt d (an extra "sketch direction" of unit norm). Empty when informed = none.
struct InformedDraw {
  Eigen::VectorXd u;
  Eigen::RowVectorXd a;
  double t = 0;
};

// Everything a seed draws except its training data: what the errors need after training.
struct SeedDraws {
  SeedProblem problem;
  Eigen::VectorXd varpi;  // the realised alignment V^T theta0 (the labels use it exactly)
  InformedDraw informed;
  // The weight of each direction's squared error in gen_g: 1 (the sum over the k directions, the
  // fixed-k model), or 1/k (their mean, an extensive sketch: docs/model.md "Extensive sketches").
  double sketch_weight = 1.0;
};

struct SeedDesign {
  SeedDraws draws;
  StackedDesign design;
};

// The draws and training design of seed `seed_index`. params must be validated (simulate_seed
// does it); `threads` shares the batch products (fixed tiles: the bits do not depend on it).
SeedDesign assemble_seed(const model::ModelParams& params, const SimulationOptions& options, int seed_index,
                         int threads);

}  // namespace srf::simulation
