#include <sobolev_rf/numerics/golub_welsch.hpp>

#include <Eigen/Dense>

#include <cmath>
#include <stdexcept>

namespace srf::numerics {

GaussRule golub_welsch(const std::vector<double>& a, const std::vector<double>& b) {
  const Eigen::Index n = static_cast<Eigen::Index>(a.size());
  if (n < 1 || b.size() + 1 != a.size())
    throw std::invalid_argument("golub_welsch: needs n >= 1 diagonal and n - 1 off-diagonal coefficients");
  Eigen::VectorXd diag(n), sub(std::max<Eigen::Index>(n - 1, 0));
  for (Eigen::Index i = 0; i < n; ++i) diag(i) = a[static_cast<std::size_t>(i)];
  for (Eigen::Index i = 0; i + 1 < n; ++i) {
    const double bi = b[static_cast<std::size_t>(i)];
    if (!(bi > 0.0) || !std::isfinite(bi)) throw std::invalid_argument("golub_welsch: b_j must be finite and > 0");
    sub(i) = std::sqrt(bi);
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es;
  es.computeFromTridiagonal(diag, sub, Eigen::ComputeEigenvectors);
  GaussRule r;
  r.nodes.resize(static_cast<std::size_t>(n));
  r.weights.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    r.nodes[static_cast<std::size_t>(i)] = es.eigenvalues()(i);
    const double v = es.eigenvectors()(0, i);
    r.weights[static_cast<std::size_t>(i)] = v * v;
  }
  return r;
}

}  // namespace srf::numerics
