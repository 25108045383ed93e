#pragma once
// The Gaussian covariate model at finite p (Loureiro et al. 2021, "Learning curves of generic
// features maps for realistic datasets with a teacher-student model"; their code GCMProject) for
// k = 0: ridge regression on Gaussian features with explicit covariances. An independent check of
// the structured limit theory (docs/theory/structured.md): it shares no code with the saddle point,
// and differs from its limit by O(1/p).
//
// The model (docs/model.md "Structured inputs", last item): at finite (d, p), with Sigma = diag(s)
// the finite-d spectrum (model/spectrum.hpp) and Theta a sampled d x p matrix, the student's
// features v = sigma(Theta^T x / sqrt d) are replaced by Gaussian ones with
//   Omega = E[v v^T] = kappa_1^2 Theta^T Sigma Theta / d + kappa_star^2 I     (p x p),
//   Phi   = E[v omega] = kappa_1 Theta^T Sigma theta0 / sqrt d                (p),
//   Psi   = Sigma, rho = theta0^T Psi theta0 = 1,
// and the teacher by phi(omega) = mu_0 + mu_1 omega + mu_star xi. The teacher direction is averaged
// over its prior theta0 ~ N(0, Sigma^b / sum_r s_r^(b+1)) (every GCM output is linear in
// theta0 theta0^T), which removes its O(1/sqrt d) fluctuation. GCM's ridge fixed point in the
// eigenbasis Omega = sum_i omega_i e_i e_i^T, with GCM's penalty lambda_GCM = alpha lambda
// (it minimises sum_mu (y - w.v/sqrt p)^2 / 2 + lambda_GCM |w|^2 / 2):
//   V = (1/p) sum_i omega_i / (lambda_GCM + Vhat omega_i),   Vhat = alpha / (1 + V),
// then m, q and the errors in closed form (theory/covariate_model.cpp). The mean kappa_0 of the
// features is a free intercept, as in the limit (docs/theory [D.1.5]): it fits mu_0; without it
// (kappa_0 = 0) mu_0 is an unfittable constant, as the limit's s_0 = mu_0.
#include <cstdint>
#include <vector>

#include <sobolev_rf/model/errors.hpp>
#include <sobolev_rf/model/model_params.hpp>

namespace srf::theory {

struct CovariateModelOptions {
  model::ModelParams model;  // k = 0, lambda > 0, informed = none; spectrum and alignment as any
  int p = 1000;              // features; d = round(gamma p) inputs, n = alpha p samples
  std::uint64_t seed = 1;    // draws Theta
  // The teacher's second moments E[theta0_r^2], r = 1..d (every GCM output is linear in theta0 theta0^T,
  // whose mean is diagonal). Empty: the prior diag(s^b) / sum_r s_r^(b+1) (E[theta0^T Sigma theta0] = 1).
  // For the simulator's teacher, normalised to theta0^T Sigma theta0 = 1 draw by draw, pass
  // E[theta0_r^2] = E[pi_r] / s_r (docs/theory/structured.md (S15.4)): the average over teachers then
  // holds exactly, not only for the prior.
  std::vector<double> teacher_second_moments;
  // Throws model::InvalidParameter naming the field (a model field, or p).
  void validate() const;
};

struct CovariateModelSummary {
  int p = 0, d = 0;
  double lambda_gcm = 0;       // alpha lambda
  double V = 0, Vhat = 0;      // GCM's fixed point
  double kappa = 0;            // the effective ridge lambda (1 + V) = lambda_GCM / Vhat
  int iterations = 0;          // of the scalar solve
  double tau2 = 0;             // E |theta0|^2 = sum s^b / sum s^(b+1) at this d
  model::Errors errors;        // train_f, gen_f, gen_h1 = gen_f, gen_grad (k = 0: the rest 0)
  // The overlaps in the theory's names: m = u^T w (u = Theta^T Sigma theta0 / sqrt d; NaN when
  // kappa_1 = 0), q_s = w^T P_Sigma w, q_w = |w|^2, m_E = u_E^T w, q_E = w^T P w (Euclidean).
  double m = 0, q_s = 0, q_w = 0, m_E = 0, q_E = 0;
};

// Samples Theta at (p, d = round(gamma p)) and solves the model. Never prints. Throws
// model::InvalidParameter for bad options, std::runtime_error if the eigensolver fails.
CovariateModelSummary solve_covariate_model(const CovariateModelOptions& options);

}  // namespace srf::theory
