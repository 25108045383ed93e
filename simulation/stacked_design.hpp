#pragma once
// The stacked least-squares design of one training set (step (a) of a simulated seed, and of a
// fit on user data): the ridge problem
//
//   w_hat = argmin_w (1/n) |b - A w|^2 + lambda |w|^2
//
// whose rows are, per training sample i (h_i = Theta^T x_i / sqrt d, p entries):
//   function row   F_i = sigma(h_i)                   label y_i
//   gradient rows  sqrt(beta) S_i o zeta_m, m = 1..k   label sqrt(beta) g_im   (S_i = sigma'(h_i))
//   informed row   sqrt(beta_inf) S_i o a              label sqrt(beta_inf) z_i
// with zeta = V^T Theta / sqrt d (k x p) for a direction matrix V (d x k), so that
// (S_i o zeta_m) w = V_m^T grad f_w(x_i), and a = u^T Theta / sqrt d for one informed direction u.
// A term of weight 0 contributes no rows (its labels are still kept, for its training error).
//
// The design is stored in the form its solve (stacked_solve.hpp) needs, chosen up front so that
// only one form is ever held: primal keeps F and S (n x p each; the p x p normal equations are
// formed from them after the last batch), dual keeps A and b themselves (N = n * rows_per_sample
// rows, fewer than p). Rows arrive in batches of samples (append_batch), so memory stays at the
// stored form plus one batch's buffers.
#include <Eigen/Dense>

#include <sobolev_rf/model/activation.hpp>
#include <sobolev_rf/model/enum_names.hpp>

namespace srf::simulation {

enum class SolveMethod {
  kAuto,    // the smaller of the two systems: primal (p x p) unless N = n(1+k) < p
  kPrimal,  // (A^T A + n lambda I) w = A^T b
  kDual,    // w = A^T (A A^T + n lambda I)^{-1} b
};
inline constexpr model::EnumName<SolveMethod> kSolveMethodNames[] = {
    {"auto", SolveMethod::kAuto}, {"primal", SolveMethod::kPrimal}, {"dual", SolveMethod::kDual}};
inline const char* to_string(SolveMethod v) { return model::enum_to_string(kSolveMethodNames, v); }
// The system a solve ran: "primal" or "dual".
inline const char* solved_system(bool primal) { return to_string(primal ? SolveMethod::kPrimal : SolveMethod::kDual); }

// Inputs are drawn sample by sample, so a row-major buffer fills contiguously; BLAS takes either
// layout at the same speed (and the simulator's bits depend on this layout: keep it).
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The automatic batch size at p features: about 4 MiB per b x p buffer (2^19 / p rows, clamped
// to [256, 2048]): enough rows for BLAS to run at full speed, few enough that the buffers are
// reused rather than page-faulted in.
int default_batch_rows(int p);

// Whether method solves the primal system for N rows and p features (kAuto: N >= p).
bool use_primal(SolveMethod method, Eigen::Index rows, int p);

struct StackedDesign {
  int n = 0, p = 0, k = 0;
  double beta = 1, beta_inf = 0;
  Eigen::MatrixXd zeta;      // k x p: the gradient directions in feature space
  Eigen::RowVectorXd a_inf;  // p entries with an informed direction, empty without one
  Eigen::VectorXd y;         // n function labels
  Eigen::MatrixXd g;         // n x k gradient labels (unweighted)
  Eigen::VectorXd z;         // n informed labels (unweighted; empty without an informed direction)
  bool primal = true;
  int batch = 1;             // samples per batch; the dual's row layout is per batch (append_batch)
  // Primal: sigma and sigma' at the training inputs (n x p; S only when needs_derivative()).
  // Dual: S only when a term of weight 0 needs it for its residuals.
  Eigen::MatrixXd F, S;
  Eigen::MatrixXd A;  // dual: N x p
  Eigen::VectorXd b;  // dual: N

  bool informed() const { return a_inf.size() > 0; }
  bool needs_derivative() const { return k > 0 || informed(); }
  bool gradient_rows_in_a() const { return k > 0 && beta > 0.0; }
  bool informed_rows_in_a() const { return informed() && beta_inf > 0.0; }
  // Gradient rows per sample that precede the informed row in a batch.
  int gradient_rows() const { return gradient_rows_in_a() ? k : 0; }
  int rows_per_sample() const { return 1 + gradient_rows() + (informed_rows_in_a() ? 1 : 0); }
  Eigen::Index rows() const { return static_cast<Eigen::Index>(n) * rows_per_sample(); }
};

// A design of n samples with its feature storage allocated for the system `method` selects, and
// label vectors of the right sizes (the caller fills the labels of a batch before appending it).
// zeta: k x p (k may be 0); a_inf: empty, or p entries for an informed term of weight beta_inf.
// batch: samples per batch, at most n (at least 1).
StackedDesign make_stacked_design(int n, int p, Eigen::MatrixXd zeta, double beta, Eigen::RowVectorXd a_inf,
                                  double beta_inf, SolveMethod method, int batch);

// Stores the rows of samples [i0, i0 + Fb.rows()): Fb = sigma(H), Sb = sigma'(H) for the batch
// (Sb is read only when needs_derivative()); their labels must already be in y, g, z. Batches
// must come in order, each of design.batch samples but the last: the dual's rows of a batch are
// [its function rows; its gradient rows of direction 1; ...; direction k; its informed rows].
void append_batch(StackedDesign& design, int i0, const Eigen::MatrixXd& Fb, const Eigen::MatrixXd& Sb);

// Subtracts feature_means (p entries) from every function row and label_mean from every function
// label (y, and the function entries of b in the dual): after the last batch, this turns the
// design into that of a fit with an unpenalised intercept (random_features_fit.hpp).
void center_function_rows(StackedDesign& design, const Eigen::RowVectorXd& feature_means, double label_mean);

// The features of one batch: H = Xs Theta (Xs: the inputs already scaled by 1/sqrt d, b x d),
// F = sigma(H) and, when S is not null, S = sigma'(H). Tiled over the features (fixed tiles, so
// the bits do not depend on `threads`; call with single-threaded BLAS).
void batch_features(const RowMatrix& Xs, const Eigen::MatrixXd& Theta, const model::Activation& sigma,
                    Eigen::MatrixXd& H, Eigen::MatrixXd& F, Eigen::MatrixXd* S, int threads);

}  // namespace srf::simulation
