#include <sobolev_rf/plotting/legendre_example.hpp>

#include <gsl/gsl_integration.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <stdexcept>

namespace srf::plotting {

double legendre_target(const std::string& name, double x) {
  if (name == "runge") return 1.0 / (1.0 + 25.0 * x * x);
  if (name == "sin3") return std::sin(3.0 * x);
  if (name == "exp") return std::exp(x);
  throw std::invalid_argument("legendre target '" + name + "' is not runge, sin3 or exp");
}

double legendre_target_derivative(const std::string& name, double x) {
  if (name == "runge") {
    const double s = 1.0 + 25.0 * x * x;
    return -50.0 * x / (s * s);
  }
  if (name == "sin3") return 3.0 * std::cos(3.0 * x);
  if (name == "exp") return std::exp(x);
  throw std::invalid_argument("legendre target '" + name + "' is not runge, sin3 or exp");
}

Eigen::VectorXd legendre_nodes(const LegendreSpec& spec) {
  Eigen::VectorXd x(spec.n);
  if (spec.nodes == "random") {
    std::mt19937_64 engine(spec.seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (int i = 0; i < spec.n; ++i) x(i) = u(engine);
    std::sort(x.data(), x.data() + spec.n);
  } else {
    for (int i = 0; i < spec.n; ++i) x(i) = spec.n == 1 ? 0.0 : -1.0 + 2.0 * i / (spec.n - 1);
  }
  return x;
}

void legendre_basis(const Eigen::VectorXd& x, int degree, bool normalised, Eigen::MatrixXd& B, Eigen::MatrixXd& D) {
  const Eigen::Index m = x.size();
  B.resize(m, degree + 1);
  D.resize(m, degree + 1);
  for (Eigen::Index i = 0; i < m; ++i) {
    // Bonnet: (j+1) P_{j+1} = (2j+1) x P_j - j P_{j-1};  P'_{j+1} = P'_{j-1} + (2j+1) P_j.
    B(i, 0) = 1.0;
    D(i, 0) = 0.0;
    if (degree >= 1) {
      B(i, 1) = x(i);
      D(i, 1) = 1.0;
    }
    for (int j = 1; j < degree; ++j) {
      B(i, j + 1) = ((2.0 * j + 1.0) * x(i) * B(i, j) - j * B(i, j - 1)) / (j + 1.0);
      D(i, j + 1) = D(i, j - 1) + (2.0 * j + 1.0) * B(i, j);
    }
  }
  if (normalised) {
    for (int j = 0; j <= degree; ++j) {
      const double s = std::sqrt(2.0 * j + 1.0);
      B.col(j) *= s;
      D.col(j) *= s;
    }
  }
}

Eigen::VectorXd legendre_fit(const LegendreSpec& spec, int degree) {
  const Eigen::VectorXd x = legendre_nodes(spec);
  Eigen::MatrixXd B, D;
  legendre_basis(x, degree, spec.normalised, B, D);
  const Eigen::Index n = x.size();
  const Eigen::Index rows = spec.hermite ? 2 * n : n;
  Eigen::MatrixXd A(rows, degree + 1);
  Eigen::VectorXd b(rows);
  A.topRows(n) = B;
  for (Eigen::Index i = 0; i < n; ++i) b(i) = legendre_target(spec.target, x(i));
  if (spec.hermite) {
    A.bottomRows(n) = D;
    for (Eigen::Index i = 0; i < n; ++i) b(n + i) = legendre_target_derivative(spec.target, x(i));
  }
  // The complete orthogonal decomposition gives the minimum-norm least-squares solution, i.e.
  // the pseudo-inverse applied to b, without forming A^+ (A is far from square on both sides).
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(A);
  return cod.solve(b);
}

LegendreErrors legendre_errors(const LegendreSpec& spec, int degree) {
  // Enough Gauss-Legendre nodes to integrate (f - f_hat)^2 for f_hat of degree up to 2000.
  const int nodes = std::max(400, 2 * degree + 200);
  std::unique_ptr<gsl_integration_glfixed_table, decltype(&gsl_integration_glfixed_table_free)> table(
      gsl_integration_glfixed_table_alloc(nodes), &gsl_integration_glfixed_table_free);
  Eigen::VectorXd xq(nodes), wq(nodes);
  for (int i = 0; i < nodes; ++i) gsl_integration_glfixed_point(-1.0, 1.0, i, &xq(i), &wq(i), table.get());
  wq *= 0.5;  // the uniform probability measure dx/2
  const Eigen::VectorXd w = legendre_fit(spec, degree);
  Eigen::MatrixXd B, D;
  legendre_basis(xq, degree, spec.normalised, B, D);
  const Eigen::VectorXd f_hat = B * w, g_hat = D * w;
  LegendreErrors e;
  for (int i = 0; i < nodes; ++i) {
    const double df = legendre_target(spec.target, xq(i)) - f_hat(i);
    const double dg = legendre_target_derivative(spec.target, xq(i)) - g_hat(i);
    e.gen_f += wq(i) * df * df;
    e.gen_g += wq(i) * dg * dg;
  }
  e.gen_h1 = e.gen_f + e.gen_g;
  return e;
}

}  // namespace srf::plotting
