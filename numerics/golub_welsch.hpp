#pragma once
// Gauss quadrature of a probability measure from its three-term recurrence (Golub & Welsch 1969):
// the monic orthogonal polynomials satisfy p_{j+1}(x) = (x - a_j) p_j(x) - b_j p_{j-1}(x); the n
// nodes are the eigenvalues of the n x n Jacobi matrix J (diagonal a_0..a_{n-1}, off-diagonal
// sqrt(b_1)..sqrt(b_{n-1})) and the weights the squared first components of its unit eigenvectors
// (the measure has mass 1). The rule integrates polynomials of degree <= 2n - 1 exactly; for a
// function analytic in a Bernstein ellipse of parameter rho around the support the error falls
// like rho^(-2n).
#include <vector>

namespace srf::numerics {

struct GaussRule {
  std::vector<double> nodes, weights;

  template <class F>
  double integrate(F&& f) const {
    double s = 0.0;
    for (std::size_t i = 0; i < nodes.size(); ++i) s += weights[i] * f(nodes[i]);
    return s;
  }
};

// a: a_0 .. a_{n-1}; b: b_1 .. b_{n-1} (b[j - 1] = b_j > 0). Throws std::invalid_argument when the
// sizes do not match or a b_j is not positive.
GaussRule golub_welsch(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace srf::numerics
