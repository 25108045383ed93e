#pragma once
// The spectral law nu of the sketch metric C = V V^T / k of an extensive sketch (docs/theory/
// extensive.md [E.3]): every trace of the extensive theory is an integral over nu of a polynomial in
// the eigenvalue c over a power of u(c) = P + Q c, the linear denominator of its Silverstein
// equation [E.6].
//   orthogonal (kappa <= 1): C = P_k / kappa, nu = kappa delta_{1/kappa} + (1 - kappa) delta_0;
//   gaussian (kappa > 0):    Marchenko-Pastur with ratio y = 1/kappa and mean 1 (an atom 1 - kappa at
//                            0 when kappa < 1), moments E c = 1, E c^2 = 1 + y, E c^3 = 1 + 3y + y^2.
// Internal to theory/.
#include <array>
#include <vector>

#include <sobolev_rf/model/sketch_law.hpp>
#include <sobolev_rf/numerics/golub_welsch.hpp>
#include <sobolev_rf/numerics/marchenko_pastur.hpp>

namespace srf::theory {

// p(c) = p[0] + p[1] c + p[2] c^2 + p[3] c^3.
using CubicPolynomial = std::array<double, 4>;

class SketchSpectrum {
 public:
  // kappa > 0 (orthogonal: kappa <= 1). Throws std::invalid_argument otherwise.
  SketchSpectrum(model::SketchLaw law, double kappa);

  // E c^j, j = 0..3.
  double moment(int j) const;

  // int p(c) / (P + Q c)^r dnu(c) for r in {0, 1, 2}, P > 0, Q >= 0 (u > 0 on the support).
  // Atoms: the sum. Marchenko-Pastur: with the pole z0 = -P/Q within 2 upper edges of the support,
  // the Stieltjes transform s(z0) = int dnu / (c - z0) and s'(z0) in closed form
  // (numerics/marchenko_pastur.hpp) after expanding p in powers of (c - z0) (cancellation at most a
  // factor 2^3); farther (or Q = 0), a 48-point Gauss rule of nu (Golub-Welsch), whose error is below
  // rho^-96 with rho >= 9.9 there. Both agree to ~1e-14 at the switch.
  double integrate(const CubicPolynomial& p, int r, double P, double Q) const;

 private:
  model::SketchLaw law_;
  double kappa_;
  std::array<double, 4> moments_{};
  std::vector<double> atoms_, atom_weights_;  // orthogonal
  numerics::MarchenkoPastur mp_;               // gaussian (ratio 1/kappa)
  numerics::GaussRule rule_;                   // gaussian
};

}  // namespace srf::theory
