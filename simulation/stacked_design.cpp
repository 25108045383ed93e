#include <sobolev_rf/simulation/stacked_design.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

#include <sobolev_rf/simulation/simulator.hpp>
#include <sobolev_rf/simulation/tiled_products.hpp>

namespace srf::simulation {

using Eigen::Index;
using Eigen::MatrixXd;

int default_batch_rows(int p) { return std::clamp((1 << 19) / std::max(p, 1), 256, 2048); }

bool use_primal(SolveMethod method, Index rows, int p) {
  return method == SolveMethod::kPrimal || (method == SolveMethod::kAuto && rows >= p);
}

StackedDesign make_stacked_design(int n, int p, MatrixXd zeta, double beta, Eigen::RowVectorXd a_inf,
                                  double beta_inf, SolveMethod method, int batch) {
  StackedDesign s;
  s.n = n;
  s.p = p;
  s.k = static_cast<int>(zeta.rows());
  s.beta = beta;
  s.beta_inf = beta_inf;
  s.zeta = std::move(zeta);
  s.a_inf = std::move(a_inf);
  s.batch = std::max(1, std::min(batch, n));
  s.y.resize(n);
  s.g.resize(n, s.k);
  if (s.informed()) s.z.resize(n);
  s.primal = use_primal(method, s.rows(), p);
  if (s.primal) {
    s.F.resize(n, p);
    if (s.needs_derivative()) s.S.resize(n, p);
  } else {
    s.A.resize(s.rows(), p);
    s.b.resize(s.rows());
    // A term of weight 0 is not in A, but its training error needs sigma' at the training inputs.
    if ((s.k > 0 && !s.gradient_rows_in_a()) || (s.informed() && !s.informed_rows_in_a())) s.S.resize(n, p);
  }
  return s;
}

void append_batch(StackedDesign& s, int i0, const MatrixXd& Fb, const MatrixXd& Sb) {
  const int b = static_cast<int>(Fb.rows());
  if (s.primal) {
    s.F.middleRows(i0, b) = Fb;
    if (s.needs_derivative()) s.S.middleRows(i0, b) = Sb;
    return;
  }
  // This batch's rows of A and b: [function rows; gradient rows of direction 1; ...; informed rows].
  const Index r0 = static_cast<Index>(i0) * s.rows_per_sample();
  auto Ab = s.A.middleRows(r0, static_cast<Index>(b) * s.rows_per_sample());
  auto bb = s.b.segment(r0, static_cast<Index>(b) * s.rows_per_sample());
  Ab.topRows(b) = Fb;
  bb.head(b) = s.y.segment(i0, b);
  if (s.informed_rows_in_a()) {
    const double sqrt_beta_inf = std::sqrt(s.beta_inf);
    const Index r = static_cast<Index>(b) * (1 + s.gradient_rows());
    Ab.middleRows(r, b) = Sb.array().rowwise() * (sqrt_beta_inf * s.a_inf.array());
    bb.segment(r, b) = sqrt_beta_inf * s.z.segment(i0, b);
  }
  if (s.gradient_rows_in_a()) {
    const double sqrt_beta = std::sqrt(s.beta);
    for (int m = 0; m < s.k; ++m) {
      Ab.middleRows(static_cast<Index>(b) * (1 + m), b) = Sb.array().rowwise() * (sqrt_beta * s.zeta.row(m).array());
      bb.segment(static_cast<Index>(b) * (1 + m), b) = sqrt_beta * s.g.col(m).segment(i0, b);
    }
  }
  if (s.S.size() > 0) s.S.middleRows(i0, b) = Sb;
}

void center_function_rows(StackedDesign& s, const Eigen::RowVectorXd& feature_means, double label_mean) {
  s.y.array() -= label_mean;
  if (s.primal) {
    s.F.rowwise() -= feature_means;
    return;
  }
  for (int i0 = 0; i0 < s.n; i0 += s.batch) {
    const int b = std::min(s.batch, s.n - i0);
    const Index r0 = static_cast<Index>(i0) * s.rows_per_sample();
    s.A.middleRows(r0, b).rowwise() -= feature_means;
    s.b.segment(r0, b).array() -= label_mean;
  }
}

void batch_features(const RowMatrix& Xs, const MatrixXd& Theta, const model::Activation& sigma, MatrixXd& H,
                    MatrixXd& F, MatrixXd* S, int threads) {
  H.resize(Xs.rows(), Theta.cols());
  tiled_product(Xs, Theta, H, threads);
  apply_activation(sigma, H, F, S, threads);
}

}  // namespace srf::simulation
