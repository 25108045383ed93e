// ModelParams::validate (model/model_params.hpp): each bad field is rejected naming the field (the CLI maps it to its flag).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <sobolev_rf/model/model_params.hpp>

namespace {
using srf::model::ModelParams;

// The validation message, or "" if validate() accepted the parameters.
std::string message_of(const ModelParams& p) {
  try {
    p.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

ModelParams sobolev_defaults() {  // a valid k = 2 point
  ModelParams p;
  p.k = 2;
  p.varpi = {0.5, -1.0};
  return p;
}
}  // namespace

TEST_CASE("ModelParams defaults and a valid Sobolev point pass validation") {
  CHECK(message_of(ModelParams{}) == "");
  CHECK(message_of(sobolev_defaults()) == "");
  ModelParams sign_l2;  // sign teacher is fine for plain L2 training
  sign_l2.teacher = "sign";
  CHECK(message_of(sign_l2) == "");
  ModelParams ridgeless = sobolev_defaults();  // lambda = 0 is the limit lambda -> 0+
  ridgeless.lambda = 0.0;
  CHECK(message_of(ridgeless) == "");
  ModelParams edge = sobolev_defaults();  // k rho^2 = 1 exactly is allowed
  edge.k = 4;
  edge.varpi = {1, 2, 3, 4};
  edge.rho = 0.5;
  CHECK(message_of(edge) == "");
}

TEST_CASE("ModelParams.validate rejects each bad field with a message naming the field") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Bad {
    const char* flag;
    std::function<void(ModelParams&)> set;
  };
  const std::vector<Bad> bad = {
      {"lambda", [](ModelParams& p) { p.lambda = -1e-3; }},
      {"lambda", [=](ModelParams& p) { p.lambda = nan; }},
      {"lambda", [=](ModelParams& p) { p.lambda = inf; }},
      {"alpha", [](ModelParams& p) { p.alpha = 0.0; }},
      {"alpha", [](ModelParams& p) { p.alpha = -2.0; }},
      {"alpha", [=](ModelParams& p) { p.alpha = nan; }},
      {"gamma", [](ModelParams& p) { p.gamma = 0.0; }},
      {"gamma", [=](ModelParams& p) { p.gamma = nan; }},
      {"sigma", [](ModelParams& p) { p.sigma = "tahn"; }},
      {"teacher", [](ModelParams& p) { p.teacher = "cubic"; }},
      {"varpi", [](ModelParams& p) { p.varpi = {1.0}; }},          // length 1 != k = 2
      {"varpi", [](ModelParams& p) { p.varpi = {1.0, 2.0, 3.0}; }},  // length 3 != k = 2
      {"varpi", [=](ModelParams& p) { p.varpi = {1.0, nan}; }},
      {"rho", [](ModelParams& p) { p.rho = 0.8; }},  // k rho^2 = 1.28 > 1
      {"rho", [](ModelParams& p) { p.rho = 1.5; }},
      {"rho", [=](ModelParams& p) { p.rho = nan; }},
      {"teacher", [](ModelParams& p) { p.teacher = "sign"; }},  // no useful gradient with k > 0
      {"k", [](ModelParams& p) {
         p.k = -1;
         p.varpi = {};
       }},
      {"beta", [](ModelParams& p) { p.beta = -1.0; }},
      {"delta_f = ", [](ModelParams& p) { p.delta_f = -0.1; }},
      {"delta_g = ", [=](ModelParams& p) { p.delta_g = nan; }},
  };
  for (const Bad& b : bad) {
    ModelParams p = sobolev_defaults();
    b.set(p);
    const std::string msg = message_of(p);
    CAPTURE(b.flag);
    CAPTURE(msg);
    CHECK(msg.rfind(b.flag, 0) == 0);  // starts with the field name
  }
  // An unknown activation's message also lists the known names.
  ModelParams p;
  p.sigma = "tahn";
  CHECK(message_of(p).find("tanh") != std::string::npos);
  // L2 training with k = 0 and an empty varpi is fine; a varpi without k is not.
  p = ModelParams{};
  p.varpi = {0.3};
  CHECK(message_of(p).find("varpi has") != std::string::npos);
}
