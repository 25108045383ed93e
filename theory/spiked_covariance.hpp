#pragma once
// The top eigenvector of a spiked sample covariance whose noise is shaped like the input
// covariance (docs/theory/structured.md [S.14]): n_u samples g_i = a_i theta0 + sqrt(Delta) Sigma^(1/2) z_i,
// z_i ~ N(0, I_d), E a_i^2 = E phi'^2, d / n_u -> c, theta0 = tau v with v a unit vector whose
// coordinates have the direction law mu_v of (S13.1). The spike ell = tau^2 E phi'^2 competes with
// Sigma's own top eigenvectors: the sample covariance has an outlier, and its top eigenvector u a
// nonzero cosine with v, only above a transition that depends on the whole spectrum. With
// m = the Stieltjes transform of the n_u x n_u companion matrix at the outlier x,
//   x(m) = -1/m + c E_s[Delta s / (1 + m Delta s)]                                    (S14.1)
//   1 + ell m E_v[1 / (1 + m Delta s)] = 0,   m in (m_edge, 0),                      (S14.4)
// where K(m) = 1 - c m^2 E_s[(Delta s)^2 / (1 + m Delta s)^2] vanishes at the bulk's edge m_edge (S14.2).
// Every coordinate average of u is a weighted sum over the spectrum's atoms:
//   sum_r u_r^2 f(s_r) -> sum_i profile_i f(s_i),   sum_r v_r u_r f(s_r) -> sum_i bilinear_i f(s_i),
// with sum profile = 1 and sum bilinear = cos = v . u; cos^2 = (S14.5). Below the transition
// cos = 0, bilinear = 0 and the profile is that of the bulk's edge ([S.14], below the transition).
#include <vector>

#include <sobolev_rf/model/spectral_law.hpp>

namespace srf::theory {

struct SpikedEigenvector {
  bool outlier = false;            // above the transition: an eigenvalue outside the bulk
  double cos2 = 0;                 // (v . u)^2
  double m = 0;                    // the companion Stieltjes transform at the outlier, or at the edge
  double x = 0;                    // the outlier (above the transition), else the bulk's edge
  std::vector<double> profile;     // per atom of the law: sum_r u_r^2 f(s_r) = sum_i profile_i f(s_i)
  std::vector<double> bilinear;    // per atom: sum_r v_r u_r f(s_r) = sum_i bilinear_i f(s_i)
};

// The limit for `law` (its atoms s_i, masses w (mu) and wv (mu_v)), spike ell = tau^2 E phi'^2 > 0,
// noise variance delta > 0 and aspect ratio c = d / n_u > 0. The spectrum must be bounded (every
// atom finite): an unbounded spectrum (powerlaw:a, a > 0) has no outlier in the limit and its top
// eigenvector sits in the tail; throws model::InvalidParameter naming "informed" then.
SpikedEigenvector spiked_eigenvector(const model::SpectralLaw& law, double ell, double delta, double c);

}  // namespace srf::theory
