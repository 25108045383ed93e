#pragma once
// The spectral laws of a finite spectrum s_1..s_d with the teacher's realised weights averaged over
// its random directions (docs/theory/structured.md [S.15]). At finite d the teacher weights are
//   pi_r = c_r g_r^2 / sum_q c_q g_q^2,   c_r = s_r^(b+1),   g ~ N(0, I_d)              (S15.1)
// and every error of the theory at a given varpi is affine in (pi, |theta0|^2) (S15.2), so its
// average over teachers is the error at the averaged weights E[pi_r]. Those are one-dimensional
// integrals, from 1/Z = int_0^inf e^(-t Z) dt:
//   E[pi_r] = c_r int_0^inf Phi(t) / (1 + 2 t c_r) dt,   Phi(t) = prod_q (1 + 2 t c_q)^(-1/2)   (S15.3)
// and likewise E[theta0_r^2] (s_r^b in place of c_r), whose sum is E|theta0|^2, and the weights
// E[|theta0|^2 pi_r] / E|theta0|^2 of the mean over the sketch (S15.5). These replace the limit's
// teacher law mu_t (s^(b+1) mu / E s^(b+1)) in a SpectralLaw whose atoms are the d eigenvalues
// themselves (equal ones merged): the deterministic equivalent at the finite spectrum.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <sobolev_rf/model/spectral_law.hpp>

namespace srf::model {

// The smallest d: the teacher quadrature's tail bound needs Phi(t) ~ t^(-d/2) to decay faster than t^-(5/2).
inline constexpr long kMinFiniteSpectrumSize = 6;
// Teacher draws (drawn_teacher_law) keep the distinct eigenvalues: at most this many (memory).
inline constexpr std::size_t kMaxDrawnAtoms = 1000000;

struct FiniteSpectralLaws {
  long d = 0;
  double b = 0;
  // Atoms s_i (sorted, mean-1 scale) with multiplicities m_i, and the normalised teacher coefficients
  // c_i = s_i^(b+1) / C, e_i = s_i^b / C, C = sum_r s_r^(b+1) (so sum_i m_i c_i = 1). The atoms are
  // the distinct eigenvalues, or, beyond 20000 of them, Gauss rules of 4 nodes for clusters of
  // eigenvalues within 10 % of each other (non-integer m_i; the theory's averages err by ~1e-13
  // relative, model/finite_spectral_law.cpp): a file of 10^5 values or d = 10^7 costs a few hundred atoms.
  std::vector<double> s, multiplicity, c, e;
  // With compressed atoms: the distinct eigenvalues themselves (a teacher draw lives on them), kept up to
  // kMaxDrawnAtoms of them; beyond, drawable is false and drawn_teacher_law throws.
  std::vector<double> raw_s, raw_multiplicity;
  bool drawable = true;
  double log_C = 0;
  // wt_i = E[pi over atom i] (S15.3), tau2 = E|theta0|^2 (S15.4), wv_i = E[theta0^2 over atom i] / tau2.
  std::shared_ptr<const SpectralLaw> averaged;
  // The same atoms with wt_i = E[|theta0|^2 pi over atom i] / E|theta0|^2 (S15.5): the teacher law
  // seen by the coefficient of |varpi|^2 in the mean over the sketch varpi ~ N(0, |theta0|^2 I_k).
  std::shared_ptr<const SpectralLaw> tilted;
  // |sum_i wt_i - 1| of the averaged law before any rescaling: the quadrature's own check.
  double quadrature_error = 0;
};

// The laws of the finite spectrum `values` (d = values.size() >= kMinFiniteSpectrumSize entries, finite,
// >= 0, not all 0; rescaled to mean 1) at alignment b; compress = false keeps every distinct eigenvalue
// an atom. Throws InvalidParameter naming "spectrum" or "alignment" (an eigenvalue 0 with b < 0, (R2)).
FiniteSpectralLaws finite_spectral_laws(const std::vector<double>& values, double b, bool compress = true);

// finite_spectral_laws(finite_spectrum(parse_spectrum(spectrum), d), b), shared: a small process-wide
// cache keyed by (spectrum, b, d) (a curve at one d builds its laws once). Thread-safe.
std::shared_ptr<const FiniteSpectralLaws> finite_spectral_laws(const std::string& spectrum, double b, long d);

// One teacher draw (S15.1), on at most kMaxDrawnAtoms distinct eigenvalues (else InvalidParameter naming
// teacher_draws): over atom i the sum of m_i squared normals is X_i ~ chi^2(m_i), so
// wt_i = c_i X_i / sum c X, tau2 = |theta0|^2 = sum e_i X_i / sum c X, wv_i = e_i X_i / (tau2 sum c X).
SpectralLaw drawn_teacher_law(const FiniteSpectralLaws& laws, std::mt19937_64& rng);

}  // namespace srf::model
