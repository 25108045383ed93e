#pragma once
// What the asymptotic theory reports at one parameter point (docs/model.md "Reported quantities",
// all conditional on varpi), plus how the saddle-point solve ended.
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sobolev_rf/model/errors.hpp>
#include <sobolev_rf/numerics/solver_summary.hpp>

namespace srf::theory {

// Over the sketch draw varpi ~ N(0, I_k) every error is exactly A0 + A2 |varpi|^2
// (docs/theory: the errors are quadratic and rotation invariant in varpi), i.e. an affine
// function of a chi-square variable with k degrees of freedom.
struct VarpiLaw {
  model::Errors A0;   // the error at varpi = 0
  model::Errors A2;   // coefficient of |varpi|^2
  double tau2 = 1.0;  // varpi ~ N(0, tau2 I_k) over sketch draws (1 for isotropic inputs)
};

// beta = 0 with k > 0 [D.11]: the loss ignores the gradient labels, so the student is the L2
// fit and its sketched-gradient mean s_m = zeta_m^T w (zeta = V^T Theta / sqrt d) is not pinned:
// over the free part of the sketch (V = theta0 varpi^T + (I - theta0 theta0^T) G, docs/model.md)
// the s_m are independent, s_m ~ N(varpi_m m, q_s - m^2), with m, q_s the L2 order parameters.
// gen_g is then a random variable, sum_m [c_m - 2 varpi_m mu_1 kappa_1 s_m + kappa_1^2 s_m^2],
// c_m = varpi_m^2 E phi'^2 + (E sigma'^2 - kappa_1^2) q_w [D.11]; its law is reported instead of
// a number (Errors::gen_g, gen_h1, train_g are NaN).
struct UnpinnedSketchLaw {
  bool applies = false;         // true only for beta = 0 with k > 0
  std::vector<double> s_mean;   // E s_m = varpi_m m
  double s_variance = 0;        // Var s_m = q_s - m^2 (the same for every m)
  double gen_g_mean = 0;        // E gen_g over the sketch's free part
  double gen_g_std = 0;         // its standard deviation
};

// Derivatives of every error with respect to lambda and beta at the solution (sensitivities.hpp),
// at the requested varpi and for the law's coefficients A0, A2.
struct Sensitivities {
  bool computed = false;
  std::string message;     // why not, when not computed
  model::Errors d_lambda;  // d error / d lambda
  model::Errors d_beta;    // d error / d beta
  VarpiLaw d_lambda_law, d_beta_law;
};

// The finite-d structured theory (theory/structured_finite_d.hpp, docs/theory/structured.md [S.15]):
// how its errors were averaged over the teacher's random directions.
struct TeacherAverage {
  bool applies = false;     // a finite-d structured answer
  double d = 0;             // its input dimension
  // "exact": the quadrature of (S15.3)-(S15.5); "draws": the mean over `draws` seeded teachers;
  // "exact, draws for gen_g": beta = 0 with k > 0, where gen_g (and gen_h1) are not affine in the weights.
  std::string method;
  int draws = 0;
  unsigned long long seed = 0;
  model::Errors se;           // standard errors of the drawn means (0 for an exact one) at varpi ...
  model::Errors se_law_mean;  // ... and of the mean over the sketch (varpi averaged)
};

// Structured inputs: how far the limit is from the model at a finite d (docs/theory/structured.md [S.15]).
struct FiniteSizeEstimate {
  bool applies = false;     // structured inputs (a spectrum other than isotropic)
  bool of_limit = false;    // the answer is the limit's (estimated at d = 1000); false: the finite-d theory's
  // a(b + 1) for powerlaw:a (0 for b < -1), 0 for a bounded spectrum (twolevel, file): the largest teacher weight
  // scales like d^-(1 - index), the limit exists for index < 1 and is approached like d^-(1 - index).
  double regime_index = std::numeric_limits<double>::quiet_NaN();
  double d = std::numeric_limits<double>::quiet_NaN();           // the request's d, or 1000
  // max over gen_f and gen_grad of |E_d - E_limit| / E_limit (the means over varpi when averaging).
  double correction = std::numeric_limits<double>::quiet_NaN();
  std::string quantity;  // the error that gives it
  std::string message;   // why there is no estimate (an informed direction, no convergence), else empty
};

struct TheoryResult {
  numerics::SolverSummary summary;  // converged?, reason, iterations, residual history
  model::Errors errors;                    // at the requested varpi
  VarpiLaw varpi_law;               // A2 = 0 when k = 0
  UnpinnedSketchLaw unpinned_sketch;  // beta = 0 with k > 0 only
  Sensitivities sensitivities;        // when requested (TheoryRequest::sensitivities)
  TeacherAverage teacher_average;     // the finite-d structured theory only
  FiniteSizeEstimate finite_size;     // structured inputs only
  // Order parameters by name (V_00, Delta_00, Vhat_00, m, q_w, ...), for reports.
  std::vector<std::pair<std::string, double>> order_parameters;
};

}  // namespace srf::theory
