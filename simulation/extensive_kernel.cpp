#include <sobolev_rf/simulation/extensive_kernel.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

#include <sobolev_rf/simulation/seed_assembly.hpp>
#include <sobolev_rf/simulation/seed_evaluation.hpp>
#include <sobolev_rf/simulation/stacked_solve.hpp>

namespace srf::simulation {

using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

bool full_gradient(const model::ModelParams& params, const ProblemSize& sz) {
  return params.sketch == model::SketchLaw::kOrthogonal && sz.k == sz.d;
}

// Draws the inputs of samples [i0, i0 + b) and their labels, sample by sample: the input (d), then
// eps, then eps' (k). Leaves X scaled by 1/sqrt d.
void draw_batch(const model::ModelParams& params, const SeedDraws& dr, int i0, int b, NormalRng& rng, RowMatrix& X,
                StackedDesign& s) {
  const model::Activation& phi = model::activation(params.teacher);
  const int d = static_cast<int>(dr.problem.theta0.size()), k = s.k;
  X.resize(b, d);
  MatrixXd noise(b, 1 + k);
  for (int i = 0; i < b; ++i) {
    for (int j = 0; j < d; ++j) X(i, j) = rng();
    for (int m = 0; m <= k; ++m) noise(i, m) = rng();
  }
  VectorXd omega;
  omega.noalias() = X * dr.problem.theta0;
  const double sf = std::sqrt(params.delta_f), sg = std::sqrt(params.delta_g);
  for (int i = 0; i < b; ++i) {
    const double om = omega[i], dphi = phi.derivative(om);
    s.y[i0 + i] = phi.value(om) + sf * noise(i, 0);
    for (int m = 0; m < k; ++m) s.g(i0 + i, m) = dr.varpi[m] * dphi + sg * noise(i, 1 + m);
  }
  X *= 1.0 / std::sqrt(static_cast<double>(d));
}

}  // namespace

SeedProblem draw_extensive_problem(const model::ModelParams& params, const ProblemSize& sz, NormalRng& rng) {
  SeedProblem pr;
  const double sqrt_d = std::sqrt(static_cast<double>(sz.d));
  pr.theta0.resize(sz.d);
  rng.fill_rows(pr.theta0);
  pr.theta0 /= pr.theta0.norm();
  if (full_gradient(params, sz)) {
    pr.V = MatrixXd::Identity(sz.d, sz.d) * sqrt_d;
  } else {
    MatrixXd G(sz.d, sz.k);
    rng.fill_rows(G);
    if (params.sketch == model::SketchLaw::kOrthogonal) {
      // Haar-distributed orthonormal columns: Q of the QR of a Gaussian matrix, each column's sign
      // fixed by R's diagonal (Mezzadri 2007), so that the law does not depend on the QR's conventions.
      const Eigen::HouseholderQR<MatrixXd> qr(G);
      MatrixXd Q = qr.householderQ() * MatrixXd::Identity(sz.d, sz.k);
      for (int j = 0; j < sz.k; ++j)
        if (qr.matrixQR()(j, j) < 0) Q.col(j) = -Q.col(j);
      pr.V = Q * sqrt_d;
    } else {
      pr.V = std::move(G);
    }
  }
  pr.Theta.resize(sz.d, sz.p);
  rng.fill_columns(pr.Theta);
  if (full_gradient(params, sz)) pr.zeta = pr.Theta;  // V^T Theta / sqrt d with V = sqrt(d) I
  else pr.zeta.noalias() = (pr.V.transpose() * pr.Theta) / sqrt_d;
  return pr;
}

ExtensiveKernel::ExtensiveKernel(model::ModelParams params) : params_(std::move(params)) {}

ProblemSize ExtensiveKernel::size(int p) const {
  ProblemSize s = sample_and_input_sizes(params_, p);
  s.k = static_cast<int>(std::max(1.0, std::round(params_.kappa * s.d)));
  return s;
}

MemoryEstimate ExtensiveKernel::memory(const SimulationOptions& options) const {
  return extensive_peak_memory(params_, options, size(options.p));
}

SeedResult ExtensiveKernel::run_seed(const SimulationOptions& options, int seed_index, int threads) const {
  const ProblemSize sz = size(options.p);
  NormalRng rng(stream_seed(options.base_seed, static_cast<std::uint64_t>(seed_index), 0));
  SeedDraws dr;
  dr.problem = draw_extensive_problem(params_, sz, rng);
  dr.varpi = dr.problem.V.transpose() * dr.problem.theta0;
  dr.sketch_weight = 1.0 / sz.k;
  // The mean over the k directions: weight beta / k on each gradient row; always the primal system
  // (the dual would hold the n (1 + k) stacked rows).
  StackedDesign s = make_stacked_design(sz.n, sz.p, dr.problem.zeta, params_.beta / sz.k, Eigen::RowVectorXd(), 0.0,
                                        SolveMethod::kPrimal, std::min(batch_rows_for(options, sz.p), sz.n));
  const model::Activation& sigma = model::activation(params_.sigma);
  RowMatrix X;
  MatrixXd H, Fb, Sb;
  for (int i0 = 0; i0 < sz.n; i0 += s.batch) {
    const int b = std::min(s.batch, sz.n - i0);
    draw_batch(params_, dr, i0, b, rng, X, s);
    batch_features(X, dr.problem.Theta, sigma, H, Fb, &Sb, threads);
    append_batch(s, i0, Fb, Sb);
  }
  const StackedSolution sol = solve_stacked(std::move(s), params_.lambda, threads);
  SeedResult out;
  out.seed_index = seed_index;
  out.primal = sol.primal;
  out.errors.train_f = sol.r_f.squaredNorm() / sz.n;
  out.errors.train_g = sol.r_g.squaredNorm() / (static_cast<double>(sz.n) * sz.k);  // per direction
  evaluate_seed(params_, options, seed_index, dr, sol.w, threads, out);
  return out;
}

}  // namespace srf::simulation
