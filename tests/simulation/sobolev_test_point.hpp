#pragma once
// The Sobolev configuration the simulator tests share (k = 2, noise on both labels, correlated):
// tests/simulation/simulator_test.cpp and informed_simulator_test.cpp.
#include <sobolev_rf/model/model_params.hpp>

namespace srf_test {

inline srf::model::ModelParams sobolev_params() {
  srf::model::ModelParams p;
  p.sigma = "tanh";
  p.teacher = "erf";
  p.alpha = 0.6;
  p.gamma = 0.8;
  p.lambda = 1e-2;
  p.k = 2;
  p.varpi = {0.7, -0.4};
  p.beta = 0.7;
  p.delta_f = 0.1;
  p.delta_g = 0.2;
  p.rho = 0.3;
  return p;
}

}  // namespace srf_test
