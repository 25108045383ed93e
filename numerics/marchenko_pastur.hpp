#pragma once
// Marchenko-Pastur law with ratio c and unit variance: the limiting spectral distribution of
// P = (1/d) Theta^T Theta, Theta a d x p matrix of i.i.d. N(0,1) entries, with c = p/d.
// Support [(1-sqrt c)^2, (1+sqrt c)^2] plus an atom of mass 1 - 1/c at zero when c > 1.
//
// Stieltjes transform g(z) = int dmu(x) / (x - z). It is the root of
//     c z g^2 + (z - 1 + c) g + 1 = 0                       (Bai & Silverstein 2010, eq. 3.1.2)
// that behaves as -1/z at infinity; for real z < 0 it is the unique positive root.
namespace srf::numerics {

class MarchenkoPastur {
 public:
  // c = p/d > 0; throws std::invalid_argument otherwise.
  explicit MarchenkoPastur(double c);

  double ratio() const { return c_; }
  double lower_edge() const;
  double upper_edge() const;
  double atom_at_zero() const;  // max(0, 1 - 1/c)
  // Density of the absolutely continuous part at x (0 outside the support).
  double density(double x) const;

  // g(z) and g'(z) for real z < 0 (the only values the solver needs: z = -lambda/kappa^2).
  // Throws std::invalid_argument for z >= 0 or NaN.
  double stieltjes(double z) const;
  double stieltjes_derivative(double z) const;

 private:
  double c_;
};

}  // namespace srf::numerics
