#pragma once
// The seam between a model family's saddle point and the solver that drives it. A family (the
// fixed-k block form of docs/theory/derivation.md, the extensive sketches of docs/theory/extensive.md,
// ...) is a fixed point x = T(x) in `dim()` positive unknowns, with inner traces carried along from
// one evaluation to the next, and a second level that turns the solution into the reported errors.
// The driver (solve_system) is the same for every family [D.8]: damped Newton in log x from the warm
// start, else from the family's default start, else lambda continuation from max(lambda, 1) down.
// One factory (system_factory.hpp) chooses the family, its traces and its variant for a request.
// Internal to theory/ (the public entry points are theory/saddle_point.hpp and theory/request.hpp).
#include <Eigen/Dense>

#include <string>

#include <sobolev_rf/model/model_params.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::theory {

class SaddlePointSystem {
 public:
  virtual ~SaddlePointSystem() = default;

  // Which unknowns a state holds: a warm start is used only by a system with the same key (the
  // same family, the same number and meaning of unknowns).
  virtual std::string state_key() const = 0;
  // The number of outer unknowns x (each > 0).
  virtual int dim() const = 0;
  // The unknowns are rescaled by lambda (the overparametrised ridgeless limit, [D.14]); reported in
  // the state so that a curve crossing the threshold does not reuse a state of the other side.
  virtual bool rescaled() const { return false; }

  // Non-empty: the point cannot be solved, and why (e.g. lambda = 0 exactly at the interpolation
  // threshold); the driver reports it as non-convergence without iterating.
  virtual std::string unsolvable() const { return {}; }
  // Appended to a failure's message (e.g. how far p/n is from the threshold).
  virtual std::string failure_context() const { return {}; }
  // varpi ~ N(0, tau^2 I_k) over sketch draws (theory_result.hpp VarpiLaw::tau2), reported whether or
  // not the point converges: 1 for isotropic inputs, lim |theta0|^2 for structured ones [S.8].
  virtual double tau2() const { return 1.0; }

  // The map T at ridge lambda (the driver continues in lambda): Tx = T(x). `inner` carries the
  // inner solve's warm start in (empty: none) and its values at x out. False when T(x) is not
  // finite or the inner solve failed.
  virtual bool outer_map(double lambda, const Eigen::VectorXd& x, Eigen::VectorXd& Tx, Eigen::VectorXd& inner) const = 0;

  // A start from which Newton in log x converges at ridge lambda (e.g. a few Picard steps from below).
  virtual void default_start(double lambda, Eigen::VectorXd& x, Eigen::VectorXd& inner) const = 0;

  // The second level at the converged (x, inner): errors, the law over the sketch, order
  // parameters. out.summary is already set by the driver and may be amended (a note).
  virtual void second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& out) const = 0;

  // "converged: <the stopping rule> = <residual>" for the summary's message.
  virtual std::string converged_message(double residual) const = 0;

  // d(error)/d(lambda), d(error)/d(beta) at a converged solution (sensitivities.hpp); by default
  // not available for the family (computed = false, with the reason).
  virtual Sensitivities sensitivities(const SaddlePointSolution& solution) const;
};

// Solves `system` at ridge `lambda` [D.8]: from `warm` (when its key matches), else from the default
// start, else by lambda continuation from max(lambda, 1) down by options.continuation_factor
// (lambda = 0: down to 1e-10, then the jump to 0, [D.14]). Never throws for non-convergence: the
// summary says so and the errors are NaN.
SaddlePointSolution solve_system(const SaddlePointSystem& system, double lambda, const SaddlePointOptions& options,
                                 const SaddlePointState& warm = {});

// Every error NaN (a point that did not converge).
model::Errors nan_errors();

}  // namespace srf::theory
