"""Gradient-enhanced Gaussian process regression ("GEK", gradient-enhanced kriging) in numpy/scipy:
the exact reference method for learning from function values AND full gradients.

Model (after standardisation, see below). f ~ GP(0, k) with the squared-exponential (RBF) kernel
with ARD length scales

    k(z, z') = s2 exp(-1/2 sum_i (z_i - z'_i)^2 / l_i^2),

observed jointly with its gradient. With r = z - z' and u_i = r_i / l_i^2 the covariances are

    cov(f(z),      f(z'))        = k
    cov(f(z),      df(z')/dz'_j) = dk/dz'_j          =  k u_j
    cov(df(z)/dz_i, f(z'))       = dk/dz_i           = -k u_i
    cov(df(z)/dz_i, df(z')/dz'_j) = d2k/dz_i dz'_j   =  k (delta_ij / l_i^2 - u_i u_j).

The training vector is ordered dimension-major: y_joint = [y (n); dy/dz_1 (n); ...; dy/dz_d (n)], so
the joint covariance is a (d+1) x (d+1) array of n x n blocks, of size N = n (d+1). One noise
variance (nugget) `noise` is added to the whole diagonal (values and gradients alike); the benchmark
functions are noise-free, so it acts as a nugget that keeps the joint matrix well conditioned.

Mean: zero for the standardised outputs, i.e. a CONSTANT mean equal to the sample mean of the
training y (fixed, not estimated by generalised least squares); the gradient has mean zero.

Standardisation (done inside `fit`, undone in `predict`): z = (x - mu_x) / sd_x per input,
y_s = (y - mu_y) / sd_y, and by the chain rule dy_s/dz_j = (sd_x_j / sd_y) dy/dx_j; predicted
gradients are mapped back with dy/dx_j = (sd_y / sd_x_j) dy_s/dz_j. Hyperparameters are fitted in
standardised units; `length_scales_` reports them in original units (l_j sd_x_j) and
`signal_variance_`, `noise_variance_` in units of y^2 (times sd_y^2).

Hyperparameters theta = (log s2, log l_1..l_d, log noise) maximise the log marginal likelihood

    LML = -1/2 y^T K^-1 y - sum_i log L_ii - N/2 log(2 pi),   K = L L^T (Cholesky),

with its ANALYTIC gradient dLML/dtheta_p = 1/2 tr((alpha alpha^T - K^-1) dK/dtheta_p), alpha = K^-1 y,
assembled from one elementwise product of W = alpha alpha^T - K^-1 with the kernel matrix (O(N^2 d)
after the O(N^3) factorisation and inverse). L-BFGS-B on box bounds in theta, from a deterministic
first start and `n_restarts` random starts drawn from `random_state`; the best LML wins. If the
Cholesky factorisation fails, jitter (1e-10, 1e-9, ..., 1e-4 times the mean diagonal) is added until
it succeeds; if even that fails the point gets LML = -inf (the line search backs off) and a fit in
which every start fails raises RuntimeError. No NaN is returned silently: non-finite inputs raise.

Cost: one LML evaluation is about N^3 flops (Cholesky N^3/3 plus inverse 2N^3/3) and 3 N x N float64
matrices of memory (N = 7200: 415 MB each). `fit` refuses with `GEKCapExceeded` (a ValueError) when
N = n (d+1) exceeds `max_joint_size` (default 10^4) before allocating anything, so a benchmark can
record the method as "capped".

`fit(X, y, G=None)` with G = None fits the same GP to values only (N = n), which the tests use as the
like-for-like baseline; the benchmark itself uses scikit-learn's GaussianProcessRegressor for that.
"""
import contextlib
import time

import numpy as np
from scipy import optimize
from scipy.linalg import blas, lapack, solve_triangular

__all__ = ["GradientEnhancedGP", "GEKCapExceeded", "joint_rbf_kernel", "DEFAULT_MAX_JOINT_SIZE"]

DEFAULT_MAX_JOINT_SIZE = 10_000
_LOG_2PI = np.log(2.0 * np.pi)
_JITTERS = (0.0, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4)


# Below this joint size the BLAS runs on one thread: thread start-up and synchronisation cost more than
# they save on small matrices, and on an oversubscribed machine far more (40x measured at N = 84).
SINGLE_THREAD_BELOW = 1000


def _blas_threads_for(N):
    if N >= SINGLE_THREAD_BELOW:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class GEKCapExceeded(ValueError):
    """The joint system n (d+1) is larger than the cap: the exact GEK is not attempted."""


def joint_rbf_kernel(Z1, Z2, signal_variance, length_scales, grad1=True, grad2=True):
    """Joint covariance of (f, grad f) at the rows of Z1 with (f, grad f) at the rows of Z2 under the
    ARD squared-exponential kernel k(z, z') = s2 exp(-1/2 sum_i (z_i - z'_i)^2 / l_i^2).

    Rows: [f(Z1); d f/dz_1 (Z1); ...; d f/dz_d (Z1)] if grad1 else [f(Z1)] (dimension-major blocks of
    len(Z1) rows); columns likewise for Z2 and grad2. Block (0, j) is dk/dz'_j = k r_j / l_j^2,
    block (i, 0) is dk/dz_i = -k r_i / l_i^2, block (i, j) is d2k/dz_i dz'_j =
    k (delta_ij / l_i^2 - r_i r_j / (l_i^2 l_j^2)), with r = z - z'. Returns a Fortran-ordered array.
    """
    Z1 = np.asarray(Z1, dtype=float)
    Z2 = np.asarray(Z2, dtype=float)
    n1, d = Z1.shape
    n2 = Z2.shape[0]
    inv_l2 = 1.0 / np.broadcast_to(np.asarray(length_scales, dtype=float), (d,)) ** 2
    # squared scaled distance from coordinate differences (exact zero on the diagonal, no cancellation)
    sq = np.zeros((n1, n2))
    for j in range(d):
        r = Z1[:, j][:, None] - Z2[:, j][None, :]
        sq += r * r * inv_l2[j]
    k = signal_variance * np.exp(-0.5 * sq)
    del sq
    D1 = 1 + d if grad1 else 1
    D2 = 1 + d if grad2 else 1
    K = np.empty((D1 * n1, D2 * n2), order="F")
    K[:n1, :n2] = k
    if not (grad1 or grad2):
        return K
    # u[j] = (z_j - z'_j) / l_j^2, as n1 x n2 matrices
    u = [(Z1[:, j][:, None] - Z2[:, j][None, :]) * inv_l2[j] for j in range(d)]
    ku = [k * u[j] for j in range(d)]
    if grad2:
        for j in range(d):
            K[:n1, (j + 1) * n2:(j + 2) * n2] = ku[j]
    if grad1:
        for i in range(d):
            K[(i + 1) * n1:(i + 2) * n1, :n2] = -ku[i]
    if grad1 and grad2:
        for i in range(d):
            rows = slice((i + 1) * n1, (i + 2) * n1)
            for j in range(i, d):
                blk = -ku[i] * u[j]
                if i == j:
                    blk += k * inv_l2[i]
                K[rows, (j + 1) * n2:(j + 2) * n2] = blk
                if j != i:   # block (j, i) equals block (i, j) elementwise
                    K[(j + 1) * n1:(j + 2) * n1, (i + 1) * n2:(i + 2) * n2] = blk
    return K


def _cholesky_with_jitter(K_f, noise, work=None):
    """Lower Cholesky factor of K_f + (noise + jitter) I in a Fortran array (reusing `work`), with
    jitter escalating through _JITTERS * mean(diag K_f). Returns (L, jitter) or (None, None)."""
    N = K_f.shape[0]
    mean_diag = float(np.mean(np.diag(K_f)))
    if work is None:
        work = np.empty_like(K_f, order="F")
    for rel in _JITTERS:
        jitter = rel * mean_diag
        np.copyto(work, K_f)
        work.flat[::N + 1] += noise + jitter
        L, info = lapack.dpotrf(work, lower=1, clean=1, overwrite_a=1)
        if info == 0:
            return L, jitter
    return None, None


def _symmetrize_from_lower(A, block=1024):
    """Copies the strict lower triangle of the square array A onto its upper triangle, in place."""
    N = A.shape[0]
    for s in range(0, N, block):
        e = min(s + block, N)
        if e < N:
            A[s:e, e:] = A[e:, s:e].T
        sub = A[s:e, s:e]
        iu = np.triu_indices(e - s, 1)
        sub[iu] = sub.T[iu]
    return A


class GradientEnhancedGP:
    """Exact gradient-enhanced GP regressor (RBF/ARD kernel, constant mean = sample mean of y,
    one nugget), hyperparameters by maximum marginal likelihood. See the module docstring.

    Parameters
    ----------
    n_restarts : int, random restarts of L-BFGS-B after the deterministic first start (default 2).
    random_state : int or None, seed of the restarts (deterministic given the seed).
    max_joint_size : int, cap on N = n (d+1) (n with G = None); above it `fit` raises GEKCapExceeded.
    length_scale_bounds, signal_variance_bounds, noise_bounds : bounds in STANDARDISED units.
    optimize : bool, if False the initial hyperparameters are used as given (no fitting).
    init_length_scale : float or array in standardised units for the first start (default sqrt(d)).
    init_signal_variance, init_noise : first-start values.
    maxiter : L-BFGS-B iterations per start.
    ftol : L-BFGS-B stopping tolerance on the relative decrease of -LML per iteration.

    Attributes after fit: theta_ (log s2, log l, log noise, standardised), log_marginal_likelihood_,
    length_scales_ (original units), signal_variance_, noise_variance_ (units of y^2), jitter_,
    n_lml_evals_, fit_seconds_, lml_seconds_ (mean time of one LML + gradient), starts_ (per start:
    initial theta, final theta, LML, evaluations, optimiser message).
    """

    def __init__(self, n_restarts=2, random_state=0, max_joint_size=DEFAULT_MAX_JOINT_SIZE,
                 length_scale_bounds=(1e-2, 1e3), signal_variance_bounds=(1e-4, 1e4),
                 noise_bounds=(1e-10, 1e-1), optimize=True, init_length_scale=None,
                 init_signal_variance=1.0, init_noise=1e-6, maxiter=100, ftol=1e-7):
        self.n_restarts = n_restarts
        self.random_state = random_state
        self.max_joint_size = max_joint_size
        self.length_scale_bounds = length_scale_bounds
        self.signal_variance_bounds = signal_variance_bounds
        self.noise_bounds = noise_bounds
        self.optimize = optimize
        self.init_length_scale = init_length_scale
        self.init_signal_variance = init_signal_variance
        self.init_noise = init_noise
        self.maxiter = maxiter
        self.ftol = ftol

    # ------------------------------------------------------------------ checks and scaling
    @staticmethod
    def joint_size(n, d, with_gradients=True):
        return int(n) * (int(d) + 1 if with_gradients else 1)

    def _validate(self, X, y, G):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float).ravel()
        if X.ndim != 2:
            raise ValueError(f"X must have shape (n, d), got {X.shape}")
        n, d = X.shape
        N = self.joint_size(n, d, G is not None)
        if self.max_joint_size is not None and N > self.max_joint_size:
            raise GEKCapExceeded(
                f"capped: gradient-enhanced GP joint system n*(d+1) = {n}*{d + 1} = {N} exceeds "
                f"max_joint_size = {self.max_joint_size}" if G is not None else
                f"capped: GP system n = {N} exceeds max_joint_size = {self.max_joint_size}")
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},), got {y.shape}")
        if G is not None:
            G = np.asarray(G, dtype=float)
            if G.shape != (n, d):
                raise ValueError(f"G must have shape ({n}, {d}), got {G.shape}")
        if n < 2:
            raise ValueError("need at least 2 training points")
        for name, a in (("X", X), ("y", y), ("G", G)):
            if a is not None and not np.all(np.isfinite(a)):
                raise ValueError(f"{name} contains non-finite values")
        return X, y, G

    def _bounds(self, d):
        lo = [np.log(self.signal_variance_bounds[0])] + [np.log(self.length_scale_bounds[0])] * d + \
             [np.log(self.noise_bounds[0])]
        hi = [np.log(self.signal_variance_bounds[1])] + [np.log(self.length_scale_bounds[1])] * d + \
             [np.log(self.noise_bounds[1])]
        return np.array(lo), np.array(hi)

    # ------------------------------------------------------------------ likelihood
    def _lml(self, theta, Z, yj, with_grad, eval_gradient=True):
        """Log marginal likelihood at theta (standardised data Z, joint targets yj) and its gradient.
        Returns (lml, grad, jitter); lml = -inf (grad 0) if the factorisation fails."""
        t0 = time.perf_counter()
        n, d = Z.shape
        s2 = np.exp(theta[0])
        ell = np.exp(theta[1:1 + d])
        noise = np.exp(theta[-1])
        K_f = joint_rbf_kernel(Z, Z, s2, ell, with_grad, with_grad)
        N = K_f.shape[0]
        L, jitter = _cholesky_with_jitter(K_f, noise)
        if L is None:
            self._eval_times.append(time.perf_counter() - t0)
            return -np.inf, np.zeros_like(theta), None
        alpha, info = lapack.dpotrs(L, yj, lower=1)
        if info != 0:
            raise RuntimeError(f"dpotrs failed (info={info})")
        lml = -0.5 * float(yj @ alpha) - float(np.sum(np.log(np.diag(L)))) - 0.5 * N * _LOG_2PI
        if not np.isfinite(lml):                   # overflow: treat as a failed point, never a NaN
            self._eval_times.append(time.perf_counter() - t0)
            return -np.inf, np.zeros_like(theta), None
        if not eval_gradient:
            self._eval_times.append(time.perf_counter() - t0)
            return lml, None, jitter
        # W = alpha alpha^T - K^-1, computed in place in the Cholesky factor's storage.
        Kinv, info = lapack.dpotri(L, lower=1, overwrite_c=1)
        if info != 0:
            self._eval_times.append(time.perf_counter() - t0)
            return -np.inf, np.zeros_like(theta), None
        W = _symmetrize_from_lower(Kinv)
        W *= -1.0
        W = blas.dger(1.0, alpha, alpha, a=W, overwrite_a=1)   # += alpha alpha^T, in place (Fortran order)
        grad = np.empty_like(theta)
        grad[-1] = 0.5 * noise * float(np.trace(W))   # dK/dlog noise = noise I (the jitter is fixed)
        D = d + 1 if with_grad else 1
        if with_grad:
            k0 = K_f[:n, :n]
            # T_m = sum(W_mm * k), the gradient-gradient diagonal blocks against the value kernel
            T = np.array([np.sum(W[(m + 1) * n:(m + 2) * n, (m + 1) * n:(m + 2) * n] * k0) for m in range(d)])
        W *= K_f                                   # M = W (.) K_f, in place
        M4 = W.T.reshape(D, n, D, n)               # symmetric, so W.T is the same matrix (C-order view)
        block_sums = M4.sum(axis=(1, 3))           # (D, D)
        P = M4.sum(axis=(0, 2))                    # (n, n), sum of the blocks
        grad[0] = 0.5 * float(block_sums.sum())    # dK/dlog s2 = K_f
        inv_l2 = 1.0 / ell ** 2
        # term1_m = sum_ab (z_am - z_bm)^2 / l_m^2 P_ab  (P symmetric)
        rowP = P.sum(axis=1)
        PZ = P @ Z
        term1 = inv_l2 * (2.0 * (Z ** 2).T @ rowP - 2.0 * np.sum(Z * PZ, axis=0))
        if with_grad:
            S = block_sums[1:, :].sum(axis=1)      # row-block sums of M for the gradient blocks
            grad[1:1 + d] = 0.5 * (term1 - 4.0 * S + 2.0 * inv_l2 * T)
        else:
            grad[1:1 + d] = 0.5 * term1
        self._eval_times.append(time.perf_counter() - t0)
        if not np.all(np.isfinite(grad)):
            return -np.inf, np.zeros_like(theta), None
        return lml, grad, jitter

    def log_marginal_likelihood(self, theta=None, eval_gradient=False):
        """LML (and gradient in theta) of the fitted training data at theta (default theta_)."""
        theta = self.theta_ if theta is None else np.asarray(theta, dtype=float)
        self._eval_times = []
        with _blas_threads_for(len(self._yj)):
            lml, grad, _ = self._lml(theta, self._Z, self._yj, self.with_gradients_, eval_gradient)
        return (lml, grad) if eval_gradient else lml

    # ------------------------------------------------------------------ fit / predict
    def fit(self, X, y, G=None):
        """Fits to values y (n,) and gradients G (n, d) at inputs X (n, d), all in original units.
        G = None fits the values-only GP. Raises GEKCapExceeded (ValueError) above the cap."""
        t_start = time.perf_counter()
        X, y, G = self._validate(X, y, G)
        with _blas_threads_for(self.joint_size(*X.shape, G is not None)):
            self._fit(X, y, G)
        self.fit_seconds_ = time.perf_counter() - t_start
        return self

    def _fit(self, X, y, G):
        n, d = X.shape
        self.with_gradients_ = G is not None
        self.x_mean_ = X.mean(axis=0)
        sd = X.std(axis=0)
        self.x_scale_ = np.where(sd > 0, sd, 1.0)
        self.y_mean_ = float(y.mean())
        sy = float(y.std())
        self.y_scale_ = sy if sy > 0 else 1.0
        Z = (X - self.x_mean_) / self.x_scale_
        ys = (y - self.y_mean_) / self.y_scale_
        if G is not None:
            Gs = G * (self.x_scale_ / self.y_scale_)
            yj = np.concatenate([ys, Gs.T.ravel()])
        else:
            yj = ys
        self._Z, self._yj = Z, yj

        lo, hi = self._bounds(d)
        l0 = np.sqrt(d) if self.init_length_scale is None else self.init_length_scale
        theta0 = np.concatenate([[np.log(self.init_signal_variance)],
                                 np.log(np.broadcast_to(np.asarray(l0, dtype=float), (d,))),
                                 [np.log(self.init_noise)]])
        theta0 = np.clip(theta0, lo, hi)
        self._eval_times = []
        self.starts_ = []
        if self.optimize:
            rng = np.random.default_rng(self.random_state)
            inits = [theta0]
            for _ in range(int(self.n_restarts)):
                t = theta0.copy()
                t[0] = rng.uniform(np.log(0.1), np.log(10.0))
                t[1:1 + d] = np.log(np.sqrt(d)) + rng.uniform(np.log(0.1), np.log(10.0), size=d)
                t[-1] = rng.uniform(np.log(self.noise_bounds[0]), np.log(max(self.noise_bounds[0], 1e-4)))
                inits.append(np.clip(t, lo, hi))
            best = None
            for t_init in inits:
                count = [0]

                def obj(t):
                    count[0] += 1
                    lml, g, _ = self._lml(t, Z, yj, G is not None)
                    if not np.isfinite(lml):
                        return np.inf, np.zeros_like(t)
                    return -lml, -g

                res = optimize.minimize(obj, t_init, jac=True, method="L-BFGS-B",
                                        bounds=list(zip(lo, hi)), options=dict(maxiter=self.maxiter, ftol=self.ftol))
                lml_final = -float(res.fun) if np.isfinite(res.fun) else -np.inf
                self.starts_.append(dict(theta_init=t_init, theta=res.x, lml=lml_final, evals=count[0],
                                         message=str(res.message)))
                if np.isfinite(lml_final) and (best is None or lml_final > best[1]):
                    best = (res.x, lml_final)
            if best is None:
                raise RuntimeError("GradientEnhancedGP: the Cholesky factorisation failed at every start "
                                   "(even with jitter up to 1e-4 of the diagonal)")
            theta = best[0]
        else:
            theta = theta0
        self.n_lml_evals_ = len(self._eval_times)
        self.lml_seconds_ = float(np.mean(self._eval_times)) if self._eval_times else float("nan")

        # Final factorisation at the chosen hyperparameters.
        self.theta_ = np.asarray(theta, dtype=float)
        s2, ell, noise = np.exp(theta[0]), np.exp(theta[1:1 + d]), np.exp(theta[-1])
        K_f = joint_rbf_kernel(Z, Z, s2, ell, G is not None, G is not None)
        L, jitter = _cholesky_with_jitter(K_f, noise)
        del K_f
        if L is None:
            raise RuntimeError("GradientEnhancedGP: Cholesky failed at the fitted hyperparameters")
        alpha, info = lapack.dpotrs(L, yj, lower=1)
        if info != 0 or not np.all(np.isfinite(alpha)):
            raise RuntimeError("GradientEnhancedGP: the solve for alpha failed")
        self._L, self.alpha_, self.jitter_ = L, alpha, jitter
        N = len(yj)
        self.log_marginal_likelihood_ = (-0.5 * float(yj @ alpha) - float(np.sum(np.log(np.diag(L))))
                                         - 0.5 * N * _LOG_2PI)
        self._s2, self._ell = s2, ell
        self.length_scales_ = ell * self.x_scale_
        self.signal_variance_ = s2 * self.y_scale_ ** 2
        self.noise_variance_ = noise * self.y_scale_ ** 2
        self.n_features_in_ = d

    def _check_X(self, X):
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have shape (m, {self.n_features_in_}), got {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains non-finite values")
        return X

    def _chunks(self, m):
        N = len(self.alpha_)
        step = max(1, int(2e7 // max(N * (self.n_features_in_ + 1), 1)))
        return [slice(s, min(s + step, m)) for s in range(0, m, step)]

    def predict(self, X, return_std=False):
        """Posterior mean of f at the rows of X (original units), shape (m,); with return_std also the
        posterior standard deviation of f (latent, without the nugget)."""
        X = self._check_X(X)
        Zt = (X - self.x_mean_) / self.x_scale_
        mean = np.empty(len(X))
        std = np.empty(len(X)) if return_std else None
        for sl in self._chunks(len(X)):
            Ks = joint_rbf_kernel(Zt[sl], self._Z, self._s2, self._ell, False, self.with_gradients_)
            mean[sl] = Ks @ self.alpha_
            if return_std:
                V = solve_triangular(self._L, Ks.T, lower=True, check_finite=False)
                var = self._s2 - np.sum(V ** 2, axis=0)
                std[sl] = np.sqrt(np.maximum(var, 0.0))
        mean = self.y_mean_ + self.y_scale_ * mean
        if return_std:
            return mean, self.y_scale_ * std
        return mean

    def predict_gradient(self, X):
        """Posterior mean of grad f at the rows of X, in original units, shape (m, d)."""
        X = self._check_X(X)
        Zt = (X - self.x_mean_) / self.x_scale_
        m, d = X.shape
        out = np.empty((m, d))
        for sl in self._chunks(m):
            mm = sl.stop - sl.start
            Ks = joint_rbf_kernel(Zt[sl], self._Z, self._s2, self._ell, True, self.with_gradients_)
            out[sl] = (Ks[mm:] @ self.alpha_).reshape(d, mm).T
        return out * (self.y_scale_ / self.x_scale_)

    def score(self, X, y):
        """Coefficient of determination R^2 of predict(X) against y."""
        y = np.asarray(y, dtype=float).ravel()
        r = y - self.predict(X)
        return 1.0 - float(r @ r) / float(((y - y.mean()) ** 2).sum())
