#include <sobolev_rf/simulation/population_errors.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sobolev_rf/simulation/gaussian_pair_expectation.hpp>
#include <sobolev_rf/simulation/hermite_expansion.hpp>
#include <sobolev_rf/simulation/tiled_products.hpp>

namespace srf::simulation {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// The three quadratic forms, in the order gen_f, gen_g, gen_grad.
using Triple = std::array<double, 3>;

struct FallbackPair {
  Index j, l;
  double rho;
};

struct TileResult {
  Triple sum{};    // sum over the tile's series pairs (j > l), not yet doubled
  Triple bound{};  // truncation bound of that sum, not yet doubled
  int degree = 0;
  std::vector<FallbackPair> fallback;
};

// sqrt of E f^2 - sum_{m<=n} a_m^2 for n = 0..L (Parseval's tail), with a relative slack of
// 1e-15 for the rounding of the subtraction, so that the bound stays a bound.
MatrixXd tail_norms(const MatrixXd& coefficients, const VectorXd& second_moment) {
  const Index L = coefficients.rows() - 1, m = coefficients.cols();
  MatrixXd tail(m, L + 1);  // feature x degree: a tile's sums run down contiguous columns
  for (Index j = 0; j < m; ++j) {
    double partial = 0;
    for (Index n = 0; n <= L; ++n) {
      partial += coefficients(n, j) * coefficients(n, j);
      tail(j, n) = std::sqrt(std::max(0.0, second_moment[j] - partial) + 1e-15 * second_moment[j]);
    }
  }
  return tail;
}

double positive_or_one(double x) { return x > 0 ? x : 1.0; }

}  // namespace

void PopulationErrorOptions::validate() const {
  auto bad = [](const char* field, double value, const char* rule) {
    std::ostringstream os;
    os << "PopulationErrorOptions." << field << " = " << value << ": " << rule;
    throw std::invalid_argument(os.str());
  };
  if (!(tolerance > 0)) bad("tolerance", tolerance, "must be > 0");
  if (max_degree < 1 || max_degree > 160) bad("max_degree", max_degree, "must lie in [1, 160]");
  if (!(series_correlation_cut > 0 && series_correlation_cut < 1))
    bad("series_correlation_cut", series_correlation_cut, "must lie in (0, 1)");
}

PopulationErrors population_errors(const model::Activation& sigma, const model::Activation& phi,
                                   const MatrixXd& Theta, const VectorXd& theta0, const MatrixXd& V,
                                   const MatrixXd& zeta, const VectorXd& w, const PopulationErrorOptions& options,
                                   int threads, const VectorXd& input_variance) {
  options.validate();
  threads = std::max(threads, 1);
  const Index d = Theta.rows(), p = Theta.cols(), k = zeta.rows();
  const int L = options.max_degree;
  const double cut = options.series_correlation_cut;
  const double inv_d = 1.0 / static_cast<double>(d);

  // Structured inputs: the fields' covariances are those of sqrt(Sigma) Theta and sqrt(Sigma) theta0
  // (ThetaS, theta0S); the weights of gen_grad (q, c, the Gram QE) stay Euclidean.
  const bool structured = input_variance.size() > 0;
  if (structured && (input_variance.size() != d || theta0.size() != d || !(input_variance.minCoeff() >= 0)))
    throw std::invalid_argument("population_errors: input_variance needs d = " + std::to_string(d) +
                                " entries >= 0 (it has " + std::to_string(input_variance.size()) + ")");
  MatrixXd ThetaS;
  VectorXd theta0S;
  if (structured) {
    const VectorXd sd = input_variance.cwiseSqrt();
    ThetaS = sd.asDiagonal() * Theta;
    theta0S = sd.cwiseProduct(theta0);
  }
  const MatrixXd& Tc = structured ? ThetaS : Theta;  // defines the covariances

  // Variances and covariances of the fields.
  const VectorXd q = Theta.colwise().squaredNorm().transpose() * inv_d;
  const VectorXd s = structured ? VectorXd((ThetaS.colwise().squaredNorm().transpose() * inv_d).cwiseSqrt())
                                : VectorXd(q.cwiseSqrt());
  const double t0 = theta0.squaredNorm(), s0 = structured ? theta0S.norm() : std::sqrt(t0);
  const VectorXd c = (Theta.transpose() * theta0) / std::sqrt(static_cast<double>(d));
  const VectorXd cS = structured ? VectorXd((ThetaS.transpose() * theta0S) / std::sqrt(static_cast<double>(d))) : c;
  const VectorXd qE_sd = q.cwiseSqrt();  // sqrt of the Euclidean q (bounds of the structured gen_grad)
  const VectorXd a = V.transpose() * theta0;
  const VectorXd zeta_norm = zeta.colwise().norm().transpose();

  // Hermite coefficients of sigma, sigma' per feature and of phi, phi' at the teacher's scale.
  MatrixXd A, B, At, Bt;
  VectorXd DA, DB, DAt, DBt;
  HermiteExpansion(sigma, ActivationPart::kValue, L).expand(s, A, DA, threads);
  HermiteExpansion(sigma, ActivationPart::kDerivative, L).expand(s, B, DB, threads);
  const VectorXd teacher_scale = VectorXd::Constant(1, s0);
  HermiteExpansion(phi, ActivationPart::kValue, L).expand(teacher_scale, At, DAt, 1);
  HermiteExpansion(phi, ActivationPart::kDerivative, L).expand(teacher_scale, Bt, DBt, 1);
  const double Ephi2 = DAt[0], Edphi2 = DBt[0];

  // Tolerances: relative to the zero predictor's errors.
  const Triple scale = {positive_or_one(Ephi2), positive_or_one(std::max(a.squaredNorm(), 1.0) * Edphi2),
                        positive_or_one(t0 * Edphi2)};

  // Series vectors (feature x degree): U for gen_f, G for gen_g (whose pair weight Z_jl = zeta_j . zeta_l
  // is formed per tile: one series whatever k), R for gen_grad.
  MatrixXd U(p, L + 1), R(p, L + 1), G(k > 0 ? p : 0, L + 1);
  for (Index n = 0; n <= L; ++n) {
    U.col(n) = w.cwiseProduct(A.row(n).transpose());
    // gen_grad's pair weight Q_jl: isotropic s_j rho_jl s_l (s in R, one more rho in the sum);
    // structured the Euclidean Gram QE_jl of the tile, multiplied in the sum.
    R.col(n) = structured ? VectorXd(w.cwiseProduct(B.row(n).transpose()))
                          : VectorXd(w.cwiseProduct(s).cwiseProduct(B.row(n).transpose()));
    if (k > 0) G.col(n) = w.cwiseProduct(B.row(n).transpose());
  }
  // Weighted tails |w_j| sqrt(W_jj) tail_n(j) for the bound.
  const MatrixXd tailA = tail_norms(A, DA), tailB = tail_norms(B, DB);
  const MatrixXd TF = w.cwiseAbs().asDiagonal() * tailA;
  const MatrixXd TG = (w.cwiseAbs().cwiseProduct(zeta_norm)).asDiagonal() * tailB;
  const MatrixXd TR = (w.cwiseAbs().cwiseProduct(structured ? qE_sd : s)).asDiagonal() * tailB;

  // Off-diagonal pairs, tile by tile (tj >= tl), each tile independent; sums in tile order.
  const Index tiles_1d = (p + kTileColumns - 1) / kTileColumns;
  std::vector<std::pair<Index, Index>> tiles;
  for (Index tj = 0; tj < tiles_1d; ++tj)
    for (Index tl = 0; tl <= tj; ++tl) tiles.emplace_back(tj, tl);
  const double tile_count = static_cast<double>(tiles.size());
  std::vector<TileResult> results(tiles.size());

#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && tiles.size() > 1)
  for (std::size_t t = 0; t < tiles.size(); ++t) {
    const auto [tj, tl] = tiles[t];
    const Index j0 = tj * kTileColumns, bj = std::min(kTileColumns, p - j0);
    const Index l0 = tl * kTileColumns, bl = std::min(kTileColumns, p - l0);
    const bool diagonal = tj == tl;
    TileResult& res = results[t];
    MatrixXd rho(bj, bl), QE, Z;
    rho.noalias() = Tc.middleCols(j0, bj).transpose() * Tc.middleCols(l0, bl);
    if (k > 0) Z.noalias() = zeta.middleCols(j0, bj).transpose() * zeta.middleCols(l0, bl);
    if (structured) {
      QE.noalias() = Theta.middleCols(j0, bj).transpose() * Theta.middleCols(l0, bl);
      QE *= inv_d;
    }
    MatrixXd mask = MatrixXd::Zero(bj, bl);
    double rmax = 0;
    for (Index l = 0; l < bl; ++l)
      for (Index i = diagonal ? l + 1 : 0; i < bj; ++i) {
        const double sj = s[j0 + i], sl = s[l0 + l];
        const double r = (sj > 0 && sl > 0) ? rho(i, l) * inv_d / (sj * sl) : 0.0;
        rho(i, l) = r;
        if (std::fabs(r) > cut) {
          res.fallback.push_back({j0 + i, l0 + l, std::clamp(r, -1.0, 1.0)});
        } else {
          mask(i, l) = 1.0;
          rmax = std::max(rmax, std::fabs(r));
        }
      }
    // The smallest degree whose bound meets every tolerance (tile share 1/tile_count).
    int deg = L;
    Triple bound{};
    for (int n = 0; n <= L; ++n) {
      const double rp = std::pow(rmax, n + 1);
      const Triple b = {rp * TF.col(n).segment(j0, bj).sum() * TF.col(n).segment(l0, bl).sum(),
                        rp * TG.col(n).segment(j0, bj).sum() * TG.col(n).segment(l0, bl).sum(),
                        rp * (structured ? 1.0 : rmax) * TR.col(n).segment(j0, bj).sum() *
                            TR.col(n).segment(l0, bl).sum()};
      bound = b;
      bool ok = true;
      for (int e = 0; e < 3; ++e) ok = ok && 2 * b[e] <= options.tolerance * scale[e] / tile_count;
      if (ok) {
        deg = n;
        break;
      }
    }
    res.degree = deg;
    res.bound = bound;
    // Horner in rho, column by column (a column of the tile stays in L1).
    std::vector<double> af(bj), ag(bj), ar(bj);
    Triple sum{};
    for (Index l = 0; l < bl; ++l) {
      const Index i0 = diagonal ? l + 1 : 0;
      if (i0 >= bj) continue;
      const double* r = rho.col(l).data();
      const Index gl = l0 + l;
      for (Index i = i0; i < bj; ++i) af[i] = ag[i] = ar[i] = 0.0;
      for (int n = deg; n >= 0; --n) {
        const double* u = U.col(n).data() + j0;
        const double* g = R.col(n).data() + j0;
        const double ul = U(gl, n), gr = R(gl, n);
        for (Index i = i0; i < bj; ++i) {
          af[i] = af[i] * r[i] + u[i] * ul;
          ar[i] = ar[i] * r[i] + g[i] * gr;
        }
        if (k > 0) {
          const double* v = G.col(n).data() + j0;
          const double vl = G(gl, n);
          for (Index i = i0; i < bj; ++i) ag[i] = ag[i] * r[i] + v[i] * vl;
        }
      }
      const double* msk = mask.col(l).data();
      // Isotropic: Q o R^n = D R^(n+1) D, one more rho; structured: the Euclidean QE_jl.
      const double* qw = structured ? QE.col(l).data() : r;
      const double* zw = k > 0 ? Z.col(l).data() : nullptr;
      for (Index i = i0; i < bj; ++i) {
        sum[0] += msk[i] * af[i];
        if (zw) sum[1] += msk[i] * ag[i] * zw[i];
        sum[2] += msk[i] * ar[i] * qw[i];
      }
    }
    res.sum = sum;
  }

  PopulationErrors out;
  Triple offdiag{}, bound{};
  std::vector<FallbackPair> fallback;
  for (const auto& r : results) {
    for (int e = 0; e < 3; ++e) offdiag[e] += 2 * r.sum[e], bound[e] += 2 * r.bound[e];
    out.max_degree_used = std::max(out.max_degree_used, r.degree);
    fallback.insert(fallback.end(), r.fallback.begin(), r.fallback.end());
  }
  // Pairs too strongly correlated for the series: 2-D quadrature, in a fixed order.
  std::vector<std::array<double, 4>> pair_values(fallback.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && fallback.size() > 1)
  for (std::size_t f = 0; f < fallback.size(); ++f) {
    const auto& fp = fallback[f];
    const auto v0 = gaussian_pair_expectation(sigma, ActivationPart::kValue, s[fp.j], sigma, ActivationPart::kValue,
                                              s[fp.l], fp.rho);
    const auto v1 = gaussian_pair_expectation(sigma, ActivationPart::kDerivative, s[fp.j], sigma,
                                              ActivationPart::kDerivative, s[fp.l], fp.rho);
    pair_values[f] = {v0.value, v0.error_estimate, v1.value, v1.error_estimate};
  }
  for (std::size_t f = 0; f < fallback.size(); ++f) {
    const auto& fp = fallback[f];
    const auto& [k0, e0, k1, e1] = pair_values[f];
    const double ww = 2 * w[fp.j] * w[fp.l];
    const double Z = k > 0 ? zeta.col(fp.j).dot(zeta.col(fp.l)) : 0.0;
    const double Q = structured ? Theta.col(fp.j).dot(Theta.col(fp.l)) * inv_d : fp.rho * s[fp.j] * s[fp.l];
    offdiag[0] += ww * k0;
    offdiag[1] += ww * Z * k1;
    offdiag[2] += ww * Q * k1;
    bound[0] += std::fabs(ww) * e0;
    bound[1] += std::fabs(ww * Z) * e1;
    bound[2] += std::fabs(ww * Q) * e1;
  }
  out.fallback_pairs = static_cast<long>(fallback.size());

  // Teacher cross terms b0_j = E[phi(omega) sigma(h_j)], b1_j = E[phi'(omega) sigma'(h_j)].
  const MatrixXd tailAt = tail_norms(At, DAt), tailBt = tail_norms(Bt, DBt);
  Triple cross{}, cross_bound{};
  std::vector<std::array<double, 4>> cross_values(static_cast<std::size_t>(p));
#pragma omp parallel for schedule(dynamic, 64) num_threads(threads) if (threads > 1)
  for (Index j = 0; j < p; ++j) {
    const double corr = (s0 > 0 && s[j] > 0) ? cS[j] / (s0 * s[j]) : 0.0;
    if (std::fabs(corr) <= cut) {
      double b0 = 0, b1 = 0;
      for (int n = L; n >= 0; --n) {
        b0 = b0 * corr + At(n, 0) * A(n, j);
        b1 = b1 * corr + Bt(n, 0) * B(n, j);
      }
      const double rp = std::pow(std::fabs(corr), L + 1);
      cross_values[j] = {b0, rp * tailAt(0, L) * tailA(j, L), b1, rp * tailBt(0, L) * tailB(j, L)};
    } else {
      const double cc = std::clamp(corr, -1.0, 1.0);
      const auto v0 = gaussian_pair_expectation(phi, ActivationPart::kValue, s0, sigma, ActivationPart::kValue, s[j], cc);
      const auto v1 =
          gaussian_pair_expectation(phi, ActivationPart::kDerivative, s0, sigma, ActivationPart::kDerivative, s[j], cc);
      cross_values[j] = {v0.value, v0.error_estimate, v1.value, v1.error_estimate};
    }
  }
  for (Index j = 0; j < p; ++j) {
    const double corr = (s0 > 0 && s[j] > 0) ? cS[j] / (s0 * s[j]) : 0.0;
    if (std::fabs(corr) > cut) ++out.fallback_pairs;
    const auto& [b0, e0, b1, e1] = cross_values[j];
    const double az = k > 0 ? a.dot(zeta.col(j)) : 0.0;
    cross[0] += w[j] * b0;
    cross[1] += w[j] * az * b1;
    cross[2] += w[j] * c[j] * b1;
    cross_bound[0] += 2 * std::fabs(w[j]) * e0;
    cross_bound[1] += 2 * std::fabs(w[j] * az) * e1;
    cross_bound[2] += 2 * std::fabs(w[j] * c[j]) * e1;
  }

  // Diagonal terms, exact.
  Triple diag{};
  for (Index j = 0; j < p; ++j) {
    const double w2 = w[j] * w[j];
    diag[0] += w2 * DA[j];
    diag[1] += w2 * zeta_norm[j] * zeta_norm[j] * DB[j];
    diag[2] += w2 * q[j] * DB[j];
  }

  const Triple zero_predictor = {Ephi2, a.squaredNorm() * Edphi2, t0 * Edphi2};
  Triple value;
  for (int e = 0; e < 3; ++e) value[e] = zero_predictor[e] - 2 * cross[e] + diag[e] + offdiag[e];
  out.errors.gen_f = value[0];
  out.errors.gen_g = k > 0 ? value[1] : 0.0;
  out.errors.gen_h1 = out.errors.gen_f + out.errors.gen_g;
  out.errors.gen_grad = value[2];
  out.truncation_bound.gen_f = bound[0] + cross_bound[0];
  out.truncation_bound.gen_g = k > 0 ? bound[1] + cross_bound[1] : 0.0;
  out.truncation_bound.gen_h1 = out.truncation_bound.gen_f + out.truncation_bound.gen_g;
  out.truncation_bound.gen_grad = bound[2] + cross_bound[2];
  return out;
}

}  // namespace srf::simulation
