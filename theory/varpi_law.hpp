#pragma once
// The law of an error over the sketch draw varpi ~ N(0, I_k). Every error is exactly
// E = A0 + A2 |varpi|^2 (docs/theory [D.7]: quadratic and rotation invariant in varpi), so E is
// an affine function of X = |varpi|^2 ~ chi^2_k. One implementation of its statistics, CDF,
// density and quantiles, shared by reports, curves, figures and the Python package.
#include <vector>

#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::theory {

struct VarpiStatistics {
  double mean, std, q05, q50, q95;
};

// Mean A0 + k A2, std |A2| sqrt(2k) and quantiles of E. k = 0: a point mass at A0.
VarpiStatistics varpi_statistics(double A0, double A2, int k);
// The same for one error of a law over varpi ~ N(0, tau2 I_k): |varpi|^2 = tau2 X, so E = A0 + (tau2 A2) X.
VarpiStatistics varpi_statistics(const VarpiLaw& law, double model::Errors::*field, int k);
// P(E <= e); a step at A0 when A2 = 0 or k = 0.
double varpi_law_cdf(double A0, double A2, int k, double e);
// The density of E at e (0 outside its support); NaN for a point mass.
double varpi_law_density(double A0, double A2, int k, double e);
// The value e with P(E <= e) = prob, prob in (0, 1).
double varpi_law_quantile(double A0, double A2, int k, double prob);

struct VarpiLawPoint {
  double error, cdf, density;
};
// The law drawn as a curve of `points` nodes, error increasing, from X = 0 to the 99.5 %
// quantile of chi^2_k. Nodes X = x_max u^2 (u uniform) crowd near X = 0, where the chi^2_1
// density diverges like X^-1/2. A point mass (A2 = 0 or k = 0) gives two rows: cdf 0 and 1 at A0.
std::vector<VarpiLawPoint> varpi_law_curve(double A0, double A2, int k, int points);

}  // namespace srf::theory
