// [E.3] The law of the sketch metric C and the integrals of the extensive traces over it.
#include <sobolev_rf/theory/detail/sketch_spectrum.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace srf::theory {

namespace {

constexpr int kGaussNodes = 48;

double ratio_of(model::SketchLaw law, double kappa) {
  if (!(kappa > 0.0) || !std::isfinite(kappa))
    throw std::invalid_argument("SketchSpectrum: kappa = " + std::to_string(kappa) + ", must be finite and > 0");
  if (law == model::SketchLaw::kOrthogonal && kappa > 1.0)
    throw std::invalid_argument("SketchSpectrum: an orthogonal sketch needs kappa <= 1");
  return 1.0 / kappa;
}

double evaluate(const CubicPolynomial& p, double c) { return p[0] + c * (p[1] + c * (p[2] + c * p[3])); }

}  // namespace

SketchSpectrum::SketchSpectrum(model::SketchLaw law, double kappa)
    : law_(law), kappa_(kappa), mp_(ratio_of(law, kappa)) {
  if (law == model::SketchLaw::kOrthogonal) {
    atoms_ = {1.0 / kappa};
    atom_weights_ = {kappa};
    if (kappa < 1.0) atoms_.push_back(0.0), atom_weights_.push_back(1.0 - kappa);
    for (int j = 0; j < 4; ++j) moments_[j] = kappa * std::pow(1.0 / kappa, j);
    moments_[0] = 1.0;
  } else {
    const double y = 1.0 / kappa;
    moments_ = {1.0, 1.0, 1.0 + y, 1.0 + 3.0 * y + y * y};
    // Free Poisson recurrence of Marchenko-Pastur with ratio y and mean 1: a_0 = 1, a_j = 1 + y,
    // b_j = y (its free cumulants are y^(j-1)).
    std::vector<double> a(kGaussNodes, 1.0 + y), b(kGaussNodes - 1, y);
    a[0] = 1.0;
    rule_ = numerics::golub_welsch(a, b);
  }
}

double SketchSpectrum::moment(int j) const { return moments_.at(static_cast<std::size_t>(j)); }

double SketchSpectrum::integrate(const CubicPolynomial& p, int r, double P, double Q) const {
  auto term = [&](double c) { return evaluate(p, c) / std::pow(P + Q * c, r); };
  if (law_ == model::SketchLaw::kOrthogonal) {
    double s = 0.0;
    for (std::size_t i = 0; i < atoms_.size(); ++i) s += atom_weights_[i] * term(atoms_[i]);
    return s;
  }
  if (r == 0 || Q == 0.0) {
    double s = 0.0;
    for (int j = 0; j < 4; ++j) s += p[j] * moments_[j];
    return s / std::pow(P, r);
  }
  const double z0 = -P / Q;
  if (-z0 > 2.0 * mp_.upper_edge()) return rule_.integrate(term);
  // p(c) = sum_j t_j (c - z0)^j (Taylor at z0), so p / u^r = Q^-r sum_j t_j (c - z0)^(j - r).
  const double t[4] = {evaluate(p, z0), p[1] + z0 * (2.0 * p[2] + 3.0 * z0 * p[3]), p[2] + 3.0 * z0 * p[3], p[3]};
  // E (c - z0)^m for m = -2 .. 3 - r.
  auto shifted_moment = [&](int m) {
    if (m == -1) return mp_.stieltjes(z0);
    if (m == -2) return mp_.stieltjes_derivative(z0);
    double s = 0.0, binom = 1.0;
    for (int i = 0; i <= m; ++i) {
      s += binom * moments_[i] * std::pow(-z0, m - i);
      binom = binom * (m - i) / (i + 1);
    }
    return s;
  };
  double s = 0.0;
  for (int j = 0; j < 4; ++j)
    if (t[j] != 0.0) s += t[j] * shifted_moment(j - r);
  return s / std::pow(Q, r);
}

}  // namespace srf::theory
