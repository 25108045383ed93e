#pragma once
// The parameters of MODEL.md's model, as one plain struct validated once at the boundary.
#include <string>
#include <vector>

namespace srf::theory {

struct ModelParams {
  std::string sigma = "tanh";    // student activation sigma
  std::string teacher = "tanh";  // teacher phi
  double alpha = 0.5;            // alpha = n/p (samples per feature)
  double gamma = 0.8;            // gamma = d/p (input dimension per feature)
  double lambda = 1e-3;          // ridge penalty: (1/n) sum loss + lambda |w|^2, lambda >= 0 (0: limit 0+)
  int k = 0;                     // number of sketched gradient directions; k = 0 is L2 training
  double beta = 1.0;             // weight of the gradient term in the loss, beta >= 0
  double delta_f = 0.0;          // Delta_f: variance of the function-label noise
  double delta_g = 0.0;          // Delta_g: variance of each gradient-label noise component
  double rho = 0.0;              // corr(eps, eps'_j); needs k rho^2 <= 1
  std::vector<double> varpi;     // alignment varpi = V^T theta0 in R^k (length k)

  // Throws std::invalid_argument with a one-line message naming the offending parameter
  // (by its CLI flag name), its value and the broken rule.
  void validate() const;
};

}  // namespace srf::theory
