#pragma once
// The finite-d structured theory (docs/theory/structured.md [S.15]): the saddle point of
// docs/theory/structured.md at the finite spectrum s_1..s_d of the simulator (model::finite_spectrum:
// the family's values at d, a file's values repeated cyclically to d) instead of its limit law, with
// the teacher's realised weights pi_r = s_r^(b+1) g_r^2 / sum_q s_q^(b+1) g_q^2 averaged over its
// random directions g. Every error at a given varpi is affine in (pi, |theta0|^2) (S15.2), so the
// average over teachers is exact at the averaged weights (model/finite_spectral_law.hpp); where an
// error is not affine (beta = 0 with k > 0: gen_g and gen_h1, whose law divides by |theta0|^2) it is
// the mean over seeded teacher draws, with its standard error. Near the edge of the proportional
// regime (powerlaw, a (b + 1) -> 1) the limit is approached like d^-(1 - a(b+1)); this theory keeps
// those terms (the top eigenvalues s_1 ~ d^a, the few teacher weights that dominate |theta0|).
//
// Also here: the finite-size estimate every structured answer carries (FiniteSizeEstimate of
// theory_result.hpp): the regime index and how far the limit is from this theory at the user's d,
// or at d = 1000.
#include <cstdint>
#include <string>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::theory {

// Where the finite-size estimate of a limit answer is made (a file spectrum of more values: all of them),
// and the correction above which the CLI
// and Python warn that the limit does not describe the model (and suggest --d).
inline constexpr double kFiniteSizeEstimateD = 1000;
inline constexpr double kFiniteSizeWarning = 0.05;
// Teacher draws where no exact average exists (beta = 0 with k > 0) and none were asked for.
inline constexpr int kDefaultTeacherDraws = 64;
// The range of d: a whole number; the upper end bounds the memory (a few vectors of d doubles).
inline constexpr double kMinFiniteD = 10, kMaxFiniteD = 1e8;

struct FiniteDOptions {
  double d = 0;  // the input dimension, a whole number in [kMinFiniteD, kMaxFiniteD]
  // 0: the exact average (quadrature, (S15.3)-(S15.5)) wherever the errors are affine in the
  // teacher's weights, and kDefaultTeacherDraws draws for the rest; N > 0: every error as the mean
  // over N seeded teacher draws (a check of the exact average), with standard errors. Draws need at
  // most 10^6 distinct eigenvalues (model::kMaxDrawnAtoms; else InvalidParameter naming teacher_draws).
  int teacher_draws = 0;
  unsigned long long teacher_seed = 1;
  // Throws model::InvalidParameter naming d or teacher_draws.
  void validate() const;
};

// The finite-d theory at `params` (structured, no informed direction; validated here). With
// varpi_average the law over the sketch varpi ~ N(0, |theta0|^2 I_k) is averaged over teachers too:
// A0 at the averaged weights, A2 at the |theta0|^2-tilted ones (S15.5), tau2 = E|theta0|^2, so that
// its mean A0 + k tau2 A2 is exact (std and quantiles: those of that law, at the teacher-averaged
// coefficients). result.teacher_average says how. Never throws for non-convergence.
SaddlePointSolution solve_structured_finite_d(const model::ModelParams& params, const FiniteDOptions& options,
                                              const SaddlePointOptions& solver, bool varpi_average,
                                              const SaddlePointState& warm = {});

// The two steps of solve_structured_finite_d, for the factory's system (theory/detail/system_factory.cpp):
// the solver options that solve at the averaged teacher weights of the finite spectrum (validates o and the
// model's kind: structured, no informed direction), and, after that solve, the rest of the teacher
// average: the tilted |varpi|^2 coefficient, the draws where no exact average exists, the note in the
// summary (which says so when a further solve does not converge).
SaddlePointOptions finite_d_solver(const model::ModelParams& params, const FiniteDOptions& options,
                                   const SaddlePointOptions& solver);
void complete_structured_finite_d(const model::ModelParams& params, const FiniteDOptions& options,
                                  const SaddlePointOptions& solver, bool varpi_average, SaddlePointSolution& solution);

// d(error)/d(lambda), d(error)/d(beta) of the finite-d answer `solution` (exact averages only:
// affine in the weights, so the derivative at the averaged weights is the averaged derivative).
Sensitivities structured_finite_d_sensitivities(const model::ModelParams& params, const FiniteDOptions& options,
                                                const SaddlePointOptions& solver, bool varpi_average,
                                                const SaddlePointSolution& solution);

// a (b + 1) for powerlaw:a (0 when b < -1: s^(b+1) is then bounded), 0 for a bounded spectrum (twolevel,
// file), NaN for isotropic inputs.
double regime_index(const model::ModelParams& params);

// The estimate of a structured answer `answer` of `params` (the model solved): the limit's (d = 0) or
// the finite-d theory's at d. The other side is solved here (exact averages, warm-started from
// `answer`): the finite-d theory at kFiniteSizeEstimateD (a file: at least its number of values), or
// the limit. With an informed direction
// there is no finite-d theory: the index only, and a message.
FiniteSizeEstimate estimate_finite_size(const model::ModelParams& params, const SaddlePointOptions& solver,
                                        bool varpi_average, const SaddlePointSolution& answer, double d);

// The one-line warning for a limit answer (estimate.of_limit) whose estimate exceeds kFiniteSizeWarning
// (it suggests --d), or "" when there is none (a finite-d answer is already at the user's d). `flag` spells the option (the CLI's "--d", Python's "d=").
std::string finite_size_warning(const FiniteSizeEstimate& estimate, const std::string& flag = "--d");

}  // namespace srf::theory
