"""The scikit-learn estimator SobolevRandomFeaturesRegressor (python/sobolev_rf/estimator.py):
scikit-learn's own estimator checks, GridSearchCV and Pipeline, the fit against closed forms
written here in numpy (Ridge for the L2 fit, the stacked ridge with gradients), input gradients
against finite differences, bad input, and the bridge back to the theory on MODEL.md's synthetic
model. Every random draw has a fixed seed."""
import math
import time
import warnings

import numpy as np
import pytest
from scipy.special import erf

import sobolev_rf as srf
from sobolev_rf import SobolevRandomFeaturesRegressor as Estimator

try:  # an optional dependency of the package (Debian: python3-sklearn)
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV, KFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.estimator_checks import check_estimator
except ImportError:
    pytestmark = pytest.mark.skip(reason="scikit-learn is not installed")

# scikit-learn's checks that are expected to fail, with the reason. None at present: every check
# of scikit-learn 1.2 passes (the transformer checks too, as the estimator has transform).
XFAIL_CHECKS = {}

# sigma and sigma' in numpy, for the closed forms and the features.
ACTIVATIONS = {
    "tanh": (np.tanh, lambda t: 1 - np.tanh(t) ** 2),
    "sigmoid": (lambda t: 1 / (1 + np.exp(-t)), lambda t: np.exp(-t) / (1 + np.exp(-t)) ** 2),
    "erf": (erf, lambda t: 2 / math.sqrt(math.pi) * np.exp(-t * t)),
    "softplus": (lambda t: np.logaddexp(0, t), lambda t: 1 / (1 + np.exp(-t))),
    "linear": (lambda t: t, lambda t: np.ones_like(t)),
    "he3": (lambda t: t ** 3 - 3 * t, lambda t: 3 * t ** 2 - 3),
}


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


def test_check_estimator():
    failures = []
    for estimator, check in check_estimator(Estimator(n_features=300), generate_only=True):
        name = getattr(check, "func", check).__name__
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check(estimator)
        except Exception as e:  # noqa: BLE001 -- collected, then reported together
            if name not in XFAIL_CHECKS:
                failures.append(f"{name}: {type(e).__name__}: {e}")
    assert not failures, "\n".join(failures)


# ---- GridSearchCV and Pipeline ------------------------------------------------------------------


class _RecordingEstimator(Estimator):
    """Asserts that every fit receives the gradients of exactly its own samples."""

    def fit(self, X, y, gradients=None, **kwargs):
        assert gradients is not None and gradients.shape == X.shape
        np.testing.assert_array_equal(gradients, _grid_gradients(X))
        return super().fit(X, y, gradients=gradients, **kwargs)


def _grid_gradients(X):
    return np.cos(X) * np.arange(1, X.shape[1] + 1)


def test_grid_search_splits_gradients_with_the_samples():
    X, _, _ = data(90, 4, seed=1)
    y = np.sin(X) @ np.arange(1, 5)
    G = _grid_gradients(X)
    grid = {"lam": [1e-4, 1e-2], "beta": [0.0, 1.0]}
    cv = KFold(3, shuffle=True, random_state=0)
    base = _RecordingEstimator(n_features=200, directions="all", random_state=3)
    search = GridSearchCV(base, grid, cv=cv).fit(X, y, gradients=G)
    # The same scores by hand: each fold fitted on its rows of X, y and G.
    for i, params in enumerate(search.cv_results_["params"]):
        scores = [Estimator(n_features=200, directions="all", random_state=3, **params)
                  .fit(X[tr], y[tr], gradients=G[tr]).score(X[te], y[te]) for tr, te in cv.split(X)]
        assert search.cv_results_["mean_test_score"][i] == pytest.approx(np.mean(scores), rel=1e-12)
    # With exact gradients of the target the gradient term helps: the best fit uses beta = 1.
    assert search.best_params_["beta"] == 1.0
    assert search.best_estimator_.k_ == 4


def test_pipeline_with_standard_scaler_needs_gradients_in_scaled_coordinates():
    # Inside a Pipeline the estimator sees u = (x - mean) / scale, so the gradients it needs are
    # grad_u f = scale * grad_x f: then the pipeline is the estimator with standardize=True.
    X, y, G = data(120, 5, seed=2)
    scaler = StandardScaler().fit(X)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("rf", Estimator(n_features=300, k=2, standardize=False, random_state=4))])
    pipe.fit(X, y, rf__gradients=G * scaler.scale_)
    direct = Estimator(n_features=300, k=2, standardize=True, random_state=4).fit(X, y, gradients=G)
    Xt, _, _ = data(50, 5, seed=3)
    assert rel(pipe.predict(Xt), direct.predict(Xt)) < 1e-12
    # The pipeline's last step differentiates in u; the chain rule back to x divides by scale.
    grad_u = pipe.named_steps["rf"].predict_gradient(scaler.transform(Xt))
    assert rel(grad_u / scaler.scale_, direct.predict_gradient(Xt)) < 1e-12
    # Unscaled gradients in a pipeline are a different (wrong) fit: the test above is not vacuous.
    wrong = Pipeline([("scale", StandardScaler()),
                      ("rf", Estimator(n_features=300, k=2, standardize=False, random_state=4))])
    wrong.fit(X, y, rf__gradients=G)
    assert rel(wrong.predict(Xt), direct.predict(Xt)) > 1e-6


# ---- the L2 fit is Ridge on the features ---------------------------------------------------------


@pytest.mark.parametrize("n,p", [(60, 250), (250, 80)])  # dual, primal
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_l2_fit_equals_ridge_on_the_features(n, p, fit_intercept):
    X, y, G = data(n, 6, seed=5)
    lam = 1e-3
    fits = [Estimator(n_features=p, lam=lam, fit_intercept=fit_intercept, random_state=6).fit(X, y),
            Estimator(n_features=p, lam=lam, beta=0.0, fit_intercept=fit_intercept, random_state=6)
            .fit(X, y, gradients=G)]
    assert fits[0].solver_ == ("dual" if n < p else "primal")
    for est in fits:
        F = est.transform(X)
        ridge = Ridge(alpha=n * lam, fit_intercept=fit_intercept).fit(F, y)
        Xt, _, _ = data(40, 6, seed=7)
        Ft = est.transform(Xt)
        assert rel(est.predict(Xt), ridge.predict(Ft)) < 1e-10
        assert rel(est.predict(X), ridge.predict(F)) < 1e-10
    assert fits[1].train_g_ > 0  # beta = 0: the gradient error is measured, not fitted
    np.testing.assert_array_equal(fits[0].predict(X), fits[1].predict(X))


def test_features_are_sigma_of_the_standardized_projection():
    X, y, _ = data(30, 4, seed=8)
    for name, (sigma, _) in ACTIVATIONS.items():
        est = Estimator(n_features=50, activation=name, random_state=9).fit(X, y)
        Z = (X - X.mean(0)) / X.std(0)
        expected = sigma(Z @ est.random_weights_ / 2.0)  # sqrt(d) = 2
        assert np.max(np.abs(est.transform(X) - expected)) <= 1e-12 * (1 + np.max(np.abs(expected))), name


# ---- input gradients --------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_predict_gradient_equals_finite_differences(activation):
    # Central differences with step h: error h^2 |f'''| / 6 + eps |f| / h ~ 1e-10 at h = 1e-5 for
    # inputs of scale 1 to 3; tolerance 1e-6 (1 + |gradient|).
    X, y, G = data(80, 5, seed=10)
    est = Estimator(n_features=150, activation=activation, k=2, random_state=11).fit(X, y, gradients=G)
    Xt, _, _ = data(7, 5, seed=12)
    grad = est.predict_gradient(Xt)
    assert grad.shape == Xt.shape
    h = 1e-5
    for j in range(Xt.shape[1]):
        e = np.zeros(Xt.shape[1])
        e[j] = h
        fd = (est.predict(Xt + e) - est.predict(Xt - e)) / (2 * h)
        np.testing.assert_allclose(grad[:, j], fd, rtol=0, atol=1e-6 * (1 + np.max(np.abs(grad))))


# ---- the fit with gradients is the stacked ridge --------------------------------------------------


def closed_form(est, X, y, labels, D, activation="tanh"):
    """The stacked ridge in numpy: A = [F 1; sqrt(beta) S diag(zeta_m) 0 ...], b = [y; sqrt(beta) g_m],
    (A^T A + n diag(lam, ..., lam, 0)) [w; c] = A^T b, with D the directions in standardised
    coordinates and labels the derivatives along them."""
    sigma, dsigma = ACTIVATIONS[activation]
    n, d = X.shape
    Z = (X - est.mean_) / est.scale_ if est.standardize else X
    H = Z @ est.random_weights_ / math.sqrt(d)
    F, S = sigma(H), dsigma(H)
    zeta = D.T @ est.random_weights_ / math.sqrt(d)
    ones = np.ones((n, 1)) if est.fit_intercept else np.zeros((n, 0))
    rows = [np.hstack([F, ones])] + [math.sqrt(est.beta) * np.hstack([S * z, 0 * ones]) for z in zeta]
    A = np.vstack(rows)
    b = np.concatenate([y] + [math.sqrt(est.beta) * labels[:, m] for m in range(D.shape[1])])
    penalty = np.full(A.shape[1], n * est.lam)
    if est.fit_intercept:
        penalty[-1] = 0
    x = np.linalg.solve(A.T @ A + np.diag(penalty), A.T @ b)
    return x[:est.n_features], (x[-1] if est.fit_intercept else 0.0)


@pytest.mark.parametrize("n,p", [(40, 300), (200, 120)])  # dual (n(1+k) < p), primal
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("directions", ["random", "all", "pca", "array-full", "array-directional"])
def test_sobolev_fit_equals_closed_form_stacked_ridge(n, p, fit_intercept, directions):
    d, k = 5, 2
    X, y, G = data(n, d, seed=13)
    kwargs = dict(n_features=p, lam=1e-3, beta=0.7, fit_intercept=fit_intercept, random_state=14)
    V = np.random.default_rng(15).standard_normal((d, k))
    if directions.startswith("array"):
        est = Estimator(directions=V, **kwargs)
        grads = G if directions == "array-full" else G @ V
        est.fit(X, y, gradients=grads)
        D, labels = V / est.scale_[:, None], G @ V
        np.testing.assert_array_equal(est.directions_, V)
    else:
        est = Estimator(directions=directions, k=None if directions == "all" else k, **kwargs).fit(X, y, gradients=G)
        Gz = G * est.scale_  # chain rule into standardised coordinates
        if directions == "random":  # Theta, then the N(0, 1) sketch, from random_state
            rs = np.random.RandomState(14)
            np.testing.assert_array_equal(est.random_weights_, rs.standard_normal((d, p)))
            D = rs.standard_normal((d, k))
        elif directions == "all":
            D = np.eye(d)
        else:  # top-k eigenvectors of the gradients' second moment, up to sign
            vals, vecs = np.linalg.eigh(Gz.T @ Gz / n)
            D = vecs[:, ::-1][:, :k]
            D = D * np.sign(np.sum(D * est.standardized_directions_, axis=0))
        np.testing.assert_allclose(est.standardized_directions_, D, rtol=0, atol=1e-12)
        labels = Gz @ D
    assert est.solver_ == ("dual" if n * (1 + D.shape[1]) < p else "primal")
    w, c = closed_form(est, X, y, labels, D)
    Xt, _, _ = data(30, d, seed=16)
    pred = est.transform(Xt) @ w + c
    assert rel(est.predict(Xt), pred) < 1e-9
    assert rel(est.coef_, w) < 1e-7
    assert est.intercept_ == pytest.approx(c, rel=1e-7, abs=1e-10)


def test_fit_is_deterministic_and_independent_of_threads():
    X, y, G = data(150, 6, seed=17)
    fits = [Estimator(n_features=600, directions="all", random_state=18, n_jobs=j).fit(X, y, gradients=G)
            for j in (1, 2, 1)]
    for est in fits[1:]:
        np.testing.assert_array_equal(est.coef_, fits[0].coef_)
        np.testing.assert_array_equal(est.predict(X), fits[0].predict(X))


# ---- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("params,fit_kwargs,message", [
    (dict(activation="swish"), {}, "activation = 'swish': unknown"),
    (dict(n_features=0), {}, "n_features"),
    (dict(lam=-1.0), {}, "lam = -1.0"),
    (dict(beta=float("nan")), {}, "beta = nan"),
    (dict(k=7), dict(gradients="full"), "k = 7 > d = 5"),
    (dict(directions="sideways"), {}, "directions = 'sideways'"),
    (dict(directions="all", k=2), dict(gradients="full"), "directions='all' means k = d"),
    (dict(directions=np.ones(5)), {}, "directions has shape (5,)"),
    (dict(directions=np.ones((4, 2))), {}, "directions has shape (4, 2)"),
    (dict(directions=np.ones((5, 2)), k=3), {}, "k = 3 but directions has 2 columns"),
    (dict(directions=np.eye(5)), dict(gradients="full"), "pass gradient_kind"),
    (dict(), dict(gradients="short"), "gradients has 19 rows but X has 20 samples"),
    (dict(), dict(gradients="k-columns"), "directions='random' needs the full gradients"),
    (dict(), dict(gradients="1d"), "Expected 2D array"),
    (dict(), dict(gradients="nan"), "gradients contains NaN"),
    (dict(activation="sign"), dict(gradients="full"), "sign"),
    (dict(n_jobs=0), {}, "n_jobs"),
])
def test_bad_input_is_a_clear_value_error(params, fit_kwargs, message):
    X, y, G = data(20, 5, seed=19)
    grads = {"full": G, "short": G[:-1], "k-columns": G[:, :2], "1d": G[:, 0], "nan": np.where(G > 0.1, np.nan, G)}
    kwargs = {"gradients": grads[fit_kwargs["gradients"]]} if "gradients" in fit_kwargs else {}
    with pytest.raises(ValueError) as info:
        Estimator(**{"n_features": 20, **params}).fit(X, y, **kwargs)
    assert message in str(info.value), str(info.value)


def test_bad_data_is_a_clear_value_error():
    X, y, G = data(20, 5, seed=20)
    est = Estimator(n_features=20, random_state=0)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        est.fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="Input y contains infinity"):
        est.fit(X, np.where(y > 0, np.inf, y))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        est.fit(X, y[:-1])
    est.fit(X, y, gradients=G)
    with pytest.raises(ValueError, match="X has 4 features"):
        est.predict_gradient(X[:, :4])
    # A directional-derivative array along a (d, k) directions array: (n, k), not (n, d) or (n,).
    V = np.ones((5, 2))
    with pytest.raises(ValueError, match="gradients has 3 columns"):
        Estimator(n_features=20, directions=V).fit(X, y, gradients=G[:, :3])
    with pytest.raises(ValueError, match="gradient_kind='directional' needs a"):
        Estimator(n_features=20).fit(X, y, gradients=G, gradient_kind="directional")


# ---- the bridge back to the theory -----------------------------------------------------------------


def bridge_seed(alpha, gamma, lam, k, p, seed, test_samples):
    """One fit on MODEL.md's synthetic model: x ~ N(0, I_d), |theta0| = 1, y = tanh(theta0 . x), full
    gradients tanh'(theta0 . x) theta0 sketched on k N(0, 1) directions (directions="random"); the
    noiseless test error on fresh inputs and the realised alignment varpi = V^T theta0."""
    rng = np.random.default_rng([seed, k, round(1000 * alpha)])
    n, d = round(alpha * p), round(gamma * p)
    theta0 = rng.standard_normal(d)
    theta0 /= np.linalg.norm(theta0)
    X = rng.standard_normal((n, d))
    omega = X @ theta0
    G = (1 - np.tanh(omega) ** 2)[:, None] * theta0
    est = Estimator(n_features=p, k=k, directions="random", lam=lam, standardize=False, fit_intercept=False,
                    random_state=seed)
    est.fit(X, np.tanh(omega), gradients=G if k > 0 else None)
    Xt = rng.standard_normal((test_samples, d))
    gen_f = np.mean((np.tanh(Xt @ theta0) - est.predict(Xt)) ** 2)
    varpi = est.standardized_directions_.T @ theta0 if k > 0 else np.zeros(0)
    return gen_f, varpi


def check_bridge(points, p, seeds, test_samples, z_max):
    """Simulated gen_f over seeds against the theory's mean over varpi ~ N(0, I_k) (the sketch is drawn
    N(0, 1), so the simulation averages over varpi), and, sharper, the per-seed differences from the
    theory at each seed's realised varpi. |z| <= z_max for both."""
    gamma, lam = 0.5, 1e-2
    report = []
    for alpha, k in points:
        runs = [bridge_seed(alpha, gamma, lam, k, p, s, test_samples) for s in range(seeds)]
        gen = np.array([g for g, _ in runs])
        theory_mean = srf.theory(alpha=alpha, gamma=gamma, lam=lam, k=k, varpi_average=True).varpi_law["gen_f"]["mean"]
        # Every seed's realised varpi at once: an array of shape (seeds, 1, k), one cold start per row.
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
    # p = 300, 8 seeds: a few seconds. Three points: L2 and one sketched direction at p/n = 2 (where
    # gradients raise gen_f) and k = 1 at p/n = 0.5.
    start = time.time()
    check_bridge([(0.5, 0), (0.5, 1), (2.0, 1)], p=300, seeds=8, test_samples=1000, z_max=3.5)
    assert time.time() - start < 60


def test_slow_theory_bridge_p1000_16_seeds():
    # MODEL.md's sizes: p = 1000, 16 seeds, four points. At alpha = 2 the finite-size bias of
    # gen_f (about -1 %, O(1/p)) is comparable to the standard error: z_max = 4 as `validate`.
    check_bridge([(0.5, 0), (0.5, 1), (2.0, 1), (2.0, 0)], p=1000, seeds=16, test_samples=4000, z_max=4.0)
