// Structured inputs in the limit theory (docs/theory/structured.md; theory/detail/structured_traces.cpp):
// the general spectral path at s = 1 reproduces the isotropic solver, tau^2 and the law over the
// sketch, the ridgeless limit and the threshold, the sensitivities, and the rejections. The
// agreement with the independent numpy reference is the CTest test "theory: the structured limit
// agrees with the independent numpy reference to 1e-7" (tests/theory/structured_check.py).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <unistd.h>
#include <vector>

#include <sobolev_rf/model/spectral_law.hpp>
#include <sobolev_rf/theory/informed.hpp>
#include <sobolev_rf/theory/request.hpp>
#include <sobolev_rf/theory/saddle_point.hpp>
#include <sobolev_rf/theory/sensitivities.hpp>

using srf::model::ModelParams;
using srf::theory::TheoryResult;

namespace {

struct Point {
  const char* sigma;
  const char* teacher;
  double p_over_n, gamma, lambda;
  int k;
  double beta, noise, rho;
};

ModelParams params(const Point& c, const std::string& spectrum, double alignment) {
  ModelParams p;
  p.sigma = c.sigma, p.teacher = c.teacher;
  p.alpha = 1.0 / c.p_over_n, p.gamma = c.gamma, p.lambda = c.lambda;
  p.k = c.k, p.beta = c.beta;
  p.delta_f = p.delta_g = c.noise;
  p.rho = c.rho;
  for (int j = 0; j < c.k; ++j) p.varpi.push_back(0.9 - 0.6 * j);
  p.spectrum = spectrum;
  p.alignment = alignment;
  return p;
}

double order(const TheoryResult& r, const std::string& name) {
  for (const auto& [n, v] : r.order_parameters)
    if (n == name) return v;
  return std::numeric_limits<double>::quiet_NaN();
}

double rel(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(b), 1e-12); }

// Every error, the law's A0 and A2, and the order parameters both report, as (name, value) pairs.
std::vector<std::pair<std::string, double>> numbers(const TheoryResult& r) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [name, field] : srf::model::error_fields()) {
    out.emplace_back(name, r.errors.*field);
    out.emplace_back(std::string(name) + ".A0", r.varpi_law.A0.*field);
    out.emplace_back(std::string(name) + ".A2", r.varpi_law.A2.*field);
  }
  for (const auto& [name, v] : r.order_parameters) out.emplace_back(name, v);
  return out;
}

// got against want, name by name: equal names, NaN where want is NaN, else within 1e-10 relative;
// the largest relative difference and the count of compared numbers accumulate.
void compare_numbers(const std::vector<std::pair<std::string, double>>& got,
                     const std::vector<std::pair<std::string, double>>& want, double& worst, int& compared) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(want[i].first);
    REQUIRE(got[i].first == want[i].first);
    if (std::isnan(want[i].second)) {
      CHECK(std::isnan(got[i].second));
      continue;
    }
    const double d = rel(got[i].second, want[i].second);
    worst = std::max(worst, d);
    ++compared;
    CHECK(d <= 1e-10);
  }
}

// A spectrum file in the temporary directory, removed at scope exit.
struct SpectrumFile {
  std::string path;
  explicit SpectrumFile(const std::vector<double>& values) {
    path = (std::filesystem::temp_directory_path() / ("srf_structured_" + std::to_string(::getpid()) + ".txt")).string();
    std::ofstream out(path);
    for (double v : values) out << v << "\n";
  }
  ~SpectrumFile() { std::filesystem::remove(path); }
};

// The isotropic points: k = 0, 1, 2, noise, rho, beta != 1 and beta = 0, lambda = 0 on both sides of
// p/n = k + 1, several activations.
const Point kPoints[] = {
    {"tanh", "tanh", 0.5, 0.8, 1e-3, 0, 1.0, 0.0, 0.0},   {"relu", "tanh", 1.5, 0.5, 1e-2, 0, 1.0, 0.1, 0.0},
    {"tanh", "tanh", 0.7, 1.6, 1e-3, 0, 1.0, 0.0, 0.0},   {"erf", "relu", 3.0, 0.8, 1e-1, 0, 1.0, 0.0, 0.0},
    {"tanh", "tanh", 2.0, 0.8, 1e-2, 1, 1.0, 0.0, 0.0},   {"tanh", "relu", 3.0, 0.8, 1e-2, 1, 0.7, 0.1, 0.5},
    {"relu", "erf", 1.5, 1.2, 1e-3, 2, 0.7, 0.1, 0.3},    {"erf", "tanh", 4.0, 0.8, 1e-3, 2, 1.0, 0.0, 0.0},
    {"softplus", "erf", 0.5, 1.0, 1e-2, 1, 2.0, 0.1, 0.0}, {"relu", "relu", 2.5, 0.8, 1e-3, 2, 1.0, 0.1, 0.0},
    {"sigmoid", "tanh", 1.2, 0.8, 1e-2, 1, 1.0, 0.0, 0.0}, {"tanh", "he3", 2.0, 0.8, 1e-2, 0, 1.0, 0.0, 0.0},
    {"relu", "tanh", 3.0, 0.8, 0.0, 1, 1.0, 0.1, 0.0},    {"relu", "tanh", 1.2, 0.8, 0.0, 1, 1.0, 0.1, 0.0},
    {"relu", "tanh", 2.0, 0.8, 0.0, 0, 1.0, 0.1, 0.0},    {"relu", "tanh", 0.5, 0.8, 0.0, 0, 1.0, 0.1, 0.0},
    {"relu", "relu", 4.0, 0.8, 0.0, 2, 1.0, 0.0, 0.0},    {"tanh", "tanh", 2.0, 0.8, 1e-2, 2, 0.0, 0.0, 0.0},
    {"relu", "relu", 1.5, 0.8, 1e-2, 1, 0.0, 0.1, 0.0},   {"tanh", "tanh", 10.0, 0.8, 1e-4, 1, 1.0, 0.0, 0.0},
    {"relu", "tanh", 0.2, 2.0, 1e-1, 2, 0.5, 0.2, -0.2},  {"tanh", "tanh", 1.0, 0.8, 1.0, 1, 1.0, 0.0, 0.0},
};

}  // namespace

TEST_CASE("structured: s = 1 through the spectral path reproduces the isotropic solver to 1e-10 at 22 points") {
  // twolevel:f,1 (two atoms at 1), powerlaw:0 (a quadrature of s = 1) and a file of equal values
  // take the general structured path; isotropic takes the unchanged isotropic one (its golden
  // outputs are bit for bit those before structured inputs existed).
  const SpectrumFile ones({3.0, 3.0, 3.0});
  double worst = 0;
  int compared = 0;
  for (const Point& c : kPoints) {
    const TheoryResult iso = srf::theory::solve_theory(params(c, "isotropic", 0.0));
    REQUIRE(iso.summary.converged());
    CHECK(iso.varpi_law.tau2 == 1.0);
    CHECK(order(iso, "m_E") == order(iso, "m"));  // exactly: the same arithmetic
    CHECK(order(iso, "q_E") == order(iso, "q_s"));
    const auto want = numbers(iso);
    for (const std::string& spectrum : std::vector<std::string>{"twolevel:0.3,1", "powerlaw:0", "file:" + ones.path}) {
      for (double b : {0.0, 1.5}) {
        const TheoryResult r = srf::theory::solve_theory(params(c, spectrum, b));
        INFO(c.sigma << "/" << c.teacher << " p/n=" << c.p_over_n << " lambda=" << c.lambda << " k=" << c.k
                     << " beta=" << c.beta << " " << spectrum << " b=" << b);
        REQUIRE(r.summary.converged());
        CHECK(r.varpi_law.tau2 == doctest::Approx(1.0).epsilon(1e-14));
        compare_numbers(numbers(r), want, worst, compared);
      }
    }
  }
  std::printf("s = 1 by the spectral path vs the isotropic solver: %d numbers, largest relative difference %.1e\n",
              compared, worst);
}

TEST_CASE("structured: informed directions at s = 1 through the spectral path reproduce the isotropic informed theory") {
  // (S13.4)-(S13.6) at s = 1 are [I.2]-[I.4]: the direction laws mu_t, mu_v, mu all collapse to
  // the atom at 1, cos^2 = t^2. Oracle and estimated (above and below the BBP transition), k = 0, 1,
  // beta_inf != 1, lambda = 0 on both sides of p/n = k + 1.
  struct InformedPoint {
    Point c;
    const char* kind;
    double beta_inf, delta_u;
  };
  const InformedPoint points[] = {
      {{"tanh", "tanh", 3.0, 0.8, 1e-2, 0, 1.0, 0.0, 0.0}, "oracle", 1.0, 0.1},
      {{"relu", "tanh", 1.5, 0.8, 1e-1, 1, 1.0, 0.1, 0.0}, "oracle", 2.0, 0.1},
      {{"tanh", "relu", 2.0, 0.8, 1e-2, 0, 1.0, 0.1, 0.0}, "estimated", 1.0, 0.1},
      {{"erf", "tanh", 0.7, 1.2, 1e-2, 1, 0.5, 0.0, 0.0}, "estimated", 0.5, 2.0},  // below BBP: t^2 = 0
      {{"relu", "tanh", 3.0, 0.8, 0.0, 1, 1.0, 0.1, 0.0}, "oracle", 1.0, 0.1},
      {{"relu", "tanh", 0.5, 0.8, 0.0, 0, 1.0, 0.1, 0.0}, "estimated", 1.0, 0.3},
      // Noise Delta_u Sigma [S.14]: at s = 1 the generalised spiked limit is BBP, through explicit weights.
      {{"tanh", "relu", 2.0, 0.8, 1e-2, 1, 1.0, 0.1, 0.0}, "estimated_sigma", 1.0, 0.1},
      {{"erf", "tanh", 0.7, 1.2, 1e-2, 0, 0.5, 0.0, 0.0}, "estimated_sigma", 0.5, 2.0},  // below the transition
  };
  double worst = 0;
  int compared = 0;
  for (const InformedPoint& ip : points) {
    ModelParams iso_p = params(ip.c, "isotropic", 0.0);
    iso_p.informed = ip.kind, iso_p.beta_inf = ip.beta_inf, iso_p.delta_u = ip.delta_u;
    const TheoryResult iso = srf::theory::solve_theory(iso_p);
    REQUIRE(iso.summary.converged());
    const auto want = numbers(iso);
    for (const std::string spectrum : {"twolevel:0.3,1", "powerlaw:0"}) {
      ModelParams p = iso_p;
      p.spectrum = spectrum;
      p.alignment = 0.7;
      const TheoryResult r = srf::theory::solve_theory(p);
      INFO(ip.c.sigma << "/" << ip.c.teacher << " p/n=" << ip.c.p_over_n << " k=" << ip.c.k << " " << ip.kind << " "
                      << spectrum);
      REQUIRE(r.summary.converged());
      compare_numbers(numbers(r), want, worst, compared);
    }
  }
  std::printf("informed, s = 1 by the spectral path vs the isotropic solver: %d numbers, largest relative difference %.1e\n",
              compared, worst);
}

TEST_CASE("structured: tau^2 is set on every result, and the varpi law's mean over N(0, tau^2 I_k) is A0 + k tau^2 A2") {
  const Point c{"relu", "tanh", 2.0, 0.8, 1e-2, 2, 1.0, 0.0, 0.0};
  const double a = 0.3, b = 1.0;
  const TheoryResult r = srf::theory::solve_theory(params(c, "powerlaw:0.3", b));
  REQUIRE(r.summary.converged());
  CHECK(r.varpi_law.tau2 == doctest::Approx((1 - a * (b + 1)) / ((1 - a) * (1 - a * b))).epsilon(1e-14));
  // beta = 0 [S.9]: the law of the L2 fit's gen_g has mean k gen_grad over varpi ~ N(0, tau^2 I_k).
  const TheoryResult z = srf::theory::solve_theory(params({"relu", "tanh", 2.0, 0.8, 1e-2, 2, 0.0, 0.0, 0.0},
                                                          "twolevel:0.05,20", 1.0));
  REQUIRE(z.summary.converged());
  CHECK(z.varpi_law.tau2 == doctest::Approx(0.1815).epsilon(1e-3));
  const double mean = z.varpi_law.A0.gen_g + 2 * z.varpi_law.tau2 * z.varpi_law.A2.gen_g;
  CHECK(mean == doctest::Approx(2 * z.errors.gen_grad).epsilon(1e-12));
  // A failed solve keeps tau^2 too.
  ModelParams at_threshold = params({"relu", "tanh", 2.0, 0.8, 0.0, 1, 1.0, 0.0, 0.0}, "twolevel:0.05,20", 1.0);
  const TheoryResult f = srf::theory::solve_theory(at_threshold);
  CHECK_FALSE(f.summary.converged());
  CHECK(f.varpi_law.tau2 == z.varpi_law.tau2);
}

TEST_CASE("structured: the ridgeless limit is the limit lambda -> 0+, on both sides of p/n = k + 1, where gen_f diverges") {
  for (const std::string spectrum : {"powerlaw:0.6", "twolevel:0.05,20"})
    for (int k : {0, 1, 2})
      for (double side : {0.7, 1.4}) {
        const double p_over_n = (k + 1) * side;
        const Point c{"relu", "tanh", p_over_n, 0.8, 0.0, k, 1.0, 0.1, 0.0};
        INFO(spectrum << " k=" << k << " p/n=" << p_over_n);
        const TheoryResult r0 = srf::theory::solve_theory(params(c, spectrum, 0.0));
        Point small = c;
        small.lambda = 1e-9;
        const TheoryResult r1 = srf::theory::solve_theory(params(small, spectrum, 0.0));
        REQUIRE(r0.summary.converged());
        REQUIRE(r1.summary.converged());
        CHECK(rel(r1.errors.gen_f, r0.errors.gen_f) < 1e-5);
        CHECK(rel(r1.errors.gen_grad, r0.errors.gen_grad) < 1e-5);
      }
  // gen_f |p/n - (k + 1)| tends to the same constant from both sides [S.10].
  for (int k : {0, 1}) {
    double prod[2];
    int i = 0;
    for (double eps : {-1e-3, 1e-3}) {
      const double p_over_n = (k + 1) * (1 + eps);
      const TheoryResult r =
          srf::theory::solve_theory(params({"relu", "tanh", p_over_n, 0.8, 0.0, k, 1.0, 0.1, 0.0}, "powerlaw:0.6", 0.0));
      REQUIRE(r.summary.converged());
      prod[i++] = r.errors.gen_f * std::fabs(p_over_n - (k + 1));
    }
    CHECK(prod[0] == doctest::Approx(prod[1]).epsilon(0.02));
  }
}

TEST_CASE("structured: sensitivities agree with 5-point finite differences of the solve") {
  const SpectrumFile file({0.25, 1.0, 4.0, 4.0, 0.5, 2.0});
  struct Case {
    Point c;
    std::string spectrum;
    double b;
    std::string informed = "none";  // with an informed direction ([S.13]) too
  };
  const Case cases[] = {{{"tanh", "tanh", 0.5, 0.8, 1e-2, 0, 1.0, 0.0, 0.0}, "powerlaw:0.6", 0.0},
                        {{"relu", "tanh", 2.0, 0.8, 1e-2, 1, 0.7, 0.1, 0.0}, "twolevel:0.05,20", 1.0},
                        {{"relu", "erf", 3.0, 0.8, 3e-2, 2, 1.5, 0.0, 0.0}, "file:" + file.path, -1.0},
                        {{"relu", "tanh", 2.0, 0.8, 1e-2, 1, 0.0, 0.1, 0.0}, "powerlaw:0.3", 1.0},
                        {{"tanh", "tanh", 1.5, 0.8, 5e-2, 1, 1.0, 0.0, 0.0}, "twolevel:0.05,20", -1.0, "estimated"},
                        {{"relu", "tanh", 0.7, 0.8, 1e-2, 0, 1.0, 0.1, 0.0}, "powerlaw:0.4", 0.5, "oracle"},
                        {{"tanh", "tanh", 1.5, 0.8, 5e-2, 1, 1.0, 0.0, 0.0}, "file:" + file.path, 1.0, "estimated_sigma"}};
  auto five_point = [](const std::function<double(double)>& f, double x, double h) {
    const double t = std::log(x);
    auto g = [&](double dt) { return f(std::exp(t + dt)); };
    return (8.0 * (g(h) - g(-h)) - (g(2 * h) - g(-2 * h))) / (12.0 * h) / x;
  };
  for (const Case& cs : cases) {
    ModelParams p = params(cs.c, cs.spectrum, cs.b);
    p.informed = cs.informed;
    p.delta_u = 0.05;
    INFO(cs.spectrum << " b=" << cs.b << " k=" << p.k << " beta=" << p.beta << " informed=" << cs.informed);
    srf::theory::TheoryRequest req;
    req.model = p;
    req.sensitivities = true;
    const auto a = srf::theory::solve(req);
    REQUIRE(a.solution.result.summary.converged());
    const auto& s = a.solution.result.sensitivities;
    REQUIRE(s.computed);
    for (const auto& [name, field] : srf::model::error_fields()) {
      if (std::isnan(a.solution.result.errors.*field)) continue;  // train_g at beta = 0
      CAPTURE(name);
      auto error_at = [&, field = field](double lambda, double beta) {
        ModelParams q = p;
        q.lambda = lambda, q.beta = beta;
        return srf::theory::solve_theory(q).errors.*field;
      };
      const double scale = std::fabs(a.solution.result.errors.*field) / p.lambda + 1e-12;
      const double fd = five_point([&](double x) { return error_at(x, p.beta); }, p.lambda, 1e-3);
      CHECK(std::fabs(s.d_lambda.*field - fd) <= 1e-6 * scale);
      if (p.k > 0 && p.beta > 0) {
        const double fdb = five_point([&](double x) { return error_at(p.lambda, x); }, p.beta, 1e-3);
        CHECK(std::fabs(s.d_beta.*field - fdb) <= 1e-6 * (std::fabs(a.solution.result.errors.*field) / p.beta + 1e-12));
      }
    }
  }
}

TEST_CASE("structured: what the theory does not cover is rejected naming the field") {
  auto field_of = [](const std::function<void()>& f) -> std::string {
    try {
      f();
    } catch (const srf::model::InvalidParameter& e) {
      return e.field();
    }
    return "";
  };
  ModelParams informed = params({"tanh", "tanh", 2.0, 0.8, 1e-2, 0, 1.0, 0.0, 0.0}, "powerlaw:0.5", 0.0);
  informed.informed = "oracle";
  CHECK(srf::theory::solve_theory(informed).summary.converged());  // the limit [S.13] is derived
  srf::theory::TheoryRequest req;
  req.model = informed;
  req.d = 640;  // the finite-d version [I.6] is not
  CHECK(field_of([&] { req.validate(); }) == "d");
  CHECK(field_of([&] { srf::theory::informed_finite_d_equivalent(informed, 640); }) == "d");
  informed.informed = "estimated_sigma";  // noise Delta_u Sigma: an unbounded spectrum has no outlier [S.14]
  CHECK(field_of([&] { srf::theory::solve_theory(informed); }) == "informed");
  srf::theory::SaddlePointOptions sampled;
  sampled.traces = srf::theory::TraceMethod::kSampled;
  const ModelParams p = params({"tanh", "tanh", 2.0, 0.8, 1e-2, 0, 1.0, 0.0, 0.0}, "twolevel:0.1,5", 0.0);
  CHECK(field_of([&] { srf::theory::solve_theory(p, sampled); }) == "traces");
  ModelParams r1 = p;
  r1.spectrum = "powerlaw:0.5";
  r1.alignment = 1.0;  // a (b + 1) = 1: (R1)
  CHECK(field_of([&] { srf::theory::solve_theory(r1); }) == "alignment");
}

TEST_CASE("structured: a heavy-tailed spectrum and a strong subspace converge across lambda, k and b") {
  int failures = 0;
  for (const char* spectrum : {"powerlaw:0.9", "powerlaw:0.6", "twolevel:0.05,100", "twolevel:0.5,0.01"})
    for (double b : {-2.0, 0.0, 0.05})
      for (int k : {0, 1, 2})
        for (double lambda : {1e-6, 1e-2, 10.0}) {
          const TheoryResult r =
              srf::theory::solve_theory(params({"relu", "tanh", 1.7, 0.8, lambda, k, 1.0, 0.05, 0.0}, spectrum, b));
          if (!r.summary.converged() || !std::isfinite(r.errors.gen_grad)) {
            ++failures;
            std::printf("not converged: %s b=%g k=%d lambda=%g: %s\n", spectrum, b, k, lambda, r.summary.message.c_str());
          }
        }
  CHECK(failures == 0);
}
