// The core traces evaluated on one sampled matrix (docs/theory [D.3]): an independent check of
// the deterministic equivalent. With E the P x K matrix of rows e_j = (1, zeta_j):
//   A = lambda I + diag_j(e_j^T M e_j) + P o (E C E^T),   G = A^{-1},
//   Delta = (1/d) E^T diag(G) E,   Gamma = (1/d) E^T (P o G) E,
// and along (X_C, X_M): dG = -G dA G with dA = diag_j(e_j^T X_M e_j) + P o (E X_C E^T).
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include <sobolev_rf/theory/detail/core_traces.hpp>

namespace srf::theory {

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

class SampledTraces final : public CoreTraces {
 public:
  SampledTraces(int k, double gamma, int size, std::uint64_t seed) : k_(k), K_(k + 1) {
    if (size < 2) throw std::invalid_argument("--trace-size = " + std::to_string(size) + ": must be >= 2");
    const int p = size;
    d_ = std::max(1, static_cast<int>(std::lround(gamma * p)));
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    MatrixXd Theta(d_, p);
    for (int j = 0; j < p; ++j)
      for (int i = 0; i < d_; ++i) Theta(i, j) = normal(rng);
    P_ = MatrixXd::Zero(p, p);
    P_.selfadjointView<Eigen::Lower>().rankUpdate(Theta.transpose(), 1.0 / d_);
    P_ = P_.selfadjointView<Eigen::Lower>();
    E_.resize(p, K_);
    E_.col(0).setOnes();
    for (int m = 1; m < K_; ++m)
      for (int j = 0; j < p; ++j) E_(j, m) = normal(rng);
  }

  // G at block-structured or general (C, M).
  MatrixXd resolvent(double lambda, const MatrixXd& C, const MatrixXd& M) const {
    MatrixXd A = P_.cwiseProduct(E_ * C * E_.transpose());
    A.diagonal() += ((E_ * M).cwiseProduct(E_)).rowwise().sum() + VectorXd::Constant(E_.rows(), lambda);
    Eigen::LLT<MatrixXd> llt(A);
    if (llt.info() != Eigen::Success) return MatrixXd();
    return llt.solve(MatrixXd::Identity(A.rows(), A.cols()));
  }
  void traces(const MatrixXd& G, MatrixXd& Delta, MatrixXd& Gamma) const {
    Delta = E_.transpose() * G.diagonal().asDiagonal() * E_ / d_;
    Gamma = E_.transpose() * P_.cwiseProduct(G) * E_ / d_;
  }

  bool level1(double lambda, double C0, double C1, double M0, double M1, double& D0, double& D1, double& G0,
              double& G1) const override {
    VectorXd c = VectorXd::Constant(K_, C1), m = VectorXd::Constant(K_, M1);
    c(0) = C0, m(0) = M0;
    const MatrixXd G = resolvent(lambda, c.asDiagonal(), m.asDiagonal());
    if (G.size() == 0) return false;
    MatrixXd Delta, Gamma;
    traces(G, Delta, Gamma);
    // Project on the block structure diag(x0, x1 I_k): the gradient block by its mean diagonal.
    D0 = Delta(0, 0), G0 = Gamma(0, 0);
    D1 = G1 = 0.0;
    for (int j = 1; j < K_; ++j) D1 += Delta(j, j) / k_, G1 += Gamma(j, j) / k_;
    return std::isfinite(D0) && std::isfinite(G0) && std::isfinite(D1) && std::isfinite(G1);
  }

  bool inner_map(double, double, double, double, double, double, double, double&, double&, double&,
                 double&) const override {
    return false;  // the traces of one sampled matrix come from a solve, not from a fixed-point map
  }

  void prepare(double lambda, const MatrixXd& C, const MatrixXd& M, double, double) override {
    G_ = resolvent(lambda, C, M);
    if (G_.size() == 0) throw std::runtime_error("sampled traces: the resolvent matrix is not positive definite");
    traces(G_, Delta_, Gamma_);
  }
  const MatrixXd& Delta() const override { return Delta_; }
  const MatrixXd& Gamma() const override { return Gamma_; }

  void derivative(const MatrixXd& XC, const MatrixXd& XM, MatrixXd& dDelta, MatrixXd& dGamma) const override {
    MatrixXd dA = P_.cwiseProduct(E_ * XC * E_.transpose());
    dA.diagonal() += ((E_ * XM).cwiseProduct(E_)).rowwise().sum();
    const MatrixXd dG = -(G_ * dA * G_);
    traces(dG, dDelta, dGamma);
  }

 private:
  int k_, K_, d_;
  MatrixXd P_, E_, G_, Delta_, Gamma_;
};

}  // namespace

std::unique_ptr<CoreTraces> make_sampled_traces(int k, double gamma, int size, std::uint64_t seed) {
  return std::make_unique<SampledTraces>(k, gamma, size, seed);
}

}  // namespace srf::theory
