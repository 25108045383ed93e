// The fixed-k family: [D.2] outer equation, [D.4]-[D.7] second level, [D.11] beta = 0, [D.12] and
// [D.14] the ridgeless threshold. Symbols: docs/theory/derivation.md.
#include <sobolev_rf/theory/detail/block_system.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/gaussian_equivalence.hpp>
#include <sobolev_rf/theory/detail/error_formulas.hpp>
#include <sobolev_rf/theory/sensitivities.hpp>

namespace srf::theory {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string fmt_sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", v);
  return buf;
}

// Which side of the interpolation threshold a ridgeless (lambda = 0) point lies on [D.12],
// [D.14]: the n (k + 1) rows of the least-squares system (n without a random gradient block)
// against the p unknowns, for features of full rank (kappa_star > 0 and, with a gradient block,
// kappa'_star > 0).
struct Ridgeless {
  bool supported = true;
  bool overparametrised = false;
  std::string reason;
  std::string distance;  // how far p/n is from the threshold, for a failure message
};
Ridgeless ridgeless_regime(const model::ModelParams& p) {
  Ridgeless r;
  const model::GaussianConstants sig = model::gaussian_constants(model::activation(p.sigma));
  const bool gradient_block = has_gradient_block(p.k, sig);
  // (Relative to the second moments: the constants come from quadrature.)
  if (!(sig.kappa_star_sq > 1e-12 * sig.second_moment) ||
      (gradient_block && !(sig.kappa_star_prime_sq > 1e-12 * sig.derivative_second_moment))) {
    r.supported = false;
    r.reason = "lambda = 0 (the ridgeless limit) needs features of full rank, kappa_star > 0 (and kappa'_star > 0 with "
               "k > 0); sigma = " + p.sigma + " has rank-min(p, d) features: use a small lambda > 0";
    return r;
  }
  const int rows = gradient_block ? p.k + 1 : 1;  // least-squares rows per sample
  const double load = p.alpha * rows;                // rows per unknown, n (k + 1) / p
  if (std::fabs(load - 1.0) <= 4.0 * std::numeric_limits<double>::epsilon()) {
    r.supported = false;
    std::ostringstream os;
    os << "lambda = 0: the error diverges at the interpolation threshold p/n = k + 1 = " << rows
       << " (the minimum-norm solution is unbounded there; docs/theory [D.12])";
    r.reason = os.str();
    return r;
  }
  r.overparametrised = load < 1.0;
  std::ostringstream os;
  os << " (lambda = 0 with p/n a relative " << std::fabs(load - 1.0) << " from the interpolation threshold p/n = k + 1 = "
     << rows << ", where the error diverges)";
  r.distance = os.str();
  return r;
}

// The block order parameters from the system's unknowns x = (V_00[, V_mm]) and inner traces
// (Delta_00[, Delta_mm]).
BlockOrderParameters block_of(const Eigen::VectorXd& x, const Eigen::VectorXd& inner) {
  BlockOrderParameters op;
  op.V0 = x(0);
  op.V1 = x.size() > 1 ? x(1) : 0.0;
  op.Delta0 = inner.size() > 0 ? inner(0) : 0.0;
  op.Delta1 = inner.size() > 1 ? inner(1) : 0.0;
  return op;
}

}  // namespace

BlockSystem::BlockSystem(const model::ModelParams& params, const SaddlePointOptions& options)
    : params_(params), options_(options) {
  bool rescaled = false;
  if (params_.lambda == 0.0) {
    const Ridgeless r = ridgeless_regime(params_);
    if (!r.supported) unsolvable_ = r.reason;
    rescaled = r.overparametrised;
    near_threshold_ = r.distance;
  }
  eq_ = std::make_unique<OuterEquation>(params_, options_, rescaled);
}

std::string BlockSystem::state_key() const {
  return "fixed-k:k=" + std::to_string(params_.k) + (eq_->rescaled() ? ":rescaled" : "");
}

bool BlockSystem::outer_map(double lambda, const Eigen::VectorXd& x, Eigen::VectorXd& Tx, Eigen::VectorXd& inner) const {
  const int n = dim();
  BlockOrderParameters op = block_of(x, inner);
  const double xx[2] = {x(0), n == 2 ? x(1) : 0.0};
  double T[2];
  if (!eq_->outer_map(lambda, xx, T, op)) return false;
  Tx.resize(n);
  inner.resize(n);
  Tx(0) = T[0], inner(0) = op.Delta0;
  if (n == 2) Tx(1) = T[1], inner(1) = op.Delta1;
  return true;
}

// A safe start at any lambda: a few Picard steps of V <- T(V) from V = 0 (rescaled: from v = 1,
// since the channel W (lambda + v W)^{-1} is infinite at v = lambda = 0 [D.14]).
void BlockSystem::default_start(double lambda, Eigen::VectorXd& x, Eigen::VectorXd& inner) const {
  BlockOrderParameters op;
  const double x0 = eq_->rescaled() ? 1.0 : 0.0;
  double xx[2] = {x0, x0}, T[2];
  for (int i = 0; i < 3; ++i) {
    if (!eq_->outer_map(lambda, xx, T, op)) break;
    xx[0] = T[0], xx[1] = T[1];
  }
  const int n = dim();
  x.resize(n);
  inner.resize(n);
  x(0) = std::max(xx[0], 1e-12), inner(0) = op.Delta0;
  if (n == 2) x(1) = std::max(xx[1], 1e-12), inner(1) = op.Delta1;
}

void BlockSystem::second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& out) const {
  const SecondLevel second(*eq_, block_of(x, inner));
  out.errors = second.errors_at(params_.varpi, &out.order_parameters);
  // The law over varpi ~ N(0, I_k): errors are A0 + A2 |varpi|^2 [D.7].
  std::vector<double> zero(params_.k, 0.0), unit(params_.k, 0.0);
  out.varpi_law.A0 = second.errors_at(zero, nullptr);
  out.varpi_law.A2 = model::Errors{};
  if (params_.k) {
    unit[0] = 1.0;
    const model::Errors e1 = second.errors_at(unit, nullptr);
    for (const auto& f : model::error_fields())
      out.varpi_law.A2.*(f.second) = e1.*(f.second) - out.varpi_law.A0.*(f.second);
  }
}

std::string BlockSystem::converged_message(double residual) const {
  return eq_->rescaled() ? "converged (ridgeless limit, overparametrised; in v = lambda V): max |log v - log T(v)| = " +
                               fmt_sci(residual)
                         : "converged: max |log V - log T(V)| = " + fmt_sci(residual);
}

Sensitivities BlockSystem::sensitivities(const SaddlePointSolution& solution) const {
  return theory::sensitivities(params_, options_, solution);
}

namespace {

model::ModelParams without_sketch(model::ModelParams p) {
  p.k = 0;
  p.varpi.clear();
  return p;
}

}  // namespace

UnpinnedSketchSystem::UnpinnedSketchSystem(const model::ModelParams& params, const SaddlePointOptions& options)
    : params_(params), options_(options), l2_(without_sketch(params), options) {}

// beta = 0 with k > 0 [D.11]: the gradient labels are ignored, so the fit is the L2 fit (k = 0)
// and gen_f, train_f, gen_grad are L2's. On the user's sketch its sketched-gradient error is random
// over the sketch's free part: gen_g reports its mean there (A0 + A2 |varpi|^2, so that the varpi
// law, and with it --varpi-average, is the law of that mean), gen_h1 = gen_f + gen_g, and the law
// itself (UnpinnedSketchLaw) goes alongside. train_g (a training residual of gradients the fit never
// saw) has no such formula: NaN.
void UnpinnedSketchSystem::second_level(const Eigen::VectorXd& x, const Eigen::VectorXd& inner, TheoryResult& r) const {
  l2_.second_level(x, inner, r);
  for (model::Errors* e : {&r.errors, &r.varpi_law.A0, &r.varpi_law.A2}) e->train_g = e->gen_g = e->gen_h1 = kNaN;
  // The Euclidean overlaps of the L2 fit (the sketch is isotropic in input space, [S.9]).
  double m_E = kNaN, q_E = kNaN, q_w = kNaN;
  for (const auto& [name, value] : r.order_parameters) {
    if (name == "m_E") m_E = value;
    if (name == "q_E") q_E = value;
    if (name == "q_w") q_w = value;
  }
  const model::GaussianConstants sig = model::gaussian_constants(model::activation(params_.sigma));
  const model::GaussianConstants phi = model::gaussian_constants(model::activation(params_.teacher));
  const bool useful = model::activation(params_.teacher).has_useful_gradient;
  const UnpinnedOverlaps ov{r.varpi_law.tau2, m_E, q_E, q_w};
  r.unpinned_sketch = unpinned_sketch_law(sig, phi, useful, params_.varpi, ov);
  const UnpinnedGenGMean mean = unpinned_gen_g_mean(sig, phi, useful, params_.k, ov);
  double varpi2 = 0;
  for (double v : params_.varpi) varpi2 += v * v;
  r.errors.gen_g = mean.A0 + mean.A2 * varpi2;
  r.errors.gen_h1 = r.errors.gen_f + r.errors.gen_g;
  r.varpi_law.A0.gen_g = mean.A0;
  r.varpi_law.A2.gen_g = mean.A2;
  r.varpi_law.A0.gen_h1 = r.varpi_law.A0.gen_f + mean.A0;
  r.varpi_law.A2.gen_h1 = r.varpi_law.A2.gen_f + mean.A2;
  r.summary.message += "; beta = 0 with k > 0: the L2 fit on this sketch; gen_g is its mean over the sketch's free "
                       "part (gen_g_law: its law, [D.11])";
}

Sensitivities UnpinnedSketchSystem::sensitivities(const SaddlePointSolution& solution) const {
  return theory::sensitivities(params_, options_, solution);
}

}  // namespace srf::theory
