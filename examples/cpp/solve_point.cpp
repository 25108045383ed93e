// Solves one point of the saddle point (Sobolev training, k = 1) and prints its errors:
// the smallest program against the installed library.
#include <sobolev_rf/sobolev_rf.hpp>

#include <cstdio>

int main() {
  srf::model::ModelParams params;  // tanh student and teacher, gamma = d/p = 0.8
  params.alpha = 0.5;               // n/p
  params.lambda = 1e-3;
  params.k = 1;                     // one sketched gradient direction
  params.varpi = {0.7};             // its alignment with the target direction
  const srf::theory::TheoryResult r = srf::theory::solve_theory(params);
  std::printf("status: %s (%s)\n", srf::numerics::to_string(r.summary.termination), r.summary.message.c_str());
  for (const auto& [name, field] : srf::model::error_fields()) std::printf("%-9s %.10g\n", name, r.errors.*field);
  return r.summary.converged() ? 0 : 3;
}
