#pragma once
// Hermite expansion of an activation (or its derivative) at a given scale s:
//   f(s z) = sum_n a_n He_n(z) / sqrt(n!),   z ~ N(0,1),   a_n = E[f(s z) He_n(z)] / sqrt(n!),
// with He_n the probabilists' Hermite polynomials, orthonormal after the 1/sqrt(n!). Mehler's
// formula then gives every pair expectation of jointly Gaussian variables from the coefficients:
// for u = s_u z_1, v = s_v z_2 with corr(z_1, z_2) = rho,
//   E[f(u) g(v)] = sum_n a_n(f, s_u) a_n(g, s_v) rho^n,
// and Parseval gives the tail that a truncation after degree L leaves:
//   sum_{n>L} a_n^2 = E f(s z)^2 - sum_{n<=L} a_n^2.
//
// Coefficients: relu, its derivative (the unit step) and sign in closed form (Gaussian
// integration by parts moves the derivatives onto the kink: E[relu(z) He_n(z)] = He_{n-2}(0) /
// sqrt(2 pi) for n >= 2, E[step(z) He_n(z)] = He_{n-1}(0) / sqrt(2 pi) for n >= 1). Smooth
// activations by the trapezoidal rule on [-22, 22] with step h = 1/12 (529 nodes): the integrand
// is analytic in the strip |Im t| < pi / (2 s) for tanh (wider for the others), so the rule's
// error falls like exp(-2 pi (pi / 2s) / h) = exp(-118 / s) (1e-26 at s = 2, 1e-13 at s = 4;
// s^2 = |theta_j|^2 / d is 1 +- O(1/sqrt d)); beyond |t| = 22 the integrand is below
// exp(-22^2 / 4) = 1e-53 times the Hermite functions, which stay O(1) up to degree 80 (their
// turning point is sqrt(4 n + 2) < 18).
#include <Eigen/Dense>

#include <sobolev_rf/model/activation.hpp>

namespace srf::simulation {

enum class ActivationPart { kValue, kDerivative };

class HermiteExpansion {
 public:
  // Expansions up to degree max_degree (>= 0) of `a` or of its derivative. Throws
  // std::invalid_argument for a non-smooth activation without a closed form (only relu and
  // sign have kinks in the registry, and both have one).
  HermiteExpansion(const model::Activation& a, ActivationPart part, int max_degree);

  // For each scale s_j (all > 0): column j of `coefficients` ((max_degree + 1) x m) holds
  // a_0..a_L of f(s_j z), and second_moment[j] = E f(s_j z)^2 (exact quadrature, not the
  // truncated sum). `threads` shares the work; the result does not depend on it.
  void expand(const Eigen::VectorXd& scales, Eigen::MatrixXd& coefficients, Eigen::VectorXd& second_moment,
              int threads = 1) const;

  int max_degree() const { return max_degree_; }

 private:
  enum class Kind { kGrid, kRelu, kStep, kSign, kZero };
  const model::Activation* activation_;
  ActivationPart part_;
  int max_degree_;
  Kind kind_;
  Eigen::VectorXd closed_form_;  // the coefficients at s = 1 for the closed-form kinds
  Eigen::VectorXd nodes_;        // trapezoid nodes t_i
  Eigen::MatrixXd projector_;    // (L + 1) x nodes: h He_n(t_i) / sqrt(n!) phi(t_i)
  Eigen::VectorXd density_;      // h phi(t_i)
};

}  // namespace srf::simulation
