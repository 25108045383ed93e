#pragma once
// Step (c) of a simulated seed: the generalisation errors of the trained weights w against the
// seed's teacher (docs/model.md "Reported quantities"), measured as options.test_error says:
//   kExact    Gaussian expectations given the draws and w (population_errors.hpp), with the
//             bound on their series truncation;
//   kSampled  averages over options.test_samples fresh inputs, noiseless targets, with the
//             standard error of each test-set mean. The inputs come in fixed chunks, each from
//             its own stream of the seed, summed in chunk order: the result does not depend on
//             the thread count.
#include <Eigen/Dense>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/seed_assembly.hpp>
#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::simulation {

// Sets gen_f, gen_g, gen_h1, gen_grad, gen_inf of out.errors, and out.test_se (kSampled) or
// out.population_truncation_bound (kExact); the training errors in out.errors are kept.
void evaluate_seed(const model::ModelParams& params, const SimulationOptions& options, int seed_index,
                   const SeedDraws& draws, const Eigen::VectorXd& w, int threads, SeedResult& out);

}  // namespace srf::simulation
