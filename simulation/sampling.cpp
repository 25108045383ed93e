#include <sobolev_rf/simulation/sampling.hpp>

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace srf::simulation {

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

namespace {
// Doornik's constants for 128 layers: R is the start of the tail, V the common layer area.
constexpr double kZigR = 3.442619855899;
constexpr double kZigV = 9.91256303526217e-3;
}  // namespace

const NormalRng::Table& NormalRng::table() {
  static const Table t = [] {
    Table z{};
    double f = std::exp(-0.5 * kZigR * kZigR);
    z.x[0] = kZigV / f;  // the base layer's rectangle plus tail, as a rectangle of area V
    z.x[1] = kZigR;
    z.x[128] = 0.0;
    for (int i = 2; i < 128; ++i) {
      z.x[i] = std::sqrt(-2.0 * std::log(kZigV / z.x[i - 1] + f));
      f = std::exp(-0.5 * z.x[i] * z.x[i]);
    }
    for (int i = 0; i < 128; ++i) z.ratio[i] = z.x[i + 1] / z.x[i];
    return z;
  }();
  return t;
}

double NormalRng::uniform_open() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

double NormalRng::slow_path(int i, double u) {
  const Table& z = table();
  if (i == 0) {
    // Tail beyond R (Marsaglia 1964): exact.
    double x, y;
    do {
      x = std::log(uniform_open()) / kZigR;
      y = std::log(uniform_open());
    } while (-2.0 * y < x * x);
    return u < 0.0 ? x - kZigR : kZigR - x;
  }
  // Wedge between the layer's rectangle and the density: accept with the exact probability.
  const double x = u * z.x[i];
  const double f0 = std::exp(-0.5 * (z.x[i] * z.x[i] - x * x));
  const double f1 = std::exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x));
  if (f1 + uniform_open() * (f0 - f1) < 1.0) return x;
  return std::numeric_limits<double>::quiet_NaN();
}

void NormalRng::fill_columns(Eigen::Ref<Eigen::MatrixXd> m) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = (*this)();
}

Eigen::MatrixXd draw_sketch(const Eigen::VectorXd& theta0, const std::vector<double>& varpi, int k,
                            model::SketchScale scale, NormalRng& rng) {
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
  if (scale == model::SketchScale::kUnit) V /= std::sqrt(static_cast<double>(d));
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

}  // namespace srf::simulation
