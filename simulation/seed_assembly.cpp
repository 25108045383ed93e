#include <sobolev_rf/simulation/seed_assembly.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

#include <sobolev_rf/simulation/sampling.hpp>

namespace srf::simulation {

using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// The informed direction and its labels come from their own stream of the seed
// (kInformedStream: first u, then the n label noises), so that informed = none draws exactly
// what it always drew.
InformedDraw draw_informed(const model::ModelParams& params, const SeedProblem& pr, int p, NormalRng& inf_rng) {
  InformedDraw inf;
  if (!params.has_informed()) return inf;
  inf.u = informed_direction(params, pr.theta0, p, inf_rng, pr.input_variance);
  inf.t = inf.u.dot(pr.theta0);
  inf.a = (inf.u.transpose() * pr.Theta) * (1.0 / std::sqrt(static_cast<double>(pr.Theta.rows())));
  return inf;
}

// Draws the inputs of samples [i0, i0 + b) into X and their labels into s.y, s.g, s.z. Sample by
// sample: the input, then its 1 + k noises, so the stream does not depend on the batch size.
// Leaves X scaled by 1/sqrt d, ready for the features.
void draw_batch(const model::ModelParams& params, const SeedDraws& dr, const NoiseSampler& noise, int i0, int b,
                NormalRng& rng, NormalRng& inf_rng, RowMatrix& X, StackedDesign& s) {
  const model::Activation& phi = model::activation(params.teacher);
  const SeedProblem& pr = dr.problem;
  const int d = static_cast<int>(pr.theta0.size()), k = s.k;
  X.resize(b, d);
  MatrixXd noise_b(b, 1 + k);
  VectorXd e(1 + k);
  for (int i = 0; i < b; ++i) {
    for (int j = 0; j < d; ++j) X(i, j) = rng();
    noise.draw(rng, e);
    noise_b.row(i) = e.transpose();
  }
  // Structured inputs: x = sqrt(s) .* z (docs/model.md "Structured inputs"); the draws are the same.
  if (pr.structured()) X.array().rowwise() *= pr.input_variance.cwiseSqrt().transpose().array();
  VectorXd omega;
  omega.noalias() = X * pr.theta0;
  for (int i = 0; i < b; ++i) {
    const double om = omega[i];
    s.y[i0 + i] = phi.value(om) + std::sqrt(params.delta_f) * noise_b(i, 0);
    const double dphi = s.needs_derivative() ? phi.derivative(om) : 0.0;
    for (int m = 0; m < k; ++m) s.g(i0 + i, m) = dr.varpi[m] * dphi + std::sqrt(params.delta_g) * noise_b(i, 1 + m);
    if (s.informed()) s.z[i0 + i] = dr.informed.t * dphi + std::sqrt(params.delta_g) * inf_rng();
  }
  X *= 1.0 / std::sqrt(static_cast<double>(d));  // after omega: H = X Theta / sqrt d with one b x d scaling
}

}  // namespace

SeedDesign assemble_seed(const model::ModelParams& params, const SimulationOptions& options, int seed_index,
                         int threads) {
  const ProblemSize sz = problem_size(params, options.p);
  SeedDesign out;
  SeedDraws& dr = out.draws;
  NormalRng rng(stream_seed(options.base_seed, static_cast<std::uint64_t>(seed_index), 0));
  dr.problem = draw_seed_problem(params, options, seed_index, rng);
  const SeedProblem& pr = dr.problem;
  dr.varpi = pr.V.transpose() * pr.theta0;
  NormalRng inf_rng(stream_seed(options.base_seed, static_cast<std::uint64_t>(seed_index), kInformedStream));
  dr.informed = draw_informed(params, pr, sz.p, inf_rng);

  const int n = sz.n;
  out.design = make_stacked_design(n, sz.p, pr.zeta, params.beta, dr.informed.a, params.beta_inf,
                                   options.solve_method, std::min(batch_rows_for(options, sz.p), n));
  StackedDesign& s = out.design;
  const model::Activation& sigma = model::activation(params.sigma);
  const NoiseSampler noise(sz.k, params.rho);
  RowMatrix X;
  MatrixXd H, Fb, Sb;
  for (int i0 = 0; i0 < n; i0 += s.batch) {
    const int b = std::min(s.batch, n - i0);
    draw_batch(params, dr, noise, i0, b, rng, inf_rng, X, s);
    batch_features(X, pr.Theta, sigma, H, Fb, s.needs_derivative() ? &Sb : nullptr, threads);
    append_batch(s, i0, Fb, Sb);
  }
  return out;
}

}  // namespace srf::simulation
