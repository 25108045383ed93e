// [D.3.3], [D.4.4] The radial moments and the fourth-moment tensor (radial_moments.hpp).
#include <sobolev_rf/theory/detail/radial_moments.hpp>

#include <cmath>

namespace srf::theory {

RadialMoments RadialMomentRule::operator()(double s, double h) const {
  RadialMoments m;
  if (k_ == 0 || h <= 0.0) {
    // No zeta dependence (k = 0), or a flat direction: q = 1/s, E r^2 = k, E r^4 = k(k+2).
    const double q = 1.0 / s;
    const double r2 = k_, r4 = k_ * (k_ + 2.0);
    m.q1[0] = q, m.q1[1] = q * r2;
    m.q2[0] = q * q, m.q2[1] = q * q * r2, m.q2[2] = q * q * r4;
    return m;
  }
  radial_.build(std::sqrt(s / h), rule_);
  for (std::size_t i = 0; i < rule_.r.size(); ++i) {
    const double r2 = rule_.r[i] * rule_.r[i];
    const double q = 1.0 / (s + h * r2);
    const double wq = rule_.w[i] * q, wq2 = wq * q;
    m.q1[0] += wq, m.q1[1] += wq * r2;
    m.q2[0] += wq2, m.q2[1] += wq2 * r2, m.q2[2] += wq2 * r2 * r2;
  }
  return m;
}

Eigen::MatrixXd fourth_moment_tensor(int k, double gamma, const RadialMoments& m) {
  const int K = k + 1, K2 = K * K;
  auto T4 = [&](int a, int b, int c, int d) {
    int g[4], ng = 0;
    for (int i : {a, b, c, d})
      if (i > 0) g[ng++] = i;
    double v = 0.0;
    if (ng == 0) v = m.q2[0];
    else if (ng == 2) v = g[0] == g[1] ? m.q2[1] / k : 0.0;
    else if (ng == 4)
      v = m.q2[2] / (k * (k + 2.0)) *
          ((g[0] == g[1] && g[2] == g[3]) + (g[0] == g[2] && g[1] == g[3]) + (g[0] == g[3] && g[1] == g[2]));
    return v / gamma;
  };
  // T is symmetric in (a, b) and in (c, d).
  Eigen::MatrixXd T(K2, K2);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b)
      for (int c = 0; c < K; ++c)
        for (int d = 0; d < K; ++d) T(a + b * K, c + d * K) = T4(a, b, c, d);
  return T;
}

}  // namespace srf::theory
