#pragma once
// What an optimisation minimises (docs/model.md "Reported quantities"): one reported error by
// name, or weighted:W = gen_f + W gen_grad (function and full-gradient error at the exchange rate
// W), at the request's varpi or, averaged, as its mean over the sketch draw varpi [D.7].
#include <string>

#include <sobolev_rf/theory/theory_result.hpp>

namespace srf::studies {

class Objective {
 public:
  // `name`: an error of model::error_fields(), or "weighted:W" with W >= 0 finite. Throws
  // model::InvalidParameter naming "objective".
  explicit Objective(const std::string& name = "gen_f", bool varpi_average = false);
  const std::string& name() const { return name_; }
  bool varpi_average() const { return varpi_average_; }
  // The value in a result of a model with k sketch directions; NaN unless converged.
  double value(const theory::TheoryResult& r, int k) const;
  // Its derivatives in lambda and beta from r.sensitivities (NaN when not computed).
  double d_lambda(const theory::TheoryResult& r, int k) const;
  double d_beta(const theory::TheoryResult& r, int k) const;
  // Whether it involves the sketched-gradient errors (gen_g, gen_h1, train_g), which the beta = 0
  // fit defines only through their mean over the sketch [D.11] (train_g not at all).
  bool sketched() const;

 private:
  double combine(const model::Errors& at, const theory::VarpiLaw& law, int k) const;
  std::string name_;
  bool varpi_average_;
  double weight_ = -1;  // weighted:W; < 0: a plain error
};

}  // namespace srf::studies
