// The deterministic-equivalent core traces against the same traces on sampled matrices.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/model/spectrum.hpp>

#include <sobolev_rf/theory/detail/core_traces.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>

using namespace srf::model;
using namespace srf::theory;

TEST_CASE("Sampled core traces approach the deterministic equivalent as P grows") {
  // A point of the block structure C = diag(C0, C1 I_k), M = diag(M0, M1 I_k) typical of the
  // solver (tanh: kappa_1^2 ~ 0.37, kappa_star^2 ~ 0.03), at small lambda.
  const double lambda = 1e-2, C0 = 0.3, C1 = 0.2, M0 = 0.02, M1 = 0.05, gamma = 0.8;
  for (int k : {1, 2}) {
    double det[4] = {0, 0, 0, 0};
    REQUIRE(make_deterministic_traces(k, gamma, 10)->level1(lambda, C0, C1, M0, M1, det[0], det[1], det[2], det[3]));
    double rms[3];
    const int sizes[3] = {100, 400, 1600};
    for (int s = 0; s < 3; ++s) {
      double sq = 0.0;
      const int seeds = 4;
      for (int seed = 1; seed <= seeds; ++seed) {
        double v[4] = {0, 0, 0, 0};
        REQUIRE(make_sampled_traces(k, gamma, sizes[s], seed)->level1(lambda, C0, C1, M0, M1, v[0], v[1], v[2], v[3]));
        for (int i = 0; i < 4; ++i) sq += std::pow((v[i] - det[i]) / det[i], 2);
      }
      rms[s] = std::sqrt(sq / (4 * seeds));
      MESSAGE("k = " << k << ", P = " << sizes[s] << " (seeds 1..4): rms relative gap " << rms[s]);
    }
    // Fluctuations of the zeta averages are O(1/sqrt(P)): a factor 16 in P shrinks the gap by
    // about 4; we ask for 2 and for a gap of at most 3 % at P = 1600.
    CHECK(rms[2] < rms[0] / 2.0);
    CHECK(rms[2] < 0.03);
  }
}

TEST_CASE("The theory with sampled traces agrees with the deterministic equivalent") {
  ModelParams p;
  p.sigma = "relu", p.teacher = "tanh", p.alpha = 1 / 1.5, p.gamma = 0.8, p.lambda = 1e-2, p.k = 1, p.varpi = {1.0};
  const TheoryResult det = solve_theory(p);
  SaddlePointOptions o;
  o.traces = TraceMethod::kSampled;
  o.trace_size = 600;
  double mean_f = 0, mean_g = 0;
  const int seeds = 3;
  for (int seed = 1; seed <= seeds; ++seed) {
    o.trace_seed = seed;
    const TheoryResult s = solve_theory(p, o);
    REQUIRE(s.summary.converged());
    mean_f += s.errors.gen_f / seeds, mean_g += s.errors.gen_g / seeds;
  }
  MESSAGE("P = 600, seeds 1..3: gen_f " << mean_f << " vs " << det.errors.gen_f << ", gen_g " << mean_g << " vs "
                                        << det.errors.gen_g);
  CHECK(std::fabs(mean_f - det.errors.gen_f) < 0.03 * det.errors.gen_f);
  CHECK(std::fabs(mean_g - det.errors.gen_g) < 0.05 * det.errors.gen_g);
}

TEST_CASE("structured direction traces (S13.2): the quadratic forms of an input-space direction on sampled matrices") {
  // k = 0: G = ((lambda + M0) I + C0 Theta^T Sigma Theta / d)^{-1}, Theta d x P i.i.d. N(0, 1),
  // Sigma = diag(s) of twolevel:0.2,5, teacher theta0 = s^(b/2) g / Z (theta0^T Sigma theta0 = 1) at
  // b = 1, v = theta0 / |theta0|, u_perp a random unit vector orthogonal to theta0, a = Theta^T u / sqrt d:
  //   a_v^T G a_v -> E_v[Gamma_s],  a_v^T G u -> E_t[Gamma_s] / tau,  u_E^T G a_v -> tau E_v[Gamma_s],
  //   a_perp^T G a_perp -> E_s[Gamma_s],   u = Theta^T Sigma theta0 / sqrt d, u_E = Theta^T theta0 / sqrt d.
  // Each is O(P^-1/2) from its limit per draw; the mean over 6 draws (std::mt19937_64, seeds 1..6)
  // must lie within 4 standard errors plus 1 % (the O(1/P) bias).
  const double lambda = 1e-2, C0 = 0.3, M0 = 0.02, gamma = 0.8, b = 1.0;
  const std::string spectrum = "twolevel:0.2,5";
  const auto law = spectral_law(spectrum, b);
  auto traces = make_structured_traces(0, gamma, law, 10, srf::theory::SaddlePointOptions{}.inner_newton(),
                                       {{}, {}, {}, true});  // the laws mu_t, mu_v, mu
  double D0 = 0, D1 = 0, G0 = 0, G1 = 0;
  REQUIRE(traces->level1(lambda, C0, 0.0, M0, 0.0, D0, D1, G0, G1));
  traces->prepare(lambda, Eigen::MatrixXd::Constant(1, 1, C0), Eigen::MatrixXd::Constant(1, 1, M0), D0, 0.0);
  const CoreTraces::DirectionTraces dir = traces->direction_traces();
  const double tau = std::sqrt(law->tau2);
  const double want[4] = {dir.v(0, 0), dir.t(0, 0) / tau, tau * dir.v(0, 0), dir.u(0, 0)};
  const int P = 1000, d = static_cast<int>(gamma * P), draws = 6;
  const std::vector<double> s = finite_spectrum(parse_spectrum(spectrum), d);
  double sum[4] = {0, 0, 0, 0}, sum2[4] = {0, 0, 0, 0};
  for (int seed = 1; seed <= draws; ++seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd Theta(d, P);
    for (int j = 0; j < P; ++j)
      for (int r = 0; r < d; ++r) Theta(r, j) = normal(rng);
    Eigen::VectorXd theta0(d), perp(d), sq(d);
    for (int r = 0; r < d; ++r) sq(r) = std::sqrt(s[r]), theta0(r) = std::pow(s[r], b / 2) * normal(rng), perp(r) = normal(rng);
    theta0 /= std::sqrt(theta0.cwiseProduct(sq).squaredNorm());
    const Eigen::VectorXd v = theta0 / theta0.norm();
    perp -= v * v.dot(perp);
    perp /= perp.norm();
    const Eigen::MatrixXd ThetaS = sq.asDiagonal() * Theta;
    Eigen::MatrixXd A = (C0 / d) * (ThetaS.transpose() * ThetaS);
    A.diagonal().array() += lambda + M0;
    const Eigen::LDLT<Eigen::MatrixXd> G(A);
    const double rd = 1.0 / std::sqrt(static_cast<double>(d));
    const Eigen::VectorXd a_v = Theta.transpose() * v * rd, a_p = Theta.transpose() * perp * rd;
    const Eigen::VectorXd u = Theta.transpose() * (sq.cwiseProduct(sq).cwiseProduct(theta0)) * rd;
    const Eigen::VectorXd uE = Theta.transpose() * theta0 * rd;
    const Eigen::VectorXd Ga_v = G.solve(a_v);
    const double got[4] = {a_v.dot(Ga_v), u.dot(Ga_v), uE.dot(Ga_v), a_p.dot(G.solve(a_p))};
    for (int i = 0; i < 4; ++i) sum[i] += got[i], sum2[i] += got[i] * got[i];
  }
  const std::string names[4] = {"a_v^T G a_v", "a_v^T G u", "u_E^T G a_v", "a_perp^T G a_perp"};
  for (int i = 0; i < 4; ++i) {
    const double mean = sum[i] / draws, se = std::sqrt((sum2[i] / draws - mean * mean) / (draws - 1));
    MESSAGE(names[i] << ": sampled " << mean << " +- " << se << " (P = " << P << ", seeds 1.." << draws
                     << "), limit (S13.2) " << want[i]);
    CHECK(std::fabs(mean - want[i]) <= 4 * se + 0.01 * std::fabs(want[i]));
  }
  // The three laws differ here, so the check tells them apart: E_v and E_s differ by more than 10 %.
  CHECK(std::fabs(dir.v(0, 0) - dir.u(0, 0)) > 0.1 * dir.u(0, 0));
}
