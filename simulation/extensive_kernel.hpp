#pragma once
// The simulator's kernel for extensive sketches (docs/model.md "Extensive sketches"): k = round(kappa d)
// directions (at least 1), V gaussian (i.i.d. N(0, 1)) or orthogonal (sqrt(d) Q, Q Haar with k
// orthonormal columns; the full gradient kappa = 1 takes V = sqrt(d) I, the same law for isotropic
// inputs), labels g = V^T theta0 phi'(omega) + sqrt(Delta_g) eps' with eps' ~ N(0, I_k) independent of
// eps, the gradient term the mean over the directions (weight beta / k).
//
// The n k gradient rows are never stacked: the primal normal equations take the gradient block as
// (S^T S) o (zeta^T zeta) (stacked_solve.hpp), one more p x p Gram whatever k is, and the right-hand
// side sum_m zeta_m o (S^T g_m). gen_g and train_g are per-direction means; gen_grad is exact, as in
// the fixed-k model (population_errors.hpp, the full d-dimensional Gaussian expectation).
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/simulation/sampling.hpp>
#include <sobolev_rf/simulation/seed_kernel.hpp>

namespace srf::simulation {

class ExtensiveKernel : public SeedKernel {
 public:
  explicit ExtensiveKernel(model::ModelParams params);
  ProblemSize size(int p) const override;  // k = max(1, round(kappa d))
  MemoryEstimate memory(const SimulationOptions& options) const override;
  SeedResult run_seed(const SimulationOptions& options, int seed_index, int threads) const override;

 private:
  model::ModelParams params_;
};

// The draws of one seed before any data, from the start of `rng` (the seed's stream 0): theta0 (d
// normals, normalised to 1), the sketch (gaussian: d x k normals row by row; orthogonal: the same
// draws, orthonormalised by Householder QR with the signs fixed by R's diagonal, times sqrt d; full
// gradient: no draws, V = sqrt(d) I), then Theta feature by feature; zeta = V^T Theta / sqrt d.
SeedProblem draw_extensive_problem(const model::ModelParams& params, const ProblemSize& size, NormalRng& rng);

}  // namespace srf::simulation
