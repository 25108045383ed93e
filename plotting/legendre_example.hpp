#pragma once
// The talk's one-dimensional example: the minimum-norm fit in Legendre polynomials of degree
// <= p (p + 1 coefficients w) to n samples of a smooth target on [-1, 1], from function values
// alone (Psi w = y) or from values and derivatives, "Hermite data" ([Psi; Psi'] w = [y; y']).
// Below the threshold (p + 1 < n, or < 2n with derivatives) it is the least-squares fit; above,
// the interpolant of least |w|_2. The error peaks where the system becomes square, the 1D
// picture of the double descent threshold moving from p/n = 1 to p/n = 2 with gradients.
#include <Eigen/Dense>

#include <string>

namespace srf::plotting {

// The one-dimensional example of the talk: minimum-norm fit in Legendre polynomials of degree
// <= p (p + 1 coefficients) to n samples of a target, with or without derivative samples.
struct LegendreSpec {
  std::string target = "runge";      // runge: 1/(1+25x^2) | sin3: sin(3x) | exp: exp(x)
  int n = 8;                         // sample points
  std::string nodes = "equispaced";  // equispaced (endpoints included) | random (uniform)
  unsigned seed = 1;                 // for random nodes
  bool hermite = false;              // data = "hermite": values and derivatives
  bool normalised = true;            // orthonormal w.r.t. dx/2 (true) or numpy's P_j (false)
  int degree = 0;                    // interpolant curves: the degree p
};


// Target and its derivative.
double legendre_target(const std::string& name, double x);
double legendre_target_derivative(const std::string& name, double x);

// The sample points of the spec (sorted; equispaced include the endpoints).
Eigen::VectorXd legendre_nodes(const LegendreSpec& spec);

// Basis values B(i, j) = phi_j(x_i) and derivatives D(i, j) = phi_j'(x_i), j = 0..degree, with
// phi_j = sqrt(2j+1) P_j (orthonormal for dx/2 on [-1, 1]) or numpy's P_j when not normalised.
void legendre_basis(const Eigen::VectorXd& x, int degree, bool normalised, Eigen::MatrixXd& B, Eigen::MatrixXd& D);

// Minimum-norm least-squares coefficients (complete orthogonal decomposition).
Eigen::VectorXd legendre_fit(const LegendreSpec& spec, int degree);

// Errors of the fit under the uniform measure dx/2 on [-1, 1] (Gauss-Legendre quadrature):
// gen_f = E (f - f_hat)^2, gen_g = E (f' - f_hat')^2, gen_h1 = gen_f + gen_g.
struct LegendreErrors {
  double gen_f = 0, gen_g = 0, gen_h1 = 0;
};
LegendreErrors legendre_errors(const LegendreSpec& spec, int degree);

}  // namespace srf::plotting
