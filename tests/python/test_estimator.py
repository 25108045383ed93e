"""The scikit-learn estimators SobolevRandomFeaturesRegressor and SobolevRandomFeaturesRegressorCV
(python/sobolev_rf/estimator.py): scikit-learn's estimator checks for both, the fit against the
stacked ridge written here in numpy and against the library's stacked C++ fit, the CV's
eigendecomposition path against refits of the plain estimator on each fold (the gradient metric
from the fold's own gradients), invariance to the units of the inputs, input gradients against
finite differences, bad input, the memory guard, wrong-scale gradients, advise(), and the bridge
back to the theory on docs/model.md's synthetic model. Every random draw has a fixed seed
(printed in the assertion messages where a test draws several)."""
import math
import time
import warnings

import numpy as np
import pytest
from scipy.special import erf

import sobolev_rf as srf
from sobolev_rf import SobolevRandomFeaturesRegressor as Estimator
from sobolev_rf import SobolevRandomFeaturesRegressorCV as EstimatorCV

try:  # an optional dependency of the package (Debian: python3-sklearn)
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV, KFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.estimator_checks import check_estimator
except ImportError:
    pytestmark = pytest.mark.skip(reason="scikit-learn is not installed")

EPS = np.finfo(float).eps

# sigma and sigma' in numpy, for the closed forms and the features.
ACTIVATIONS = {
    "fourier": (np.cos, lambda t: -np.sin(t)),
    "tanh": (np.tanh, lambda t: 1 - np.tanh(t) ** 2),
    "sigmoid": (lambda t: 1 / (1 + np.exp(-t)), lambda t: np.exp(-t) / (1 + np.exp(-t)) ** 2),
    "erf": (erf, lambda t: 2 / math.sqrt(math.pi) * np.exp(-t * t)),
    "softplus": (lambda t: np.logaddexp(0, t), lambda t: 1 / (1 + np.exp(-t))),
    "linear": (lambda t: t, lambda t: np.ones_like(t)),
    "he3": (lambda t: t ** 3 - 3 * t, lambda t: 3 * t ** 2 - 3),
}

# Small grids: the CV's checks run in seconds.
SMALL_CV = dict(n_features=60, metric_powers=(0.0, 0.5), scales=(0.5, 1.0), betas=(0.0, 1.0),
                lams=(1e-8, 1e-4, 1e-1), cv=3)


def data(n, d, seed, scales=None):
    """Inputs with unequal scales and offsets, a smooth target f(x) = tanh(a.x / 3) + 0.2 (b.x)^2 / d
    and its exact gradients."""
    rng = np.random.default_rng(seed)
    scales = np.linspace(0.5, 3, d) if scales is None else scales
    X = rng.standard_normal((n, d)) * scales + np.linspace(-1, 1, d)
    a, b = rng.standard_normal(d) / scales, rng.standard_normal(d) / scales
    t = X @ a / 3
    y = np.tanh(t) + 0.2 * (X @ b) ** 2 / d
    G = (1 - np.tanh(t) ** 2)[:, None] * a / 3 + 0.4 * (X @ b)[:, None] * b / d
    return X, y, G


def rel(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


# ---- scikit-learn's estimator checks ------------------------------------------------------------


@pytest.mark.parametrize("estimator", [Estimator(n_features=80), EstimatorCV(**SMALL_CV)],
                         ids=["plain", "cv"])
def test_check_estimator(estimator):
    failures = []
    for est, check in check_estimator(estimator, generate_only=True):
        name = getattr(check, "func", check).__name__
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check(est)
        except Exception as e:  # noqa: BLE001 -- collected, then reported together
            failures.append(f"{name}: {type(e).__name__}: {e}")
    assert not failures, "\n".join(failures)


# ---- the fit is the stacked ridge -------------------------------------------------------------------


def closed_form(est, X, y, labels, D, features):
    """The stacked ridge in numpy on the standardised problem: A = [F 1; sqrt(beta) S diag(Omega_D m) 0],
    b = [y; sqrt(beta) g_m], (A^T A + n diag(lam, ..., lam, 0)) [w; c] = A^T b (the n k gradient rows
    stacked, as the Hadamard identity avoids)."""
    sigma, dsigma = ACTIVATIONS[features]
    n, d = X.shape
    Z = (X - est.mean_) / est.scale_
    H = Z @ est.omega_ + est.phases_
    F, S = sigma(H), dsigma(H)
    zeta = D.T @ est.omega_  # (k, p)
    ones = np.ones((n, 1)) if est.fit_intercept else np.zeros((n, 0))
    rows = [np.hstack([F, ones])] + [math.sqrt(est.beta) * np.hstack([S * z, 0 * ones]) for z in zeta]
    A = np.vstack(rows)
    b = np.concatenate([y] + [math.sqrt(est.beta) * labels[:, m] for m in range(D.shape[1])])
    penalty = np.full(A.shape[1], n * est.lam)
    if est.fit_intercept:
        penalty[-1] = 0
    x = np.linalg.solve(A.T @ A + np.diag(penalty), A.T @ b)
    return x[:est.n_features_], (x[-1] if est.fit_intercept else 0.0)


@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("features", ["fourier", "tanh"])
@pytest.mark.parametrize("directions", ["all", "random", "pca", "array-full", "array-directional"])
def test_fit_equals_the_stacked_ridge(fit_intercept, features, directions):
    n, d, k, p = 120, 5, 2, 150
    X, y, G = data(n, d, seed=13)
    kwargs = dict(n_features=p, lam=1e-4, beta=0.7, features=features, fit_intercept=fit_intercept, random_state=14,
                  metric_power=0.5)
    V = np.random.default_rng(15).standard_normal((d, k))
    if directions.startswith("array"):
        est = Estimator(directions=V, **kwargs)
        grads = G if directions == "array-full" else G @ V
        est.fit(X, y, gradients=grads)
        D, labels = V / est.scale_[:, None], G @ V
        np.testing.assert_array_equal(est.directions_, V)
    else:
        est = Estimator(directions=directions, k=None if directions == "all" else k, **kwargs).fit(X, y, gradients=G)
        Gz = G * est.scale_  # the chain rule into standardised coordinates
        if directions == "all":
            D = np.eye(d)
        elif directions == "random":  # W, the phases, then the N(0, 1) sketch, from random_state
            rs = np.random.RandomState(14)
            rs.standard_normal((d, p))
            rs.uniform(0, 2 * np.pi, p) if features == "fourier" else rs.standard_normal(p)
            D = rs.standard_normal((d, k))
        else:
            vals, vecs = np.linalg.eigh(Gz.T @ Gz / n)
            D = vecs[:, ::-1][:, :k]
            D = D * np.sign(np.sum(D * est.standardized_directions_, axis=0))
        np.testing.assert_allclose(est.standardized_directions_, D, rtol=0, atol=1e-12)
        labels = Gz @ D
    w, c = closed_form(est, X, y, labels, D, features)
    assert rel(est.coef_, w) < 1e-7
    assert est.intercept_ == pytest.approx(c, rel=1e-7, abs=1e-9)
    Xt, _, _ = data(30, d, seed=16)
    assert rel(est.predict(Xt), est.transform(Xt) @ w + c) < 1e-9


def test_hadamard_fit_equals_the_library_stacked_fit():
    # Without phases, with the isotropic metric and s = 1, the features are docs/model.md's
    # sigma(theta^T z / sqrt d): the C++ stacked fit (simulation/random_features_fit.hpp, which
    # stacks the n d gradient rows) must give the same weights.
    from sobolev_rf import _core
    n, d, p = 150, 6, 200
    X, y, G = data(n, d, seed=21)
    est = Estimator(n_features=p, features="tanh", bias=False, metric="isotropic", scale=1.0, lam=1e-4, beta=0.5,
                    random_state=22).fit(X, y, gradients=G)
    theta = np.random.RandomState(22).standard_normal((d, p))
    np.testing.assert_allclose(est.omega_, theta / math.sqrt(d), rtol=1e-15, atol=0)
    Z = (X - est.mean_) / est.scale_
    r = _core.rf_fit(Z, y, G * est.scale_, theta, np.eye(d), "tanh", 1e-4, 0.5, True, "primal", 1)
    assert rel(est.coef_, np.asarray(r["w"])) < 1e-8
    assert est.intercept_ == pytest.approx(r["intercept"], rel=1e-8)
    assert est.train_f_ == pytest.approx(r["train_f"], rel=1e-6)
    assert est.train_g_ == pytest.approx(r["train_g"], rel=1e-6)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_values_only_fit_equals_ridge_on_the_features(fit_intercept):
    n = 90
    X, y, G = data(n, 6, seed=5)
    lam = 1e-3
    fits = [Estimator(n_features=200, lam=lam, fit_intercept=fit_intercept, random_state=6).fit(X, y),
            Estimator(n_features=200, lam=lam, beta=0.0, metric="isotropic", fit_intercept=fit_intercept,
                      random_state=6).fit(X, y, gradients=G)]
    for est in fits:
        F = est.transform(X)
        # The estimator solves on y / std(y); ridge is equivariant in y, so alpha = n lam on y itself.
        ridge = Ridge(alpha=n * lam, fit_intercept=fit_intercept).fit(F, y)
        Xt, _, _ = data(40, 6, seed=7)
        assert rel(est.predict(Xt), ridge.predict(est.transform(Xt))) < 1e-9
    assert fits[1].train_g_ > 0  # beta = 0: the gradient error is measured, not fitted
    np.testing.assert_array_equal(fits[0].predict(X), fits[1].predict(X))


def test_features_are_phi_of_the_projection_plus_phase():
    X, y, _ = data(30, 4, seed=8)
    for name, (sigma, _) in ACTIVATIONS.items():
        est = Estimator(n_features=50, features=name, random_state=9).fit(X, y)
        Z = (X - X.mean(0)) / X.std(0)
        expected = sigma(Z @ est.omega_ + est.phases_)
        assert np.max(np.abs(est.transform(X) - expected)) <= 1e-12 * (1 + np.max(np.abs(expected))), name
        if name == "fourier":
            assert np.all((est.phases_ >= 0) & (est.phases_ < 2 * np.pi))
        # isotropic metric without gradients: omega = s theta / sqrt(d), theta ~ N(0, 1)
        np.testing.assert_allclose(est.feature_metric_, np.eye(4) / 4, atol=1e-15)


def test_grid_search_splits_gradients_with_the_samples():
    # scikit-learn slices fit parameters with n_samples rows: each fold's fit sees its own gradients
    # (and computes its gradient metric from them alone).
    X, y, G = data(90, 4, seed=1)
    cv = KFold(3, shuffle=True, random_state=0)
    search = GridSearchCV(Estimator(n_features=120, random_state=3), {"beta": [0.0, 1.0]}, cv=cv)
    search.fit(X, y, gradients=G)
    for i, params in enumerate(search.cv_results_["params"]):
        scores = [Estimator(n_features=120, random_state=3, **params).fit(X[tr], y[tr], gradients=G[tr])
                  .score(X[te], y[te]) for tr, te in cv.split(X)]
        assert search.cv_results_["mean_test_score"][i] == pytest.approx(np.mean(scores), rel=1e-12)
    assert search.best_params_["beta"] == 1.0  # exact gradients of the target help


# ---- the gradient metric -----------------------------------------------------------------------------


def test_gradient_metric_is_a_power_of_the_gradient_outer_products():
    X, y, G = data(200, 5, seed=30)
    for power in (0.0, 0.25, 1.0):
        est = Estimator(n_features=40, metric_power=power, random_state=1).fit(X, y, gradients=G)
        Gz = G * est.scale_
        vals, vecs = np.linalg.eigh(Gz.T @ Gz / len(G))
        # eigenvalues below 1e-10 of the largest are zero (estimator.METRIC_CUTOFF): roundoff
        vals = np.where(vals > 1e-10 * vals[-1], vals, 0.0)
        M = (vecs * vals ** power) @ vecs.T
        M /= np.trace(M)
        np.testing.assert_allclose(est.feature_metric_, M, rtol=0, atol=1e-12)
        assert np.trace(est.feature_metric_) == pytest.approx(1.0, abs=1e-14)
    # A target that ignores inputs 2..4 gives a metric that ignores them too: features along 0, 1.
    X = np.random.default_rng(31).uniform(-1, 1, (100, 5))
    G = np.zeros_like(X)
    G[:, 0], G[:, 1] = np.cos(X[:, 0]), 2 * X[:, 1]
    y = np.sin(X[:, 0]) + X[:, 1] ** 2
    est = Estimator(n_features=40, random_state=2).fit(X, y, gradients=G)
    assert np.max(np.abs(est.feature_metric_[2:, :])) < 1e-14
    assert np.max(np.abs(est.omega_[2:, :])) < 1e-12


def test_raw_units_just_work():
    # The same data in other units (x -> c x + o, gradients -> G / c, y -> a y + e) gives the same
    # fit: the standardisation and the chain rule are internal.
    X, y, G = data(150, 4, seed=32)
    c, o = np.array([1e-3, 5.0, 2e4, 0.1]), np.array([3.0, -100.0, 1e6, 0.0])
    # lam = 1e-4: the roundoff of the shifted inputs (eps |o| / |c|, 1e-14 here) stays below 1e-10.
    est = Estimator(n_features=120, lam=1e-4, random_state=3).fit(X, y, gradients=G)
    est2 = Estimator(n_features=120, lam=1e-4, random_state=3).fit(X * c + o, 7 * y + 2, gradients=7 * G / c)
    Xt, _, _ = data(20, 4, seed=33)
    assert rel(7 * est.predict(Xt) + 2, est2.predict(Xt * c + o)) < 1e-8
    assert rel(7 * est.predict_gradient(Xt) / c, est2.predict_gradient(Xt * c + o)) < 1e-7


def test_pipeline_after_a_scaler():
    X, y, G = data(120, 5, seed=2)
    scaler = StandardScaler().fit(X)
    # lam = 1e-4: StandardScaler's and the estimator's own standardisation differ in the last bits.
    pipe = Pipeline([("scale", StandardScaler()), ("rf", Estimator(n_features=150, lam=1e-4, random_state=4))])
    pipe.fit(X, y, rf__gradients=G * scaler.scale_)  # the gradients with respect to what the step sees
    direct = Estimator(n_features=150, lam=1e-4, random_state=4).fit(X, y, gradients=G)
    Xt, _, _ = data(50, 5, seed=3)
    assert rel(pipe.predict(Xt), direct.predict(Xt)) < 1e-9


# ---- input gradients ---------------------------------------------------------------------------------


@pytest.mark.parametrize("features", sorted(ACTIVATIONS))
def test_predict_gradient_equals_finite_differences(features):
    # Central differences with step h: error h^2 |f'''| / 6 + eps |f| / h ~ 1e-10 at h = 1e-5 for
    # inputs of scale 1 to 3; tolerance 1e-6 (1 + |gradient|).
    X, y, G = data(80, 5, seed=10)
    est = Estimator(n_features=150, features=features, random_state=11).fit(X, y, gradients=G)
    Xt, _, _ = data(7, 5, seed=12)
    grad = est.predict_gradient(Xt)
    assert grad.shape == Xt.shape
    h = 1e-5
    for j in range(Xt.shape[1]):
        e = np.zeros(Xt.shape[1])
        e[j] = h
        fd = (est.predict(Xt + e) - est.predict(Xt - e)) / (2 * h)
        np.testing.assert_allclose(grad[:, j], fd, rtol=0, atol=1e-6 * (1 + np.max(np.abs(grad))))


# ---- the CV -----------------------------------------------------------------------------------------


def test_cv_path_equals_refits_on_each_fold():
    """Each cv_results_ entry is the held-out MSE of the plain estimator fitted on the fold's
    training rows (its gradient metric from those rows only) at that candidate: the
    eigendecomposition path equals Cholesky refits."""
    X, y, G = data(60, 4, seed=40)
    cv = KFold(3, shuffle=True, random_state=1)
    est = EstimatorCV(n_features=70, metric_powers=(0.0, 0.5), scales=(0.7,), betas=(0.0, 0.3), lams=(1e-4, 1e-2),
                      cv=cv, search="grid", random_state=5).fit(X, y, gradients=G)
    seed = int(np.random.RandomState(5).randint(np.iinfo(np.int32).max))
    res = est.cv_results_
    assert len(res["params"]) == 2 * 2 * 2
    for j, params in enumerate(res["params"]):
        for i, (tr, te) in enumerate(cv.split(X)):
            fold = Estimator(n_features=70, metric="gradient", random_state=seed, **params).fit(
                X[tr], y[tr], gradients=G[tr])
            mse = np.mean((fold.predict(X[te]) - y[te]) ** 2)
            assert -res[f"split{i}_test_score"][j] == pytest.approx(mse, rel=1e-9), (params, i)
    best = res["params"][int(np.argmin(res["rank_test_score"]))]
    assert best == est.best_params_
    assert est.best_score_ == pytest.approx(np.max(res["mean_test_score"]), rel=1e-12)


def test_cv_never_worse_than_without_gradients_and_gradients_pay():
    X, y, G = data(150, 6, seed=41)
    est = EstimatorCV(n_features=200, random_state=0).fit(X, y, gradients=G)
    res = est.cv_results_
    values_only = [j for j, p in enumerate(res["params"]) if p["beta"] == 0 and p["metric_power"] == 0.0]
    assert values_only, "the values-only candidates are part of the search"
    assert est.best_score_ >= np.max(res["mean_test_score"][values_only])
    # On a smooth target with exact gradients they pay by a wide margin (measured: about 10x).
    assert -est.best_score_ < 0.5 * -np.max(res["mean_test_score"][values_only])
    assert est.best_params_["beta"] > 0


def test_cv_results_do_not_depend_on_threads():
    X, y, G = data(80, 5, seed=42)
    fits = [EstimatorCV(random_state=3, n_jobs=j, **SMALL_CV).fit(X, y, gradients=G) for j in (1, 3)]
    for key in fits[0].cv_results_:
        if key.startswith("split") or key == "mean_test_score":
            np.testing.assert_array_equal(fits[0].cv_results_[key], fits[1].cv_results_[key])
    np.testing.assert_array_equal(fits[0].predict(X), fits[1].predict(X))
    plain = [Estimator(n_features=300, random_state=18, n_jobs=j).fit(X, y, gradients=G) for j in (1, 2, 4)]
    for est in plain[1:]:
        np.testing.assert_array_equal(est.coef_, plain[0].coef_)


def test_auto_features_follow_the_labels():
    X, y, G = data(20, 5, seed=43)
    assert Estimator().fit(X, y).n_features_ == 300                      # at least 300
    assert Estimator().fit(X, y, gradients=G).n_features_ == 300         # 2 * 20 * 6 = 240 < 300
    X, y, G = data(100, 5, seed=43)
    assert Estimator().fit(X, y, gradients=G).n_features_ == 1200        # 2 n (1 + d)
    X, y, G = data(400, 5, seed=43)
    assert Estimator().fit(X, y, gradients=G).n_features_ == 4000        # capped


# ---- bad input, memory, wrong gradients --------------------------------------------------------------


@pytest.mark.parametrize("params,error,message", [
    (dict(features="swish"), ValueError, "features = 'swish': unknown"),
    (dict(features=3), TypeError, "features = 3"),
    (dict(n_features=0), ValueError, "n_features"),
    (dict(n_features=2.5), TypeError, "n_features"),
    (dict(lam=-1.0), ValueError, "lam = -1.0"),
    (dict(lam="small"), TypeError, "lam = 'small'"),
    (dict(beta=float("nan")), ValueError, "beta = nan"),
    (dict(scale=0.0), ValueError, "scale = 0.0"),
    (dict(metric="learned"), ValueError, "metric = 'learned'"),
    (dict(metric=np.ones((3, 3))), ValueError, "metric has shape (3, 3)"),
    (dict(metric=-np.eye(5)), ValueError, "positive semidefinite"),
    (dict(k=7, directions="random"), ValueError, "k = 7 > d = 5"),
    (dict(k=1.5), TypeError, "k = 1.5"),
    (dict(directions="sideways"), ValueError, "directions = 'sideways'"),
    (dict(directions="all", k=2), ValueError, "directions='all' means k = d"),
    (dict(directions=np.ones((4, 2))), ValueError, "directions has shape (4, 2)"),
    (dict(directions=np.eye(5)), ValueError, "pass gradient_kind"),
    (dict(bias=1), TypeError, "bias = 1"),
    (dict(n_jobs=0), ValueError, "n_jobs"),
    (dict(features="sign"), ValueError, "sign"),
])
def test_bad_parameters_name_the_keyword(params, error, message):
    X, y, G = data(30, 5, seed=19)
    with pytest.raises(error) as info:
        Estimator(**{"n_features": 20, **params}).fit(X, y, gradients=G)
    assert message in str(info.value), str(info.value)


@pytest.mark.parametrize("params,message", [
    (dict(scales=(1.0, -2.0)), "scales[1] = -2.0"),
    (dict(betas=()), "betas is empty"),
    (dict(lams="1e-3"), "lams = '1e-3'"),
    (dict(search="random"), "search = 'random'"),
    (dict(cv=1), "cv = 1"),
    (dict(progress="yes"), "progress = 'yes'"),
])
def test_bad_cv_parameters_name_the_keyword(params, message):
    X, y, G = data(30, 5, seed=19)
    with pytest.raises((TypeError, ValueError)) as info:
        EstimatorCV(**{**SMALL_CV, **params}).fit(X, y, gradients=G)
    assert message in str(info.value), str(info.value)


def test_bad_data_is_a_clear_value_error():
    X, y, G = data(20, 5, seed=20)
    est = Estimator(n_features=20, random_state=0)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        est.fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="gradients has 19 rows but X has 20 samples"):
        est.fit(X, y, gradients=G[:-1])
    with pytest.raises(ValueError, match="gradients contains NaN"):
        est.fit(X, y, gradients=np.where(G > 0.1, np.nan, G))
    with pytest.raises(ValueError, match="needs the full gradients"):
        Estimator(n_features=20, directions="random").fit(X, y, gradients=G[:, :2])
    with pytest.raises(ValueError, match="Expected 2D array"):
        est.fit(X, y, gradients=G[:, 0])
    est.fit(X, y, gradients=G)
    with pytest.raises(ValueError, match="X has 4 features"):
        est.predict_gradient(X[:, :4])


def test_memory_guard_refuses_before_allocating_and_names_the_largest_that_fits():
    X, y, G = data(50, 5, seed=44)
    with pytest.raises(srf.estimator.MemoryBudgetError) as info:
        Estimator(n_features=10 ** 6).fit(X, y, gradients=G)  # 5 p^2 doubles alone: 40 TB
    text = str(info.value)
    assert "n_features = 1000000" in text and "the largest n_features that fits is" in text
    largest = int(text.rsplit(" ", 1)[1])
    assert srf.estimator.estimate_memory(50, 5, largest) <= srf.estimator._memory_budget(None)
    assert srf.estimator.estimate_memory(50, 5, largest + 1) > srf.estimator._memory_budget(None)
    with pytest.raises(ValueError, match="the largest n_features that fits is"):  # a ValueError too
        Estimator(n_features=3000, max_memory=0.01).fit(X, y)
    p = Estimator(max_memory=0.002).fit(X, y).n_features_  # 'auto' shrinks to the budget
    assert p < 300 and p == srf.estimator._largest_fitting(50, 5, 1, 0.002 * 2 ** 30)


def test_wrong_scale_gradients_are_caught():
    rng = np.random.default_rng(45)
    X = rng.uniform(0, 1, (200, 3)) * np.array([1.0, 100.0, 0.01])
    y = np.sin(3 * X[:, 0]) + 0.02 * X[:, 1] + 50 * X[:, 2]
    G = np.column_stack([3 * np.cos(3 * X[:, 0]), np.full(200, 0.02), np.full(200, 50.0)])
    Estimator(n_features=50).fit(X, y, gradients=G)  # right: accepted
    for wrong, factor in ((G * 100, r"9\d\.\d"), (-G, r"-0\.9\d")):  # 100x too large: about 93 here
        with pytest.raises(ValueError, match="gradients look off by a factor of about " + factor):
            Estimator(n_features=50).fit(X, y, gradients=wrong)
    Estimator(n_features=50, check_gradients=False).fit(X, y, gradients=G * 100)  # the check can be turned off


# ---- advise ------------------------------------------------------------------------------------------


def test_advise_reports_the_gain_with_an_interval_and_a_figure():
    X, y, G = data(120, 4, seed=46)
    a = srf.advise(X, y, gradients=G, n_features=150, scales=(0.5, 1.0), random_state=0)
    assert a.cv_mse_with <= a.cv_mse_without
    assert a.gain == pytest.approx(a.cv_mse_without / a.cv_mse_with)
    assert a.interval[0] <= a.gain <= a.interval[1] and a.interval[0] > 1, repr(a)
    assert a.verdict.startswith("Use your gradients")
    assert a.metric.shape == (4, 4) and a.metric_eigenvalues[0] >= a.metric_eigenvalues[-1]
    assert a.figure is not None and len(a.figure.axes) >= 3
    assert "gain" in repr(a)


# ---- the bridge back to the theory -----------------------------------------------------------------


def bridge_seed(alpha, gamma, lam, k, p, seed, test_samples):
    """One fit on docs/model.md's synthetic model: x ~ N(0, I_d), |theta0| = 1, y = tanh(theta0 . x),
    full gradients sketched on k N(0, 1) directions: the estimator with features="tanh", bias=False,
    metric="isotropic", scale=1, standardize=False is docs/model.md's model exactly."""
    rng = np.random.default_rng([seed, k, round(1000 * alpha)])
    n, d = round(alpha * p), round(gamma * p)
    theta0 = rng.standard_normal(d)
    theta0 /= np.linalg.norm(theta0)
    X = rng.standard_normal((n, d))
    omega = X @ theta0
    G = (1 - np.tanh(omega) ** 2)[:, None] * theta0
    est = Estimator(n_features=p, features="tanh", bias=False, metric="isotropic", scale=1.0, k=k,
                    directions="random", lam=lam, standardize=False, fit_intercept=False, check_gradients=False,
                    random_state=seed)
    est.fit(X, np.tanh(omega), gradients=G if k > 0 else None)
    Xt = rng.standard_normal((test_samples, d))
    gen_f = np.mean((np.tanh(Xt @ theta0) - est.predict(Xt)) ** 2)
    varpi = est.standardized_directions_.T @ theta0 if k > 0 else np.zeros(0)
    return gen_f, varpi


def check_bridge(points, p, seeds, test_samples, z_max):
    gamma, lam = 0.5, 1e-2
    report = []
    for alpha, k in points:
        runs = [bridge_seed(alpha, gamma, lam, k, p, s, test_samples) for s in range(seeds)]
        gen = np.array([g for g, _ in runs])
        theory_mean = srf.theory(alpha=alpha, gamma=gamma, lam=lam, k=k, varpi_average=True).varpi_law["gen_f"]["mean"]
        varpi = np.array([v for _, v in runs], dtype=float).reshape(seeds, 1, k) if k else None
        conditional = srf.theory(alpha=alpha, gamma=gamma, lam=lam, k=k, varpi=varpi)
        conditional = np.full(seeds, conditional.gen_f) if k == 0 else conditional["gen_f"].to_numpy()
        se = gen.std(ddof=1) / math.sqrt(seeds)
        diff = gen - conditional
        se_diff = diff.std(ddof=1) / math.sqrt(seeds)
        z, z_paired = (gen.mean() - theory_mean) / se, diff.mean() / se_diff
        report.append(f"alpha={alpha} k={k}: simulated {gen.mean():.4f} +- {se:.4f}, theory {theory_mean:.4f} "
                      f"(z = {z:.2f}); paired difference {diff.mean():.4f} +- {se_diff:.4f} (z = {z_paired:.2f})")
        assert abs(z) <= z_max and abs(z_paired) <= z_max, "\n".join(report)
    return report


def test_theory_bridge_light():
    start = time.time()
    check_bridge([(0.5, 0), (0.5, 1), (2.0, 1)], p=300, seeds=8, test_samples=1000, z_max=3.5)
    assert time.time() - start < 60


def test_slow_theory_bridge_p1000_16_seeds():
    check_bridge([(0.5, 0), (0.5, 1), (2.0, 1), (2.0, 0)], p=1000, seeds=16, test_samples=4000, z_max=4.0)


def test_progress_bar_counts_the_fold_tasks(capsys):
    # progress=True draws tqdm's bar on stderr (in a pipe too); progress=False draws nothing.
    pytest.importorskip("tqdm")
    X, y, G = data(40, 3, seed=47)
    EstimatorCV(progress=True, random_state=0, **SMALL_CV).fit(X, y, gradients=G)
    assert "cross-validation" in capsys.readouterr().err
    EstimatorCV(progress=False, random_state=0, **SMALL_CV).fit(X, y, gradients=G)
    assert capsys.readouterr().err == ""
