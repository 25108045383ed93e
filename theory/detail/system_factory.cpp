#include <sobolev_rf/theory/detail/system_factory.hpp>

#include <sstream>
#include <utility>

#include <sobolev_rf/theory/detail/block_system.hpp>
#include <sobolev_rf/theory/detail/extensive_system.hpp>
#include <sobolev_rf/theory/informed.hpp>
#include <sobolev_rf/theory/sketch_scale.hpp>
#include <sobolev_rf/theory/structured_finite_d.hpp>

namespace srf::theory {

namespace {

[[noreturn]] void bad_d(double d, const std::string& rule) {
  std::ostringstream os;
  os << "d = " << d << ": " << rule;
  throw model::InvalidParameter("d", os.str());
}

// A variant that solves an equivalent model and reports in the request's terms: every step of the
// solve is the equivalent family's; the second level and the sensitivities are mapped.
class EquivalentModelSystem : public SaddlePointSystem {
 public:
  explicit EquivalentModelSystem(std::unique_ptr<SaddlePointSystem> equivalent) : eq_(std::move(equivalent)) {}
  std::string state_key() const override { return eq_->state_key(); }
  int dim() const override { return eq_->dim(); }
  bool rescaled() const override { return eq_->rescaled(); }
  std::string unsolvable() const override { return eq_->unsolvable(); }
  std::string failure_context() const override { return eq_->failure_context(); }
  double tau2() const override { return eq_->tau2(); }
  bool outer_map(double lambda, const Eigen::VectorXd& x, Eigen::VectorXd& Tx, Eigen::VectorXd& inner) const override {
    return eq_->outer_map(lambda, x, Tx, inner);
  }
  void default_start(double lambda, Eigen::VectorXd& x, Eigen::VectorXd& inner) const override {
    eq_->default_start(lambda, x, inner);
  }
  std::string converged_message(double residual) const override { return eq_->converged_message(residual); }

 protected:
  std::unique_ptr<SaddlePointSystem> eq_;
};

// The unit-scale sketch V ~ N(0, I/d) at a finite d: the N(0, I) model with beta/d and d Delta_g,
// its sketched-gradient errors divided by d (sketch_scale.hpp).
class UnitSketchSystem : public EquivalentModelSystem {
 public:
  UnitSketchSystem(std::unique_ptr<SaddlePointSystem> equivalent, double d)
      : EquivalentModelSystem(std::move(equivalent)), d_(d) {}
  void second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& out) const override {
    eq_->second_level(x, inner, out);
    out = unit_sketch_result(std::move(out), d_);
  }
  // The equivalent model's derivatives mapped like the errors; d/d(beta) gains 1/d (it solves beta/d).
  Sensitivities sensitivities(const SaddlePointSolution& solution) const override {
    Sensitivities s = eq_->sensitivities(solution);
    for (model::Errors* e : {&s.d_lambda, &s.d_lambda_law.A0, &s.d_lambda_law.A2, &s.d_beta, &s.d_beta_law.A0,
                             &s.d_beta_law.A2})
      *e = unit_sketch_errors(*e, d_);
    for (model::Errors* e : {&s.d_beta, &s.d_beta_law.A0, &s.d_beta_law.A2})
      for (const auto& f : model::error_fields()) e->*(f.second) /= d_;
    return s;
  }

 private:
  double d_;
};

// An informed direction's finite-d version [I.6]: the k = 1 model of informed_finite_d_equivalent.
class InformedFiniteDSystem : public EquivalentModelSystem {
 public:
  InformedFiniteDSystem(std::unique_ptr<SaddlePointSystem> equivalent, double d)
      : EquivalentModelSystem(std::move(equivalent)), d_(d) {}
  void second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& out) const override {
    eq_->second_level(x, inner, out);
    out.errors = informed_finite_d_errors(out.errors, d_);
    out.varpi_law.A0 = out.errors;  // k = 0: no law over a sketch
    out.varpi_law.A2 = model::Errors{};
  }
  Sensitivities sensitivities(const SaddlePointSolution&) const override {
    Sensitivities s;
    s.message = "sensitivities are not available for the finite-d version of an informed direction";
    return s;
  }

 private:
  double d_;
};

// The finite-d theory of a structured spectrum (docs/theory/structured.md [S.15]): the family's system at the
// averaged teacher weights of the finite spectrum, whose second level completes the teacher average (the
// tilted |varpi|^2 coefficient, draws where no exact average exists: structured_finite_d.hpp).
class StructuredFiniteDSystem : public EquivalentModelSystem {
 public:
  StructuredFiniteDSystem(const model::ModelParams& params, const FiniteDOptions& finite_d, const SaddlePointOptions& solver,
                          bool varpi_average)
      : EquivalentModelSystem(make_model_system(params, finite_d_solver(params, finite_d, solver))),
        params_(params), finite_d_(finite_d), solver_(solver), varpi_average_(varpi_average) {}
  void second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& out) const override {
    eq_->second_level(x, inner, out);
    SaddlePointSolution sol{std::move(out), SaddlePointState{eq_->state_key(), x, inner, eq_->rescaled()}};
    complete_structured_finite_d(params_, finite_d_, solver_, varpi_average_, sol);
    out = std::move(sol.result);
  }
  Sensitivities sensitivities(const SaddlePointSolution& solution) const override {
    return structured_finite_d_sensitivities(params_, finite_d_, solver_, varpi_average_, solution);
  }

 private:
  model::ModelParams params_;
  FiniteDOptions finite_d_;
  SaddlePointOptions solver_;
  bool varpi_average_;
};

// An extensive sketch at beta = 0 and lambda = 0: the ridgeless L2 fit (the fixed-k family at k = 0,
// whose rescaled variables reach lambda = 0, [D.14]); the sketch self-averages, so its per-direction
// gradient error is the full-gradient one and train_g = gen_g + Delta_g (docs/theory/extensive.md [E.11]).
class RidgelessL2OnExtensiveSketch : public EquivalentModelSystem {
 public:
  RidgelessL2OnExtensiveSketch(std::unique_ptr<SaddlePointSystem> l2, double delta_g)
      : EquivalentModelSystem(std::move(l2)), delta_g_(delta_g) {}
  void second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& out) const override {
    eq_->second_level(x, inner, out);
    out.errors.gen_g = out.errors.gen_grad;
    out.errors.train_g = out.errors.gen_g + delta_g_;
    out.errors.gen_h1 = out.errors.gen_f + out.errors.gen_g;
    out.varpi_law.A0 = out.errors;
    out.varpi_law.A2 = model::Errors{};
  }

 private:
  double delta_g_;
};

model::ModelParams without_extensive_sketch(model::ModelParams p) {
  p.kappa = 0.0;
  p.sketch = model::SketchLaw::kGaussian;
  return p;
}

}  // namespace

std::unique_ptr<SaddlePointSystem> make_model_system(const model::ModelParams& params, const SaddlePointOptions& options) {
  if (params.extensive()) {
    if (params.beta == 0.0 && params.lambda == 0.0)
      return std::make_unique<RidgelessL2OnExtensiveSketch>(
          std::make_unique<BlockSystem>(without_extensive_sketch(params), options), params.delta_g);
    return std::make_unique<ExtensiveSystem>(params, options);
  }
  // beta = 0 with k > 0: the L2 fit on the user's sketch [D.11]; otherwise every output in the loss.
  if (params.k > 0 && params.beta == 0.0) return std::make_unique<UnpinnedSketchSystem>(params, options);
  return std::make_unique<BlockSystem>(params, options);
}

TheoryVariant variant_of(const TheoryRequest& r) {
  if (r.sketch_scale == model::SketchScale::kUnit) return TheoryVariant::kUnitSketch;
  if (r.model.has_informed() && r.d != 0) return TheoryVariant::kInformedFiniteD;
  if (r.model.structured() && r.d != 0) return TheoryVariant::kStructuredFiniteD;  // [S.15]
  return TheoryVariant::kLimit;
}

void validate_variant(const TheoryRequest& r) {
  switch (variant_of(r)) {
    case TheoryVariant::kUnitSketch:
      if (!(r.d > 0)) bad_d(r.d, "{sketch_scale} = unit needs the input dimension d > 0");
      break;
    case TheoryVariant::kInformedFiniteD:
      if (!(r.d > 0)) bad_d(r.d, "must be > 0");
      if (r.model.structured())
        bad_d(r.d, "the finite-d version of an {informed} direction is derived for isotropic inputs only, not with {spectrum} = " +
                       r.model.spectrum + " (0: the limit)");
      if (r.varpi_average)
        throw model::InvalidParameter("varpi_average", "varpi_average: not with an {informed} direction at a finite {d}");
      break;
    case TheoryVariant::kStructuredFiniteD:
      FiniteDOptions{r.d, r.teacher_draws, r.teacher_seed}.validate();
      break;
    case TheoryVariant::kLimit:
      if (r.d != 0)
        bad_d(r.d, "only with {sketch_scale} = unit, an {informed} direction (k = 0) or a structured {spectrum} (0: the "
                   "limit)");
      break;
  }
  if (r.teacher_draws != 0 && variant_of(r) != TheoryVariant::kStructuredFiniteD)
    throw model::InvalidParameter("teacher_draws", "teacher_draws = " + std::to_string(r.teacher_draws) +
                                                       ": only for the finite-d theory of a structured {spectrum} (with {d})");
}

SystemChoice make_request_system(const TheoryRequest& request) {
  SystemChoice c;
  c.variant = variant_of(request);
  const model::ModelParams model = requested_model(request);
  switch (c.variant) {
    case TheoryVariant::kLimit:
      c.solved = model;
      c.system = make_model_system(c.solved, request.solver);
      break;
    case TheoryVariant::kUnitSketch:
      c.solved = unit_sketch_equivalent(model, request.d);
      c.system = std::make_unique<UnitSketchSystem>(make_model_system(c.solved, request.solver), request.d);
      break;
    case TheoryVariant::kInformedFiniteD:
      c.solved = informed_finite_d_equivalent(model, request.d);
      c.system = std::make_unique<InformedFiniteDSystem>(make_model_system(c.solved, request.solver), request.d);
      break;
    case TheoryVariant::kStructuredFiniteD:
      c.solved = model;
      c.system = std::make_unique<StructuredFiniteDSystem>(
          model, FiniteDOptions{request.d, request.teacher_draws, request.teacher_seed}, request.solver,
          request.varpi_average);
      break;
  }
  if (c.variant == TheoryVariant::kUnitSketch || c.variant == TheoryVariant::kInformedFiniteD) {
    // the equivalent model is itself a valid model
    c.solved.validate();
    validate_theory_model(c.solved, request.solver);
  }
  return c;
}

}  // namespace srf::theory
