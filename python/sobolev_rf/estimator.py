r"""scikit-learn regressors for random features trained on function values and gradients
("Sobolev training"), with a feature law learned from the gradients.

    from sobolev_rf import SobolevRandomFeaturesRegressorCV
    est = SobolevRandomFeaturesRegressorCV().fit(X, y, gradients=G)   # G[i] = grad f(X[i]), (n, d)
    est.predict(X_new), est.predict_gradient(X_new), est.best_params_

The model, in the standardised inputs z = (x - mean) / scale, is

    f(x) = c + sum_j w_j phi(<omega_j, z> + b_j),   omega_j ~ N(0, s^2 M),

with phi = cos and b_j ~ U(0, 2 pi) (random Fourier features, ``features="fourier"``) or an
activation of the model with b_j ~ N(0, 1). The metric M (unit trace) is I/d, a user's matrix, or
a power of the gradients' outer-product matrix C = (1/n) sum_i grad_z y_i grad_z y_i^T: the
gradients choose the directions the features vary along (one step of feature learning from
derivative data, which fixed random features lack). The weights solve the ridge problem on the
values and the derivatives along k directions (all d by default), whose gradient Gram is formed
by the Hadamard identity (numerics/hadamard_gram.hpp) at a cost that does not grow with k.
"""
import concurrent.futures
import contextlib
import math
import numbers
import os
import time

import numpy as np

from . import _core

try:
    from sklearn.base import BaseEstimator, RegressorMixin
    from sklearn.model_selection import KFold, check_cv
    from sklearn.utils import check_array, check_random_state
    from sklearn.utils.validation import check_is_fitted
except ImportError as _missing:  # scikit-learn is optional: the rest of the package works without it
    _SKLEARN_MISSING = _missing

    class BaseEstimator:
        def __new__(cls, *args, **kwargs):
            raise ImportError(f"{cls.__name__} needs scikit-learn (Debian: python3-sklearn)") from _SKLEARN_MISSING

    class RegressorMixin:
        pass

__all__ = ["SobolevRandomFeaturesRegressor", "SobolevRandomFeaturesRegressorCV", "estimate_memory", "advise",
           "Advice", "MemoryBudgetError", "gradient_metric"]

_DIRECTION_NAMES = ("auto", "all", "random", "pca")
_METRIC_NAMES = ("auto", "isotropic", "gradient")
_GRADIENT_KINDS = ("auto", "full", "directional")
_SEARCHES = ("staged", "grid")

# n_features="auto": two features per label, 2 n (1 + k), at least AUTO_MIN_FEATURES, at most
# AUTO_MAX_FEATURES and what the memory budget allows. The CV scores its candidates with at most
# CV_MAX_FEATURES of them (one p x p eigendecomposition per fold, beta and feature law bounds its
# cost), then refits the best with all: with lam tuned, more features only help, and twice the
# labels also tames the spread over feature draws (measured on Friedman #1 at n = 200, two draws
# each: 2200 features 3.3e-4 to 5.0e-4, 4000 features 3.0e-4 to 4.3e-4).
AUTO_MIN_FEATURES = 300
AUTO_MAX_FEATURES = 4000
CV_MAX_FEATURES = 1000
# The default ridge path of the CV (lam as in docs/model.md: the loss averaged over n, on
# standardised values) and the default grids.
DEFAULT_LAMS = tuple(float(v) for v in np.logspace(-12, 1, 27))
DEFAULT_POWERS = (0.0, 0.25, 0.5, 1.0)
DEFAULT_SCALES = (0.125, 0.25, 0.5, 1.0, 2.0)
DEFAULT_BETAS = (0.0, 0.01, 0.1, 1.0, 10.0, 100.0)
_MEMORY_FRACTION = 0.5
METRIC_CUTOFF = 1e-10  # eigenvalues of C below this fraction of the largest count as zero  # of the available memory, the default budget


# ---- small helpers ---------------------------------------------------------------------------------


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))


def _is_real(v):
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _check_real(name, v, low=0.0, low_open=False):
    if not _is_real(v):
        raise TypeError(f"{name} = {v!r}: must be a real number, not {type(v).__name__}")
    if not np.isfinite(v) or v < low or (low_open and v == low):
        raise ValueError(f"{name} = {v!r}: must be finite and {'>' if low_open else '>='} {low:g}")
    return float(v)


def _check_grid(name, values, low=0.0, low_open=False):
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} = {values!r}: must be a sequence of numbers")
    out = [_check_real(f"{name}[{i}]", v, low, low_open) for i, v in enumerate(values)]
    if not out:
        raise ValueError(f"{name} is empty: give at least one value")
    return out


def _single_threaded_blas():
    """numpy's BLAS on one thread for the scope: the work is split into tasks of our own (folds,
    tiles), so results do not depend on the thread count."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _threads(n_jobs):
    if n_jobs is None or n_jobs == -1:
        return max(1, os.cpu_count() or 1)
    return int(n_jobs)


def _available_memory():
    """Bytes of memory available now (Linux: MemAvailable), or None when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def estimate_memory(n_samples, n_inputs, n_features, workers=1):
    """Bytes a fit allocates at its peak: per concurrent task the features and their derivatives
    at every input (2 n p), the Gram matrices, the metric's kernel, the factorisation and its
    workspace (5 p^2) and the feature law (2 d p), in float64."""
    n, d, p = int(n_samples), int(n_inputs), int(n_features)
    return 8 * int(workers) * (2 * n * p + 5 * p * p + 2 * d * p + 4 * n * max(d, 1))


class MemoryBudgetError(MemoryError, ValueError):
    """A fit refused before any allocation: it would exceed the memory budget (``max_memory``)."""


def _largest_fitting(n, d, workers, budget):
    """The largest p with estimate_memory(n, d, p, workers) <= budget (0 when none)."""
    a = 5.0
    b = 2.0 * n + 2.0 * d
    c = 4.0 * n * max(d, 1) - budget / (8.0 * workers)
    if c >= 0:
        return 0
    p = int((-b + math.sqrt(b * b - 4 * a * c)) / (2 * a))
    while p > 0 and estimate_memory(n, d, p, workers) > budget:
        p -= 1
    return p


def _memory_budget(max_memory):
    if max_memory is not None:
        return float(max_memory) * 2.0 ** 30
    avail = _available_memory()
    return _MEMORY_FRACTION * avail if avail else 8.0 * 2.0 ** 30


def _standardization(X, standardize):
    """(mean, scale) of the inputs: as StandardScaler (a constant input keeps scale 1), or zeros
    and ones."""
    d = X.shape[1]
    if not standardize:
        return np.zeros(d), np.ones(d)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    return mean, np.where(scale > 10 * np.finfo(float).eps * (1 + np.abs(mean)), scale, 1.0)


def _fold_view(pr, train, standardize, D_random, pca_k):
    """(Z, Gz, D, L) of all inputs, standardised by the training rows of a fold only (inputs,
    gradients by the chain rule, directions given in input coordinates; "pca" directions from
    the fold's training gradients), so that nothing of the held-out rows enters the fit."""
    mean, scale = _standardization(pr.X[train], standardize)
    Z = (pr.X - mean) / scale
    Gz = pr.G * scale / pr.y_scale if pr.kind == "full" else None
    if pr.mode is None:
        return Z, Gz, np.zeros((pr.d, 0)), np.zeros((pr.n, 0))
    if pr.mode == "array":
        D = pr.D_in / scale[:, None]
        L = (pr.G @ pr.D_in if pr.kind == "full" else pr.G) / pr.y_scale
        return Z, Gz, D, L
    if pr.mode == "all":
        D = np.eye(pr.d)
    elif pr.mode == "random":
        D = D_random
    else:
        D = _principal_directions(Gz[train], pca_k)
    return Z, Gz, D, Gz @ D


def _principal_directions(G, k):
    """The top-k eigenvectors of G^T G / n (unit norm), each signed so that its largest entry in
    absolute value is positive (a deterministic choice; the loss does not depend on the sign)."""
    C = G.T @ G / G.shape[0]
    _, vectors = np.linalg.eigh(C)  # ascending eigenvalues
    D = vectors[:, ::-1][:, :k].copy()
    for m in range(k):
        if D[np.argmax(np.abs(D[:, m])), m] < 0:
            D[:, m] = -D[:, m]
    return D


def gradient_metric(Gz, power):
    """M = C^power / tr(C^power) with C = Gz^T Gz / n (the gradients' outer-product matrix);
    power 0, or gradients that are all zero, give the isotropic I / d."""
    return _metric_and_root(Gz, power)[0]


def _metric_and_root(Gz, power):
    """(M, R) with M the gradient metric and R = M^(1/2), both from one eigendecomposition of C, so
    that the directions C does not reach get exactly zero weight."""
    d = Gz.shape[1]
    if power == 0:
        return np.eye(d) / d, np.eye(d) / math.sqrt(d)
    C = Gz.T @ Gz / Gz.shape[0]
    vals, vecs = np.linalg.eigh(C)
    top = vals[-1] if len(vals) else 0.0
    if not top > 0:
        return np.eye(d) / d, np.eye(d) / math.sqrt(d)
    # Eigenvalues below METRIC_CUTOFF of the largest are zero: the metric has no weight there.
    # (Their computed values are roundoff, which a power such as 1/4 would lift to 1e-4 and
    # beyond, and directions that weak are not worth a frequency.)
    vals = np.where(vals > METRIC_CUTOFF * top, vals / top, 0.0) ** power
    vals = vals / np.sum(vals)
    M = (vecs * vals) @ vecs.T
    R = (vecs * np.sqrt(vals)) @ vecs.T
    return 0.5 * (M + M.T), 0.5 * (R + R.T)


def _metric_root(M):
    """A symmetric square root of M (eigenvalues below METRIC_CUTOFF of the largest set to 0)."""
    vals, vecs = np.linalg.eigh(M)
    vals = np.where(vals > METRIC_CUTOFF * vals[-1], vals, 0.0)
    R = (vecs * np.sqrt(vals)) @ vecs.T
    return 0.5 * (R + R.T)


def _features(Z, omega, phase, kind, derivative=True):
    """phi(Z omega + b) and phi'(Z omega + b), each (n, p): cos and -sin for "fourier", else the
    activation of the model's registry (C++)."""
    H = Z @ omega
    H += phase
    if kind == "fourier":
        return np.cos(H), (-np.sin(H) if derivative else None)
    values, slopes = _core.rf_activation(H, kind, derivative)
    return values, (slopes if derivative else None)


def _secant_check(X, y, G):
    """Catches gradients of the wrong scale or sign where the data allow it: between each input and
    its nearest neighbour the trapezoidal secant (g_i + g_j)/2 . (x_j - x_i) predicts y_j - y_i.
    When these predictions explain the differences well (|correlation| > 0.9) but with a slope far
    from 1 (outside [1/4, 4], or negative), the gradients are off by that factor (e.g. taken in other units or coordinates).
    Returns (slope, correlation) or None when too few points."""
    n = X.shape[0]
    if n < 10:
        return None
    m = min(n, 400)  # the first m inputs: O(m^2 d)
    Xs, ys, Gs = X[:m], y[:m], G[:m]
    sq = np.sum(Xs * Xs, axis=1)
    dist = sq[:, None] + sq[None, :] - 2.0 * Xs @ Xs.T
    np.fill_diagonal(dist, np.inf)
    nn = np.argmin(dist, axis=1)
    dy = ys[nn] - ys
    pred = np.sum(0.5 * (Gs + Gs[nn]) * (Xs[nn] - Xs), axis=1)
    if not np.any(pred) or not np.any(dy):
        return None
    corr = float(np.corrcoef(dy, pred)[0, 1])
    slope = float(np.dot(dy, pred) / np.dot(pred, pred))
    return slope, corr


# ---- the problem both estimators solve --------------------------------------------------------------


class _Problem:
    """The training data as the model sees it: standardised inputs Z, values yz = (y - y_mean) /
    y_scale, full gradients Gz in the same units (or None), the directions D (d, k) in the
    standardised coordinates and the derivative labels L = Gz D (n, k)."""


class _SobolevBase(RegressorMixin, BaseEstimator):
    """Parameter checks and data preparation shared by the two estimators."""

    # ---- parameters ------------------------------------------------------------------------------
    def _check_common(self):
        if not (self.n_features == "auto" or _is_int(self.n_features)):
            raise TypeError(f"n_features = {self.n_features!r}: must be 'auto' or an integer")
        if _is_int(self.n_features) and self.n_features < 1:
            raise ValueError(f"n_features = {self.n_features!r}: must be >= 1")
        known = dict(_core.rf_activations())
        if not isinstance(self.features, str):
            raise TypeError(f"features = {self.features!r}: must be a string")
        if self.features != "fourier" and self.features not in known:
            raise ValueError(f"features = {self.features!r}: unknown; known: fourier, {', '.join(known)}")
        if isinstance(self.metric, str):
            if self.metric not in _METRIC_NAMES:
                raise ValueError(f"metric = {self.metric!r}: must be one of {', '.join(_METRIC_NAMES)} or an array "
                                 "of shape (d, d)")
        if self.k is not None and not _is_int(self.k):
            raise TypeError(f"k = {self.k!r}: must be None or an integer")
        if self.k is not None and self.k < 0:
            raise ValueError(f"k = {self.k!r}: must be None or an integer >= 0")
        if isinstance(self.directions, str) and self.directions not in _DIRECTION_NAMES:
            raise ValueError(f"directions = {self.directions!r}: must be one of {', '.join(_DIRECTION_NAMES)} "
                             "or an array of shape (d, k)")
        for name in ("bias", "standardize", "fit_intercept", "check_gradients"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} = {getattr(self, name)!r}: must be True or False")
        if self.n_jobs is not None and not _is_int(self.n_jobs):
            raise TypeError(f"n_jobs = {self.n_jobs!r}: must be None, -1 or an integer >= 1")
        if self.n_jobs is not None and not (self.n_jobs >= 1 or self.n_jobs == -1):
            raise ValueError(f"n_jobs = {self.n_jobs!r}: must be None, -1 or an integer >= 1")
        if self.max_memory is not None:
            _check_real("max_memory", self.max_memory, 0.0, low_open=True)

    # ---- data --------------------------------------------------------------------------------------
    def _prepare(self, X, y, gradients, gradient_kind):
        """Validates the data and returns a _Problem (sets n_features_in_, feature_names_in_)."""
        if gradient_kind not in _GRADIENT_KINDS:
            raise ValueError(f"gradient_kind = {gradient_kind!r}: must be one of {', '.join(_GRADIENT_KINDS)}")
        X, y = self._validate_data(X, y, dtype=np.float64, y_numeric=True)
        n, d = X.shape
        pr = _Problem()
        pr.n, pr.d = n, d
        pr.mean, pr.scale = _standardization(X, self.standardize)
        pr.Z = (X - pr.mean) / pr.scale
        pr.X = X
        pr.y_mean = float(y.mean()) if self.fit_intercept else 0.0
        sd = float(np.sqrt(np.mean((y - pr.y_mean) ** 2)))
        pr.y_scale = sd if sd > 0 else 1.0
        pr.yz = (y - pr.y_mean) / pr.y_scale
        G = None
        if gradients is not None:
            G = check_array(gradients, dtype=np.float64, ensure_2d=True, input_name="gradients")
            if G.shape[0] != n:
                raise ValueError(f"gradients has {G.shape[0]} rows but X has {n} samples")
        self._directions_for(pr, G, gradient_kind)
        pr.G = G
        pr.D_in = None if isinstance(self.directions, str) else pr.input_directions
        pr.mode = None if pr.kind is None or self.k == 0 else (
            "array" if pr.D_in is not None else ("all" if self.directions == "auto" else self.directions))
        if G is not None and pr.Gz is not None and self.check_gradients:
            chk = _secant_check(X, y, G)
            if chk is not None and abs(chk[1]) > 0.9 and not 0.25 <= chk[0] <= 4.0:
                raise ValueError(
                    f"gradients look off by a factor of about {1 / chk[0]:.3g}: between nearest neighbours the "
                    f"differences of y are {chk[0]:.3g} times what the gradients predict (correlation {chk[1]:.3f}); "
                    "pass the gradients of y with respect to X in the units of X (or check_gradients=False)")
        return pr, X, y, G

    def _directions_for(self, pr, G, gradient_kind):
        """Sets pr.Gz (full standardised gradients or None), pr.D (d, k) in z coordinates, pr.L
        labels (n, k), pr.input_directions (d, k) in x coordinates or None, pr.kind ('full',
        'directional' or None)."""
        n, d = pr.n, pr.d
        pr.Gz, pr.kind, pr.input_directions, pr.sketch = None, None, None, None
        named = isinstance(self.directions, str)
        D_in = None
        if not named:
            D_in = check_array(self.directions, dtype=np.float64, ensure_2d=False, input_name="directions")
            if D_in.ndim != 2 or D_in.shape[0] != d or not 1 <= D_in.shape[1] <= d:
                raise ValueError(f"directions has shape {D_in.shape}: needs (d, k) with d = {d} rows and 1 <= k <= d")
            if self.k is not None and self.k != D_in.shape[1]:
                raise ValueError(f"k = {self.k} but directions has {D_in.shape[1]} columns")
        if G is None or self.k == 0:
            if G is None and gradient_kind != "auto":
                raise ValueError(f"gradient_kind = {gradient_kind!r} without gradients")
            pr.D, pr.L = np.zeros((d, 0)), np.zeros((n, 0))
            if G is not None and G.shape[1] == d:
                pr.Gz = G * pr.scale / pr.y_scale  # k = 0: gradients may still shape the metric
                pr.kind = "full"
            return
        c = G.shape[1]
        k_dirs = D_in.shape[1] if D_in is not None else None
        if gradient_kind == "full" or (gradient_kind == "auto" and c == d and not (D_in is not None and c == k_dirs)):
            if c != d:
                raise ValueError(f"gradients has {c} columns: full gradients need d = {d}")
            full = True
        elif gradient_kind == "directional" or (D_in is not None and c == k_dirs):
            if D_in is None:
                raise ValueError("gradient_kind='directional' needs a (d, k) directions array")
            if c != k_dirs:
                raise ValueError(f"gradients has {c} columns: derivatives along the directions need k = {k_dirs}")
            if c == d and gradient_kind == "auto":
                raise ValueError(f"gradients of shape {G.shape} with a ({d}, {k_dirs}) directions array could be full "
                                 "gradients or directional derivatives: pass gradient_kind='full' or 'directional'")
            full = False
        else:
            if D_in is not None:
                raise ValueError(f"gradients has {c} columns: needs d = {d} (full gradients) or k = {k_dirs} "
                                 "(derivatives along the columns of directions)")
            raise ValueError(f"gradients has shape {G.shape}: directions={self.directions!r} needs the full "
                             f"gradients, shape (n, d) = ({n}, {d})")
        if full:
            pr.Gz = G * pr.scale / pr.y_scale  # the chain rule into z, in units of y_scale
            pr.kind = "full"
        else:
            pr.kind = "directional"
        if D_in is not None:
            # A direction D_in in x coordinates is D_in / s in z coordinates: D_in^T grad_x = (D_in / s)^T grad_z.
            pr.D = D_in / pr.scale[:, None]
            pr.L = (G @ D_in) / pr.y_scale if full else G / pr.y_scale
            pr.input_directions = D_in
            return
        name = "all" if self.directions == "auto" else self.directions
        if name == "all":
            if self.k is not None and self.k != d:
                raise ValueError(f"k = {self.k}: directions='all' means k = d = {d} (leave k as None)")
            pr.D = np.eye(d)
        else:
            k = 1 if self.k is None else int(self.k)
            if k > d:
                raise ValueError(f"k = {k} > d = {d}: at most d directions")
            if name == "random":
                pr.sketch = "random"
                pr.D, pr.L = None, None  # drawn after the features (random_state)
                pr.k_random = k
            else:
                pr.D = _principal_directions(pr.Gz, k)
        if pr.D is not None:
            pr.L = pr.Gz @ pr.D
            pr.input_directions = pr.D * pr.scale[:, None]

    def _metric_kind(self, pr):
        """'isotropic', 'gradient' or 'array' for this data ('auto': gradient with full gradients)."""
        if not isinstance(self.metric, str):
            return "array"
        if self.metric == "auto":
            return "gradient" if pr.Gz is not None else "isotropic"
        if self.metric == "gradient" and pr.Gz is None:
            raise ValueError("metric = 'gradient' needs the full gradients, shape (n, d), passed to fit")
        return self.metric

    def _metric_array(self, d):
        M = check_array(self.metric, dtype=np.float64, ensure_2d=False, input_name="metric")
        if M.ndim != 2 or M.shape != (d, d):
            raise ValueError(f"metric has shape {M.shape}: needs (d, d) = ({d}, {d})")
        if not np.allclose(M, M.T, rtol=1e-10, atol=1e-12 * np.max(np.abs(M))):
            raise ValueError("metric must be symmetric")
        vals = np.linalg.eigvalsh(0.5 * (M + M.T))
        if vals[0] < -1e-10 * max(vals[-1], 0) or not vals[-1] > 0:
            raise ValueError("metric must be positive semidefinite and nonzero")
        M = 0.5 * (M + M.T)
        return M / np.trace(M)

    def _auto_features(self, pr, k, workers, given=None):
        """n_features for this data: the given integer, or n (1 + k) clipped to [AUTO_MIN_FEATURES,
        AUTO_MAX_FEATURES]; either way checked against the memory budget before any allocation."""
        budget = _memory_budget(self.max_memory)
        fits = _largest_fitting(pr.n, pr.d, workers, budget)
        if self.n_features == "auto" and given is None:
            p = min(max(2 * pr.n * (1 + k), AUTO_MIN_FEATURES), AUTO_MAX_FEATURES)
            if p > fits:
                p = fits
            if p < 1:
                raise MemoryBudgetError(f"n_features = 'auto': no feature fits in the memory budget of "
                                  f"{budget / 2 ** 30:.3g} GiB at n = {pr.n}, d = {pr.d} (max_memory)")
            return p
        p = int(self.n_features if given is None else given)
        need = estimate_memory(pr.n, pr.d, p, workers)
        if need > budget:
            raise MemoryBudgetError(f"n_features = {p} needs about {need / 2 ** 30:.3g} GiB at n = {pr.n}, d = {pr.d} "
                              f"with {workers} concurrent task(s), over the budget of {budget / 2 ** 30:.3g} GiB "
                              f"(max_memory); the largest n_features that fits is {fits}")
        return p

    def _draws(self, rng, d, p):
        """The standard normal W (d, p) and the phases b (p,) of the features, from rng."""
        W = rng.standard_normal((d, p))
        if not self.bias:
            b = np.zeros(p)
        elif self.features == "fourier":
            b = rng.uniform(0.0, 2.0 * np.pi, p)
        else:
            b = rng.standard_normal(p)
        return W, b

    def fit_transform(self, X, y, **fit_params):
        """``fit(X, y, **fit_params)``, then :meth:`transform` of ``X``."""
        return self.fit(X, y, **fit_params).transform(X)

    # ---- predictions (a fitted plain estimator, or the CV's refit) ----------------------------------
    def _standardized(self, X):
        check_is_fitted(self)
        X = self._validate_data(X, dtype=np.float64, reset=False)
        return (X - self.mean_) / self.scale_


class SobolevRandomFeaturesRegressor(_SobolevBase):
    r"""Random-features ridge regression on function values and gradients, with features whose law
    can be learned from the gradients.

    In the standardised inputs :math:`z = (x - \mu) / \sigma_x` the model is

    .. math::

        f(x) = c + \sum_{j=1}^p w_j \, \phi(\langle \omega_j, z \rangle + b_j), \qquad
        \omega_j \sim N(0, s^2 M),

    with :math:`\phi = \cos`, :math:`b_j \sim U(0, 2\pi)` (``features="fourier"``: random Fourier
    features of a Gaussian kernel with covariance :math:`s^2 M`) or :math:`\phi` an activation of
    docs/model.md with :math:`b_j \sim N(0, 1)`. The metric :math:`M` has unit trace: ``"isotropic"``
    :math:`I/d` (then :math:`\omega_j = s\,\theta_j/\sqrt d` as in docs/model.md), ``"gradient"``
    :math:`C^a / \mathrm{tr}\, C^a` with :math:`C = \frac1n \sum_i \nabla_z y_i \nabla_z y_i^T` the
    gradients' outer-product matrix and :math:`a` = ``metric_power``, or a given matrix. The
    gradient metric is one step of feature learning from derivative data: the features vary along
    the directions in which the target varies (its active subspace), in proportion to
    :math:`C^{a/2}`.

    Given values :math:`y_i` and gradients, the weights minimise

    .. math::

        \frac1n \sum_{i=1}^n \Big[ (y_i - f(x_i))^2 + \beta \, \lvert D^T(\nabla_z y_i - \nabla_z
        f(x_i)) \rvert^2 \Big] + \lambda \lvert w \rvert^2

    (docs/model.md's training problem; the intercept :math:`c` is not penalised) along the
    :math:`k` directions :math:`D` (all :math:`d` by default). The gradient Gram is formed as
    :math:`(\Omega_D \Omega_D^T) \circ (S^T S)` with :math:`S_{ij} = \phi'(\cdot)` and
    :math:`\Omega_D = \Omega^T D` (numerics/hadamard_gram.hpp, C++, threads, the GIL released), so
    the :math:`n k` derivative rows are never stacked and the cost does not grow with :math:`k`;
    then one Cholesky factorisation of the :math:`p \times p` system. The result depends on
    ``random_state`` only, not on ``n_jobs``.

    Parameters
    ----------
    n_features : int or "auto", default="auto"
        :math:`p`. ``"auto"``: two features per label, :math:`2n(1 + k)`, at least 300 and at
        most 4000 (and what ``max_memory`` allows).
    features : str, default="fourier"
        ``"fourier"`` (cos with a uniform phase) or an activation of docs/model.md (``tanh``,
        ``relu``, ``erf``, ``sigmoid``, ``softplus``, ``linear``, ``he3``; ``sign`` for fits without
        gradients) with a random bias.
    metric : {"auto", "isotropic", "gradient"} or array of shape (d, d), default="auto"
        The metric :math:`M` of the feature law. ``"auto"``: ``"gradient"`` when full gradients are
        given, else ``"isotropic"``. An array is taken in the standardised coordinates (as
        ``feature_metric_``), symmetric positive semidefinite, rescaled to unit trace.
    metric_power : float, default=0.5
        :math:`a \ge 0` of the gradient metric (0: isotropic).
    scale : float, default=1.0
        :math:`s > 0`: the frequency scale (an inverse length scale in standardised units).
    directions : {"auto", "all", "random", "pca"} or array of shape (d, k), default="auto"
        The directions along which derivatives enter the loss. ``"auto"`` and ``"all"``: every
        input (:math:`k = d`). ``"random"``: :math:`k` (default 1) i.i.d. :math:`N(0, 1)` directions
        in the standardised coordinates (docs/model.md's sketch). ``"pca"``: the top-:math:`k`
        eigenvectors of :math:`C`. An array: directions in the input coordinates (the derivative
        along :math:`D_m` is :math:`D_m^T \nabla_x f`); then ``fit`` also accepts the
        derivatives along them, shape (n, k).
    k : int or None, default=None
        Number of directions for ``"random"`` and ``"pca"``; ``0``: the fit ignores the gradients in
        the loss (they may still shape the metric).
    beta : float, default=1.0
        :math:`\beta \ge 0`, the weight of the gradient term.
    lam : float, default=1e-8
        :math:`\lambda \ge 0`, the ridge on the mean loss of the standardised values (scaling y
        does not change the fit). ``0`` needs a full-rank system.
    bias : bool, default=True
        Random phases :math:`b_j`; without them cos features are even and tanh features odd.
    standardize : bool, default=True
        Centre and scale each input by its training mean and standard deviation (a constant input
        keeps scale 1); gradients follow by the chain rule, so raw inputs in physical units and
        their gradients can be passed as they are.
    fit_intercept : bool, default=True
        Fit the unpenalised constant :math:`c`.
    check_gradients : bool, default=True
        Refuse full gradients whose scale contradicts the values (see ``fit``).
    max_memory : float or None, default=None
        Memory budget in GiB for the fit (None: half the available memory); checked before any
        allocation.
    random_state : int, RandomState instance or None, default=None
        Draws :math:`\Omega` (as :math:`s M^{1/2} W` with a standard normal :math:`W`), the phases
        and, for ``"random"``, the directions.
    n_jobs : int or None, default=None
        Threads of the C++ Gram kernel (None, -1: all cores). Results do not depend on it.

    Attributes
    ----------
    coef_ : ndarray (n_features_,)
        The weights :math:`w` (in the units of y).
    intercept_ : float
    omega_ : ndarray (n_features_in_, n_features_)
        :math:`\Omega = [\omega_1 \dots \omega_p]` in the standardised coordinates.
    phases_ : ndarray (n_features_,)
        :math:`b`.
    feature_metric_ : ndarray (n_features_in_, n_features_in_)
        :math:`M` (unit trace, standardised coordinates).
    n_features_ : int
    mean_, scale_ : ndarray (n_features_in_,)
        The input standardisation.
    k_ : int
        Number of derivative directions in the loss (0: values only).
    directions_, standardized_directions_ : ndarray (n_features_in_, k_) or None
        The directions in the input and in the standardised coordinates.
    train_f_, train_g_ : float
        :math:`\frac1n\sum_i (y_i - f(x_i))^2` and :math:`\frac1n\sum_i \lvert D^T(\nabla_z y_i -
        \nabla_z f(x_i))\rvert^2` (without :math:`\beta`; 0 without gradients).
    n_features_in_ : int
    feature_names_in_ : ndarray
        Only when X has string feature names.

    Notes
    -----
    Without gradients this is ridge regression on :meth:`transform`: scikit-learn's
    ``Ridge(alpha=n * lam)`` on the features of the standardised problem. In a ``Pipeline`` after a
    scaler, pass the gradients with respect to what the estimator sees (``G * scaler.scale_`` for a
    ``StandardScaler``); with ``standardize=True`` (the default) no scaler is needed. In a
    ``GridSearchCV``, ``fit(X, y, gradients=G)`` splits ``G`` with the samples, and the gradient
    metric of each fold is computed from that fold's gradients only.
    """

    def __init__(self, n_features="auto", features="fourier", metric="auto", metric_power=0.5, scale=1.0,
                 directions="auto", k=None, beta=1.0, lam=1e-8, bias=True, standardize=True, fit_intercept=True,
                 check_gradients=True, max_memory=None, random_state=None, n_jobs=None):
        self.n_features = n_features
        self.features = features
        self.metric = metric
        self.metric_power = metric_power
        self.scale = scale
        self.directions = directions
        self.k = k
        self.beta = beta
        self.lam = lam
        self.bias = bias
        self.standardize = standardize
        self.fit_intercept = fit_intercept
        self.check_gradients = check_gradients
        self.max_memory = max_memory
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y, gradients=None, *, gradient_kind="auto"):
        """Fit the weights.

        Parameters
        ----------
        X : array-like (n_samples, d)
        y : array-like (n_samples,)
        gradients : array-like (n_samples, d) or (n_samples, k), default=None
            Full gradients :math:`\\nabla_x y_i` in the units of X, or, with a (d, k) ``directions``
            array, the derivatives along its columns. None: values only. With
            ``check_gradients`` (default), full gradients whose nearest-neighbour secants show them
            off by a factor of more than 4 (e.g. in other units) are refused with a ValueError.
        gradient_kind : {"auto", "full", "directional"}, default="auto"
            How to read ``gradients`` when a (d, d) ``directions`` array makes the shapes equal.

        Returns
        -------
        self
        """
        self._check_common()
        for name in ("metric_power", "beta", "lam"):
            _check_real(name, getattr(self, name))
        _check_real("scale", self.scale, 0.0, low_open=True)
        pr, X, y, G = self._prepare(X, y, gradients, gradient_kind)
        self._fit_problem(pr)
        return self

    def _fit_problem(self, pr, power=None):
        d = pr.d
        k_loss = pr.L.shape[1] if pr.sketch is None else pr.k_random
        if self.features == "sign" and k_loss > 0 and self.beta > 0:
            raise ValueError("features = 'sign' has no useful derivative (it vanishes almost everywhere): "
                             "fit it without gradients, with k = 0 or with other features")
        p = self._auto_features(pr, k_loss, 1)
        rng = check_random_state(self.random_state)
        W, b = self._draws(rng, d, p)
        if pr.sketch == "random":
            pr.D = rng.standard_normal((d, pr.k_random))
            pr.L = pr.Gz @ pr.D
            pr.input_directions = pr.D * pr.scale[:, None]
        kind = self._metric_kind(pr)
        if kind == "array":
            M = self._metric_array(d)
            R = _metric_root(M)
        elif kind == "gradient":
            M, R = _metric_and_root(pr.Gz, float(self.metric_power if power is None else power))
        else:
            M, R = np.eye(d) / d, np.eye(d) / math.sqrt(d)
        omega = float(self.scale) * R @ W
        threads = _threads(self.n_jobs)
        with _single_threaded_blas():
            Phi, S = _features(pr.Z, omega, b, self.features, derivative=pr.L.shape[1] > 0)
            w, c, train_f, train_g = _solve(Phi, S, pr.yz, pr.L, omega.T @ pr.D, float(self.beta), float(self.lam),
                                            self.fit_intercept, threads)
        self.coef_ = w * pr.y_scale
        self.intercept_ = float(pr.y_mean + c * pr.y_scale)
        self.omega_, self.phases_, self.feature_metric_ = omega, b, M
        self.n_features_ = p
        self.mean_, self.scale_ = pr.mean, pr.scale
        self.k_ = int(pr.L.shape[1])
        self.directions_ = pr.input_directions if self.k_ else None
        self.standardized_directions_ = pr.D if self.k_ else None
        self.train_f_ = train_f * pr.y_scale ** 2
        self.train_g_ = train_g * pr.y_scale ** 2
        self.metric_kind_ = kind
        return self

    # ---- predictions ------------------------------------------------------------------------------
    def predict(self, X):
        """:math:`f(x)`, shape (n_samples,)."""
        Z = self._standardized(X)
        with _single_threaded_blas():
            Phi, _ = _features(Z, self.omega_, self.phases_, self.features, derivative=False)
            return Phi @ self.coef_ + self.intercept_

    def predict_gradient(self, X):
        """:math:`\\nabla_x f(x) = \\big(\\sum_j w_j \\phi'(\\cdot)\\, \\omega_j\\big) / \\sigma_x`
        (the chain rule through the standardisation), shape (n_samples, d)."""
        Z = self._standardized(X)
        with _single_threaded_blas():
            _, S = _features(Z, self.omega_, self.phases_, self.features, derivative=True)
            return (S * self.coef_) @ self.omega_.T / self.scale_

    def transform(self, X):
        """The features :math:`\\phi(\\langle \\omega_j, z\\rangle + b_j)`, shape (n_samples, n_features_)."""
        Z = self._standardized(X)
        with _single_threaded_blas():
            return _features(Z, self.omega_, self.phases_, self.features, derivative=False)[0]



def _solve(Phi, S, yz, L, omega_D, beta, lam, fit_intercept, threads):
    """The normal equations (Fc^T Fc + beta K o S^T S + n lam I) w = Fc^T yc + beta sum_i s_i o
    (omega_D L_i), K = omega_D omega_D^T, Fc the centred features (with an intercept: only the
    function rows are centred, the constant has no gradient); one Cholesky factorisation.
    Returns (w, c, train_f, train_g) in the standardised units."""
    n, p = Phi.shape
    k = L.shape[1]
    mu = Phi.mean(axis=0) if fit_intercept else np.zeros(p)
    ybar = float(yz.mean()) if fit_intercept else 0.0
    Fc = Phi - mu
    A = Fc.T @ Fc
    r = Fc.T @ (yz - ybar)
    use_g = k > 0 and beta > 0
    if use_g:
        Sf = np.asfortranarray(S)
        A += _core.hadamard_gram(Sf, omega_D @ omega_D.T, beta, threads)
        r += _core.hadamard_rhs(Sf, np.asfortranarray(omega_D), np.asfortranarray(L), beta, threads)
    A[np.diag_indices_from(A)] += n * lam
    from scipy.linalg import LinAlgError, cho_factor, cho_solve, eigh
    try:
        w = cho_solve(cho_factor(A, lower=True, check_finite=False), r, check_finite=False)
    except LinAlgError:
        w = None
    if w is None or not np.all(np.isfinite(w)):
        # Near the roundoff floor Cholesky may stop on a tiny pivot: the eigendecomposition (as
        # the CV uses) still solves the system while n lam exceeds p eps |A|.
        A[np.diag_indices_from(A)] -= n * lam
        ev, V = eigh(A, check_finite=False)
        shifted = ev + n * lam
        if not shifted[0] > _floor(ev, p):
            raise ValueError(f"lam = {lam!r}: the normal equations are not numerically positive definite; "
                             "a design without full rank needs a larger lam")
        w = V @ ((V.T @ r) / shifted)
    c = ybar - float(mu @ w)
    train_f = float(np.mean((Phi @ w + c - yz) ** 2))
    train_g = 0.0
    if k > 0:
        # |L_i - omega_D^T (s_i o w)|^2 summed, without forming the n k residuals at once.
        R = L - (S * w) @ omega_D
        train_g = float(np.sum(R * R) / n)
    return w, c, train_f, train_g


def _floor(ev, size):
    """The smallest n lam that a ridge solve by eigendecomposition resolves: size * eps * the
    largest eigenvalue (below it the roundoff of the small eigenvalues dominates the shift)."""
    return size * np.finfo(float).eps * max(float(ev[-1]), 0.0)


# ---- cross-validation -------------------------------------------------------------------------------


class _Law:
    """One feature law of the search: the metric power (None for an isotropic or a given metric)
    and the scale."""

    def __init__(self, power, scale):
        self.power, self.scale = power, scale

    def key(self):
        return (self.power, self.scale)


def _fold_scores(task):
    """Held-out sums of squared errors of the values, shape (len(betas), len(lams)), of one fold
    under one feature law, for every beta and lam: per beta one eigendecomposition, the whole lam
    path from it (inf below the roundoff floor)."""
    (pr, train, test, W, b, law, betas, lams, ctx) = task
    from scipy.linalg import eigh
    d = pr.d
    Z, Gz, D, L = _fold_view(pr, train, ctx["standardize"], ctx["D_random"], ctx["pca_k"])
    if ctx["metric_kind"] == "gradient":
        R = _metric_and_root(Gz[train], law.power)[1]
    elif ctx["metric_kind"] == "array":
        R = ctx["metric_root"]
    else:
        R = np.eye(d) / math.sqrt(d)
    omega = law.scale * R @ W
    use_g = L.shape[1] > 0 and any(beta > 0 for beta in betas)
    Phi, S = _features(Z, omega, b, ctx["features"], derivative=use_g)
    n_t, p = len(train), Phi.shape[1]
    Ft = Phi[train]
    mu = Ft.mean(axis=0) if ctx["fit_intercept"] else np.zeros(p)
    yt = pr.yz[train]
    ybar = float(yt.mean()) if ctx["fit_intercept"] else 0.0
    Fc, yc = Ft - mu, yt - ybar
    Pv, yv = Phi[test] - mu, pr.yz[test]
    lams = np.asarray(lams)
    out = np.full((len(betas), len(lams)), np.inf)
    F_gram = None
    for ib, beta in enumerate(betas):
        if beta == 0 or not use_g:
            if n_t < p:  # values only: the n_t x n_t kernel form is the smaller eigenproblem
                ev, U = eigh(Fc @ Fc.T, check_finite=False)
                B, q, size = (Pv @ Fc.T) @ U, U.T @ yc, n_t
            else:
                F_gram = Fc.T @ Fc if F_gram is None else F_gram
                ev, V = eigh(F_gram, check_finite=False)
                B, q, size = Pv @ V, V.T @ (Fc.T @ yc), p
        else:
            F_gram = Fc.T @ Fc if F_gram is None else F_gram
            St = np.asfortranarray(S[train])
            omega_D = np.asfortranarray(omega.T @ D)
            A = F_gram + _core.hadamard_gram(St, omega_D @ omega_D.T, beta, 1)
            r = Fc.T @ yc + _core.hadamard_rhs(St, omega_D, np.asfortranarray(L[train]), beta, 1)
            ev, V = eigh(A, check_finite=False)
            B, q, size = Pv @ V, V.T @ r, p
        # A shift is resolved where every shifted eigenvalue clears the roundoff of the largest
        # (a full-rank system needs no ridge at all; a rank-deficient one needs n lam above it).
        floor = _floor(ev, size)
        for il, lam in enumerate(lams):
            if not ev[0] + n_t * lam > floor:
                continue
            pred = B @ (q / (ev + n_t * lam)) + ybar
            out[ib, il] = float(np.sum((pred - yv) ** 2))
    return out


class SobolevRandomFeaturesRegressorCV(_SobolevBase):
    r""":class:`SobolevRandomFeaturesRegressor` with built-in cross-validation of the ridge
    :math:`\lambda`, the gradient weight :math:`eta` (0 included: the values-only fit is a
    candidate, so the gradients never make the CV error worse), the frequency scale :math:`s` and
    the power :math:`a` of the gradient metric, then one refit on all the data.

    Efficient as ``RidgeCV``: per fold, :math:`eta` and feature law one eigendecomposition of the
    :math:`p 	imes p` normal equations (for :math:`eta = 0` the smaller :math:`n 	imes n`
    kernel form), and the whole :math:`\lambda` path from it. The gradient metric of each fold is
    computed from that fold's training gradients only (no leakage into the held-out error). The
    folds run in ``n_jobs`` threads, each with single-threaded BLAS: the result depends on
    ``random_state`` and ``cv`` only.

    The search (``search="staged"``): every scale at ``a = 0`` and ``beta = 0`` (the isotropic
    values-only fits, cheap); every scale at the middle power (0.5) with ``beta`` 0 and 1; every
    power at the best scale; every ``beta`` at the best feature law. ``search="grid"``: the full
    product (``len(metric_powers) * len(scales) * len(betas)`` eigendecompositions per fold).

    Parameters
    ----------
    n_features, features, metric, directions, k, bias, standardize, fit_intercept, check_gradients,
    max_memory, random_state, n_jobs
        As :class:`SobolevRandomFeaturesRegressor`. ``n_features="auto"``: the refit uses
        :math:`2n(1+k)` features, between 300 and 4000, within ``max_memory``; the CV scores the
        candidates with at most 1000 of them (``n_features_search_``), which bounds its cost, and
        keeps their lam for the refit (more features at the same lam only lower the error on the
        benchmark functions). An integer: that many in both.
    metric_powers : sequence of float, default=(0, 0.25, 0.5, 1)
        Candidate powers of the gradient metric (0: isotropic); used with the gradient metric.
    scales : sequence of float, default=(0.125, 0.25, 0.5, 1, 2)
        Candidate scales :math:`s`.
    betas : sequence of float, default=(0, 0.01, 0.1, 1, 10, 100)
        Candidate gradient weights.
    lams : sequence of float, default=27 values from 1e-12 to 10 (log-spaced)
        The ridge path. Values below the roundoff floor of a fold (``n lam < p eps |A|``) are not
        scored there.
    cv : int, cross-validation generator or iterable, default=5
        As scikit-learn's ``cv`` (an int: ``KFold(cv, shuffle=True)`` seeded from
        ``random_state``).
    search : {"staged", "grid"}, default="staged"
    progress : bool or None, default=None
        A progress bar (tqdm): None shows one in a notebook or a terminal, not in a pipe.

    Attributes
    ----------
    best_params_ : dict
        ``metric_power`` (None without a gradient metric), ``scale``, ``beta``, ``lam``.
    best_score_ : float
        The best mean held-out score, minus the mean squared error of the values.
    cv_results_ : dict of ndarrays
        One entry per scored candidate, as ``GridSearchCV``'s: ``params``, ``param_metric_power``,
        ``param_scale``, ``param_beta``, ``param_lam``, ``split{i}_test_score``,
        ``mean_test_score``, ``std_test_score``, ``rank_test_score`` (scores: minus the MSE).
    best_estimator_ : SobolevRandomFeaturesRegressor
        The refit on all the data; predictions go through it.
    coef_, intercept_, omega_, phases_, feature_metric_, n_features_, k_, mean_, scale_
        Those of ``best_estimator_``.
    n_splits_ : int
    n_features_search_ : int
        The features of the CV's candidates.
    refit_time_ : float
        Seconds of the refit (the rest of ``fit`` is the search).
    """

    def __init__(self, n_features="auto", features="fourier", metric="auto", metric_powers=DEFAULT_POWERS,
                 scales=DEFAULT_SCALES, betas=DEFAULT_BETAS, lams=DEFAULT_LAMS, cv=5, search="staged",
                 directions="auto", k=None, bias=True, standardize=True, fit_intercept=True, check_gradients=True,
                 max_memory=None, progress=None, random_state=None, n_jobs=None):
        self.n_features = n_features
        self.features = features
        self.metric = metric
        self.metric_powers = metric_powers
        self.scales = scales
        self.betas = betas
        self.lams = lams
        self.cv = cv
        self.search = search
        self.directions = directions
        self.k = k
        self.bias = bias
        self.standardize = standardize
        self.fit_intercept = fit_intercept
        self.check_gradients = check_gradients
        self.max_memory = max_memory
        self.progress = progress
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y, gradients=None, *, gradient_kind="auto"):
        """Cross-validate, then refit the best candidate on all the data (arguments as
        :meth:`SobolevRandomFeaturesRegressor.fit`)."""
        self._check_common()
        powers = _check_grid("metric_powers", self.metric_powers)
        scales = _check_grid("scales", self.scales, 0.0, low_open=True)
        betas = _check_grid("betas", self.betas)
        lams = _check_grid("lams", self.lams)
        if not isinstance(self.search, str) or self.search not in _SEARCHES:
            raise ValueError(f"search = {self.search!r}: must be one of {', '.join(_SEARCHES)}")
        if self.progress is not None and not isinstance(self.progress, (bool, np.bool_)):
            raise TypeError(f"progress = {self.progress!r}: must be None, True or False")
        pr, X, y, G = self._prepare(X, y, gradients, gradient_kind)
        if _is_int(self.cv) and not 2 <= self.cv <= pr.n:
            raise ValueError(f"cv = {self.cv}: needs 2 <= cv <= n_samples = {pr.n}")
        rs = check_random_state(self.random_state)
        seed = int(rs.randint(np.iinfo(np.int32).max))
        splitter = KFold(self.cv, shuffle=True, random_state=seed) if _is_int(self.cv) else check_cv(self.cv)
        folds = [(np.asarray(tr), np.asarray(te)) for tr, te in splitter.split(X, y)]
        self.n_splits_ = len(folds)
        threads = _threads(self.n_jobs)
        workers = max(1, min(threads, len(folds)))
        k_loss = pr.L.shape[1] if pr.sketch is None else pr.k_random
        p_refit = self._auto_features(pr, k_loss, 1)
        p = min(p_refit, CV_MAX_FEATURES) if self.n_features == "auto" else p_refit
        self._auto_features(pr, k_loss, workers, p)  # the memory of the concurrent folds
        draws = np.random.RandomState(seed)
        W, b = self._draws(draws, pr.d, p)
        D_random = draws.standard_normal((pr.d, pr.k_random)) if pr.sketch == "random" else None
        pca_k = pr.D.shape[1] if pr.mode == "pca" else 0
        metric_kind = self._metric_kind(pr)
        ctx = dict(metric_kind=metric_kind,
                   metric_root=_metric_root(self._metric_array(pr.d)) if metric_kind == "array" else None,
                   D_random=D_random, pca_k=pca_k, features=self.features, fit_intercept=self.fit_intercept,
                   standardize=self.standardize)
        if k_loss == 0:
            betas = [0.0]
        if self.features == "sign":
            betas = [0.0]
        if metric_kind != "gradient":
            powers = [None]
        scores = {}  # (power, scale, beta) -> (folds, lams) squared errors

        def run(laws, beta_list, bar):
            todo = []
            for law in laws:
                need = [beta for beta in beta_list if (law.power, law.scale, beta) not in scores]
                if need:
                    todo.append((law, need))
            tasks = [(pr, tr, te, W, b, law, need, lams, ctx) for law, need in todo for tr, te in folds]
            if not tasks:
                return
            with _single_threaded_blas(), concurrent.futures.ThreadPoolExecutor(workers) as pool:
                results = []
                for r in pool.map(_fold_scores, tasks):
                    results.append(r)
                    if bar is not None:
                        bar.update(1)
            i = 0
            for law, need in todo:
                block = np.stack(results[i:i + len(folds)])  # (folds, betas, lams)
                i += len(folds)
                for ib, beta in enumerate(need):
                    scores[(law.power, law.scale, beta)] = block[:, ib, :]

        def best(filter_fn=lambda key: True):
            cands = [(self._cv_mse(v, folds), key) for key, v in scores.items() if filter_fn(key)]
            cands = [(float(np.min(m)), key) for m, key in cands]
            return min(cands, key=lambda t: t[0])[1]

        from .api import _progress
        make_bar = _progress(self.progress)
        plan = self._plan(powers, scales, betas)
        bar = make_bar(plan["tasks"] * len(folds), "cross-validation") if make_bar else None
        try:
            if self.search == "grid":
                run([_Law(a, s) for a in powers for s in scales], betas, bar)
            else:
                zero = [beta for beta in betas if beta == 0]
                pos = [beta for beta in betas if beta > 0]
                beta0 = plan["beta0"]
                first = [beta for beta in betas if beta == 0 or beta == beta0]
                if metric_kind == "gradient" and 0.0 in powers and zero:
                    run([_Law(0.0, s) for s in scales], zero, bar)
                a0 = plan["a0"]
                run([_Law(a0, s) for s in scales], first, bar)
                s_best = best(lambda key: key[0] == a0)[1]
                run([_Law(a, s_best) for a in powers], first, bar)
                a_best, s_best, _ = best(lambda key: key[1] == s_best)
                run([_Law(a_best, s_best)], pos + zero, bar)
        finally:
            if bar is not None:
                bar.close()
        self._record(scores, folds, lams, pr)
        a_best, s_best, beta_best = best()
        il = int(np.argmin(self._cv_mse(scores[(a_best, s_best, beta_best)], folds)))
        self.best_params_ = dict(metric_power=a_best, scale=s_best, beta=beta_best, lam=lams[il])
        self.best_score_ = -float(self._cv_mse(scores[(a_best, s_best, beta_best)], folds)[il]) * pr.y_scale ** 2
        metric = {"gradient": "gradient", "isotropic": "isotropic", "array": self.metric}[metric_kind]
        t_refit = time.perf_counter()
        est = SobolevRandomFeaturesRegressor(
            n_features=p_refit, features=self.features, metric=metric, metric_power=0.0 if a_best is None else a_best,
            scale=s_best, directions=self.directions, k=self.k, beta=beta_best, lam=lams[il], bias=self.bias,
            standardize=self.standardize, fit_intercept=self.fit_intercept, check_gradients=False,
            max_memory=self.max_memory, random_state=seed, n_jobs=self.n_jobs)
        est.fit(X, y, gradients=G, gradient_kind=gradient_kind)
        self.refit_time_ = time.perf_counter() - t_refit
        self.n_features_search_ = p
        self.best_estimator_ = est
        for name in ("coef_", "intercept_", "omega_", "phases_", "feature_metric_", "n_features_", "k_", "mean_",
                     "scale_", "directions_", "standardized_directions_"):
            setattr(self, name, getattr(est, name))
        return self

    @staticmethod
    def _cv_mse(block, folds):
        """Mean held-out MSE over all held-out points, per lam (inf where a fold could not score)."""
        return np.sum(block, axis=0) / sum(len(te) for _, te in folds)

    def _plan(self, powers, scales, betas):
        pos = [beta for beta in betas if beta > 0]
        beta0 = (1.0 if 1.0 in pos else pos[len(pos) // 2]) if pos else None
        a0 = 0.5 if 0.5 in powers else powers[len(powers) // 2]
        if self.search == "grid":
            return dict(tasks=len(powers) * len(scales), beta0=beta0, a0=a0)
        return dict(tasks=2 * len(scales) + len(powers) + 1, beta0=beta0, a0=a0)

    def _record(self, scores, folds, lams, pr):
        rows = []
        for (a, s, beta), block in scores.items():
            for il, lam in enumerate(lams):
                per_fold = block[:, il] / np.array([len(te) for _, te in folds]) * pr.y_scale ** 2
                rows.append((a, s, beta, lam, per_fold, self._cv_mse(block, folds)[il] * pr.y_scale ** 2))
        res = {"params": [dict(metric_power=a, scale=s, beta=beta, lam=lam) for a, s, beta, lam, _, _ in rows]}
        for name, j in (("metric_power", 0), ("scale", 1), ("beta", 2), ("lam", 3)):
            res[f"param_{name}"] = np.ma.MaskedArray([r[j] for r in rows], dtype=object)
        for i in range(len(folds)):
            res[f"split{i}_test_score"] = np.array([-r[4][i] for r in rows])
        mean = np.array([-r[5] for r in rows])
        res["mean_test_score"] = mean
        res["std_test_score"] = np.array([np.std(r[4]) if np.all(np.isfinite(r[4])) else np.inf for r in rows])
        order = np.argsort(-np.where(np.isfinite(mean), mean, -np.inf), kind="stable")
        rank = np.empty(len(rows), dtype=np.int32)
        rank[order] = np.arange(1, len(rows) + 1)
        res["rank_test_score"] = rank
        self.cv_results_ = res

    # ---- predictions through the refit ---------------------------------------------------------
    def predict(self, X):
        check_is_fitted(self)
        return self.best_estimator_.predict(X)

    def predict_gradient(self, X):
        """:math:`\nabla_x f(x)` of the refit, shape (n_samples, d)."""
        check_is_fitted(self)
        return self.best_estimator_.predict_gradient(X)

    def transform(self, X):
        """The features of the refit, shape (n_samples, n_features_)."""
        check_is_fitted(self)
        return self.best_estimator_.transform(X)


# ---- should I use my gradients? ----------------------------------------------------------------------


class Advice:
    """What :func:`advise` found; ``print(advice)`` gives the summary, ``advice.figure`` the plot.

    Attributes: ``cv_mse_without``, ``cv_mse_with`` (held-out MSE of the values, tuned without and
    with the gradients), ``gain`` (their ratio, > 1: the gradients help), ``interval`` (the 2.5 and
    97.5 percentiles of the gain over fold-bootstrap resamples), ``fold_mse_without``,
    ``fold_mse_with`` (per fold), ``params_without``, ``params_with``, ``metric`` (the learned
    feature metric, unit trace, in the standardised inputs), ``metric_eigenvalues``, ``verdict``,
    ``estimator`` (the fitted SobolevRandomFeaturesRegressorCV), ``figure``."""

    def __repr__(self):
        lo, hi = self.interval
        return (f"{self.verdict}\n  CV MSE without gradients {self.cv_mse_without:.4g}, with gradients {self.cv_mse_with:.4g}"
                f" (gain {self.gain:.3g}, 95% fold-bootstrap interval [{lo:.3g}, {hi:.3g}])\n"
                f"  without: {self.params_without}\n  with:    {self.params_with}\n"
                f"  metric eigenvalues (unit trace): {np.array2string(self.metric_eigenvalues, precision=3)}")


def advise(X, y, gradients, *, cv=5, n_bootstrap=2000, plot=True, random_state=0, **cv_params):
    """Should I train on my gradients? Cross-validates :class:`SobolevRandomFeaturesRegressorCV` on
    the user's data and compares, on the same folds, the best candidate that ignores the gradients
    (isotropic features, ``beta = 0``) with the best overall (the gradient metric and ``beta``
    tuned), by their held-out MSE of the values.

    The gain is ``cv_mse_without / cv_mse_with``; its interval resamples the folds with replacement
    (``n_bootstrap`` times, the two candidates fixed). Both errors come from one search, so the
    candidate with gradients is chosen from more options: a gain within its interval of 1 is no
    evidence that the gradients help.

    Returns an :class:`Advice`, with a matplotlib figure when ``plot`` (the CV error against lam
    for both candidates; the gain's bootstrap distribution; the learned metric).
    """
    est = SobolevRandomFeaturesRegressorCV(cv=cv, random_state=random_state, **cv_params)
    est.fit(X, y, gradients=gradients)
    res = est.cv_results_
    n_splits = est.n_splits_
    folds = np.array([[-res[f"split{i}_test_score"][j] for i in range(n_splits)] for j in range(len(res["params"]))])
    mean = -res["mean_test_score"]
    plain = np.array([(p["beta"] == 0 and (p["metric_power"] in (None, 0.0))) for p in res["params"]])
    if not plain.any():
        raise ValueError("advise needs the values-only candidate: include 0 in betas (and in metric_powers)")
    j_without = int(np.flatnonzero(plain)[np.argmin(mean[plain])])
    j_with = res["params"].index(est.best_params_)
    a = Advice()
    a.estimator = est
    a.cv_mse_without, a.cv_mse_with = float(mean[j_without]), float(mean[j_with])
    a.fold_mse_without, a.fold_mse_with = folds[j_without], folds[j_with]
    a.params_without, a.params_with = res["params"][j_without], res["params"][j_with]
    a.gain = a.cv_mse_without / a.cv_mse_with
    rng = np.random.default_rng(random_state if _is_int(random_state) else None)
    pick = rng.integers(0, n_splits, size=(n_bootstrap, n_splits))
    boot = folds[j_without][pick].mean(axis=1) / folds[j_with][pick].mean(axis=1)
    a.bootstrap = boot
    a.interval = (float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5)))
    a.metric = est.feature_metric_  # the refit is the best candidate overall: the one with gradients
    vals = np.sort(np.linalg.eigvalsh(a.metric))[::-1]
    a.metric_eigenvalues = np.where(np.abs(vals) > METRIC_CUTOFF * vals[0], vals, 0.0)  # roundoff shown as 0
    if a.interval[0] > 1:
        a.verdict = f"Use your gradients: they lower the CV error {a.gain:.3g}-fold."
    elif a.interval[1] < 1:
        a.verdict = f"Ignore your gradients: the fit without them has {1 / a.gain:.3g} times lower CV error."
    else:
        a.verdict = "No clear difference: the gain's interval contains 1."
    a.figure = _advice_figure(a, res, n_splits) if plot else None
    return a


def _advice_figure(a, res, n_splits):
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    ax = axes[0]
    for j_best, label, color in ((a.params_without, "without gradients", "tab:gray"),
                                 (a.params_with, "with gradients", "tab:purple")):
        key = (j_best["metric_power"], j_best["scale"], j_best["beta"])
        rows = [i for i, p in enumerate(res["params"]) if (p["metric_power"], p["scale"], p["beta"]) == key]
        lams = np.array([res["params"][i]["lam"] for i in rows])
        mse = -res["mean_test_score"][rows]
        ok = np.isfinite(mse)
        ax.loglog(lams[ok], mse[ok], marker="o", ms=3, color=color, label=label)
    ax.set_xlabel("lam")
    ax.set_ylabel("CV MSE of the values")
    ax.set_title("CV error along the ridge path")
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.hist(a.bootstrap, bins=40, color="tab:purple", alpha=0.7)
    ax.axvline(1.0, color="k", lw=1)
    ax.axvline(a.gain, color="tab:red", lw=1.5, label=f"gain {a.gain:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("gain = MSE without / MSE with gradients")
    ax.set_title(f"fold bootstrap ({n_splits} folds)")
    ax.legend(fontsize=8)
    ax = axes[2]
    im = ax.imshow(a.metric, cmap="RdBu_r", vmin=-np.max(np.abs(a.metric)), vmax=np.max(np.abs(a.metric)))
    ax.set_title("learned feature metric M")
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    plt.close(fig)
    return fig
