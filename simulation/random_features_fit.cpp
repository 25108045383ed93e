#include <sobolev_rf/simulation/random_features_fit.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/simulation/blas_control.hpp>
#include <sobolev_rf/simulation/stacked_solve.hpp>

namespace srf::simulation {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

[[noreturn]] void bad(const std::string& field, const std::string& text) { throw model::InvalidParameter(field, text); }

std::string shape(Index rows, Index cols) { return std::to_string(rows) + " x " + std::to_string(cols); }

// BLAS on one thread for the scope, as simulate() runs: the tiles bring the parallelism, and a
// multithreaded BLAS would make the last bits depend on its thread count. (Fits running at once
// in several threads of one process share OpenBLAS's global setting: each restores what it found.)
class SingleThreadedBlas {
 public:
  SingleThreadedBlas() : previous_(blas_threads()) { set_blas_threads(1); }
  ~SingleThreadedBlas() {
    if (previous_ > 0) set_blas_threads(previous_);
  }
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

 private:
  int previous_;
};

int resolve_threads(int threads) { return threads > 0 ? threads : std::max(1, omp_get_max_threads()); }

template <class Derived>
void check_finite(const Eigen::MatrixBase<Derived>& m, const std::string& field) {
  if (!m.allFinite()) bad(field, "{" + field + "} has a non-finite entry (NaN or infinity)");
}

// X (n x d, n, d >= 1) against the features Theta (d x p, p >= 1), both finite.
void check_inputs(const MatrixXd& X, const MatrixXd& Theta) {
  if (X.rows() < 1 || X.cols() < 1)
    bad("X", "{X} is " + shape(X.rows(), X.cols()) + ": needs at least one row and column");
  if (Theta.rows() != X.cols() || Theta.cols() < 1)
    bad("Theta", "{Theta} is " + shape(Theta.rows(), Theta.cols()) + ": needs d = " + std::to_string(X.cols()) +
                     " rows (the columns of {X}) and at least one column");
  check_finite(X, "X");
  check_finite(Theta, "Theta");
}

void check_labels(const MatrixXd& X, const VectorXd& y, const MatrixXd& G, const MatrixXd& directions) {
  const Index n = X.rows(), d = X.cols(), k = directions.cols();
  if (y.size() != n) bad("y", "{y} has " + std::to_string(y.size()) + " entries for " + std::to_string(n) + " inputs");
  if (k > 0 && directions.rows() != d)
    bad("directions", "{directions} is " + shape(directions.rows(), k) + ": needs d = " + std::to_string(d) + " rows");
  if (G.rows() != n || G.cols() != k)
    bad("gradients", "{gradients} is " + shape(G.rows(), G.cols()) + ": needs n x k = " + shape(n, k) +
                         " (one derivative per input and direction)");
  check_finite(y, "y");
  check_finite(G, "gradients");
  check_finite(directions, "directions");
}

// Visits the inputs in batches of rows [i0, i0 + b): visit(i0, F, S) with F = sigma(H), S =
// sigma'(H) (S only with `derivative`), H = Xs Theta, Xs the batch's inputs scaled by 1/sqrt d.
template <class Visit>
void for_each_feature_batch(const MatrixXd& X, const MatrixXd& Theta, const model::Activation& sigma, bool derivative,
                            int batch, int threads, Visit visit) {
  const Index n = X.rows();
  const double inv_sqrt_d = 1.0 / std::sqrt(static_cast<double>(X.cols()));
  RowMatrix Xs;
  MatrixXd H, F, S;
  for (Index i0 = 0; i0 < n; i0 += batch) {
    const Index b = std::min<Index>(batch, n - i0);
    Xs = X.middleRows(i0, b) * inv_sqrt_d;
    batch_features(Xs, Theta, sigma, H, F, derivative ? &S : nullptr, threads);
    visit(static_cast<int>(i0), F, S);
  }
}

int batch_for(int batch_rows, Index p, Index n) {
  const int b = batch_rows > 0 ? batch_rows : default_batch_rows(static_cast<int>(p));
  return static_cast<int>(std::max<Index>(1, std::min<Index>(b, n)));
}

}  // namespace

void RandomFeaturesFitOptions::validate() const {
  try {
    (void)model::activation(activation);
  } catch (const std::invalid_argument& e) {
    bad("activation", e.what());
  }
  auto number = [](double v) {
    std::ostringstream os;
    os << v;
    return os.str();
  };
  if (!(std::isfinite(lambda) && lambda >= 0))
    bad("lambda", "lambda = " + number(lambda) + ": must be finite and >= 0");
  if (!(std::isfinite(beta) && beta >= 0)) bad("beta", "beta = " + number(beta) + ": must be finite and >= 0");
  if (threads < 0) bad("threads", "threads = " + std::to_string(threads) + ": must be >= 0 (0: OpenMP default)");
  if (batch_rows < 0) bad("batch_rows", "batch_rows = " + std::to_string(batch_rows) + ": must be >= 0 (0: automatic)");
}

RandomFeaturesFit fit_random_features(const MatrixXd& X, const VectorXd& y, const MatrixXd& G, const MatrixXd& Theta,
                                      const MatrixXd& directions, const RandomFeaturesFitOptions& options) {
  options.validate();
  check_inputs(X, Theta);
  check_labels(X, y, G, directions);
  const SingleThreadedBlas blas;
  const int threads = resolve_threads(options.threads);
  const int n = static_cast<int>(X.rows()), p = static_cast<int>(Theta.cols());
  const MatrixXd zeta = (directions.transpose() * Theta) * (1.0 / std::sqrt(static_cast<double>(X.cols())));  // k x p
  StackedDesign s = make_stacked_design(n, p, zeta, options.beta, Eigen::RowVectorXd(), 0.0, options.solve_method,
                                        batch_for(options.batch_rows, p, n));
  s.y = y;
  s.g = G;
  // Column sums of F in batch order (a fixed order: the means do not depend on the threads).
  Eigen::RowVectorXd feature_sums = Eigen::RowVectorXd::Zero(p);
  for_each_feature_batch(X, Theta, model::activation(options.activation), s.needs_derivative(), s.batch, threads,
                         [&](int i0, const MatrixXd& F, const MatrixXd& S) {
                           if (options.fit_intercept) feature_sums += F.colwise().sum();
                           append_batch(s, i0, F, S);
                         });
  Eigen::RowVectorXd feature_means = Eigen::RowVectorXd::Zero(p);
  const double label_mean = options.fit_intercept ? y.mean() : 0.0;
  if (options.fit_intercept) {
    feature_means = feature_sums / n;
    center_function_rows(s, feature_means, label_mean);
  }
  const double system_size = static_cast<double>(s.primal ? s.p : s.rows());
  StackedSolution sol;
  try {
    sol = solve_stacked(std::move(s), options.lambda, threads);
  } catch (const std::runtime_error& e) {
    std::ostringstream os;
    os << "lambda = " << options.lambda << ": the normal equations are not numerically positive definite ("
       << e.what() << "); a design without full rank needs lambda > 0";
    bad("lambda", os.str());
  }
  // With a ridge the system is positive definite by construction (eigenvalues >= n lambda); at
  // lambda = 0 a rank-deficient design can pass the factorisation with roundoff pivots, giving
  // weights made of roundoff: refuse them.
  if (options.lambda == 0 && !(sol.pivot_ratio > system_size * std::numeric_limits<double>::epsilon())) {
    std::ostringstream os;
    os << "lambda = 0: the " << solved_system(sol.primal) << " system is numerically singular "
       << "(squared pivot ratio " << sol.pivot_ratio << "); a design without full rank needs lambda > 0";
    bad("lambda", os.str());
  }
  RandomFeaturesFit out;
  out.w = std::move(sol.w);
  out.intercept = label_mean - feature_means.dot(out.w);  // c = mean(y - F w); 0 without intercept
  out.primal = sol.primal;
  out.train_f = sol.r_f.squaredNorm() / n;
  out.train_g = sol.r_g.size() > 0 ? sol.r_g.squaredNorm() / n : 0.0;
  return out;
}

MatrixXd random_features(const MatrixXd& X, const MatrixXd& Theta, const std::string& activation, int threads) {
  check_inputs(X, Theta);
  const model::Activation& sigma = model::activation(activation);
  const SingleThreadedBlas blas;
  MatrixXd out(X.rows(), Theta.cols());
  for_each_feature_batch(X, Theta, sigma, false, batch_for(0, Theta.cols(), X.rows()), resolve_threads(threads),
                         [&](int i0, const MatrixXd& F, const MatrixXd&) { out.middleRows(i0, F.rows()) = F; });
  return out;
}

VectorXd predict_random_features(const MatrixXd& X, const MatrixXd& Theta, const VectorXd& w, double intercept,
                                 const std::string& activation, int threads) {
  check_inputs(X, Theta);
  if (w.size() != Theta.cols())
    bad("w", "{w} has " + std::to_string(w.size()) + " entries for p = " + std::to_string(Theta.cols()) + " features");
  const model::Activation& sigma = model::activation(activation);
  const SingleThreadedBlas blas;
  VectorXd out(X.rows());
  for_each_feature_batch(X, Theta, sigma, false, batch_for(0, Theta.cols(), X.rows()), resolve_threads(threads),
                         [&](int i0, const MatrixXd& F, const MatrixXd&) {
                           out.segment(i0, F.rows()).noalias() = F * w;
                           out.segment(i0, F.rows()).array() += intercept;
                         });
  return out;
}

MatrixXd predict_random_features_gradient(const MatrixXd& X, const MatrixXd& Theta, const VectorXd& w,
                                          const std::string& activation, int threads) {
  check_inputs(X, Theta);
  if (w.size() != Theta.cols())
    bad("w", "{w} has " + std::to_string(w.size()) + " entries for p = " + std::to_string(Theta.cols()) + " features");
  const model::Activation& sigma = model::activation(activation);
  const SingleThreadedBlas blas;
  const double inv_sqrt_d = 1.0 / std::sqrt(static_cast<double>(X.cols()));
  MatrixXd out(X.rows(), X.cols());
  MatrixXd U;
  // grad f(x_i) = Theta (s_i .* w) / sqrt d: row i of (S .* w^T) Theta^T / sqrt d.
  for_each_feature_batch(X, Theta, sigma, true, batch_for(0, Theta.cols(), X.rows()), resolve_threads(threads),
                         [&](int i0, const MatrixXd&, const MatrixXd& S) {
                           U = S.array().rowwise() * w.transpose().array();
                           out.middleRows(i0, S.rows()).noalias() = U * Theta.transpose();
                           out.middleRows(i0, S.rows()) *= inv_sqrt_d;
                         });
  return out;
}

}  // namespace srf::simulation
