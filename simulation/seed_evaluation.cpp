#include <sobolev_rf/simulation/seed_evaluation.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <sobolev_rf/simulation/population_errors.hpp>
#include <sobolev_rf/simulation/sampling.hpp>
#include <sobolev_rf/simulation/tiled_products.hpp>

namespace srf::simulation {

using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// Test inputs per independent chunk (and random stream) of the test set; a fixed number, so the
// draws do not depend on the thread count or on batch_rows.
constexpr int kTestChunk = 256;

void evaluate_exact(const model::ModelParams& params, const SimulationOptions& options, const SeedDraws& dr,
                    const VectorXd& w, int threads, SeedResult& out) {
  const model::Activation& sigma = model::activation(params.sigma);
  const model::Activation& phi = model::activation(params.teacher);
  const SeedProblem& pr = dr.problem;
  const PopulationErrors pe = population_errors(sigma, phi, pr.Theta, pr.theta0, pr.V, pr.zeta, w, options.population,
                                                threads, pr.input_variance);
  const double train_f = out.errors.train_f, train_g = out.errors.train_g, train_inf = out.errors.train_inf;
  out.errors = pe.errors;
  out.errors.gen_g *= dr.sketch_weight;
  out.errors.gen_h1 = out.errors.gen_f + out.errors.gen_g;
  out.errors.train_f = train_f;
  out.errors.train_g = train_g;
  out.errors.train_inf = train_inf;
  out.population_truncation_bound = pe.truncation_bound;
  out.population_truncation_bound.gen_g *= dr.sketch_weight;
  out.population_truncation_bound.gen_h1 = out.population_truncation_bound.gen_f + out.population_truncation_bound.gen_g;
  if (params.has_informed()) {
    // gen_inf is gen_g of the one-column "sketch" u (whose realised alignment is t = u . theta0).
    const PopulationErrors pi = population_errors(sigma, phi, pr.Theta, pr.theta0, MatrixXd(dr.informed.u),
                                                  MatrixXd(dr.informed.a), w, options.population, threads,
                                                  pr.input_variance);
    out.errors.gen_inf = pi.errors.gen_g;
    out.population_truncation_bound.gen_inf = pi.truncation_bound.gen_g;
  }
}

// What every test chunk shares.
struct TestSet {
  const model::Activation& sigma;
  const model::Activation& phi;
  const SeedDraws& dr;
  const VectorXd& w;
  std::uint64_t base_seed;
  int seed_index, T;
  bool informed;
  MatrixXd P;   // column m: zeta_m .* w, so S P = V^T grad f on rows of sigma'
  VectorXd aw;  // a .* w (informed), so S aw = u . grad f
  // Full gradient grad f(x) = Theta (s .* w) / sqrt d. If d <= p, form it (b x d per chunk);
  // otherwise use the p x p Gram Q = Theta^T Theta / d:
  //   |a theta0 - grad f|^2 = a^2 |theta0|^2 - 2 a (theta0^T Theta / sqrt d) u + u^T Q u,  u = s .* w
  // (|theta0| = 1 with isotropic inputs; structured ones use t0 = |theta0|^2).
  // Either way one GEMM per test chunk, of the smaller inner size.
  bool via_gram = false;
  MatrixXd Q;
  VectorXd c0;
  double t0 = 1;  // |theta0|^2 (structured inputs only)
};

// Per chunk: the sums of the per-input errors (f, g, grad, inf) and of their squares (f, g, h1,
// grad, inf) for the standard errors, in the order {f, g, grad, f2, g2, h2, grad2, inf, inf2}.
using ChunkSums = std::array<double, 9>;

// The sums of the full-gradient errors |phi'(omega) theta0 - grad f|^2 of one chunk; U = S .* w^T.
void gradient_sums(const TestSet& ts, const MatrixXd& U, const VectorXd& dphi, double& sgrad, double& sgrad2) {
  const SeedProblem& pr = ts.dr.problem;
  const Eigen::Index b = U.rows();
  RowMatrix G2;  // row-major, as the recorded results were computed (the product's bits depend on it)
  if (ts.via_gram) {
    G2.noalias() = U * ts.Q;
    const VectorXd lin = U * ts.c0;
    const bool structured = pr.structured();
    for (Eigen::Index i = 0; i < b; ++i) {
      const double a2 = structured ? dphi[i] * dphi[i] * ts.t0 : dphi[i] * dphi[i];
      const double e = a2 - 2.0 * dphi[i] * lin[i] + G2.row(i).dot(U.row(i));
      sgrad += e;
      sgrad2 += e * e;
    }
  } else {
    G2.noalias() = U * pr.Theta.transpose();
    G2 *= 1.0 / std::sqrt(static_cast<double>(pr.Theta.rows()));  // row i: grad f(x_i)^T
    for (Eigen::Index i = 0; i < b; ++i) {
      const double e = (dphi[i] * pr.theta0.transpose() - G2.row(i)).squaredNorm();
      sgrad += e;
      sgrad2 += e * e;
    }
  }
}

// Chunk c draws from its own stream 1 + c, so the chunks are independent.
ChunkSums test_chunk(const TestSet& ts, int c) {
  const SeedProblem& pr = ts.dr.problem;
  const int d = static_cast<int>(pr.theta0.size()), k = static_cast<int>(ts.P.cols());
  const int t0 = c * kTestChunk, b = std::min(kTestChunk, ts.T - t0);
  NormalRng test_rng(
      stream_seed(ts.base_seed, static_cast<std::uint64_t>(ts.seed_index), 1 + static_cast<std::uint64_t>(c)));
  RowMatrix Xt(b, d);
  test_rng.fill_rows(Xt);
  if (pr.structured()) Xt.array().rowwise() *= pr.input_variance.cwiseSqrt().transpose().array();  // x ~ N(0, Sigma)
  const VectorXd om = Xt * pr.theta0;
  Xt *= 1.0 / std::sqrt(static_cast<double>(d));
  MatrixXd Ht = Xt * pr.Theta, Ft, St;
  apply_activation(ts.sigma, Ht, Ft, &St, 1);
  const VectorXd f = Ft * ts.w;
  double sf = 0, sg = 0, sgrad = 0, sf2 = 0, sg2 = 0, sh2 = 0, sgrad2 = 0, sinf = 0, sinf2 = 0;
  VectorXd dphi(b), ef(b);
  for (int i = 0; i < b; ++i) {
    const double r = ts.phi.value(om[i]) - f[i];
    ef[i] = r * r;
    sf += r * r;
    sf2 += ef[i] * ef[i];
    dphi[i] = ts.phi.derivative(om[i]);
  }
  if (k > 0) {
    const MatrixXd sketched = St * ts.P;  // b x k: V^T grad f(x_i)
    for (int i = 0; i < b; ++i) {
      double eg = 0;
      for (int m = 0; m < k; ++m) {
        const double r = ts.dr.varpi[m] * dphi[i] - sketched(i, m);
        eg += r * r;
      }
      eg *= ts.dr.sketch_weight;
      sg += eg;
      sg2 += eg * eg;
      sh2 += (ef[i] + eg) * (ef[i] + eg);
    }
  } else {
    sh2 = sf2;
  }
  if (ts.informed) {
    const VectorXd along = St * ts.aw;  // u . grad f(x_i)
    for (int i = 0; i < b; ++i) {
      const double r = ts.dr.informed.t * dphi[i] - along[i];
      sinf += r * r;
      sinf2 += r * r * r * r;
    }
  }
  // U = S .* w^T (row i: s_i .* w), reusing Ht's storage.
  Ht = St.array().rowwise() * ts.w.transpose().array();
  gradient_sums(ts, Ht, dphi, sgrad, sgrad2);
  return {sf, sg, sgrad, sf2, sg2, sh2, sgrad2, sinf, sinf2};
}

void evaluate_sampled(const model::ModelParams& params, const SimulationOptions& options, int seed_index,
                      const SeedDraws& dr, const VectorXd& w, int threads, SeedResult& out) {
  const SeedProblem& pr = dr.problem;
  const int p = static_cast<int>(pr.Theta.cols()), d = static_cast<int>(pr.Theta.rows());
  const int k = static_cast<int>(pr.zeta.rows());
  TestSet ts{.sigma = model::activation(params.sigma),
             .phi = model::activation(params.teacher),
             .dr = dr,
             .w = w,
             .base_seed = options.base_seed,
             .seed_index = seed_index,
             .T = options.test_samples,
             .informed = params.has_informed(),
             .P = MatrixXd(p, k),
             .aw = VectorXd(),
             .via_gram = d > p,
             .Q = MatrixXd(),
             .c0 = VectorXd(),
             .t0 = pr.theta0.squaredNorm()};
  for (int m = 0; m < k; ++m) ts.P.col(m) = pr.zeta.row(m).transpose().cwiseProduct(w);
  if (ts.informed) ts.aw = dr.informed.a.transpose().cwiseProduct(w);
  if (ts.via_gram) {
    ts.Q.setZero(p, p);
    tiled_gram_lower(pr.Theta, 1.0 / d, ts.Q, threads);
    ts.Q.triangularView<Eigen::StrictlyUpper>() = ts.Q.transpose();
    ts.c0.noalias() = pr.Theta.transpose() * pr.theta0;
    ts.c0 *= 1.0 / std::sqrt(static_cast<double>(d));
  }
  const int T = options.test_samples;
  const int chunks = (T + kTestChunk - 1) / kTestChunk;
  // The chunks run in parallel (single-threaded BLAS inside each) and their partial sums are added
  // in chunk order, so the result does not depend on the thread count.
  std::vector<ChunkSums> partial(static_cast<std::size_t>(chunks));
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && chunks > 1)
  for (int c = 0; c < chunks; ++c) partial[static_cast<std::size_t>(c)] = test_chunk(ts, c);
  double sum_f = 0, sum_g = 0, sum_grad = 0, sum_f2 = 0, sum_g2 = 0, sum_h2 = 0, sum_grad2 = 0, sum_inf = 0,
         sum_inf2 = 0;
  for (const auto& [sf, sg, sgrad, sf2, sg2, sh2, sgrad2, sinf, sinf2] : partial) {
    sum_f += sf, sum_g += sg, sum_grad += sgrad;
    sum_f2 += sf2, sum_g2 += sg2, sum_h2 += sh2, sum_grad2 += sgrad2;
    sum_inf += sinf, sum_inf2 += sinf2;
  }
  out.errors.gen_f = sum_f / T;
  out.errors.gen_g = k > 0 ? sum_g / T : 0.0;
  out.errors.gen_h1 = out.errors.gen_f + out.errors.gen_g;
  out.errors.gen_grad = sum_grad / T;
  out.errors.gen_inf = ts.informed ? sum_inf / T : 0.0;
  // Standard error of a mean of T per-input errors: sqrt(sample variance / T).
  auto se = [T](double sum, double sum_sq) {
    if (T < 2) return std::numeric_limits<double>::quiet_NaN();
    const double mean = sum / T;
    return std::sqrt(std::max(0.0, (sum_sq - T * mean * mean) / (T - 1.0)) / T);
  };
  out.test_se.gen_f = se(sum_f, sum_f2);
  out.test_se.gen_g = k > 0 ? se(sum_g, sum_g2) : 0.0;
  out.test_se.gen_h1 = se(sum_f + sum_g, sum_h2);
  out.test_se.gen_grad = se(sum_grad, sum_grad2);
  out.test_se.gen_inf = ts.informed ? se(sum_inf, sum_inf2) : 0.0;
}

}  // namespace

void evaluate_seed(const model::ModelParams& params, const SimulationOptions& options, int seed_index,
                   const SeedDraws& draws, const VectorXd& w, int threads, SeedResult& out) {
  if (options.test_error == TestError::kExact)
    evaluate_exact(params, options, draws, w, threads, out);
  else
    evaluate_sampled(params, options, seed_index, draws, w, threads, out);
}

}  // namespace srf::simulation
