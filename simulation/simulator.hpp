#pragma once
// The exact finite-size Monte Carlo simulation of the model of docs/model.md: for each seed draw the
// teacher, the sketch (conditioned on varpi or drawing it), the random features and the data,
// train the ridge-regularised Sobolev least-squares problem exactly (one Cholesky solve), and
// measure the training errors and the noiseless generalisation errors: exact Gaussian expectations
// given the draws and w (default), or averages over fresh test inputs. Structured inputs
// (docs/model.md "Structured inputs"): x ~ N(0, Sigma), Sigma = diag of the spectrum's finite-d
// family, the teacher aligned by s^(b/2) (SeedProblem below).
//
// Cost per seed (N = n(1+k) rows): the pre-activations X Theta (2 n d p flops), the normal
// equations (N p^2 primal or N^2 p dual, symmetric rank-k updates), one Cholesky
// (min(p,N)^3 / 3), and the errors: exact (default) p^2 d for Theta^T Theta plus ~(6 + 2k) L p^2 / 2
// for the series, or on T sampled test inputs X Theta (2 T d p) plus the full gradient (2 T p min(p,d)).
// Everything else is O(n p + T p). Matrices are built in row batches, so memory stays at the
// normal-equation matrix, Theta, the training features and a few batch buffers.
#include <Eigen/Dense>

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/theory_result.hpp>
#include <sobolev_rf/simulation/population_errors.hpp>
#include <sobolev_rf/simulation/sampling.hpp>
#include <sobolev_rf/simulation/stacked_design.hpp>  // SolveMethod

namespace srf::simulation {

enum class VarpiMode {
  kGiven,  // condition on ModelParams::varpi (docs/model.md "What theory matches simulation means")
  kDrawn,  // V with i.i.d. entries; varpi = V^T theta0 is random and reported per seed
};

inline constexpr model::EnumName<VarpiMode> kVarpiModeNames[] = {{"given", VarpiMode::kGiven}, {"drawn", VarpiMode::kDrawn}};
inline const char* to_string(VarpiMode v) { return model::enum_to_string(kVarpiModeNames, v); }

// How the gen_* errors are measured after training.
enum class TestError {
  kExact,    // Gaussian expectations given the seed's draws and w (simulation/population_errors.hpp)
  kSampled,  // averages over test_samples fresh inputs (adds test-set noise to every seed)
};
inline constexpr model::EnumName<TestError> kTestErrorNames[] = {{"exact", TestError::kExact}, {"sampled", TestError::kSampled}};
inline const char* to_string(TestError v) { return model::enum_to_string(kTestErrorNames, v); }

struct SimulationOptions {
  int p = 1000;              // number of random features; n = round(alpha p), d = round(gamma p)
  int seeds = 8;             // independent repetitions (fresh theta0, V, Theta, data)
  int threads = 0;           // 0: OpenMP's default (OMP_NUM_THREADS or the core count)
  TestError test_error = TestError::kExact;
  int test_samples = 4000;   // fresh test inputs per seed, with test_error = kSampled only
  PopulationErrorOptions population;  // series degree and tolerance, with test_error = kExact
  // Memory limit in bytes for simulate()'s guard (simulation/memory_estimate.hpp); 0: the
  // memory available now (MemAvailable, and the cgroup limit when there is one).
  std::uint64_t max_memory_bytes = 0;
  // Rows of X per batch; bounds the memory of the feature buffers. 0: automatic, about 4 MiB
  // per b x p buffer (2^19 / p rows, clamped to [256, 2048]): enough rows for BLAS to run at
  // full speed, few enough that the buffers are reused rather than page-faulted in (16 MiB
  // buffers cost 20 % of a p = 1000 seed in first-touch page faults).
  int batch_rows = 0;
  model::SketchScale sketch_scale = model::SketchScale::kNormal;
  VarpiMode varpi_mode = VarpiMode::kGiven;
  SolveMethod solve_method = SolveMethod::kAuto;
  std::uint64_t base_seed = 1;  // seed s uses streams derived from (base_seed, s) only
  // Called after each finished seed with (seeds done, seeds total), from the thread that ran
  // it but never concurrently. For progress reports; may be empty.
  std::function<void(int, int)> on_seed_done;
  // A front end's Ctrl-C (may be null): once it reads true, seeds not yet started are skipped
  // and simulate() throws Cancelled when the seeds in flight have finished.
  const std::atomic<bool>* stop = nullptr;

  // Throws std::invalid_argument naming the field, its value and the rule.
  void validate() const;
};

// Thrown by simulate() when options.stop was raised: the run was abandoned, no result.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

// Sizes of the finite problem: n = round(alpha p), d = round(gamma p), both at least 1.
struct ProblemSize {
  int n = 0, p = 0, d = 0, k = 0;
};
// k: the family's (model.k, or round(kappa d) >= 1 for an extensive sketch; seed_kernel.hpp).
ProblemSize problem_size(const model::ModelParams& params, int p);
// n and d alone (k = 0), checked: the part every family shares.
ProblemSize sample_and_input_sizes(const model::ModelParams& params, int p);

// The batch size in rows that options.batch_rows means at p features.
int batch_rows_for(const SimulationOptions& options, int p);

struct SeedResult {
  int seed_index = 0;
  model::Errors errors;
  std::vector<double> varpi;  // the realised alignment V^T theta0 (length k)
  bool primal = true;         // which system was solved
  // kSampled: the standard error of each gen_* test-set mean (sample standard deviation of the
  // per-input errors / sqrt T); kExact: zero.
  model::Errors test_se;
  // kExact: the bound on the series truncation (simulation/population_errors.hpp); kSampled: zero.
  model::Errors population_truncation_bound;
};

struct Estimate {
  double mean = 0;
  double se = 0;  // standard error of the mean over seeds (NaN with one seed)
};

struct SimulationResult {
  ProblemSize size;
  int seeds = 0;
  int threads = 0;             // threads used in total
  bool seeds_in_parallel = false;  // true: one seed per thread; false: threads share each seed
  std::vector<SeedResult> per_seed;  // in seed order
  // mean and standard error of each reported error, in model::error_fields() order
  std::vector<std::pair<std::string, Estimate>> estimates;
  double wall_seconds = 0;
  const Estimate& estimate(const std::string& name) const;  // throws std::out_of_range
};

// Runs options.seeds seeds (validating params and options first, then checking that the
// estimated peak memory fits: std::invalid_argument naming `p` and `max_memory_bytes` if not). BLAS always runs on one
// thread. Seeds run in parallel, one per thread, when seeds >= 2 and threads >= 2; otherwise
// one after another, each seed's large products split into fixed tiles shared among the
// threads (simulation/tiled_products.hpp). Either way every seed performs the same
// floating-point operations in the same order: results are bitwise identical whatever the
// thread count (multithreaded OpenBLAS would change the last bits, ~1e-13 relative).
SimulationResult simulate(const model::ModelParams& params, const SimulationOptions& options);

// The result of a run from its per-seed results (in seed order, options.seeds of them): sizes,
// the thread count options.threads resolves to, and the mean and standard error of each error
// over the seeds, always summed in seed order, so that whoever computed the seeds (threads,
// MPI ranks, job-array shards, a resumed run) the estimates are the same bits. wall_seconds
// is left 0 for the caller.
SimulationResult summarize_seeds(const model::ModelParams& params, const SimulationOptions& options,
                                 std::vector<SeedResult> per_seed);

// One seed, in three steps: assemble_seed (seed_assembly.hpp: the draws and the stacked training
// design), solve_stacked (stacked_solve.hpp: the exact ridge solve, primal or dual) and
// evaluate_seed (seed_evaluation.hpp: the errors); the training errors come from the solve's
// residuals. `threads` shares its tiled products and element-wise work among OpenMP threads.
// Call it with single-threaded BLAS (as simulate does) for results independent of `threads`.
// Exposed for tests and benchmarks.
SeedResult simulate_seed(const model::ModelParams& params, const SimulationOptions& options, int seed_index,
                         int threads = 1);

// ---- building blocks (exposed for tests) -------------------------------------------------

// F = sigma(H) and, when S is not null, S = sigma'(H), element-wise (names of the registry;
// tanh, sigmoid, softplus, relu and linear share work between value and derivative).
void apply_activation(const model::Activation& sigma, const Eigen::MatrixXd& H, Eigen::MatrixXd& F,
                      Eigen::MatrixXd* S, int threads = 1);

// The feature rows of inputs X (b x d) for features Theta (d x p) and sketch directions zeta
// = V^T Theta / sqrt d (k x p): row i of `function_rows` is sigma(x_i^T Theta / sqrt d), and
// row i of gradient_rows[m] is sigma'(x_i^T Theta / sqrt d) .* zeta_m, so that
// gradient_rows[m] w = V_m^T grad_x f_w(x_i).
void feature_rows(const Eigen::MatrixXd& X, const Eigen::MatrixXd& Theta, const Eigen::MatrixXd& zeta,
                  const model::Activation& sigma, Eigen::MatrixXd& function_rows,
                  std::vector<Eigen::MatrixXd>& gradient_rows);

// The draws of one seed before any data: theta0, V (d x k), Theta (d x p) and
// zeta = V^T Theta / sqrt d, drawn in that order (theta0, then the sketch row by row, then
// Theta feature by feature). simulate_seed draws them from the start of the seed's stream 0.
// Isotropic inputs: |theta0| = 1 and input_variance is empty. Structured inputs (docs/model.md
// "Structured inputs"): input_variance holds Sigma's diagonal s (the finite-d family of
// `spectrum`, mean 1; model::finite_spectrum), theta0_i = s_i^(b/2) g_i (b = alignment, g the same
// d draws) scaled so that theta0^T Sigma theta0 = 1, and the inputs are x = sqrt(s) .* z, z ~ N(0, I_d).
struct SeedProblem {
  Eigen::VectorXd theta0;
  Eigen::MatrixXd V, Theta, zeta;
  Eigen::VectorXd input_variance;  // s; empty: Sigma = I
  bool structured() const { return input_variance.size() > 0; }
};
SeedProblem draw_seed_problem(const model::ModelParams& params, const SimulationOptions& options, int seed_index,
                              NormalRng& rng);

// The informed direction u (unit, d entries) of docs/model.md "Informed directions", drawn from
// `rng` (simulate_seed uses the seed's stream kInformedStream, apart from stream 0, so that
// informed = none draws exactly what it always drew):
//   oracle:    u = theta0 / |theta0| (no draws);
//   estimated: n_u = max(1, round(alpha_u p)) samples g_i = phi'(omega_i) theta0 + sqrt(Delta_u) z_i,
//              omega_i ~ N(0, 1) (the law of theta0 . x), z_i ~ N(0, I_d), drawn sample by sample
//              (omega_i, then z_i); u = the top eigenvector of (1/n_u) sum g_i g_i^T, its sign
//              fixed by u . theta0 >= 0 (the loss does not depend on the sign of u);
//   estimated_sigma: the same with the noise sqrt(Delta_u) Sigma^(1/2) z_i, Sigma = diag(input_variance)
//              (empty: Sigma = I, the same draws and u as estimated).
// Throws std::invalid_argument for informed = none.
Eigen::VectorXd informed_direction(const model::ModelParams& params, const Eigen::VectorXd& theta0, int p,
                                   NormalRng& rng, const Eigen::VectorXd& input_variance = Eigen::VectorXd());
// The stream (of a seed) that draws u and then the n informed label noises.
inline constexpr std::uint64_t kInformedStream = std::uint64_t{1} << 40;

}  // namespace srf::simulation
