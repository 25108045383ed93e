#pragma once
// The fixed-k family (docs/theory/derivation.md): K = k + 1 outputs per sample, the rotation-invariant
// block form V = diag(V_00, V_mm I_k) of [D.3.3], the outer equation [D.2] and the second level
// [D.4]-[D.7]. Isotropic or structured inputs (docs/theory/structured.md), with or without an
// informed direction: the traces are chosen by OuterEquation.
//   BlockSystem      every output in the loss (beta > 0, or k = 0);
//   UnpinnedSketch   beta = 0 with k > 0 [D.11]: the L2 fit (a BlockSystem at k = 0) with the law of
//                    its sketched-gradient error over the sketch's free part.
// Internal to theory/.
#include <memory>
#include <string>

#include <sobolev_rf/theory/detail/outer_equation.hpp>
#include <sobolev_rf/theory/detail/saddle_point_system.hpp>

namespace srf::theory {

class BlockSystem : public SaddlePointSystem {
 public:
  // Validated parameters; at lambda = 0 the unknowns are rescaled (lambda V) in the overparametrised
  // regime and the point is unsolvable exactly at the threshold p/n = k + 1 [D.12], [D.14].
  BlockSystem(const model::ModelParams& params, const SaddlePointOptions& options);

  std::string state_key() const override;
  int dim() const override { return eq_->dim(); }
  bool rescaled() const override { return eq_->rescaled(); }
  std::string unsolvable() const override { return unsolvable_; }
  std::string failure_context() const override { return near_threshold_; }
  double tau2() const override { return eq_->tau2(); }
  bool outer_map(double lambda, const Eigen::VectorXd& x, Eigen::VectorXd& Tx, Eigen::VectorXd& inner) const override;
  void default_start(double lambda, Eigen::VectorXd& x, Eigen::VectorXd& inner) const override;
  void second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& out) const override;
  std::string converged_message(double residual) const override;
  Sensitivities sensitivities(const SaddlePointSolution& solution) const override;

  const model::ModelParams& params() const { return params_; }

 private:
  model::ModelParams params_;
  SaddlePointOptions options_;
  std::unique_ptr<OuterEquation> eq_;  // holds a reference to params_
  std::string unsolvable_, near_threshold_;
};

class UnpinnedSketchSystem : public SaddlePointSystem {
 public:
  UnpinnedSketchSystem(const model::ModelParams& params, const SaddlePointOptions& options);

  std::string state_key() const override { return l2_.state_key(); }
  int dim() const override { return l2_.dim(); }
  bool rescaled() const override { return l2_.rescaled(); }
  std::string unsolvable() const override { return l2_.unsolvable(); }
  std::string failure_context() const override { return l2_.failure_context(); }
  double tau2() const override { return l2_.tau2(); }
  bool outer_map(double lambda, const Eigen::VectorXd& x, Eigen::VectorXd& Tx, Eigen::VectorXd& inner) const override {
    return l2_.outer_map(lambda, x, Tx, inner);
  }
  void default_start(double lambda, Eigen::VectorXd& x, Eigen::VectorXd& inner) const override {
    l2_.default_start(lambda, x, inner);
  }
  void second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& out) const override;
  std::string converged_message(double residual) const override { return l2_.converged_message(residual); }
  Sensitivities sensitivities(const SaddlePointSolution& solution) const override;

 private:
  model::ModelParams params_;  // the request's (k > 0, beta = 0)
  SaddlePointOptions options_;
  BlockSystem l2_;             // the same model at k = 0
};

}  // namespace srf::theory
