#include <sobolev_rf/simulation/hermite_expansion.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include <sobolev_rf/simulation/simulator.hpp>

namespace srf::simulation {

namespace {

constexpr double kGridStep = 1.0 / 12.0;
constexpr double kGridHalfWidth = 22.0;
constexpr Eigen::Index kFeatureBlock = 64;  // scales per block of the grid evaluation

// He_m(0) / sqrt(n!) for the closed forms: zero for odd m, (-1)^(m/2) (m-1)!! / sqrt(n!) for
// even m, in logarithms ((m-1)!! = m! / (2^(m/2) (m/2)!)) so that no factorial overflows.
double hermite_at_zero_over_sqrt_factorial(int m, int n) {
  if (m % 2 != 0) return 0.0;
  const int j = m / 2;
  const double log_double_factorial = std::lgamma(m + 1.0) - j * std::log(2.0) - std::lgamma(j + 1.0);
  const double magnitude = std::exp(log_double_factorial - 0.5 * std::lgamma(n + 1.0));
  return j % 2 == 0 ? magnitude : -magnitude;
}

}  // namespace

HermiteExpansion::HermiteExpansion(const model::Activation& a, ActivationPart part, int max_degree)
    : activation_(&a), part_(part), max_degree_(max_degree) {
  if (max_degree < 0) throw std::invalid_argument("HermiteExpansion: max_degree = " + std::to_string(max_degree) + " must be >= 0");
  const int L = max_degree;
  const double inv_sqrt_2pi = 1.0 / std::sqrt(2.0 * M_PI);
  if (a.name == "relu") {
    kind_ = part == ActivationPart::kValue ? Kind::kRelu : Kind::kStep;
  } else if (a.name == "sign") {
    kind_ = part == ActivationPart::kValue ? Kind::kSign : Kind::kZero;
  } else if (a.smooth) {
    kind_ = Kind::kGrid;
  } else {
    throw std::invalid_argument("HermiteExpansion: activation '" + a.name +
                                "' has a kink and no closed-form Hermite coefficients");
  }
  closed_form_.setZero(L + 1);
  switch (kind_) {
    case Kind::kRelu:
      closed_form_[0] = inv_sqrt_2pi;
      if (L >= 1) closed_form_[1] = 0.5;
      for (int n = 2; n <= L; ++n) closed_form_[n] = inv_sqrt_2pi * hermite_at_zero_over_sqrt_factorial(n - 2, n);
      break;
    case Kind::kStep:
    case Kind::kSign: {
      const double scale = kind_ == Kind::kSign ? 2.0 : 1.0;  // sign = 2 step - 1
      closed_form_[0] = kind_ == Kind::kSign ? 0.0 : 0.5;
      for (int n = 1; n <= L; ++n) closed_form_[n] = scale * inv_sqrt_2pi * hermite_at_zero_over_sqrt_factorial(n - 1, n);
      break;
    }
    case Kind::kGrid: {
      const int half = static_cast<int>(std::lround(kGridHalfWidth / kGridStep));
      const int m = 2 * half + 1;
      nodes_.resize(m);
      density_.resize(m);
      projector_.resize(L + 1, m);
      for (int i = 0; i < m; ++i) {
        const double t = (i - half) * kGridStep;
        nodes_[i] = t;
        const double sqrt_density = std::pow(2.0 * M_PI, -0.25) * std::exp(-0.25 * t * t);
        density_[i] = kGridStep * sqrt_density * sqrt_density;
        // Orthonormal Hermite functions psi_n = He_n / sqrt(n!) sqrt(phi): bounded, so the
        // three-term recurrence neither overflows nor loses the small values at large |t|.
        double prev = 0.0, cur = sqrt_density;
        for (int n = 0; n <= L; ++n) {
          projector_(n, i) = kGridStep * cur * sqrt_density;
          const double next = (t * cur - std::sqrt(static_cast<double>(n)) * prev) / std::sqrt(n + 1.0);
          prev = cur;
          cur = next;
        }
      }
      break;
    }
    case Kind::kZero:
      break;
  }
}

void HermiteExpansion::expand(const Eigen::VectorXd& scales, Eigen::MatrixXd& coefficients,
                              Eigen::VectorXd& second_moment, int threads) const {
  const Eigen::Index m = scales.size();
  coefficients.resize(max_degree_ + 1, m);
  second_moment.resize(m);
  switch (kind_) {
    case Kind::kRelu:  // relu(s z) = s relu(z)
      for (Eigen::Index j = 0; j < m; ++j) {
        coefficients.col(j) = scales[j] * closed_form_;
        second_moment[j] = 0.5 * scales[j] * scales[j];
      }
      return;
    case Kind::kStep:  // scale-free
    case Kind::kSign:
      for (Eigen::Index j = 0; j < m; ++j) {
        coefficients.col(j) = closed_form_;
        second_moment[j] = kind_ == Kind::kSign ? 1.0 : 0.5;
      }
      return;
    case Kind::kZero:
      coefficients.setZero();
      second_moment.setZero();
      return;
    case Kind::kGrid:
      break;
  }
  const Eigen::Index blocks = (m + kFeatureBlock - 1) / kFeatureBlock;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && blocks > 1)
  for (Eigen::Index b = 0; b < blocks; ++b) {
    const Eigen::Index j0 = b * kFeatureBlock, nb = std::min(kFeatureBlock, m - j0);
    const Eigen::MatrixXd H = nodes_ * scales.segment(j0, nb).transpose();
    Eigen::MatrixXd F, S;
    apply_activation(*activation_, H, F, part_ == ActivationPart::kDerivative ? &S : nullptr, 1);
    const Eigen::MatrixXd& values = part_ == ActivationPart::kValue ? F : S;
    coefficients.middleCols(j0, nb).noalias() = projector_ * values;
    second_moment.segment(j0, nb).noalias() = values.array().square().matrix().transpose() * density_;
  }
}

}  // namespace srf::simulation
