#pragma once
// The parameters of the model (docs/model.md), as one plain struct validated once at the
// boundary. Its table (model/parameter_table.hpp) binds every field to its name, type and
// description: the CLI flags, sweeps, figure specs, points files, CSV columns, JSON keys and the
// Python keywords are loops over it.
#include <string>
#include <vector>

#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/sketch_law.hpp>

namespace srf::model {

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
  // Informed gradient projection (docs/model.md "Informed directions"): one unit direction u
  // beside the k random ones, entering the loss as beta_inf (u.(g_i - grad f(x_i)))^2 / n.
  //   none: no informed direction; oracle: u = theta0/|theta0|; estimated: u = the top
  //   eigenvector of the empirical covariance of n_u = alpha_u p noisy full-gradient samples
  //   (noise Delta_u I); estimated_sigma: the same with noise shaped like the inputs (Delta_u Sigma).
  std::string informed = "none";
  double beta_inf = 1.0;         // weight of the informed term, beta_inf >= 0
  double alpha_u = 1.0;          // n_u / p: gradient samples that estimate u (estimated only)
  double delta_u = 0.1;          // Delta_u: noise variance per coordinate of those samples
  // Structured inputs (docs/model.md "Structured inputs"): x ~ N(0, Sigma), Sigma's spectrum
  // one of isotropic | powerlaw:a | twolevel:f,r | file:PATH (model/spectrum.hpp), mean 1; the
  // teacher theta0_i ~ s_i^(b/2) g_i with b = alignment, scaled to theta0^T Sigma theta0 = 1.
  std::string spectrum = "isotropic";
  double alignment = 0.0;        // b: > 0 teacher in high-variance directions, < 0 in low ones
  // Extensive sketches (docs/model.md "Extensive sketches"): k = kappa d directions as d grows, the
  // gradient term the mean over them. kappa = 0: the fixed-k model above (k directions); kappa > 0
  // replaces k (which must then be 0).
  double kappa = 0.0;
  SketchLaw sketch = SketchLaw::kGaussian;  // the extensive sketch's law (model/sketch_law.hpp)

  bool structured() const { return spectrum != "isotropic"; }
  bool extensive() const { return kappa > 0.0; }
  // Gradient labels along random sketch directions: k fixed ones, or an extensive sketch.
  bool has_sketch() const { return k > 0 || extensive(); }

  bool has_informed() const { return informed != "none"; }
  // An informed direction estimated from gradient samples (estimated or estimated_sigma).
  bool estimated_direction() const { return informed == "estimated" || informed == "estimated_sigma"; }

  // Throws InvalidParameter with a one-line message naming the offending field (as spelled in
  // this struct: "lambda", "delta_f"), its value and the broken rule.
  void validate() const;
};

}  // namespace srf::model
