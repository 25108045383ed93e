#pragma once
// Random draws of docs/model.md's finite-size model: per-seed random streams, the teacher direction,
// the gradient sketch conditioned on (or drawing) the alignment varpi = V^T theta0, and the
// correlated label noise (eps, eps'_1..eps'_k).
#include <Eigen/Dense>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <sobolev_rf/model/sketch_scale.hpp>

namespace srf::simulation {

// SplitMix64 finaliser: a bijective mixer, so distinct inputs give well-separated seeds.
std::uint64_t splitmix64(std::uint64_t x);

// The seed of stream `stream` (0: problem and training data, 1 + c: chunk c of the test
// inputs) of seed index `seed_index` under `base_seed`. Depends on these three numbers only, so a seed's draws do not
// depend on how many seeds run, in which order, or on how many threads.
std::uint64_t stream_seed(std::uint64_t base_seed, std::uint64_t seed_index, std::uint64_t stream);

// A standard-normal source: std::mt19937_64 and a 128-layer ziggurat (Marsaglia & Tsang 2000,
// in Doornik's 2005 ZIGNOR form: the uniform and the layer index come from separate bits, the
// tail by Marsaglia's exact method). About 2-3x faster than std::normal_distribution, which
// matters because a seed draws d p + (n + T) d normals. Deterministic: the output depends on
// the seed only (no library-specific algorithm).
class NormalRng {
 public:
  explicit NormalRng(std::uint64_t seed) : engine_(seed) {}
  double operator()() {
    for (;;) {
      const std::uint64_t bits = engine_();
      const int i = static_cast<int>(bits & 0x7F);                         // layer: low 7 bits
      const double u = static_cast<double>(bits >> 11) * 0x1.0p-52 - 1.0;  // [-1, 1): top 53 bits
      if (std::fabs(u) < table().ratio[i]) return u * table().x[i];        // inside the layer: ~99 %
      const double r = slow_path(i, u);
      if (!std::isnan(r)) return r;
    }
  }
  // Fills m with i.i.d. N(0,1) entries, row by row (row i, then row i+1), so that drawing a
  // matrix in row blocks consumes the stream exactly as drawing it at once.
  template <class Matrix>
  void fill_rows(Matrix&& m) {
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      for (Eigen::Index j = 0; j < m.cols(); ++j) m(i, j) = (*this)();
  }
  // Fills m in column order (column j, then column j+1): contiguous for column-major storage.
  void fill_columns(Eigen::Ref<Eigen::MatrixXd> m);

 private:
  struct Table {
    double x[129];      // layer edges x_0 > x_1 = R > ... > x_128 = 0 (x_0 = V / f(R))
    double ratio[128];  // x_{i+1} / x_i
  };
  static const Table& table();
  double uniform_open();               // (0, 1)
  double slow_path(int i, double u);   // wedge or tail; NaN means "rejected, draw again"
  std::mt19937_64 engine_;
};

// Gradient-sketch scaling: kNormal is the sketch V of docs/model.md with i.i.d. N(0,1) entries (|V_j| ~ sqrt d);
// kUnit is the talk's "wrong scaling" V ~ N(0, I/d), i.e. the kNormal sketch divided by sqrt d,
// under which the sketched gradients vanish as d grows.

// The sketch V (d x k). With `varpi` given (length k) it is built exactly as docs/model.md prescribes,
//   V = theta0 varpi^T / |theta0|^2 + (I - theta0 theta0^T / |theta0|^2) G,   G i.i.d. N(0,1),
// so V^T theta0 = varpi up to rounding; with `varpi` empty, V = G (varpi is then random,
// ~ N(0, I_k) when |theta0| = 1). kUnit divides the result by sqrt d (the alignment becomes
// varpi / sqrt d). Draws the d x k entries of G row by row from `rng`.
Eigen::MatrixXd draw_sketch(const Eigen::VectorXd& theta0, const std::vector<double>& varpi, int k,
                            model::SketchScale scale, NormalRng& rng);

// Draws (eps, eps'_1..eps'_k): unit variances, corr(eps, eps'_j) = rho, eps'_j mutually
// independent. The (1+k) x (1+k) covariance [[1, rho 1^T], [rho 1, I_k]] is factored once
// (Cholesky; at k rho^2 = 1 it is singular and the symmetric square root is used instead).
class NoiseSampler {
 public:
  NoiseSampler(int k, double rho);  // throws std::invalid_argument unless k >= 0, k rho^2 <= 1
  // Writes 1 + k correlated standard normals into out (size 1 + k).
  void draw(NormalRng& rng, Eigen::Ref<Eigen::VectorXd> out) const;
  const Eigen::MatrixXd& factor() const { return factor_; }  // L with L L^T = covariance

 private:
  Eigen::MatrixXd factor_;
};

}  // namespace srf::simulation
