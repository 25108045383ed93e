#include "validation/sampling.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace srf::validation {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t stream_seed(std::uint64_t base_seed, std::uint64_t seed_index, std::uint64_t stream) {
  // Chained mixing: each argument passes through the full-avalanche mixer before the next
  // enters, so (base, index, stream) triples that differ anywhere give unrelated seeds.
  return splitmix64(splitmix64(splitmix64(base_seed) ^ seed_index) ^ stream);
}

void NormalRng::fill_columns(Eigen::Ref<Eigen::MatrixXd> m) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = normal_(engine_);
}

Eigen::MatrixXd draw_sketch(const Eigen::VectorXd& theta0, const std::vector<double>& varpi, int k,
                            SketchScale scale, NormalRng& rng) {
  const Eigen::Index d = theta0.size();
  Eigen::MatrixXd V(d, k);
  rng.fill_rows(V);
  if (!varpi.empty()) {
    if (static_cast<int>(varpi.size()) != k) throw std::invalid_argument("draw_sketch: varpi needs k entries");
    const double t2 = theta0.squaredNorm();
    const Eigen::Map<const Eigen::VectorXd> a(varpi.data(), k);
    // (I - theta0 theta0^T/|theta0|^2) G + theta0 varpi^T/|theta0|^2, without forming d x d.
    const Eigen::RowVectorXd proj = (theta0.transpose() * V) / t2;
    V.noalias() -= theta0 * proj;
    V.noalias() += theta0 * (a.transpose() / t2);
  }
  if (scale == SketchScale::kUnit) V /= std::sqrt(static_cast<double>(d));
  return V;
}

NoiseSampler::NoiseSampler(int k, double rho) {
  if (k < 0 || k > 15) throw std::invalid_argument("NoiseSampler: k = " + std::to_string(k) + " must lie in [0, 15]");
  if (!std::isfinite(rho) || k * rho * rho > 1.0 + 1e-15) {
    std::ostringstream os;
    os << "NoiseSampler: rho = " << rho << " needs k * rho^2 <= 1 (k = " << k << ")";
    throw std::invalid_argument(os.str());
  }
  Eigen::MatrixXd C = Eigen::MatrixXd::Identity(1 + k, 1 + k);
  for (int j = 1; j <= k; ++j) C(0, j) = C(j, 0) = rho;
  Eigen::LLT<Eigen::MatrixXd> llt(C);
  if (llt.info() == Eigen::Success) {
    factor_ = llt.matrixL();
  } else {
    // k rho^2 = 1: C is positive semi-definite; its symmetric square root is a valid factor.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(C);
    const Eigen::VectorXd s = es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    factor_ = es.eigenvectors() * s.asDiagonal() * es.eigenvectors().transpose();
  }
}

void NoiseSampler::draw(NormalRng& rng, Eigen::Ref<Eigen::VectorXd> out) const {
  // k <= 8 (ModelParams::validate), so the draws fit on the stack: no allocation per sample.
  Eigen::Matrix<double, Eigen::Dynamic, 1, 0, 16, 1> z(factor_.rows());
  for (Eigen::Index j = 0; j < z.size(); ++j) z[j] = rng();
  out.noalias() = factor_ * z;
}

}  // namespace srf::validation
