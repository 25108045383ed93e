#include <sobolev_rf/simulation/stacked_solve.hpp>

#include <cmath>
#include <utility>

#include <sobolev_rf/simulation/tiled_products.hpp>

namespace srf::simulation {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// P = Zw: column m is zeta_m .* w, so S P = V^T grad f on rows of sigma'.
MatrixXd zeta_w(const MatrixXd& zeta, const VectorXd& w) {
  MatrixXd P(w.size(), zeta.rows());
  for (Index m = 0; m < zeta.rows(); ++m) P.col(m) = zeta.row(m).transpose().cwiseProduct(w);
  return P;
}

// (min L_ii / max L_ii)^2 from the factor's diagonal (StackedSolution::pivot_ratio).
double pivot_ratio(const MatrixXd& factor) {
  const auto diag = factor.diagonal().array();
  const double ratio = diag.minCoeff() / diag.maxCoeff();
  return ratio * ratio;
}

// The primal normal equations A^T A (lower triangle) and A^T b, from F and S without forming A.
void primal_system(const StackedDesign& s, MatrixXd& normal_matrix, VectorXd& rhs, int threads) {
  const Index p = s.p;
  // A^T A = F^T F + beta sum_m (S o zeta_m)^T (S o zeta_m), and (S o zeta_m)^T (S o zeta_m) =
  // diag(zeta_m) S^T S diag(zeta_m), so the gradient part is (S^T S) o (zeta^T zeta): one
  // symmetric rank-n update whatever k, instead of k of them (lower triangles only).
  normal_matrix.setZero(p, p);
  if (s.gradient_rows_in_a()) {
    tiled_gram_lower(s.S, s.beta, normal_matrix, threads);
    for (Index j = 0; j < p; ++j)
      normal_matrix.col(j).tail(p - j).array() *= (s.zeta.rightCols(p - j).transpose() * s.zeta.col(j)).array();
  }
  tiled_gram_lower(s.F, 1.0, normal_matrix, threads);
  // A^T b = F^T y + beta sum_m zeta_m o (S^T g_m).
  rhs.noalias() = s.F.transpose() * s.y;
  if (s.gradient_rows_in_a()) {
    const MatrixXd Sg = s.S.transpose() * s.g;  // p x k
    for (int m = 0; m < s.k; ++m) rhs += s.beta * s.zeta.row(m).transpose().cwiseProduct(Sg.col(m));
  }
  // The informed direction: + beta_inf (S diag a)^T (S diag a) and + beta_inf a o (S^T z).
  if (s.informed_rows_in_a()) {
    const MatrixXd Sa = s.S.array().rowwise() * s.a_inf.array();
    tiled_gram_lower(Sa, s.beta_inf, normal_matrix, threads);
    rhs += s.beta_inf * s.a_inf.transpose().cwiseProduct(s.S.transpose() * s.z);
  }
}

StackedSolution solve_primal(StackedDesign& s, double ridge, int threads) {
  StackedSolution out;
  {
    MatrixXd normal_matrix;
    primal_system(s, normal_matrix, out.w, threads);
    normal_matrix.diagonal().array() += ridge;
    tiled_cholesky_solve_in_place(normal_matrix, out.w, threads);
    out.pivot_ratio = pivot_ratio(normal_matrix);
  }  // the p x p factor is freed before the residuals
  const VectorXd& w = out.w;
  out.r_f = s.y - s.F * w;
  out.r_g.resize(s.n, s.k);
  if (s.k > 0) out.r_g = s.g - s.S * zeta_w(s.zeta, w);
  if (s.informed()) out.r_inf = s.z - s.S * s.a_inf.transpose().cwiseProduct(w);
  return out;
}

StackedSolution solve_dual(StackedDesign& s, double ridge, int threads) {
  StackedSolution out;
  const Index N = s.rows();
  VectorXd c = s.b;
  {
    MatrixXd K(N, N);
    K.setZero();
    tiled_gram_lower(s.A.transpose(), 1.0, K, threads);  // A A^T
    K.diagonal().array() += ridge;
    tiled_cholesky_solve_in_place(K, c, threads);
    out.pivot_ratio = pivot_ratio(K);
  }  // the N x N factor is freed before w
  out.w.noalias() = s.A.transpose() * c;
  // b - A w = b - A A^T c = ridge c exactly: the residual without cancellation. Rows of A come
  // per batch (stacked_design.hpp): [b function rows; b rows per gradient direction; b informed].
  const int n = s.n, batch = s.batch, rows_per_sample = s.rows_per_sample();
  const double sqrt_beta = std::sqrt(s.beta), sqrt_beta_inf = std::sqrt(s.beta_inf);
  out.r_f.resize(n);
  out.r_g.resize(n, s.k);
  if (s.informed()) out.r_inf.resize(n);
  for (int i0 = 0; i0 < n; i0 += batch) {
    const int b = std::min(batch, n - i0);
    const Index r0 = static_cast<Index>(i0) * rows_per_sample;
    out.r_f.segment(i0, b) = ridge * c.segment(r0, b);
    if (s.gradient_rows_in_a())
      for (int m = 0; m < s.k; ++m)
        out.r_g.col(m).segment(i0, b) = (ridge / sqrt_beta) * c.segment(r0 + static_cast<Index>(b) * (1 + m), b);
    if (s.informed_rows_in_a())
      out.r_inf.segment(i0, b) =
          (ridge / sqrt_beta_inf) * c.segment(r0 + static_cast<Index>(b) * (1 + s.gradient_rows()), b);
  }
  // Terms of weight 0 are not in A: their residuals from the kept sigma'.
  if (s.k > 0 && !s.gradient_rows_in_a()) out.r_g = s.g - s.S * zeta_w(s.zeta, out.w);
  if (s.informed() && !s.informed_rows_in_a()) out.r_inf = s.z - s.S * s.a_inf.transpose().cwiseProduct(out.w);
  return out;
}

}  // namespace

StackedSolution solve_stacked(StackedDesign design, double lambda, int threads) {
  const double ridge = design.n * lambda;  // (1/n)|b - A w|^2 + lambda |w|^2, times n
  StackedSolution out = design.primal ? solve_primal(design, ridge, threads) : solve_dual(design, ridge, threads);
  out.primal = design.primal;
  return out;
}

}  // namespace srf::simulation
