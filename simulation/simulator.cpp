#include <sobolev_rf/simulation/simulator.hpp>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/spectrum.hpp>
#include <sobolev_rf/simulation/blas_control.hpp>
#include <sobolev_rf/simulation/memory_estimate.hpp>
#include <sobolev_rf/simulation/seed_kernel.hpp>

namespace srf::simulation {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

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

ProblemSize problem_size(const model::ModelParams& params, int p) { return make_seed_kernel(params)->size(p); }

ProblemSize sample_and_input_sizes(const model::ModelParams& params, int p) {
  ProblemSize s;
  s.p = p;
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
  return options.batch_rows > 0 ? options.batch_rows : default_batch_rows(p);
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
  pr.theta0.resize(sz.d);
  rng.fill_rows(pr.theta0);
  if (!params.structured()) {
    // theta0 ~ N(0, I/d) normalised to |theta0| = 1 (docs/model.md allows it): then omega ~ N(0,1)
    // exactly and the conditioning formula needs no |theta0|^2.
    pr.theta0 /= pr.theta0.norm();
  } else {
    // Structured inputs (docs/model.md "Structured inputs"): Sigma = diag(s), s the finite-d
    // family of `spectrum` (mean 1); theta0_i = s_i^(b/2) g_i from the same d draws g, scaled so
    // that theta0^T Sigma theta0 = 1 (omega ~ N(0, 1) exactly; |theta0|^2 -> tau^2).
    const std::vector<double> s = model::finite_spectrum(model::parse_spectrum(params.spectrum), sz.d);
    pr.input_variance = Eigen::Map<const VectorXd>(s.data(), sz.d);
    const double half_b = 0.5 * params.alignment;
    if (half_b != 0.0)
      for (Index i = 0; i < sz.d; ++i) pr.theta0[i] *= std::pow(pr.input_variance[i], half_b);
    pr.theta0 /= std::sqrt(pr.theta0.cwiseAbs2().dot(pr.input_variance));
  }
  const std::vector<double> none;
  pr.V = draw_sketch(pr.theta0, options.varpi_mode == VarpiMode::kGiven ? params.varpi : none, sz.k,
                     options.sketch_scale, rng);
  pr.Theta.resize(sz.d, sz.p);
  rng.fill_columns(pr.Theta);  // feature by feature
  pr.zeta = (pr.V.transpose() * pr.Theta) / std::sqrt(static_cast<double>(sz.d));
  return pr;
}

Eigen::VectorXd informed_direction(const model::ModelParams& params, const VectorXd& theta0, int p,
                                   NormalRng& rng, const VectorXd& input_variance) {
  if (params.informed == "oracle") return theta0 / theta0.norm();
  if (!params.estimated_direction())
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
  // The noise's standard deviation per coordinate: sqrt(Delta_u), times sqrt(s_j) for estimated_sigma.
  VectorXd sd = VectorXd::Constant(d, std::sqrt(params.delta_u));
  if (params.informed == "estimated_sigma" && input_variance.size() > 0) {
    if (input_variance.size() != d) throw std::invalid_argument("informed_direction: input_variance has the wrong size");
    sd = sd.cwiseProduct(input_variance.cwiseSqrt());
  }
  MatrixXd G(nu, d);
  for (Index i = 0; i < nu; ++i) {
    const double dphi = phi.derivative(rng());
    for (Index j = 0; j < d; ++j) G(i, j) = dphi * theta0[j] + sd[j] * rng();
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
  return make_seed_kernel(params)->run_seed(options, seed_index, std::max(threads, 1));
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
  const std::unique_ptr<SeedKernel> kernel = make_seed_kernel(params);
  SimulationResult res;
  res.size = kernel->size(options.p);
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
        res.per_seed[s] = kernel->run_seed(options, s, 1);
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
    // single-threaded BLAS (simulation/tiled_products.hpp), so the thread count changes the
    // speed and never the bits.
    set_blas_threads(1);
    try {
      for (int s = 0; s < options.seeds; ++s) {
        if (options.stop && options.stop->load()) break;
        res.per_seed[s] = kernel->run_seed(options, s, threads);
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
