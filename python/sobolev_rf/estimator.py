r"""A scikit-learn regressor for random features trained on function values and gradients
("Sobolev training"): the model of docs/model.md fitted to the user's data, by the same exact
stacked ridge solve as the simulator (C++: simulation/random_features_fit.hpp).

    from sobolev_rf import SobolevRandomFeaturesRegressor
    est = SobolevRandomFeaturesRegressor(n_features=1000, directions="all", lam=1e-4)
    est.fit(X, y, gradients=G)          # G[i] = grad f(X[i]), shape (n, d)
    est.predict(X_new), est.predict_gradient(X_new)
"""
import numbers

import numpy as np

from . import _core

try:
    from sklearn.base import BaseEstimator, RegressorMixin
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils import check_array, check_random_state
    from sklearn.utils.validation import check_is_fitted
except ImportError as _missing:  # scikit-learn is optional: the rest of the package works without it
    _SKLEARN_MISSING = _missing

    class BaseEstimator:
        def __new__(cls, *args, **kwargs):
            raise ImportError(f"{cls.__name__} needs scikit-learn (Debian: python3-sklearn)") from _SKLEARN_MISSING

    class RegressorMixin:
        pass

_DIRECTION_NAMES = ("random", "all", "pca")
_GRADIENT_KINDS = ("auto", "full", "directional")


# RegressorMixin before BaseEstimator, as scikit-learn asks of mixins (its tags and estimator type
# then take precedence); the class is a BaseEstimator and a RegressorMixin either way.
class SobolevRandomFeaturesRegressor(RegressorMixin, BaseEstimator):
    r"""Random-features ridge regression trained on function values and (sketched) gradients.

    The model is :math:`f(x) = c + \sum_{j=1}^p w_j \sigma(h_j(x))` with
    :math:`h(x) = \Theta^T z(x) / \sqrt{d}`, fixed random features
    :math:`\Theta \in \mathbb{R}^{d \times p}` with i.i.d. :math:`N(0, 1)` entries, and
    :math:`z(x) = (x - \mu) / s` the standardised input (:math:`\mu = 0`, :math:`s = 1` with
    ``standardize=False``). Given values :math:`y_i` and derivatives :math:`g_i \in \mathbb{R}^k`
    along :math:`k` directions :math:`D = [D_1 \dots D_k]` (in the standardised coordinates),

    .. math::

        (\hat w, \hat c) = \arg\min_{w, c} \frac{1}{n} \sum_{i=1}^n \Big[ (y_i - f(x_i))^2
            + \beta \, \lvert g_i - D^T \nabla_z f(x_i) \rvert^2 \Big] + \lambda \lvert w \rvert^2,

    where :math:`D^T \nabla_z f(x) = \sum_j w_j \sigma'(h_j(x)) \zeta_j`,
    :math:`\zeta = D^T \Theta / \sqrt{d}`. This is docs/model.md's training problem (the loss
    averaged over :math:`n`, no factor 1/2; the intercept :math:`c` is not penalised). Without
    gradients, with ``k = 0`` or ``beta = 0`` it is the L2 fit: scikit-learn's
    ``Ridge(alpha=n * lam)`` on :meth:`transform`. The solve is exact: one Cholesky factorisation
    of the primal :math:`p \times p` normal equations or of the dual
    :math:`n(1+k) \times n(1+k)` system, whichever is smaller, in C++ with the GIL released;
    the result depends on ``random_state`` only (not on the thread count), bit for bit.

    Parameters
    ----------
    n_features : int, default=1000
        Number of random features :math:`p`.
    activation : str, default="tanh"
        :math:`\sigma`: ``tanh``, ``relu``, ``erf``, ``sigmoid``, ``softplus``, ``linear``, ``he3``
        (docs/model.md), or ``sign`` (L2 fits only: its derivative vanishes almost everywhere).
    k : int or None, default=None
        Number of gradient directions. ``None``: 1 for ``"random"`` and ``"pca"``, :math:`d` for
        ``"all"``, the columns of a given array. ``0``: the L2 fit (gradients are ignored).
        At most :math:`d`.
    directions : {"random", "all", "pca"} or array of shape (d, k), default="random"
        The directions :math:`D` along which gradients enter the loss.

        - ``"random"``: i.i.d. :math:`N(0, 1)` entries, drawn from ``random_state`` in the
          standardised coordinates: docs/model.md's sketch (:math:`\lvert D_m \rvert \approx
          \sqrt{d}`, so that :math:`\lvert D_m^T \nabla f\rvert^2 \approx \lvert\nabla f\rvert^2`).
        - ``"all"``: the identity, :math:`k = d`: the full (standardised) gradient,
          :math:`\lvert \nabla_z f \rvert^2 = \sum_i s_i^2 (\partial f / \partial x_i)^2`.
        - ``"pca"``: the top-:math:`k` eigenvectors (unit norm) of the uncentred second moment
          :math:`\frac{1}{n} \sum_i \nabla_z f(x_i) \nabla_z f(x_i)^T` of the training gradients
          (the active subspace; a data-driven informed direction). Needs full gradients.
        - an array of shape (d, k): directions in the original input coordinates (the
          derivative along :math:`D_m` is :math:`D_m^T \nabla_x f`).
    beta : float, default=1.0
        Weight :math:`\beta \ge 0` of the gradient term (0: the L2 fit; the gradient training
        error is still measured).
    lam : float, default=1e-3
        Ridge :math:`\lambda \ge 0` on the mean loss (docs/model.md's lambda): the L2 fit equals
        ``Ridge(alpha=n * lam)``. ``lam = 0`` needs a full-rank system.
    standardize : bool, default=True
        Centre each input by its training mean and divide by its training standard deviation
        (as ``StandardScaler``; a constant input keeps scale 1), so that the pre-activations
        :math:`h_j` have unit variance. Gradients follow by the chain rule:
        :math:`\nabla_z f = s \odot \nabla_x f`; :meth:`predict_gradient` returns
        :math:`\nabla_x f`.
    fit_intercept : bool, default=True
        Fit an unpenalised constant :math:`c` (it has no gradient, so only the function rows are
        centred).
    random_state : int, RandomState instance or None, default=None
        Draws :math:`\Theta` (then, for ``"random"``, :math:`D`).
    n_jobs : int or None, default=None
        Threads of the C++ fit and predictions; ``None`` or ``-1``: OpenMP's default
        (``OMP_NUM_THREADS`` or all cores). Results do not depend on it.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The weights :math:`\hat w`.
    intercept_ : float
        :math:`\hat c` (0 with ``fit_intercept=False``).
    random_weights_ : ndarray of shape (n_features_in_, n_features)
        The features :math:`\Theta`.
    mean_, scale_ : ndarray of shape (n_features_in_,)
        The standardisation :math:`\mu`, :math:`s` (zeros and ones with ``standardize=False``).
    k_ : int
        Number of gradient directions used (0: the L2 fit).
    directions_ : ndarray of shape (n_features_in_, k_) or None
        The directions in the original input coordinates: full gradients :math:`G` give the
        labels ``G @ directions_`` (None for the L2 fit).
    standardized_directions_ : ndarray of shape (n_features_in_, k_) or None
        :math:`D` in the standardised coordinates, ``directions_ / scale_[:, None]``.
    solver_ : {"primal", "dual"}
        The system that was solved.
    train_f_, train_g_ : float
        :math:`\frac{1}{n}\sum_i (y_i - f(x_i))^2` and
        :math:`\frac{1}{n}\sum_i \lvert g_i - D^T \nabla_z f(x_i) \rvert^2` (without
        :math:`\beta`; 0 for the L2 fit).
    activation_ : str
        The activation of the fit.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when X has feature names that are all strings.

    Notes
    -----
    In a ``Pipeline`` after a scaler, the estimator sees the scaled inputs :math:`u`, so its
    gradients must be with respect to those: for ``StandardScaler``,
    :math:`\nabla_u f = \text{scale\_} \odot \nabla_x f`, i.e. pass
    ``est__gradients=G * scaler.scale_`` (fit the scaler first, or use ``standardize=True``
    instead of the scaler, which does this for you). Direction arrays are likewise in the
    coordinates the estimator sees. In a ``GridSearchCV``, ``fit(X, y, gradients=G)`` splits
    ``G`` with the samples (scikit-learn slices fit parameters with ``n_samples`` rows).
    """

    def __init__(self, n_features=1000, activation="tanh", k=None, directions="random", beta=1.0, lam=1e-3,
                 standardize=True, fit_intercept=True, random_state=None, n_jobs=None):
        self.n_features = n_features
        self.activation = activation
        self.k = k
        self.directions = directions
        self.beta = beta
        self.lam = lam
        self.standardize = standardize
        self.fit_intercept = fit_intercept
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ---- fitting -----------------------------------------------------------------------------

    def fit(self, X, y, gradients=None, *, gradient_kind="auto"):
        """Fit the weights by the exact stacked ridge solve.

        Parameters
        ----------
        X : array-like of shape (n_samples, d)
        y : array-like of shape (n_samples,)
        gradients : array-like of shape (n_samples, d) or (n_samples, k), default=None
            Full gradients :math:`\\nabla_x f(x_i)` (sketched onto ``directions``), or, with a
            (d, k) ``directions`` array, the derivatives :math:`D^T \\nabla_x f(x_i)` along its
            columns. None: the L2 fit.
        gradient_kind : {"auto", "full", "directional"}, default="auto"
            How to read ``gradients``: "auto" by their shape; needed only when a (d, d)
            ``directions`` array makes the two shapes equal.

        Returns
        -------
        self
        """
        activation = self._check_params()
        X, y = self._validate_data(X, y, dtype=np.float64, y_numeric=True)
        n, d = X.shape
        G = None if gradients is None else self._check_gradients(gradients, n)
        rng = check_random_state(self.random_state)
        theta = rng.standard_normal((d, int(self.n_features)))
        if self.standardize:
            scaler = StandardScaler().fit(X)
            mean, scale = scaler.mean_, scaler.scale_
        else:
            mean, scale = np.zeros(d), np.ones(d)
        Z = (X - mean) / scale
        model_dirs, input_dirs, labels = self._gradient_labels(G, n, d, scale, rng, gradient_kind)
        if model_dirs.shape[1] > 0 and activation == "sign":
            raise ValueError("activation = 'sign' has no useful derivative (it vanishes almost everywhere): "
                             "fit it without gradients, with k = 0 or with another activation")
        r = _core.rf_fit(Z, y, labels, theta, model_dirs, activation, float(self.lam), float(self.beta),
                         bool(self.fit_intercept), "auto", self._threads())
        self.coef_ = np.asarray(r["w"], dtype=np.float64)
        self.intercept_ = float(r["intercept"])
        self.random_weights_ = theta
        self.mean_, self.scale_ = np.asarray(mean, dtype=np.float64), np.asarray(scale, dtype=np.float64)
        self.k_ = int(model_dirs.shape[1])
        self.directions_ = input_dirs
        self.standardized_directions_ = model_dirs if self.k_ > 0 else None
        self.solver_ = "primal" if r["primal"] else "dual"
        self.train_f_, self.train_g_ = float(r["train_f"]), float(r["train_g"])
        self.activation_ = activation
        return self

    def fit_transform(self, X, y, **fit_params):
        """``fit(X, y, **fit_params)``, then :meth:`transform` of ``X``."""
        return self.fit(X, y, **fit_params).transform(X)

    # ---- predictions -------------------------------------------------------------------------

    def predict(self, X):
        """:math:`f(x) = c + \\sum_j w_j \\sigma(h_j(x))`, shape (n_samples,)."""
        Z = self._standardized(X)
        return _core.rf_predict(Z, self.random_weights_, self.coef_, self.intercept_, self.activation_,
                                self._threads())

    def predict_gradient(self, X):
        """The input gradient :math:`\\nabla_x f(x) = \\big(\\sum_j w_j \\sigma'(h_j(x))
        \\theta_j / \\sqrt{d}\\big) / s` (chain rule through the standardisation), shape
        (n_samples, d)."""
        Z = self._standardized(X)
        grad_z = _core.rf_predict_gradient(Z, self.random_weights_, self.coef_, self.activation_, self._threads())
        return grad_z / self.scale_

    def transform(self, X):
        """The random features :math:`\\sigma(h(x))`, shape (n_samples, n_features)."""
        Z = self._standardized(X)
        return _core.rf_transform(Z, self.random_weights_, self.activation_, self._threads())

    # ---- checks ------------------------------------------------------------------------------

    def _standardized(self, X):
        check_is_fitted(self)
        X = self._validate_data(X, dtype=np.float64, reset=False)
        return (X - self.mean_) / self.scale_

    def _threads(self):
        return 0 if self.n_jobs is None or self.n_jobs == -1 else int(self.n_jobs)

    def _check_params(self):
        """Validates the constructor's parameters (not the data); returns the activation name."""
        if not _is_int(self.n_features) or self.n_features < 1:
            raise ValueError(f"n_features = {self.n_features!r}: must be an integer >= 1")
        known = dict(_core.rf_activations())
        if not isinstance(self.activation, str) or self.activation not in known:
            raise ValueError(f"activation = {self.activation!r}: unknown; known: {', '.join(known)}")
        if self.k is not None and (not _is_int(self.k) or self.k < 0):
            raise ValueError(f"k = {self.k!r}: must be None or an integer >= 0")
        if isinstance(self.directions, str) and self.directions not in _DIRECTION_NAMES:
            raise ValueError(f"directions = {self.directions!r}: must be one of {', '.join(_DIRECTION_NAMES)} "
                             "or an array of shape (d, k)")
        for name in ("beta", "lam"):
            v = getattr(self, name)
            if not _is_real(v) or not np.isfinite(v) or v < 0:
                raise ValueError(f"{name} = {v!r}: must be a finite number >= 0")
        for name in ("standardize", "fit_intercept"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise ValueError(f"{name} = {getattr(self, name)!r}: must be True or False")
        if self.n_jobs is not None and (not _is_int(self.n_jobs) or not (self.n_jobs >= 1 or self.n_jobs == -1)):
            raise ValueError(f"n_jobs = {self.n_jobs!r}: must be None, -1 or an integer >= 1")
        return self.activation

    def _check_gradients(self, gradients, n):
        G = check_array(gradients, dtype=np.float64, ensure_2d=True, input_name="gradients")
        if G.shape[0] != n:
            raise ValueError(f"gradients has {G.shape[0]} rows but X has {n} samples")
        return G

    def _direction_array(self, d):
        """The user's (d, k) directions, checked."""
        D = check_array(self.directions, dtype=np.float64, ensure_2d=False, input_name="directions")
        if D.ndim != 2 or D.shape[0] != d or not 1 <= D.shape[1] <= d:
            raise ValueError(f"directions has shape {D.shape}: needs (d, k) with d = {d} rows and 1 <= k <= d")
        if self.k is not None and self.k != D.shape[1]:
            raise ValueError(f"k = {self.k} but directions has {D.shape[1]} columns")
        return D

    def _k(self, d):
        """The number of directions of a named `directions`."""
        if self.directions == "all":
            if self.k is not None and self.k != d:
                raise ValueError(f"k = {self.k}: directions='all' means k = d = {d} (leave k as None)")
            return d
        k = 1 if self.k is None else int(self.k)
        if k > d:
            raise ValueError(f"k = {k} > d = {d}: at most d directions")
        return k

    def _gradient_labels(self, G, n, d, scale, rng, gradient_kind):
        """(standardised directions D (d, k), input-space directions or None, labels (n, k))."""
        if gradient_kind not in _GRADIENT_KINDS:
            raise ValueError(f"gradient_kind = {gradient_kind!r}: must be one of {', '.join(_GRADIENT_KINDS)}")
        named = isinstance(self.directions, str)
        if self.k == 0:  # the L2 fit, whatever the directions
            return np.zeros((d, 0)), None, np.zeros((n, 0))
        D_in = None if named else self._direction_array(d)
        k = self._k(d) if named else D_in.shape[1]
        if G is None:
            return np.zeros((d, 0)), None, np.zeros((n, 0))
        full = self._gradients_are_full(G, d, k, named, gradient_kind)
        if named:
            if not full:
                raise ValueError(f"gradients has shape {G.shape}: directions={self.directions!r} needs the full "
                                 f"gradients, shape (n, d) = ({n}, {d})")
            G_z = G * scale  # the chain rule: grad_z f = s * grad_x f
            if self.directions == "random":
                D = rng.standard_normal((d, k))
            elif self.directions == "all":
                D = np.eye(d)
            else:
                D = _principal_directions(G_z, k)
            return D, D * scale[:, None], G_z @ D
        # A direction D_in in x coordinates is D_in / s in z coordinates: D_in^T grad_x = (D_in / s)^T grad_z.
        labels = G @ D_in if full else G
        return D_in / scale[:, None], D_in, labels

    @staticmethod
    def _gradients_are_full(G, d, k, named, gradient_kind):
        """Whether G holds full gradients (n, d) rather than derivatives along the k directions."""
        c = G.shape[1]
        if gradient_kind == "full":
            if c != d:
                raise ValueError(f"gradients has {c} columns: full gradients need d = {d}")
            return True
        if gradient_kind == "directional":
            if named:
                raise ValueError("gradient_kind='directional' needs a (d, k) directions array")
            if c != k:
                raise ValueError(f"gradients has {c} columns: derivatives along the directions need k = {k}")
            return False
        if named:
            return c == d
        if c == d == k:
            raise ValueError(f"gradients of shape {G.shape} with a ({d}, {k}) directions array could be full "
                             "gradients or directional derivatives: pass gradient_kind='full' or 'directional'")
        if c not in (d, k):
            raise ValueError(f"gradients has {c} columns: needs d = {d} (full gradients) or k = {k} "
                             "(derivatives along the columns of directions)")
        return c == d


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))


def _is_real(v):
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


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
