// The square-loss channel (theory/detail/square_loss.hpp, docs/theory [D.2.1]).
#include <doctest/doctest.h>

#include <Eigen/Dense>

#include <cmath>
#include <limits>

#include <sobolev_rf/theory/detail/square_loss.hpp>

using srf::theory::SquareLoss;

TEST_CASE("The square-loss channel R = W (I + V W)^{-1}: its diagonal form agrees with the matrix form") {
  constexpr double eps = std::numeric_limits<double>::epsilon();
  SquareLoss loss;
  loss.weights = Eigen::Vector3d(1.0, 0.3, 0.3);  // W = diag(1, beta, beta), K = 3
  for (double v0 : {0.0, 1e-6, 0.7, 1e4})
    for (double v1 : {0.0, 2.5, 1e8}) {
      const Eigen::MatrixXd V = Eigen::Vector3d(v0, v1, v1).asDiagonal();
      const Eigen::MatrixXd R = loss.R(V);
      CAPTURE(v0);
      CAPTURE(v1);
      CHECK(std::fabs(R(0, 1)) + std::fabs(R(0, 2)) + std::fabs(R(1, 2)) <= eps);
      for (long a = 0; a < 3; ++a) {
        const double v = V(a, a);
        CHECK(std::fabs(R(a, a) - loss.R_diagonal(a, v)) <= 4 * eps * loss.R_diagonal(a, v));
      }
    }
}
