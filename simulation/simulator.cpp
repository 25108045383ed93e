#include <sobolev_rf/simulation/simulator.hpp>

#include <omp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <sobolev_rf/simulation/blas_control.hpp>
#include <sobolev_rf/simulation/memory_estimate.hpp>
#include <sobolev_rf/simulation/tiled_products.hpp>

namespace srf::simulation {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
// Inputs are drawn sample by sample, so a row-major buffer fills contiguously; BLAS takes
// either layout at the same speed.
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

// Test inputs per independent chunk (and random stream) of the test set; a fixed number, so the
// draws do not depend on the thread count or on batch_rows.
constexpr int kTestChunk = 256;

[[noreturn]] void bad_option(const std::string& field, double value, const std::string& rule) {
  std::ostringstream os;
  os << "SimulationOptions." << field << " = " << value << ": " << rule;
  throw std::invalid_argument(os.str());
}

// Element-wise map over the columns of H, in parallel over column blocks when threads > 1.
// Each entry is computed independently, so the result does not depend on the thread count.
template <class Op>
void for_each_column(Index cols, int threads, Op op) {
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
  for (Index j = 0; j < cols; ++j) op(j);
}

// ModelParams::validate insists on |varpi| = k; with a drawn sketch varpi is an output, so
// validate a copy with a placeholder.
model::ModelParams checked(const model::ModelParams& params, VarpiMode mode) {
  model::ModelParams p = params;
  if (mode == VarpiMode::kDrawn) p.varpi.assign(static_cast<std::size_t>(std::max(p.k, 0)), 0.0);
  p.validate();
  return p;
}

}  // namespace

void SimulationOptions::validate() const {
  if (p < 1) bad_option("p", p, "must be >= 1");
  if (seeds < 1) bad_option("seeds", seeds, "must be >= 1");
  if (threads < 0) bad_option("threads", threads, "must be >= 0 (0: OpenMP default)");
  if (test_samples < 1) bad_option("test_samples", test_samples, "must be >= 1");
  if (batch_rows < 0) bad_option("batch_rows", batch_rows, "must be >= 0 (0: automatic)");
  population.validate();
}

ProblemSize problem_size(const model::ModelParams& params, int p) {
  ProblemSize s;
  s.p = p;
  s.k = params.k;
  const double n = std::round(params.alpha * p);
  const double d = std::round(params.gamma * p);
  if (!(n >= 1) || n > 1e8) {
    std::ostringstream os;
    os << "--p = " << p << ": n = round(alpha p) = " << n << " with alpha = " << params.alpha
       << "; needs 1 <= n <= 1e8";
    throw std::invalid_argument(os.str());
  }
  if (!(d >= 1) || d > 1e8) {
    std::ostringstream os;
    os << "--p = " << p << ": d = round(gamma p) = " << d << " with gamma = " << params.gamma
       << "; needs 1 <= d <= 1e8";
    throw std::invalid_argument(os.str());
  }
  s.n = static_cast<int>(n);
  s.d = static_cast<int>(d);
  return s;
}

int batch_rows_for(const SimulationOptions& options, int p) {
  if (options.batch_rows > 0) return options.batch_rows;
  return std::clamp((1 << 19) / std::max(p, 1), 256, 2048);
}

const Estimate& SimulationResult::estimate(const std::string& name) const {
  for (const auto& [n, e] : estimates)
    if (n == name) return e;
  throw std::out_of_range("SimulationResult::estimate: no quantity '" + name + "'");
}

void apply_activation(const model::Activation& sigma, const MatrixXd& H, MatrixXd& F, MatrixXd* S, int threads) {
  F.resize(H.rows(), H.cols());
  if (S) S->resize(H.rows(), H.cols());
  const Index rows = H.rows();
  const std::string& name = sigma.name;
  // Shared work where the derivative follows from the value: tanh' = 1 - tanh^2,
  // sigmoid' = s (1 - s). Both are accurate to a few ulp in absolute terms, which is what
  // the products with w need.
  if (name == "tanh") {
    // tanh h = sign(h) (1 - e)/(1 + e), e = exp(-2|h|) <= 1: Eigen's vectorised exp is several
    // times faster than libm's tanh, exact to a few ulp in absolute terms (relative accuracy
    // near h = 0 is not needed: the features enter through sums with w).
    const Index cols_per_chunk = std::max<Index>(1, 4096 / std::max<Index>(rows, 1));
    const Index chunks = (H.cols() + cols_per_chunk - 1) / cols_per_chunk;
    for_each_column(chunks, threads, [&](Index c) {
      const Index j0 = c * cols_per_chunk, nc = std::min(cols_per_chunk, H.cols() - j0);
      const auto h = H.middleCols(j0, nc).array();
      const Eigen::ArrayXXd e = (-2.0 * h.abs()).exp();
      const Eigen::ArrayXXd t = (1.0 - e) / (1.0 + e);
      F.middleCols(j0, nc).array() = (h < 0.0).select(-t, t);
      if (S) S->middleCols(j0, nc).array() = 1.0 - t * t;
    });
  } else if (name == "sigmoid") {
    for_each_column(H.cols(), threads, [&](Index j) {
      for (Index i = 0; i < rows; ++i) {
        const double s = sigma.value(H(i, j));
        F(i, j) = s;
        if (S) (*S)(i, j) = s * (1.0 - s);
      }
    });
  } else if (name == "relu") {
    for_each_column(H.cols(), threads, [&](Index j) {
      for (Index i = 0; i < rows; ++i) {
        const double h = H(i, j);
        F(i, j) = h > 0.0 ? h : 0.0;
        if (S) (*S)(i, j) = h > 0.0 ? 1.0 : 0.0;
      }
    });
  } else if (name == "linear") {
    F = H;
    if (S) S->setOnes();
  } else {
    for_each_column(H.cols(), threads, [&](Index j) {
      for (Index i = 0; i < rows; ++i) {
        const double h = H(i, j);
        F(i, j) = sigma.value(h);
        if (S) (*S)(i, j) = sigma.derivative(h);
      }
    });
  }
}

void feature_rows(const MatrixXd& X, const MatrixXd& Theta, const MatrixXd& zeta, const model::Activation& sigma,
                  MatrixXd& function_rows, std::vector<MatrixXd>& gradient_rows) {
  const double inv_sqrt_d = 1.0 / std::sqrt(static_cast<double>(Theta.rows()));
  const MatrixXd H = (X * Theta) * inv_sqrt_d;
  MatrixXd S;
  apply_activation(sigma, H, function_rows, &S);
  gradient_rows.resize(static_cast<std::size_t>(zeta.rows()));
  for (Index m = 0; m < zeta.rows(); ++m) gradient_rows[m] = S.array().rowwise() * zeta.row(m).array();
}

SeedProblem draw_seed_problem(const model::ModelParams& params, const SimulationOptions& options, int seed_index,
                              NormalRng& rng) {
  const ProblemSize sz = problem_size(params, options.p);
  SeedProblem pr;
  // theta0 ~ N(0, I/d) normalised to |theta0| = 1 (docs/model.md allows it): then omega ~ N(0,1)
  // exactly and the conditioning formula needs no |theta0|^2.
  pr.theta0.resize(sz.d);
  rng.fill_rows(pr.theta0);
  pr.theta0 /= pr.theta0.norm();
  const std::vector<double> none;
  pr.V = draw_sketch(pr.theta0, options.varpi_mode == VarpiMode::kGiven ? params.varpi : none, sz.k,
                     options.sketch_scale, rng);
  pr.Theta.resize(sz.d, sz.p);
  rng.fill_columns(pr.Theta);  // feature by feature
  pr.zeta = (pr.V.transpose() * pr.Theta) / std::sqrt(static_cast<double>(sz.d));
  return pr;
}

Eigen::VectorXd informed_direction(const model::ModelParams& params, const VectorXd& theta0, int p,
                                   NormalRng& rng) {
  if (params.informed == "oracle") return theta0 / theta0.norm();
  if (params.informed != "estimated")
    throw std::invalid_argument("informed_direction: informed = " + params.informed + " has no direction");
  const model::Activation& phi = model::activation(params.teacher);
  const Index d = theta0.size();
  const double nu_real = std::round(params.alpha_u * p);
  if (!(nu_real >= 1) || nu_real > 1e7) {
    std::ostringstream os;
    os << "alpha_u = " << params.alpha_u << ": n_u = round(alpha_u p) = " << nu_real << " at p = " << p
       << "; needs 1 <= n_u <= 1e7";
    throw model::InvalidParameter("alpha_u", os.str());
  }
  const Index nu = static_cast<Index>(nu_real);
  const double sd = std::sqrt(params.delta_u);
  MatrixXd G(nu, d);
  for (Index i = 0; i < nu; ++i) {
    const double dphi = phi.derivative(rng());
    for (Index j = 0; j < d; ++j) G(i, j) = dphi * theta0[j] + sd * rng();
  }
  // The top eigenvector of G^T G (d x d) directly, or through the smaller Gram G G^T.
  VectorXd u;
  if (nu >= d) {
    const MatrixXd C = G.transpose() * G;
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(C);
    u = es.eigenvectors().col(d - 1);
  } else {
    const MatrixXd B = G * G.transpose();
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(B);
    u = G.transpose() * es.eigenvectors().col(nu - 1);
  }
  u /= u.norm();
  if (u.dot(theta0) < 0) u = -u;
  return u;
}

SeedResult simulate_seed(const model::ModelParams& params_in, const SimulationOptions& options, int seed_index,
                         int threads) {
  options.validate();
  const model::ModelParams params = checked(params_in, options.varpi_mode);
  const ProblemSize sz = problem_size(params, options.p);
  const int n = sz.n, p = sz.p, d = sz.d, k = sz.k;
  const model::Activation& sigma = model::activation(params.sigma);
  const model::Activation& phi = model::activation(params.teacher);
  const double inv_sqrt_d = 1.0 / std::sqrt(static_cast<double>(d));
  threads = std::max(threads, 1);

  NormalRng rng(stream_seed(options.base_seed, static_cast<std::uint64_t>(seed_index), 0));
  const SeedProblem pr = draw_seed_problem(params, options, seed_index, rng);
  const VectorXd align = pr.V.transpose() * pr.theta0;  // realised varpi (labels use it exactly)
  const NoiseSampler noise(k, params.rho);

  // The informed direction u, its alignment t = u . theta0 and its feature row a = u^T Theta / sqrt d
  // (an extra "sketch direction" of unit norm), from their own stream; then n label noises.
  const bool informed = params.has_informed();
  VectorXd u_inf;
  Eigen::RowVectorXd a_inf;
  double t_inf = 0;
  VectorXd z(informed ? n : 0);  // informed labels u . g_i = t phi'(omega_i) + sqrt(Delta_g) eps''_i
  NormalRng inf_rng(stream_seed(options.base_seed, static_cast<std::uint64_t>(seed_index), kInformedStream));
  if (informed) {
    u_inf = informed_direction(params, pr.theta0, p, inf_rng);
    t_inf = u_inf.dot(pr.theta0);
    a_inf = (u_inf.transpose() * pr.Theta) * inv_sqrt_d;
  }
  const bool has_sigma_prime = k > 0 || informed;

  // Rows of the least-squares matrix A per training sample: the function row and, when the
  // gradient term carries weight, k sqrt(beta)-weighted gradient rows.
  const bool gradient_rows_in_a = k > 0 && params.beta > 0.0;
  const bool informed_rows_in_a = informed && params.beta_inf > 0.0;
  const int k_rows = gradient_rows_in_a ? k : 0;  // gradient rows before the informed one
  const int rows_per_sample = 1 + k_rows + (informed_rows_in_a ? 1 : 0);
  const double sqrt_beta_inf = std::sqrt(params.beta_inf);
  const Index N = static_cast<Index>(n) * rows_per_sample;
  bool primal = options.solve_method == SolveMethod::kPrimal ||
                (options.solve_method == SolveMethod::kAuto && N >= p);
  const double sqrt_beta = std::sqrt(params.beta);
  const double ridge = n * params.lambda;  // (1/n)|b - A w|^2 + lambda |w|^2, times n

  // Training labels, kept for the training errors.
  VectorXd y(n);
  MatrixXd g(n, k);
  // Primal: the training features sigma, sigma' (n x p each), from which the normal equations
  // are formed after the loop and the residuals after the solve. Dual: the whole of A (N x p,
  // smaller than p x p) and b.
  MatrixXd normal_matrix, A, F_train, S_train;
  VectorXd rhs, b_all;
  if (primal) {
    F_train.resize(n, p);
    if (has_sigma_prime) S_train.resize(n, p);
  } else {
    A.resize(N, p);
    b_all.resize(N);
    if ((k > 0 && !gradient_rows_in_a) || (informed && !informed_rows_in_a)) S_train.resize(n, p);
  }

  const int batch = std::min(batch_rows_for(options, p), n);
  RowMatrix X;
  MatrixXd H, Fb, Sb;
  VectorXd omega, e(1 + k);
  for (int i0 = 0; i0 < n; i0 += batch) {
    const int b = std::min(batch, n - i0);
    // Sample by sample: the input, then its 1 + k noises, so the stream does not depend on b.
    X.resize(b, d);
    MatrixXd noise_b(b, 1 + k);
    for (int i = 0; i < b; ++i) {
      for (int j = 0; j < d; ++j) X(i, j) = rng();
      noise.draw(rng, e);
      noise_b.row(i) = e.transpose();
    }
    omega.noalias() = X * pr.theta0;
    for (int i = 0; i < b; ++i) {
      const double om = omega[i];
      y[i0 + i] = phi.value(om) + std::sqrt(params.delta_f) * noise_b(i, 0);
      const double dphi = has_sigma_prime ? phi.derivative(om) : 0.0;
      for (int m = 0; m < k; ++m) g(i0 + i, m) = align[m] * dphi + std::sqrt(params.delta_g) * noise_b(i, 1 + m);
      if (informed) z[i0 + i] = t_inf * dphi + std::sqrt(params.delta_g) * inf_rng();
    }
    X *= inv_sqrt_d;  // after omega: H = X Theta / sqrt d with one b x d scaling
    H.resize(b, p);
    tiled_product(X, pr.Theta, H, threads);
    apply_activation(sigma, H, Fb, has_sigma_prime ? &Sb : nullptr, threads);

    // This batch's rows of A and b: [function rows; gradient rows of direction 1; ...].
    const Index br = static_cast<Index>(b) * rows_per_sample;
    auto fill = [&](Eigen::Ref<MatrixXd> Ab, Eigen::Ref<VectorXd> bb) {
      Ab.topRows(b) = Fb;
      bb.head(b) = y.segment(i0, b);
      if (informed_rows_in_a) {
        const Index r = static_cast<Index>(b) * (1 + k_rows);
        Ab.middleRows(r, b) = Sb.array().rowwise() * (sqrt_beta_inf * a_inf.array());
        bb.segment(r, b) = sqrt_beta_inf * z.segment(i0, b);
      }
      if (!gradient_rows_in_a) return;
      for (int m = 0; m < k; ++m) {
        Ab.middleRows(static_cast<Index>(b) * (1 + m), b) =
            Sb.array().rowwise() * (sqrt_beta * pr.zeta.row(m).array());
        bb.segment(static_cast<Index>(b) * (1 + m), b) = sqrt_beta * g.col(m).segment(i0, b);
      }
    };
    if (primal) {
      F_train.middleRows(i0, b) = Fb;
      if (has_sigma_prime) S_train.middleRows(i0, b) = Sb;
    } else {
      const Index r0 = static_cast<Index>(i0) * rows_per_sample;
      fill(A.middleRows(r0, br), b_all.segment(r0, br));
      if (S_train.size() > 0) S_train.middleRows(i0, b) = Sb;
    }
  }
  X.resize(0, 0);
  H.resize(0, 0);

  if (primal) {
    // A^T A = F^T F + beta sum_m (S o zeta_m)^T (S o zeta_m), and (S o zeta_m)^T (S o zeta_m) =
    // diag(zeta_m) S^T S diag(zeta_m), so the gradient part is (S^T S) o (zeta^T zeta): one
    // symmetric rank-n update whatever k, instead of k of them (lower triangles only).
    normal_matrix.setZero(p, p);
    if (gradient_rows_in_a) {
      tiled_gram_lower(S_train, params.beta, normal_matrix, threads);
      for (Index j = 0; j < p; ++j)
        normal_matrix.col(j).tail(p - j).array() *=
            (pr.zeta.rightCols(p - j).transpose() * pr.zeta.col(j)).array();
    }
    tiled_gram_lower(F_train, 1.0, normal_matrix, threads);
    // A^T b = F^T y + beta sum_m zeta_m o (S^T g_m).
    rhs.noalias() = F_train.transpose() * y;
    if (gradient_rows_in_a) {
      const MatrixXd Sg = S_train.transpose() * g;  // p x k
      for (int m = 0; m < k; ++m) rhs += params.beta * pr.zeta.row(m).transpose().cwiseProduct(Sg.col(m));
    }
    // The informed direction: + beta_inf (S diag a)^T (S diag a) and + beta_inf a o (S^T z).
    if (informed_rows_in_a) {
      const MatrixXd Sa = S_train.array().rowwise() * a_inf.array();
      tiled_gram_lower(Sa, params.beta_inf, normal_matrix, threads);
      rhs += params.beta_inf * a_inf.transpose().cwiseProduct(S_train.transpose() * z);
    }
  }

  // Solve, and get the training residuals r_f = y - f(x_i), r_g = g - V^T grad f(x_i).
  VectorXd w, r_f, r_inf;
  MatrixXd r_g(n, k);
  // P = Zw: column m is zeta_m .* w, so S P = V^T grad f on rows of sigma'.
  auto zeta_w = [&](const VectorXd& wv) {
    MatrixXd P(p, k);
    for (int m = 0; m < k; ++m) P.col(m) = pr.zeta.row(m).transpose().cwiseProduct(wv);
    return P;
  };
  if (primal) {
    normal_matrix.diagonal().array() += ridge;
    w = rhs;
    tiled_cholesky_solve_in_place(normal_matrix, w, threads);
    normal_matrix.resize(0, 0);
    r_f = y - F_train * w;
    if (k > 0) r_g = g - S_train * zeta_w(w);
    if (informed) r_inf = z - S_train * a_inf.transpose().cwiseProduct(w);
  } else {
    MatrixXd K(N, N);
    K.setZero();
    tiled_gram_lower(A.transpose(), 1.0, K, threads);  // A A^T
    K.diagonal().array() += ridge;
    VectorXd c = b_all;
    tiled_cholesky_solve_in_place(K, c, threads);
    K.resize(0, 0);
    w.noalias() = A.transpose() * c;
    // b - A w = b - A A^T c = ridge c exactly: the residual without cancellation.
    r_f.resize(n);
    for (int i0 = 0; i0 < n; i0 += batch) {
      const int b = std::min(batch, n - i0);
      const Index r0 = static_cast<Index>(i0) * rows_per_sample;
      r_f.segment(i0, b) = ridge * c.segment(r0, b);
      if (gradient_rows_in_a)
        for (int m = 0; m < k; ++m)
          r_g.col(m).segment(i0, b) = (ridge / sqrt_beta) * c.segment(r0 + static_cast<Index>(b) * (1 + m), b);
      if (informed_rows_in_a) {
        if (i0 == 0) r_inf.resize(n);
        r_inf.segment(i0, b) = (ridge / sqrt_beta_inf) * c.segment(r0 + static_cast<Index>(b) * (1 + k_rows), b);
      }
    }
    if (k > 0 && !gradient_rows_in_a) r_g = g - S_train * zeta_w(w);
    if (informed && !informed_rows_in_a) r_inf = z - S_train * a_inf.transpose().cwiseProduct(w);
  }
  A.resize(0, 0);
  F_train.resize(0, 0);
  S_train.resize(0, 0);

  SeedResult out;
  out.seed_index = seed_index;
  out.primal = primal;
  out.varpi.assign(align.data(), align.data() + k);
  out.errors.train_f = r_f.squaredNorm() / n;
  out.errors.train_g = k > 0 ? r_g.squaredNorm() / n : 0.0;
  out.errors.train_inf = informed ? r_inf.squaredNorm() / n : 0.0;

  if (options.test_error == TestError::kExact) {
    const PopulationErrors pe =
        population_errors(sigma, phi, pr.Theta, pr.theta0, pr.V, pr.zeta, w, options.population, threads);
    const double train_f = out.errors.train_f, train_g = out.errors.train_g, train_inf = out.errors.train_inf;
    out.errors = pe.errors;
    out.errors.train_f = train_f;
    out.errors.train_g = train_g;
    out.errors.train_inf = train_inf;
    out.population_truncation_bound = pe.truncation_bound;
    if (informed) {
      // gen_inf is gen_g of the one-column "sketch" u (whose realised alignment is t = u . theta0).
      const PopulationErrors pi = population_errors(sigma, phi, pr.Theta, pr.theta0, MatrixXd(u_inf), MatrixXd(a_inf),
                                                    w, options.population, threads);
      out.errors.gen_inf = pi.errors.gen_g;
      out.population_truncation_bound.gen_inf = pi.truncation_bound.gen_g;
    }
    return out;
  }

  // Test: fresh inputs, noiseless targets, in chunks of kTestChunk inputs. Chunk c draws from
  // its own stream 1 + c, so the chunks are independent: they run in parallel (single-threaded
  // BLAS inside each) and their partial sums are added in chunk order, so the result does not
  // depend on the thread count.
  const MatrixXd P = zeta_w(w);
  // Full gradient grad f(x) = Theta (s .* w) / sqrt d. If d <= p, form it (b x d per chunk);
  // otherwise use the p x p Gram Q = Theta^T Theta / d:
  //   |a theta0 - grad f|^2 = a^2 - 2 a (theta0^T Theta / sqrt d) u + u^T Q u,  u = s .* w.
  // Either way one GEMM per test chunk, of the smaller inner size.
  const bool via_gram = d > p;
  MatrixXd Q;
  VectorXd c0;
  if (via_gram) {
    Q.setZero(p, p);
    tiled_gram_lower(pr.Theta, 1.0 / d, Q, threads);
    Q.triangularView<Eigen::StrictlyUpper>() = Q.transpose();
    c0.noalias() = pr.Theta.transpose() * pr.theta0;
    c0 *= inv_sqrt_d;
  }
  const int T = options.test_samples;
  const int chunks = (T + kTestChunk - 1) / kTestChunk;
  // Per chunk: the sums of the per-input errors (f, g, grad) and of their squares (f, g, h1,
  // grad) for the standard errors.
  std::vector<std::array<double, 9>> partial(static_cast<std::size_t>(chunks));
  const VectorXd aw = informed ? VectorXd(a_inf.transpose().cwiseProduct(w)) : VectorXd();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && chunks > 1)
  for (int c = 0; c < chunks; ++c) {
    const int t0 = c * kTestChunk, b = std::min(kTestChunk, T - t0);
    NormalRng test_rng(stream_seed(options.base_seed, static_cast<std::uint64_t>(seed_index),
                                   1 + static_cast<std::uint64_t>(c)));
    RowMatrix Xt(b, d), G2;
    test_rng.fill_rows(Xt);
    const VectorXd om = Xt * pr.theta0;
    Xt *= inv_sqrt_d;
    MatrixXd Ht = Xt * pr.Theta, Ft, St;
    apply_activation(sigma, Ht, Ft, &St, 1);
    const VectorXd f = Ft * w;
    double sf = 0, sg = 0, sgrad = 0, sf2 = 0, sg2 = 0, sh2 = 0, sgrad2 = 0, sinf = 0, sinf2 = 0;
    VectorXd dphi(b), ef(b);
    for (int i = 0; i < b; ++i) {
      const double r = phi.value(om[i]) - f[i];
      ef[i] = r * r;
      sf += r * r;
      sf2 += ef[i] * ef[i];
      dphi[i] = phi.derivative(om[i]);
    }
    if (k > 0) {
      const MatrixXd sketched = St * P;  // b x k: V^T grad f(x_i)
      for (int i = 0; i < b; ++i) {
        double eg = 0;
        for (int m = 0; m < k; ++m) {
          const double r = align[m] * dphi[i] - sketched(i, m);
          sg += r * r;
          eg += r * r;
        }
        sg2 += eg * eg;
        sh2 += (ef[i] + eg) * (ef[i] + eg);
      }
    } else {
      sh2 = sf2;
    }
    if (informed) {
      const VectorXd along = St * aw;  // u . grad f(x_i)
      for (int i = 0; i < b; ++i) {
        const double r = t_inf * dphi[i] - along[i];
        sinf += r * r;
        sinf2 += r * r * r * r;
      }
    }
    // U = S .* w^T (row i: s_i .* w), reusing Ht's storage.
    Ht = St.array().rowwise() * w.transpose().array();
    if (via_gram) {
      G2.noalias() = Ht * Q;
      const VectorXd lin = Ht * c0;
      for (int i = 0; i < b; ++i) {
        const double e = dphi[i] * dphi[i] - 2.0 * dphi[i] * lin[i] + G2.row(i).dot(Ht.row(i));
        sgrad += e;
        sgrad2 += e * e;
      }
    } else {
      G2.noalias() = Ht * pr.Theta.transpose();
      G2 *= inv_sqrt_d;  // row i: grad f(x_i)^T
      for (int i = 0; i < b; ++i) {
        const double e = (dphi[i] * pr.theta0.transpose() - G2.row(i)).squaredNorm();
        sgrad += e;
        sgrad2 += e * e;
      }
    }
    partial[static_cast<std::size_t>(c)] = {sf, sg, sgrad, sf2, sg2, sh2, sgrad2, sinf, sinf2};
  }
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
  out.errors.gen_inf = informed ? sum_inf / T : 0.0;
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
  out.test_se.gen_inf = informed ? se(sum_inf, sum_inf2) : 0.0;
  return out;
}

SimulationResult summarize_seeds(const model::ModelParams& params, const SimulationOptions& options,
                                 std::vector<SeedResult> per_seed) {
  if (static_cast<int>(per_seed.size()) != options.seeds)
    throw std::invalid_argument("summarize_seeds: " + std::to_string(per_seed.size()) + " seed results for seeds = " +
                                std::to_string(options.seeds));
  SimulationResult res;
  res.size = problem_size(params, options.p);
  res.seeds = options.seeds;
  res.threads = options.threads > 0 ? options.threads : std::max(1, omp_get_max_threads());
  res.seeds_in_parallel = options.seeds >= 2 && res.threads >= 2;
  res.per_seed = std::move(per_seed);
  const double S = options.seeds;
  for (const auto& [name, field] : model::error_fields()) {
    double mean = 0;
    for (const auto& r : res.per_seed) mean += r.errors.*field;
    mean /= S;
    double ss = 0;
    for (const auto& r : res.per_seed) ss += (r.errors.*field - mean) * (r.errors.*field - mean);
    const double se = options.seeds > 1 ? std::sqrt(ss / (S - 1.0) / S) : std::numeric_limits<double>::quiet_NaN();
    res.estimates.emplace_back(name, Estimate{mean, se});
  }
  return res;
}

SimulationResult simulate(const model::ModelParams& params_in, const SimulationOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  options.validate();
  const model::ModelParams params = checked(params_in, options.varpi_mode);
  check_memory(params, options);
  SimulationResult res;
  res.size = problem_size(params, options.p);
  res.seeds = options.seeds;
  const int threads = options.threads > 0 ? options.threads : std::max(1, omp_get_max_threads());
  res.threads = threads;
  res.per_seed.resize(static_cast<std::size_t>(options.seeds));
  const int previous_blas = blas_threads();
  int done = 0;

  res.seeds_in_parallel = options.seeds >= 2 && threads >= 2;
  if (res.seeds_in_parallel) {
    // One seed per thread, each with single-threaded BLAS: every seed then performs the same
    // floating-point operations in the same order whatever the thread count.
    set_blas_threads(1);
    std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::min(threads, options.seeds))
    for (int s = 0; s < options.seeds; ++s) {
      if (options.stop && options.stop->load()) continue;
      try {
        res.per_seed[s] = simulate_seed(params, options, s, 1);
#pragma omp critical(srf_simulate_progress)
        {
          ++done;
          if (options.on_seed_done) options.on_seed_done(done, options.seeds);
        }
      } catch (...) {
#pragma omp critical(srf_simulate_failure)
        if (!failure) failure = std::current_exception();
      }
    }
    if (previous_blas > 0) set_blas_threads(previous_blas);
    if (failure) std::rethrow_exception(failure);
  } else {
    // Seeds one after another; inside a seed the large products run as fixed tiles on
    // single-threaded BLAS (validation/tiled_products.hpp), so the thread count changes the
    // speed and never the bits.
    set_blas_threads(1);
    try {
      for (int s = 0; s < options.seeds; ++s) {
        if (options.stop && options.stop->load()) break;
        res.per_seed[s] = simulate_seed(params, options, s, threads);
        if (options.on_seed_done) options.on_seed_done(s + 1, options.seeds);
      }
    } catch (...) {
      if (previous_blas > 0) set_blas_threads(previous_blas);
      throw;
    }
    if (previous_blas > 0) set_blas_threads(previous_blas);
  }

  if (options.stop && options.stop->load()) throw Cancelled();
  const bool in_parallel = res.seeds_in_parallel;
  res = summarize_seeds(params, options, std::move(res.per_seed));
  res.seeds_in_parallel = in_parallel;
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return res;
}

}  // namespace srf::simulation
