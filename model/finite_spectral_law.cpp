// The finite-d teacher laws of docs/theory/structured.md [S.15] (model/finite_spectral_law.hpp).
#include <sobolev_rf/model/finite_spectral_law.hpp>

#include <fmt/format.h>
#include <gsl/gsl_integration.h>
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <list>
#include <mutex>
#include <stdexcept>

#include <sobolev_rf/model/invalid_parameter.hpp>
#include <sobolev_rf/model/spectrum.hpp>

namespace srf::model {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Nodes t_k and weights omega_k (Phi(t_k) and the Jacobian included) with
//   sum_k omega_k f(t_k) = int_0^inf Phi(t) f(t) dt,   Phi(t) = prod_i (1 + 2 t c_i)^(-m_i / 2),
// for f bounded by 1 + t (the integrands of (S15.3)-(S15.5)), sum_i m_i c_i = 1. Phi is analytic
// for Re t > -1 / (2 c_max): Gauss-Legendre in t on [0, t0], t0 = min(1, 1 / (4 c_max)), then in
// u = log t on panels of width 1 (|Phi| <= 1 in the strip |Im u| < pi/2, where Re(1 + 2 t c) > 1:
// 16 nodes on a panel of half-width 1/2 err by ~6.4^-32 of the integrand's size there).
// log Phi(e^u) is concave in u with slope -S(u), S = sum_i m_i t c_i / (1 + 2 t c_i) increasing to
// d/2, so once S > 5/2 the tail beyond u of t^2 Phi is at most t^2 Phi / (S - 2) (the (S15.5)
// integrand carries t L(t) <= t (1 + sum m e)): the panels stop when that is below 1e-18.
struct TeacherQuadrature {
  std::vector<double> t, omega;
};

struct LogPhi {
  double value = 0, slope = 0;  // log Phi(t) and S(t) = -d log Phi / d log t
};

LogPhi log_phi(const std::vector<double>& m, const std::vector<double>& c, double t) {
  LogPhi out;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double x = 2.0 * t * c[i];
    out.value -= 0.5 * m[i] * std::log1p(x);
    out.slope += 0.5 * m[i] * x / (1.0 + x);
  }
  return out;
}

TeacherQuadrature teacher_quadrature(const std::vector<double>& m, const std::vector<double>& c, double e_sum) {
  constexpr int kNodes = 16;
  gsl_integration_fixed_workspace* ws =
      gsl_integration_fixed_alloc(gsl_integration_fixed_legendre, kNodes, -1.0, 1.0, 0.0, 0.0);
  const std::vector<double> x(gsl_integration_fixed_nodes(ws), gsl_integration_fixed_nodes(ws) + kNodes);
  const std::vector<double> gw(gsl_integration_fixed_weights(ws), gsl_integration_fixed_weights(ws) + kNodes);
  gsl_integration_fixed_free(ws);
  const double c_max = *std::max_element(c.begin(), c.end());
  const double t0 = std::min(1.0, 0.25 / c_max);
  TeacherQuadrature q;
  for (int k = 0; k < kNodes; ++k) {
    const double t = 0.5 * t0 * (1.0 + x[k]);
    q.t.push_back(t);
    q.omega.push_back(0.5 * t0 * gw[k] * std::exp(log_phi(m, c, t).value));
  }
  constexpr double kWidth = 1.0, kTail = 1e-18;
  constexpr int kMaxPanels = 800;
  for (int panel = 0; panel < kMaxPanels; ++panel) {
    const double lo = std::log(t0) + panel * kWidth, mid = lo + 0.5 * kWidth;
    for (int k = 0; k < kNodes; ++k) {
      const double u = mid + 0.5 * kWidth * x[k], t = std::exp(u);
      q.t.push_back(t);
      q.omega.push_back(0.5 * kWidth * gw[k] * std::exp(u + log_phi(m, c, t).value));
    }
    const double u_end = lo + kWidth;
    const LogPhi end = log_phi(m, c, std::exp(u_end));
    if (end.slope > 2.5 && (1.0 + e_sum) * std::exp(2.0 * u_end + end.value) / (end.slope - 2.0) < kTail) return q;
  }
  throw std::runtime_error("finite spectral law: the teacher quadrature did not reach the decay of Phi");
}

void check_values(const std::vector<double>& values, double b) {
  if (values.size() < static_cast<std::size_t>(kMinFiniteSpectrumSize))
    throw InvalidParameter("spectrum", fmt::format("spectrum: a finite spectrum needs d >= {} eigenvalues, not {}",
                                                   kMinFiniteSpectrumSize, values.size()));
  bool nonzero = false;
  for (double x : values) {
    if (!(std::isfinite(x) && x >= 0.0))
      throw InvalidParameter("spectrum", fmt::format("spectrum: eigenvalue {} must be finite and >= 0", x));
    nonzero = nonzero || x > 0;
  }
  if (!nonzero) throw InvalidParameter("spectrum", "spectrum: needs an eigenvalue > 0");
  if (!std::isfinite(b)) throw InvalidParameter("alignment", fmt::format("alignment = {}: must be finite", b));
  if (b < 0.0 && std::find(values.begin(), values.end(), 0.0) != values.end())
    throw InvalidParameter("alignment",
                           fmt::format("alignment = {}: an eigenvalue 0 with b < 0 (docs/theory/structured.md (R2))", b));
}

// The distinct eigenvalues (sorted, mean 1) and their multiplicities.
struct Atoms {
  std::vector<double> s, m;
};

Atoms distinct_atoms(const std::vector<double>& values) {
  std::vector<double> v = values;
  if (std::is_sorted(v.rbegin(), v.rend())) std::reverse(v.begin(), v.end());  // the powerlaw family: descending
  else std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  const double mean = sum / static_cast<double>(v.size());
  Atoms a;
  for (double x : v) {
    if (!a.s.empty() && a.s.back() == x / mean) a.m.back() += 1.0;
    else a.s.push_back(x / mean), a.m.push_back(1.0);
  }
  return a;
}

// log of s^(b+1) and of s^b (-inf for 0; s^0 = 1 at s = 0: theta0_r = g_r there at b = 0).
double log_c(double s, double b) { return s > 0 ? (b + 1.0) * std::log(s) : -kInf; }  // b + 1 > 0 at s = 0 (R2)
double log_e(double s, double b) { return s > 0 ? b * std::log(s) : (b == 0.0 ? 0.0 : -kInf); }

// log C, C = sum_r s_r^(b+1), over the atoms (in logarithms: s^(b+1) may overflow for a large |b|).
double log_normaliser(const Atoms& a, double b) {
  double top = -kInf;
  for (double x : a.s) top = std::max(top, log_c(x, b));
  double C = 0;
  for (std::size_t i = 0; i < a.s.size(); ++i) C += a.m[i] * std::exp(log_c(a.s[i], b) - top);
  return top + std::log(C);
}

// The q-point Gauss rule of the discrete measure sum_i m_i delta_(s_i) on one cluster (the Stieltjes
// procedure in y = (s - centre) / half-width, then the eigenvalues of the Jacobi matrix): exact for
// polynomials of degree 2q - 1 in s.
void cluster_gauss_rule(const double* s, const double* m, std::size_t count, int q, Atoms& out) {
  const double centre = 0.5 * (s[0] + s[count - 1]), half = 0.5 * (s[count - 1] - s[0]);
  std::vector<double> y(count), p(count, 1.0), prev(count, 0.0);
  for (std::size_t i = 0; i < count; ++i) y[i] = (s[i] - centre) / half;
  Eigen::MatrixXd J = Eigen::MatrixXd::Zero(q, q);
  double mu0 = 0, norm_prev = 1;
  for (std::size_t i = 0; i < count; ++i) mu0 += m[i];
  for (int k = 0; k < q; ++k) {
    double norm = 0, moment = 0;
    for (std::size_t i = 0; i < count; ++i) norm += m[i] * p[i] * p[i], moment += m[i] * y[i] * p[i] * p[i];
    const double alpha = moment / norm, beta = k ? norm / norm_prev : 0.0;
    J(k, k) = alpha;
    if (k) J(k, k - 1) = J(k - 1, k) = std::sqrt(beta);
    for (std::size_t i = 0; i < count; ++i) {
      const double next = (y[i] - alpha) * p[i] - beta * prev[i];
      prev[i] = p[i], p[i] = next;
    }
    norm_prev = norm;
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(J);
  for (int j = 0; j < q; ++j) {
    out.s.push_back(centre + half * eig.eigenvalues()(j));
    out.m.push_back(mu0 * eig.eigenvectors()(0, j) * eig.eigenvectors()(0, j));
  }
}

// Many distinct eigenvalues (a large d): clusters of consecutive ones within a factor 1 + eps become
// kGaussNodes-point Gauss rules of their own measure. Every average the theory takes over the atoms,
// with the uniform or the teacher's weights (c_i A(c_i), (S15.3)), and log Phi itself, is a sum of a
// function analytic in s away from (-inf, 0] (poles at s = -1/x, branch points of s^(b+1) at 0), so
// with the cluster's half-width h <= eps s_lo / 2 the rule errs by ~ (4 / eps)^(-2 q) relative (the
// Bernstein ellipse reaching the singularity at distance >= 2 / eps half-widths): 1.5e-13 at eps = 0.1,
// q = 4. eps shrinks with |b + 1| (the branch point of s^(b+1) comes nearer in angle). Small clusters
// (the top eigenvalues of a power law, with relative gaps above eps) stay atoms.
constexpr int kGaussNodes = 4;
constexpr std::size_t kCompressAbove = 20000;  // distinct eigenvalues: below this the atoms are the law

Atoms compressed(const Atoms& raw, double b) {
  const double eps = 0.1 / std::max(1.0, std::fabs(b + 1.0));
  Atoms out;
  const std::size_t n = raw.s.size();
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    if (raw.s[i] > 0)
      while (j < n && raw.s[j] <= raw.s[i] * (1 + eps)) ++j;
    if (j - i >= 3 * kGaussNodes) {
      cluster_gauss_rule(&raw.s[i], &raw.m[i], j - i, kGaussNodes, out);
    } else {
      for (std::size_t k = i; k < j; ++k) out.s.push_back(raw.s[k]), out.m.push_back(raw.m[k]);
    }
    i = j;
  }
  return out;
}

// c_i = s_i^(b+1) / C and e_i = s_i^b / C at the atoms s.
void coefficients(const std::vector<double>& s, double b, double log_C, std::vector<double>& c, std::vector<double>& e) {
  c.resize(s.size()), e.resize(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    c[i] = std::exp(log_c(s[i], b) - log_C);
    e[i] = std::exp(log_e(s[i], b) - log_C);
  }
}

SpectralLaw law_with(const std::vector<double>& s, const std::vector<double>& m, long d, std::vector<double> wt,
                     std::vector<double> wv, double tau2) {
  SpectralLaw law;
  const std::size_t n = s.size();
  law.s = s;
  law.inv_s.resize(n), law.w.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    law.inv_s[i] = s[i] > 0 ? 1.0 / s[i] : kInf;
    law.w[i] = m[i] / static_cast<double>(d);
  }
  law.wt = std::move(wt);
  law.wv = std::move(wv);
  law.tau2 = tau2;
  return law;
}

}  // namespace

FiniteSpectralLaws finite_spectral_laws(const std::vector<double>& values, double b, bool compress) {
  check_values(values, b);
  FiniteSpectralLaws L;
  L.d = static_cast<long>(values.size());
  L.b = b;
  Atoms raw = distinct_atoms(values);
  L.log_C = log_normaliser(raw, b);
  if (compress && raw.s.size() > kCompressAbove) {
    const Atoms a = compressed(raw, b);
    L.s = a.s, L.multiplicity = a.m;
    L.drawable = raw.s.size() <= kMaxDrawnAtoms;  // beyond: not kept (memory), no draws
    if (L.drawable) L.raw_s = std::move(raw.s), L.raw_multiplicity = std::move(raw.m);
  } else {
    L.s = std::move(raw.s), L.multiplicity = std::move(raw.m);
  }
  coefficients(L.s, b, L.log_C, L.c, L.e);
  const std::size_t n = L.s.size();
  double e_sum = 0;
  for (std::size_t i = 0; i < n; ++i) e_sum += L.multiplicity[i] * L.e[i];
  const TeacherQuadrature q = teacher_quadrature(L.multiplicity, L.c, e_sum);
  const std::size_t nq = q.t.size();
  // (S15.3)-(S15.4): A_i = int Phi / (1 + 2 t c_i); wt_i = m_i c_i A_i, E[theta0^2 over i] = m_i e_i A_i.
  // (S15.5): B_i = int t Phi [L(t) / (1 + 2 t c_i) + 2 e_i / (1 + 2 t c_i)^2], L(t) = sum_j m_j e_j / (1 + 2 t c_j),
  // E[|theta0|^2 pi over i] = m_i c_i B_i.
  std::vector<double> Lt(nq, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < nq; ++k) Lt[k] += L.multiplicity[i] * L.e[i] / (1.0 + 2.0 * q.t[k] * L.c[i]);
  std::vector<double> wt(n), theta2(n), tilted(n);
  double tau2 = 0, total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double A = 0, B = 0;
    for (std::size_t k = 0; k < nq; ++k) {
      const double r = 1.0 / (1.0 + 2.0 * q.t[k] * L.c[i]);
      A += q.omega[k] * r;
      B += q.omega[k] * q.t[k] * r * (Lt[k] + 2.0 * L.e[i] * r);
    }
    wt[i] = L.multiplicity[i] * L.c[i] * A;
    theta2[i] = L.multiplicity[i] * L.e[i] * A;
    tilted[i] = L.multiplicity[i] * L.c[i] * B;
    total += wt[i];
    tau2 += theta2[i];
  }
  L.quadrature_error = std::fabs(total - 1.0);
  if (!(L.quadrature_error < 1e-9) || !(tau2 > 0) || !std::isfinite(tau2))
    throw std::runtime_error(fmt::format("finite spectral law: the teacher quadrature failed (sum of weights {}, "
                                         "E|theta0|^2 = {})", total, tau2));
  std::vector<double> wv(n);
  double tilted_total = 0;
  for (std::size_t i = 0; i < n; ++i) wv[i] = theta2[i] / tau2, tilted_total += tilted[i];
  // sum_i E[|theta0|^2 pi_i] = E|theta0|^2 (sum pi = 1): normalise by the exact value.
  for (double& x : tilted) x /= tau2;
  if (!(std::fabs(tilted_total / tau2 - 1.0) < 1e-8))
    throw std::runtime_error(fmt::format("finite spectral law: the tilted teacher weights sum to {}, not 1",
                                         tilted_total / tau2));
  L.averaged = std::make_shared<const SpectralLaw>(law_with(L.s, L.multiplicity, L.d, wt, wv, tau2));
  L.tilted = std::make_shared<const SpectralLaw>(law_with(L.s, L.multiplicity, L.d, std::move(tilted), std::move(wv), tau2));
  return L;
}

std::shared_ptr<const FiniteSpectralLaws> finite_spectral_laws(const std::string& text, double b, long d) {
  const Spectrum spectrum = parse_spectrum(text);
  struct Entry {
    std::string text;
    double b;
    long d;
    std::shared_ptr<const std::vector<double>> values;
    std::shared_ptr<const FiniteSpectralLaws> laws;
  };
  static std::mutex mutex;
  static std::list<Entry> cache;  // most recent first; a few entries (d atoms each)
  constexpr std::size_t kEntries = 4;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = cache.begin(); it != cache.end(); ++it)
      if (it->text == text && it->b == b && it->d == d && it->values == spectrum.values) {
        cache.splice(cache.begin(), cache, it);
        return cache.front().laws;
      }
  }
  auto laws = std::make_shared<const FiniteSpectralLaws>(finite_spectral_laws(finite_spectrum(spectrum, d), b));
  std::lock_guard<std::mutex> lock(mutex);
  cache.push_front(Entry{text, b, d, spectrum.values, laws});
  if (cache.size() > kEntries) cache.pop_back();
  return laws;
}

SpectralLaw drawn_teacher_law(const FiniteSpectralLaws& L, std::mt19937_64& rng) {
  // A draw is not smooth in s: it lives on the distinct eigenvalues themselves, not on a compressed rule.
  if (!L.drawable)
    throw InvalidParameter("teacher_draws", fmt::format("teacher_draws: a teacher draw needs at most {} distinct "
                                                        "eigenvalues, not those of d = {}", kMaxDrawnAtoms, L.d));
  const bool raw = !L.raw_s.empty();
  const std::vector<double>& s = raw ? L.raw_s : L.s;
  const std::vector<double>& m = raw ? L.raw_multiplicity : L.multiplicity;
  std::vector<double> c, e;
  coefficients(s, L.b, L.log_C, c, e);
  const std::size_t n = s.size();
  std::vector<double> X(n);
  double Z = 0, T = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::chi_squared_distribution<double> chi2(m[i]);
    X[i] = chi2(rng);
    Z += c[i] * X[i];
    T += e[i] * X[i];
  }
  std::vector<double> wt(n), wv(n);
  for (std::size_t i = 0; i < n; ++i) {
    wt[i] = c[i] * X[i] / Z;
    wv[i] = e[i] * X[i] / T;
  }
  return law_with(s, m, L.d, std::move(wt), std::move(wv), T / Z);
}

}  // namespace srf::model
