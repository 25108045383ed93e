// The core traces for structured inputs x ~ N(0, Sigma) (docs/theory/structured.md [S.3]-[S.6],
// the final form [S.11]): every trace is a spectral average, row r of Theta carrying the weight
// s_r. On the block form C = diag(C0, C1 I_k), Delta = diag(D0, D1 I_k) each average acts entry
// by entry through the block scalars
//   S_a(s) = 1 / (1 + s Delta_a C_a),   B_a(s) = C_a S_a(s),   Gamma_a(s) = Delta_a S_a(s),
// averaged over the spectral law mu (E_s) or the teacher law mu_t (E_t) of model/spectral_law.hpp.
#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include <sobolev_rf/numerics/damped_newton.hpp>
#include <sobolev_rf/theory/detail/core_traces.hpp>
#include <sobolev_rf/theory/detail/radial_moments.hpp>

namespace srf::theory {

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// The level-1 averages at x_a = Delta_a C_a [S.3.4]: e1 = E_s[s S_a] (B_a = C_a e1,
// Gamma_a = Delta_a e1) and e2 = E_s[s^2 S_a^2] (-dB_a/dDelta_a = C_a^2 e2). A block with
// C_a = 0 has S_a = 1: e1 = E_s[s] = 1, and e2 (possibly infinite) is only ever multiplied by
// C_a^2 = 0, so it is 0 here.
struct BlockAverages {
  double e1[2] = {1.0, 1.0};
  double e2[2] = {0.0, 0.0};
};

// The 2 x 2 tables of [S.11] step 4, one number per pair of blocks (a, b), a, b in {0, 1}.
struct BlockTables {
  double mS0[2][2] = {}, mS1[2][2] = {}, mU2[2][2] = {};  // E_s[S_a S_b], E_s[s S_a S_b], E_s[s^2 S_a S_b]
  double tS1[2][2] = {}, tU2[2][2] = {};                  // E_t[s S_a S_b], E_t[s^2 S_a S_b]
  double e1[2] = {}, t1[2] = {}, t0[2] = {};              // E_s[s S_a], E_t[s S_a], E_t[S_a]
  // The direction traces (S13.2)-(S13.3): for each of the three weightings L of the atoms
  // (DirectionWeights; by default mu_t, mu_v, mu) E_L[S_a], E_L[S_a S_b] and E_L[s S_a S_b].
  struct Direction {
    double S[2] = {}, SS[2][2] = {}, sSS[2][2] = {};
  } dir[3];
};

class StructuredTraces final : public CoreTraces {
 public:
  StructuredTraces(int k, double gamma, std::shared_ptr<const model::SpectralLaw> law, int nodes,
                   const numerics::DampedNewtonOptions& inner, DirectionWeights weights)
      : k_(k), K_(k + 1), gamma_(gamma), law_(std::move(law)), moments_(k, nodes), inner_(inner),
        weights_(std::move(weights)) {
    inner_.validate();
    // E_L[1] and E_L[s] of the three weightings, for blocks with C_a = 0 (tables()): 1 for a law,
    // E_s[s] = 1, E_v[s] = E[s^(b+1)] / E[s^b] = 1 / tau^2 (S13.1); E_t[s] may be infinite and its
    // entries (two gradient blocks) are never read by the level-2 formulas, which use the direction
    // traces' row 0 and entry 00 only, so it is 0. Explicit weights (bounded spectra only, [S.14]):
    // their sums against 1 and s.
    const std::vector<double>* given[3] = {&weights_.t, &weights_.v, &weights_.u};
    const double law_s_mean[3] = {0.0, 1.0 / law_->tau2, 1.0};
    for (int l = 0; l < 3; ++l) {
      mass_[l] = 1.0, s_mean_[l] = law_s_mean[l];
      if (given[l]->empty()) continue;
      if (given[l]->size() != law_->size())
        throw std::invalid_argument("make_structured_traces: direction weights need one entry per atom of the law");
      mass_[l] = s_mean_[l] = 0.0;
      for (std::size_t i = 0; i < law_->size(); ++i) mass_[l] += (*given[l])[i], s_mean_[l] += (*given[l])[i] * law_->s[i];
    }
  }

  // [S.3] Delta = (1/gamma) E_zeta[q e e^T], q = 1/(lambda + e^T (M + B) e), B = E_s[s C (I + s Delta C)^-1];
  // then Gamma = E_s[s Delta (I + s C Delta)^-1] (S3.3).
  bool level1(double lambda, double C0, double C1, double M0, double M1, double& D0, double& D1, double& G0,
              double& G1) const override {
    if (!solve_inner(lambda, C0, C1, M0, M1, D0, D1)) return false;
    const BlockAverages e = averages(D0 * C0, k_ ? D1 * C1 : 0.0);
    G0 = D0 * e.e1[0];
    G1 = k_ ? D1 * e.e1[1] : 0.0;
    return std::isfinite(G0) && std::isfinite(G1);
  }

  bool inner_map(double lambda, double C0, double C1, double M0, double M1, double D0, double D1, double& F0,
                 double& F1, double& G0, double& G1) const override {
    const BlockAverages e = averages(D0 * C0, k_ ? D1 * C1 : 0.0);
    G0 = D0 * e.e1[0];
    G1 = k_ ? D1 * e.e1[1] : 0.0;
    const RadialMoments m = moments_(lambda + M0 + C0 * e.e1[0], k_ ? M1 + C1 * e.e1[1] : 0.0);
    F0 = m.q1[0] / gamma_;
    F1 = k_ ? m.q1[1] / (gamma_ * k_) : 0.0;
    return std::isfinite(F0) && std::isfinite(F1) && F0 > 0.0;
  }

  void prepare(double lambda, const MatrixXd& C, const MatrixXd& M, double D0, double D1) override;
  const MatrixXd& Delta() const override { return Delta_; }
  const MatrixXd& Gamma() const override { return Gamma_; }
  const MatrixXd& Gamma_t() const override { return Gamma_t_; }
  const MatrixXd& Gamma_tE() const override { return Gamma_tE_; }

  // (S5.3)-(S5.4): (I - L) Delta^X = -T:(X_M + mS1 o X_C), Gamma^X = mS1 o Delta^X - mG2 o X_C,
  // Gamma_t^X = tS1 o Delta^X - tG2 o X_C.
  void derivative(const MatrixXd& XC, const MatrixXd& XM, MatrixXd& dDelta, MatrixXd& dGamma) const override {
    dDelta = solve_delta(XM + mS1_.cwiseProduct(XC));
    dGamma = mS1_.cwiseProduct(dDelta) - mG2_.cwiseProduct(XC);
  }
  void teacher_derivative(const MatrixXd& XC, const MatrixXd& XM, MatrixXd& dDelta, MatrixXd& dGamma,
                          MatrixXd& dGamma_t) const override {
    derivative(XC, XM, dDelta, dGamma);
    dGamma_t = tS1_.cwiseProduct(dDelta) - tG2_.cwiseProduct(XC);
  }
  // (S6.3): the rows' weights move as s C + t Y, one power of s fewer than C -> C + t X_C.
  void row_weight_derivative(const MatrixXd& Y, MatrixXd& dDelta, MatrixXd& dGamma, MatrixXd& dGamma_t) const override {
    dDelta = solve_delta(mS0_.cwiseProduct(Y));
    dGamma = mS1_.cwiseProduct(dDelta) - mG1_.cwiseProduct(Y);
    dGamma_t = tS1_.cwiseProduct(dDelta) - tG1_.cwiseProduct(Y);
  }
  DirectionTraces direction_traces() const override {
    require_direction();
    return direction_;
  }
  // (S13.3): E_L[Gamma_s^X] = E_L[S_s Delta^X S_s] - E_L[s Gamma_s X_C Gamma_s] along (X_C, X_M), and
  // E_L[S_s Delta^Y S_s] - E_L[Gamma_s Y Gamma_s] along the row weight Y, for the three weightings L.
  DirectionTraces direction_derivative(const MatrixXd& XC, const MatrixXd& XM, bool row_weight) const override {
    require_direction();
    const MatrixXd dDelta = solve_delta(row_weight ? MatrixXd(mS0_.cwiseProduct(XC)) : MatrixXd(XM + mS1_.cwiseProduct(XC)));
    MatrixXd out[3];
    for (int l = 0; l < 3; ++l)
      out[l] = dS0_[l].cwiseProduct(dDelta) - (row_weight ? dG0_[l] : dG1_[l]).cwiseProduct(XC);
    return {out[0], out[1], out[2]};
  }

 private:
  BlockAverages averages(double x0, double x1) const;
  BlockTables tables(const double c[2], const double x[2]) const;
  bool solve_inner(double lambda, double C0, double C1, double M0, double M1, double& D0, double& D1) const;
  void require_direction() const {
    if (!weights_.used) throw std::logic_error("structured traces: direction traces asked for but not computed (DirectionWeights::used)");
  }
  // Delta^X from the source X: (I - L) vec(Delta^X) = -T vec(X).
  MatrixXd solve_delta(const MatrixXd& X) const {
    const int K2 = K_ * K_;
    const VectorXd sol = lu_.solve(-T_ * Eigen::Map<const VectorXd>(X.data(), K2));
    return Eigen::Map<const MatrixXd>(sol.data(), K_, K_);
  }

  int k_, K_;
  double gamma_;
  std::shared_ptr<const model::SpectralLaw> law_;
  RadialMomentRule moments_;             // the radial zeta averages [D.3.3]
  numerics::DampedNewtonOptions inner_;  // the inner Newton on log Delta [D.8.4]
  // The last level-1 averages: the Newton's last evaluation is usually at the root level1() wants.
  mutable double last_x_[2] = {-1.0, -1.0};
  mutable BlockAverages last_;
  // Level 2 at the prepared point: the K x K expansions of the block tables, and I - L.
  MatrixXd Delta_, Gamma_, Gamma_t_, Gamma_tE_, T_;
  MatrixXd mS0_, mS1_, mG1_, mG2_, tS1_, tG1_, tG2_;
  // The direction traces and, per weighting, E_L[S_a S_b], E_L[Gamma_a Gamma_b], E_L[s Gamma_a Gamma_b].
  DirectionWeights weights_;
  double mass_[3], s_mean_[3];  // E_L[1], E_L[s] of the three weightings
  DirectionTraces direction_;
  MatrixXd dS0_[3], dG0_[3], dG1_[3];
  Eigen::PartialPivLU<MatrixXd> lu_;
};

// E_s[s S] and E_s[s^2 S^2] at x for one block: the hot loop of the structured theory (a file
// spectrum has up to 10^6 atoms), in chunks of Eigen arrays so that the divisions and the sums
// run in SIMD packets.
template <bool kContinuous>
void block_sums(const model::SpectralLaw& law, double x, double& e1, double& e2) {
  using Eigen::ArrayXd;
  using Map = Eigen::Map<const ArrayXd>;
  constexpr Eigen::Index kChunk = 256;
  Eigen::Array<double, kChunk, 1> sS;
  const Eigen::Index n = static_cast<Eigen::Index>(law.size());
  e1 = e2 = 0.0;
  for (Eigen::Index i = 0; i < n; i += kChunk) {
    const Eigen::Index m = std::min(kChunk, n - i);
    if constexpr (kContinuous) {
      sS.head(m) = 1.0 / (Map(law.inv_s.data() + i, m) + x);
    } else {
      const Map s(law.s.data() + i, m);
      sS.head(m) = s / (1.0 + s * x);
    }
    const Map w(law.w.data() + i, m);
    e1 += (w * sS.head(m)).sum();
    e2 += (w * sS.head(m).square()).sum();
  }
}

BlockAverages StructuredTraces::averages(double x0, double x1) const {
  if (x0 == last_x_[0] && x1 == last_x_[1]) return last_;
  BlockAverages e;
  const double x[2] = {x0, x1};
  for (int a = 0; a < (k_ ? 2 : 1); ++a) {
    if (!(x[a] > 0.0)) continue;  // C_a = 0: E_s[s] = 1
    if (law_->continuous) block_sums<true>(*law_, x[a], e.e1[a], e.e2[a]);
    else block_sums<false>(*law_, x[a], e.e1[a], e.e2[a]);
  }
  last_x_[0] = x0, last_x_[1] = x1, last_ = e;
  return e;
}

// Inner fixed point [S.3] by damped Newton in y = log Delta with the exact Jacobian, as in
// [D.8.4] with B_a^2 replaced by mB2_aa = C_a^2 E_s[s^2 S_a^2] = -dB_a/dDelta_a ([S.11] step 2).
// k = 0 is the scalar Silverstein equation (S3.5), which has no closed form unless mu = delta_1.
bool StructuredTraces::solve_inner(double lambda, double C0, double C1, double M0, double M1, double& D0,
                                   double& D1) const {
  const int n = k_ ? 2 : 1;
  const double g = gamma_, kk = k_;
  auto eval = [&](const numerics::NewtonVector& y, numerics::NewtonVector& G, numerics::NewtonMatrix& J) {
    const double d0 = std::exp(y(0)), d1 = n == 2 ? std::exp(y(1)) : 0.0;
    const BlockAverages e = averages(d0 * C0, d1 * C1);
    const double B0 = C0 * e.e1[0], B1 = C1 * e.e1[1];
    const double mb0 = C0 * C0 * e.e2[0], mb1 = C1 * C1 * e.e2[1];
    const RadialMoments m = moments_(lambda + M0 + B0, n == 2 ? M1 + B1 : 0.0);
    const double F0 = m.q1[0] / g;
    G(0) = y(0) - std::log(F0);
    // dF_a/dDelta_b, then J = I - diag(1/F) dF/dDelta diag(Delta).
    J(0, 0) = 1.0 - m.q2[0] * mb0 / g * d0 / F0;
    if (n == 2) {
      const double F1 = m.q1[1] / (g * kk);
      G(1) = y(1) - std::log(F1);
      J(0, 1) = -m.q2[1] * mb1 / g * d1 / F0;
      J(1, 0) = -m.q2[1] * mb0 / (g * kk) * d0 / F1;
      J(1, 1) = 1.0 - m.q2[2] * mb1 / (g * kk) * d1 / F1;
    }
    return G.allFinite() && J.allFinite();
  };
  numerics::NewtonVector y(n);
  if (D0 > 0.0 && (n == 1 || D1 > 0.0)) {
    y(0) = std::log(D0);
    if (n == 2) y(1) = std::log(D1);
  } else {
    // Start from F(0), a lower bound of the solution (F increases in Delta; B(0) = C E s = C).
    const RadialMoments m = moments_(lambda + M0 + C0, n == 2 ? M1 + C1 : 0.0);
    y(0) = std::log(m.q1[0] / g);
    if (n == 2) y(1) = std::log(m.q1[1] / (g * kk));
  }
  const numerics::DampedNewtonResult r = numerics::solve_damped_newton_exact(eval, y, inner_);
  D0 = std::exp(r.y(0));
  D1 = n == 2 ? std::exp(r.y(1)) : 0.0;
  return r.summary.converged();
}

// One pass over the nodes for every table of [S.11] step 4. A block with C_a = 0 (a student with
// kappa'_1 = 0 in the gradient block, or kappa_1 = 0) has S_a = 1; an entry whose integrand is then
// unbounded (s^2 under mu, anything under mu_t, which may put infinite mass on s) is only ever
// multiplied by K1_a = 0 or g_a = 0, so it is 0 here, never infinity times 0 ([S.11] step 4).
BlockTables StructuredTraces::tables(const double c[2], const double x[2]) const {
  const model::SpectralLaw& law = *law_;
  const int nb = k_ ? 2 : 1;
  const bool live[2] = {c[0] > 0.0, nb == 2 && c[1] > 0.0};
  BlockTables t;
  // The direction weightings: by default mu_t, mu_v and mu (S13.2), else DirectionWeights.
  const double* wd[3] = {weights_.t.empty() ? law.wt.data() : weights_.t.data(),
                         weights_.v.empty() ? law.wv.data() : weights_.v.data(),
                         weights_.u.empty() ? law.w.data() : weights_.u.data()};
  for (std::size_t i = 0; i < law.size(); ++i) {
    const double w = law.w[i], wt = law.wt[i];
    double S[2] = {1.0, 1.0}, sS[2] = {0.0, 0.0};
    for (int a = 0; a < nb; ++a)
      if (live[a]) {
        if (law.continuous) {
          sS[a] = 1.0 / (law.inv_s[i] + x[a]);  // finite where s = +inf
          S[a] = law.inv_s[i] * sS[a];
        } else {
          S[a] = 1.0 / (1.0 + law.s[i] * x[a]);
          sS[a] = law.s[i] * S[a];
        }
      }
    for (int a = 0; a < nb; ++a) {
      if (live[a]) t.e1[a] += w * sS[a], t.t1[a] += wt * sS[a], t.t0[a] += wt * S[a];
      for (int l = 0; l < (weights_.used ? 3 : 0); ++l) {
        BlockTables::Direction& D = t.dir[l];
        const double wl = wd[l][i];
        if (live[a]) D.S[a] += wl * S[a];
        for (int b = a; b < nb; ++b) {
          D.SS[a][b] += wl * S[a] * S[b];
          if (live[a]) D.sSS[a][b] += wl * sS[a] * S[b];
          else if (live[b]) D.sSS[a][b] += wl * sS[b] * S[a];
        }
      }
      for (int b = a; b < nb; ++b) {
        t.mS0[a][b] += w * S[a] * S[b];
        // E_s[s S_a S_b] through a live block's s S (finite at s = +inf).
        if (live[a]) t.mS1[a][b] += w * sS[a] * S[b];
        else if (live[b]) t.mS1[a][b] += w * sS[b] * S[a];
        if (live[a] && live[b]) {
          t.mU2[a][b] += w * sS[a] * sS[b];
          t.tS1[a][b] += wt * sS[a] * S[b];
          t.tU2[a][b] += wt * sS[a] * sS[b];
        }
      }
    }
  }
  // A block with C_a = 0 has S_a = 1: E_L[S_a] = E_L[1] and, when neither block is live,
  // E_L[s S_a S_b] = E_L[s] (mass_, s_mean_: the constructor).
  for (int a = 0; a < nb; ++a) {
    if (!live[a]) t.e1[a] = 1.0, t.t0[a] = 1.0;  // E_s[s] = 1, E_t[1] = 1
    for (int l = 0; l < 3; ++l)
      if (!live[a]) t.dir[l].S[a] = mass_[l];
    for (int b = a; b < nb; ++b) {
      if (!live[a] && !live[b]) t.mS1[a][b] = 1.0;  // E_s[s]
      t.mS0[b][a] = t.mS0[a][b], t.mS1[b][a] = t.mS1[a][b], t.mU2[b][a] = t.mU2[a][b];
      t.tS1[b][a] = t.tS1[a][b], t.tU2[b][a] = t.tU2[a][b];
      for (int l = 0; l < 3; ++l) {
        BlockTables::Direction& D = t.dir[l];
        if (!live[a] && !live[b]) D.sSS[a][b] = s_mean_[l];
        D.SS[b][a] = D.SS[a][b], D.sSS[b][a] = D.sSS[a][b];
      }
    }
  }
  return t;
}

void StructuredTraces::prepare(double lambda, const MatrixXd& C, const MatrixXd& M, double D0, double D1) {
  const int K = K_, K2 = K * K;
  const double c[2] = {C(0, 0), k_ ? C(1, 1) : 0.0}, d[2] = {D0, k_ ? D1 : 0.0};
  const double x[2] = {d[0] * c[0], d[1] * c[1]};
  const BlockTables t = tables(c, x);
  // Expand the block tables to K x K (index 0: block 0; 1..k: block 1).
  auto blk = [](int a) { return a > 0 ? 1 : 0; };
  auto pairs = [&](const double (&table)[2][2], bool by_c, bool by_d) {
    MatrixXd out(K, K);
    for (int a = 0; a < K; ++a)
      for (int b = 0; b < K; ++b) {
        double v = table[blk(a)][blk(b)];
        if (by_c) v *= c[blk(a)] * c[blk(b)];
        if (by_d) v *= d[blk(a)] * d[blk(b)];
        out(a, b) = v;
      }
    return out;
  };
  auto diagonal = [&](const double (&v)[2]) {
    VectorXd out(K);
    for (int a = 0; a < K; ++a) out(a) = d[blk(a)] * v[blk(a)];
    return MatrixXd(out.asDiagonal());
  };
  VectorXd dd = VectorXd::Constant(K, d[1]);
  dd(0) = d[0];
  Delta_ = dd.asDiagonal();
  Gamma_ = diagonal(t.e1);     // E_s[s Gamma_s] (S3.3)
  Gamma_t_ = diagonal(t.t1);   // E_t[s Gamma_s] (S5.1)
  Gamma_tE_ = diagonal(t.t0);  // E_t[Gamma_s] (S6.2)
  // The direction traces E_L[Gamma_s] (S13.2) and the tables of their derivatives (S13.3).
  if (weights_.used) direction_ = {diagonal(t.dir[0].S), diagonal(t.dir[1].S), diagonal(t.dir[2].S)};
  for (int l = 0; l < (weights_.used ? 3 : 0); ++l) {
    dS0_[l] = pairs(t.dir[l].SS, false, false);
    dG0_[l] = pairs(t.dir[l].SS, false, true);   // E_L[Gamma_a Gamma_b]
    dG1_[l] = pairs(t.dir[l].sSS, false, true);  // E_L[s Gamma_a Gamma_b]
  }
  mS0_ = pairs(t.mS0, false, false);
  mS1_ = pairs(t.mS1, false, false);
  mG1_ = pairs(t.mS1, false, true);  // E_s[s Gamma_a Gamma_b]
  mG2_ = pairs(t.mU2, false, true);  // E_s[s^2 Gamma_a Gamma_b]
  tS1_ = pairs(t.tS1, false, false);
  tG1_ = pairs(t.tS1, false, true);  // E_t[s Gamma_a Gamma_b]
  tG2_ = pairs(t.tU2, false, true);  // E_t[s^2 Gamma_a Gamma_b]
  const MatrixXd mB2 = pairs(t.mU2, true, false);  // E_s[s^2 B_a B_b]
  // T at q = 1/(lambda + M0 + B0 + (M1 + B1) r^2), B_a = C_a E_s[s S_a]; L_(ab),(cd) = T_abcd mB2_cd.
  T_ = fourth_moment_tensor(k_, gamma_, moments_(lambda + M(0, 0) + c[0] * t.e1[0], k_ ? M(1, 1) + c[1] * t.e1[1] : 0.0));
  const MatrixXd L = T_ * Eigen::Map<const VectorXd>(mB2.data(), K2).asDiagonal();
  lu_.compute(MatrixXd::Identity(K2, K2) - L);
}

}  // namespace

std::unique_ptr<CoreTraces> make_structured_traces(int k, double gamma, std::shared_ptr<const model::SpectralLaw> law,
                                                   int radial_nodes_per_panel,
                                                   const numerics::DampedNewtonOptions& inner_newton,
                                                   DirectionWeights weights) {
  return std::make_unique<StructuredTraces>(k, gamma, std::move(law), radial_nodes_per_panel, inner_newton,
                                            std::move(weights));
}

}  // namespace srf::theory
