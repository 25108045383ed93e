#!/usr/bin/python3
r"""Benchmark of `sobolev_rf.SobolevRandomFeaturesRegressor` on engineering test functions with
analytic gradients (issue 20, item 4), against the methods a user would pick instead.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=build/python /usr/bin/python3 bench/estimator/run_benchmark.py

(one BLAS thread for every method, and n_jobs=1 for the estimator, so that the times compare like
with like on a shared machine) runs every missing cell (resuming from bench/estimator/results/benchmark.json), then writes
docs/generated/benchmarks-estimator.md and docs/generated/figures/estimator_benchmark.png from
the cache. `--report-only` only regenerates the document and the figure; `--smoke` is a tiny run
for the tests (its own cache, document and figure under a temporary directory unless given).

Cells. Functions: borehole (d = 8), otl_circuit (6), piston (7), wing_weight (10),
single_index_100 (100) from test_functions.py, inputs uniform on their published boxes. Sizes
n in {25, 50, 100, 200, 400, 800}. A cell is (function, n, method, repetition); repetition r
draws its training set from seed (SEED, function, n, r), shared by every method (paired
comparisons), and seeds the random features with 1000 + r. One test set of N_TEST points per
function (seed (SEED, function)). Error: test RMSE / std(f over the test set).

Methods (all see the same standardised problem; times are wall seconds on this machine):

- rf_l2            the estimator without gradients (L2 random features); CV over lam.
- rf_sob_random_k1 the estimator with directions="random", k = 1; CV over (lam, beta).
- rf_sob_pca_k2    directions="pca", k = 2 (top-2 principal directions of the training gradients).
- rf_sob_all       directions="all" (the full gradient, k = d).
  All four: n_features = P (1000 by default), activation tanh, standardize=True,
  fit_intercept=True, 5-fold CV (KFold, shuffled, seed per repetition) minimising the held-out
  MSE of the function values. The CV solves the same stacked ridge problem as the estimator
  (intercept on the function rows only, loss averaged over n) in numpy, with the random features,
  standardisation and directions of the full training set (the estimator's own draws for its
  random_state; so within the CV the held-out points contribute to the input scaling and, for
  "pca", to the principal directions: a transductive shortcut on unlabelled information that lets
  all folds share one feature matrix). Held-out Gram blocks are subtracted from the full ones, and
  the Gram of all k gradient rows is formed as (S^T S) * (zeta^T zeta) (S = sigma'(h),
  zeta = D^T Theta / sqrt d), so the CV costs one pass over the data plus one Cholesky
  factorisation of the smaller of the primal (p x p) and dual (n(1+k) square) systems per
  (fold, lam, beta). Grid: lam in LAMS, beta in BETAS, then lam refined by +-1 decade at the best
  beta. The final fit is the estimator's fit() at the chosen (lam, beta) on the whole training set.
- krr_rbf          sklearn KernelRidge(kernel="rbf") after StandardScaler on X and centring and
                   scaling y (TransformedTargetRegressor); GridSearchCV, same 5 folds, over alpha
                   and gamma (gamma = c / d). Function values only.
- gp_rbf_ard       sklearn GaussianProcessRegressor, kernel C * RBF(ARD length scales) +
                   WhiteKernel, normalize_y=True, inputs standardised; marginal likelihood,
                   L-BFGS-B from one start (n_restarts_optimizer = 0). Function values only.
- gek              the exact gradient-enhanced GP (gradient_gp.GradientEnhancedGP: ARD RBF with
                   derivative covariances, maximum marginal likelihood), values and full gradients;
                   "capped" where n (d + 1) > 10^4. Starts: 2 (n_restarts = 1) where
                   n (d + 1) <= gek_two_starts_max_n (1000), else 1 (n_restarts = 0), to fit the
                   compute budget. Repetitions: see the policy below.

Times. "tune" is the hyperparameter search: the CV for the random features and KernelRidge, the
marginal-likelihood optimisation (which ends in a fitted model) for the GPs. "fit" is one final
fit at the chosen hyperparameters: the estimator's fit() / KernelRidge's fit; for the GPs a refit
at the optimised hyperparameters without optimisation (one factorisation). "total" = time to a
usable model from the data: tune + fit for CV methods, tune for the GPs.

Repetition policy of the GP and the GEK (the GEK at n = 800 costs tens of minutes per fit on the
2-core machine this ran on, shared with other jobs): a (function, n) cell runs all `repeats`
repetitions while its slowest fit (or, before any, the fit predicted from the median at the largest
smaller n of the same function, scaled by (n'/n)^3, i.e. (N'/N)^3 with N = n (d+1), and for the
GEK by the ratio of L-BFGS-B starts) takes under slow_s[0] = 20 s; 2 repetitions under
slow_s[1] = 60 s; else 1. A cell whose predicted single fit exceeds max_predicted_s = 120 s is
not run ("skipped: budget (2-core machine ...)" with the predicted time), unless it is listed in
`required` ("method:function:n"; empty). The document lists every cell with fewer than `repeats`
repetitions and why, and the closing note compares borehole n = 800 with the GEK's predicted time
where the GEK was skipped.

Resuming: every finished cell is written at once (atomically) to the JSON cache with the
configuration it ran under; a rerun skips cells whose configuration matches and recomputes the
others. --functions, --sizes, --methods, --repeats select a subset (the document is made from all
cached cells of the current configuration).
"""
import argparse
import contextlib
import datetime
import hashlib
import json
import math
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
if os.path.isdir(os.path.join(ROOT, "build", "python")):
    sys.path.append(os.path.join(ROOT, "build", "python"))  # after PYTHONPATH: a given one wins

import gradient_gp as ggp  # noqa: E402
import test_functions as tf  # noqa: E402

SEED = 20
FUNCTIONS = ["borehole", "otl_circuit", "piston", "wing_weight", "single_index_100"]
SIZES = [25, 50, 100, 200, 400, 800]
METHODS = ["rf_l2", "rf_sob_random_k1", "rf_sob_pca_k2", "rf_sob_all", "krr_rbf", "gp_rbf_ard", "gek",
           "rf_l2_plain", "rf_sob_all_plain"]
MAIN_METHODS = METHODS[:7]
SLOW_METHODS = ("gp_rbf_ard", "gek")
RF_METHODS = {  # name: (directions, k, variant); directions None: the L2 fit
    "rf_l2": (None, 0, "bias"),
    "rf_sob_random_k1": ("random", 1, "bias"),
    "rf_sob_pca_k2": ("pca", 2, "bias"),
    "rf_sob_all": ("all", None, "bias"),
    "rf_l2_plain": (None, 0, "plain"),
    "rf_sob_all_plain": ("all", None, "plain"),
}
PLAIN_SIZES = [50, 200]  # the "plain" variants (the estimator as shipped) run at these n only
LABELS = {
    "rf_l2": "L2 RF",
    "rf_sob_random_k1": "Sobolev RF random k=1",
    "rf_sob_pca_k2": "Sobolev RF pca k=2",
    "rf_sob_all": "Sobolev RF all",
    "krr_rbf": "KernelRidge RBF",
    "gp_rbf_ard": "GP ARD (values)",
    "gek": "GEK (values+gradients)",
    "rf_l2_plain": "L2 RF as shipped (tanh, no bias)",
    "rf_sob_all_plain": "Sobolev RF all as shipped (tanh, no bias)",
}
SHORT = {
    "rf_l2": "L2 RF", "rf_sob_random_k1": "Sob rand1", "rf_sob_pca_k2": "Sob pca2", "rf_sob_all": "Sob all",
    "krr_rbf": "KRR", "gp_rbf_ard": "GP", "gek": "GEK", "rf_l2_plain": "L2 plain", "rf_sob_all_plain": "Sob all plain",
}

FULL = dict(
    n_features=1000, n_test=2000, folds=5, repeats=5,
    lams=[1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1.0], betas=[1e-2, 1e-1, 1.0, 10.0],
    krr_alphas=[1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1.0], krr_gamma_c=[0.01, 0.03, 0.1, 0.3, 1.0, 3.0],
    gp_restarts=0, gp_maxiter=100, gek_two_starts_max_n=1000, slow_s=(20.0, 60.0), max_predicted_s=120.0,
    required=["gek:borehole:800"], gek_cap=ggp.DEFAULT_MAX_JOINT_SIZE,  # the done-when comparison, measured
)
SMOKE = dict(
    n_features=60, n_test=200, folds=3, repeats=1,
    lams=[1e-8, 1e-4, 1.0], betas=[0.1, 1.0],
    krr_alphas=[1e-6, 1e-2], krr_gamma_c=[0.1, 1.0],
    gp_restarts=0, gp_maxiter=100, gek_two_starts_max_n=2000, slow_s=(150.0, 600.0), max_predicted_s=2400.0,
    required=[], gek_cap=1000,  # smoke: single_index_100 at n = 25 (N = 2525) takes the "capped" path
)
SMOKE_SELECTION = dict(functions=["borehole", "single_index_100"], sizes=[25], methods=METHODS)

DEFAULT_CACHE = os.path.join(HERE, "results", "benchmark.json")
DEFAULT_DOC = os.path.join(ROOT, "docs", "generated", "benchmarks-estimator.md")
DEFAULT_FIG = os.path.join(ROOT, "docs", "generated", "figures", "estimator_benchmark.png")
COMMAND = "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=build/python /usr/bin/python3 bench/estimator/run_benchmark.py"


# ------------------------------------------------------------------------------------------ data
def function_index(name):
    return sorted(tf.REGISTRY).index(name)


def test_set(fn, n_test):
    rng = np.random.default_rng([SEED, function_index(fn.name), 10 ** 6])
    X = fn.sample(n_test, rng)
    return X, fn.f(X)


def training_set(fn, n, rep):
    rng = np.random.default_rng([SEED, function_index(fn.name), n, rep])
    X = fn.sample(n, rng)
    y, G = fn.value_and_grad(X)
    return X, y, G


def folds_for(n, n_folds, rep):
    from sklearn.model_selection import KFold
    return list(KFold(n_splits=min(n_folds, n), shuffle=True, random_state=SEED * 100 + rep).split(np.zeros(n)))


# ------------------------------------------------------------------- random features: the CV
class RFSetup:
    """How one random-features method sees a training set: the estimator to fit and, for the CV,
    the same features recomputed in numpy from the same draws (checked against the estimator to
    1e-9 in tests/python/test_bench_estimator_smoke.py).

    variant "bias" (the main methods): the benchmark standardises the inputs itself and appends a
    constant input b = sqrt(d + 1), u = ((x - mean) / sd, b), so that every feature
    sigma(<theta_j, u> / sqrt(d + 1)) gets a random bias theta_{j,d+1} b / sqrt(d + 1) ~ N(0, 1);
    activation softplus; the estimator runs with standardize=False and a (d + 1, k) directions
    array whose last row is 0 (derivatives only along the real inputs), fed the directional
    derivatives (gradient_kind="directional"). "random": V ~ N(0, 1)^(d x k) in the standardised
    coordinates (MODEL.md's sketch); "pca": the estimator's top-k principal directions of the
    standardised training gradients; "all": the d unit vectors.
    variant "plain": the estimator exactly as shipped (standardize=True, activation tanh, named
    directions, no bias), to show what the bias and the activation are worth."""

    def __init__(self, cfg, method, rep, X, G):
        from sklearn.preprocessing import StandardScaler
        from sobolev_rf.estimator import _principal_directions
        self.cfg, self.method, self.rep = cfg, method, rep
        self.directions, self.k, self.variant = RF_METHODS[method]
        self.random_state = 1000 + rep
        n, d = X.shape
        self.d = d
        sc = StandardScaler().fit(X)
        self.mean, self.sd = sc.mean_, sc.scale_
        Gz = None if G is None else G * self.sd
        if self.variant == "bias":
            self.b = math.sqrt(d + 1.0)
            self.activation = "softplus"
            if self.directions is None:
                self.D = None
            else:
                if self.directions == "random":
                    Dz = np.random.default_rng([SEED, 7, rep]).standard_normal((d, self.k))
                elif self.directions == "all":
                    Dz = np.eye(d)
                else:
                    Dz = _principal_directions(Gz, self.k)
                self.D = np.vstack([Dz, np.zeros((1, Dz.shape[1]))])
            self.labels = None if self.D is None else Gz @ self.D[:d]
        else:
            self.activation = "tanh"
            self.labels = None  # set in features()
        self.X, self.G, self.Gz = X, G, Gz

    def inputs(self, X):
        """What the estimator is fed."""
        if self.variant == "plain":
            return X
        Z = (X - self.mean) / self.sd
        return np.hstack([Z, np.full((len(Z), 1), self.b)])

    def estimator(self, lam, beta):
        from sobolev_rf import SobolevRandomFeaturesRegressor
        kw = dict(n_features=self.cfg["n_features"], activation=self.activation, lam=float(lam),
                  fit_intercept=True, random_state=self.random_state, n_jobs=1)
        if self.variant == "plain":
            if self.directions is None:
                return SobolevRandomFeaturesRegressor(k=0, standardize=True, **kw)
            return SobolevRandomFeaturesRegressor(directions=self.directions, k=self.k, beta=float(beta),
                                                  standardize=True, **kw)
        if self.D is None:
            return SobolevRandomFeaturesRegressor(k=0, standardize=False, **kw)
        return SobolevRandomFeaturesRegressor(directions=self.D, beta=float(beta), standardize=False, **kw)

    def fit(self, y, lam, beta):
        est = self.estimator(lam, beta)
        U = self.inputs(self.X)
        if self.directions is None:
            return est.fit(U, y)
        if self.variant == "plain":
            return est.fit(U, y, gradients=self.G)
        return est.fit(U, y, gradients=self.labels, gradient_kind="directional")

    def predict(self, est, X):
        return est.predict(self.inputs(X))

    def features(self, X=None):
        """(Phi, S, zeta, labels) of the training set (or of X: Phi, S only; zeta, labels None):
        Phi = sigma(h), S = sigma'(h), zeta = D^T Theta / sqrt(d_in) (k, p), labels (n, k)."""
        from scipy.special import expit
        from sklearn.utils import check_random_state
        from sobolev_rf.estimator import _principal_directions
        train = X is None
        X = self.X if train else X
        p = self.cfg["n_features"]
        if self.variant == "plain":
            d = self.d
            rng = check_random_state(self.random_state)
            theta = rng.standard_normal((d, p))
            H = ((X - self.mean) / self.sd) @ theta / math.sqrt(d)
            Phi = np.tanh(H)
            S = 1.0 - Phi ** 2
            if not train or self.directions is None:
                return Phi, (S if self.directions is not None else None), None, None
            if self.directions == "random":
                Dz = rng.standard_normal((d, self.k))
            elif self.directions == "all":
                Dz = np.eye(d)
            else:
                Dz = _principal_directions(self.Gz, self.k)
            return Phi, S, Dz.T @ theta / math.sqrt(d), self.Gz @ Dz
        d_in = self.d + 1
        theta = check_random_state(self.random_state).standard_normal((d_in, p))
        H = self.inputs(X) @ theta / math.sqrt(d_in)
        Phi = np.logaddexp(0.0, H)
        if self.D is None:
            return Phi, None, None, None
        S = expit(H)
        if not train:
            return Phi, S, None, None
        return Phi, S, self.D.T @ theta / math.sqrt(d_in), self.labels


def _chol_solve(M, B):
    from scipy.linalg import cho_factor, cho_solve, LinAlgError
    try:
        c = cho_factor(M, lower=True, check_finite=False)
    except LinAlgError:
        return None
    x = cho_solve(c, B, check_finite=False)
    return x if np.all(np.isfinite(x)) else None


class StackedRidgeCV:
    """K-fold CV of the stacked ridge
        min_{w,c} (1/n) sum_i [(y_i - c - Phi_i w)^2 + beta |g_i - A_i w|^2] + lam |w|^2,
    A_i = rows S_i * zeta_m (m = 1..k), scored by the held-out MSE of the function values."""

    def __init__(self, Phi, y, folds, S=None, zeta=None, gl=None):
        self.Phi, self.y, self.folds = Phi, y, folds
        self.S, self.zeta, self.gl = S, zeta, gl
        self.k = 0 if zeta is None else zeta.shape[0]
        n, p = Phi.shape
        self.p = p
        n_tr_max = max(len(tr) for tr, _ in folds)
        self.primal = n_tr_max * (1 + self.k) >= p
        if self.primal:
            self._primal_blocks()

    def _primal_blocks(self):
        Phi, y = self.Phi, self.y
        self.blk = []
        covered = np.zeros(len(y), dtype=bool)
        for _, va in self.folds:
            covered[va] = True
        rest = np.flatnonzero(~covered)  # rows in no held-out fold (none for a K-fold partition)
        for va in [va for _, va in self.folds] + ([rest] if len(rest) else []):
            P = Phi[va]
            b = dict(F=P.T @ P, s=P.sum(0), ry=P.T @ y[va], sy=float(y[va].sum()), n=len(va))
            if self.k:
                Sv = self.S[va]
                b["G"] = (Sv.T @ Sv) * (self.zeta.T @ self.zeta)
                b["rg"] = (Sv * (self.gl[va] @ self.zeta)).sum(0)
            self.blk.append(b)
        self.tot = {key: sum(b[key] for b in self.blk) for key in self.blk[0]}
        self.blk = self.blk[:len(self.folds)]

    def scores(self, lams, betas):
        """Mean held-out MSE, array (len(betas), len(lams)); inf where a solve failed."""
        betas = [0.0] if self.k == 0 else list(betas)
        err = np.zeros((len(betas), len(lams)))
        for j, (tr, va) in enumerate(self.folds):
            e = self._primal_fold(j, va, lams, betas) if self.primal else self._dual_fold(tr, va, lams, betas)
            err += e * len(va)
        return err / sum(len(va) for _, va in self.folds)

    def _primal_fold(self, j, va, lams, betas):
        t, b = self.tot, self.blk[j]
        n_t = t["n"] - b["n"]
        mu = (t["s"] - b["s"]) / n_t
        ybar = (t["sy"] - b["sy"]) / n_t
        Fc = (t["F"] - b["F"]) - n_t * np.outer(mu, mu)
        rc = (t["ry"] - b["ry"]) - n_t * mu * ybar
        if self.k:
            Gt, rgt = t["G"] - b["G"], t["rg"] - b["rg"]
        Pv, yv = self.Phi[va], self.y[va]
        out = np.full((len(betas), len(lams)), np.inf)
        I = np.eye(self.p)
        for ib, beta in enumerate(betas):
            M = Fc + beta * Gt if self.k else Fc
            r = rc + beta * rgt if self.k else rc
            for il, lam in enumerate(lams):
                w = _chol_solve(M + n_t * lam * I, r)
                if w is None:
                    continue
                pred = Pv @ w + (ybar - mu @ w)
                out[ib, il] = float(np.mean((pred - yv) ** 2))
        return out

    def _dual_fold(self, tr, va, lams, betas):
        Phi, y = self.Phi, self.y
        n_t = len(tr)
        mu = Phi[tr].mean(0)
        ybar = float(y[tr].mean())
        Af = Phi[tr] - mu
        yc = y[tr] - ybar
        Pv, yv = Phi[va], y[va]
        Kff, Pf, uf = Af @ Af.T, Pv @ Af.T, Af @ mu
        if self.k:
            Ag = (self.S[tr][:, None, :] * self.zeta[None, :, :]).reshape(n_t * self.k, self.p)
            gt = self.gl[tr].reshape(-1)
            Kfg, Kgg, Pg, ug = Af @ Ag.T, Ag @ Ag.T, Pv @ Ag.T, Ag @ mu
        out = np.full((len(betas), len(lams)), np.inf)
        for ib, beta in enumerate(betas):
            if self.k:
                sb = math.sqrt(beta)
                K = np.block([[Kff, sb * Kfg], [sb * Kfg.T, beta * Kgg]])
                yt = np.concatenate([yc, sb * gt])
                P = np.hstack([Pf, sb * Pg])
                u = np.concatenate([uf, sb * ug])
            else:
                K, yt, P, u = Kff, yc, Pf, uf
            I = np.eye(K.shape[0])
            for il, lam in enumerate(lams):
                a = _chol_solve(K + n_t * lam * I, yt)
                if a is None:
                    continue
                pred = P @ a + (ybar - u @ a)
                out[ib, il] = float(np.mean((pred - yv) ** 2))
        return out


def tune_rf(cfg, setup, y, folds):
    """(lam, beta, best CV MSE, form): the coarse grid, then lam +- 1 decade at the best beta."""
    Phi, S, zeta, gl = setup.features()
    cv = StackedRidgeCV(Phi, y, folds, S, zeta, gl)
    lams, betas = list(cfg["lams"]), ([0.0] if setup.directions is None else list(cfg["betas"]))
    E = cv.scores(lams, betas)
    ib, il = np.unravel_index(np.argmin(E), E.shape)
    lam, beta, best = lams[il], betas[ib], float(E[ib, il])
    fine = [lam / 10.0, lam * 10.0]
    Ef = cv.scores(fine, [beta])[0]
    if np.min(Ef) < best:
        lam, best = fine[int(np.argmin(Ef))], float(np.min(Ef))
    return lam, beta, best, ("primal" if cv.primal else "dual")


# ---------------------------------------------------------------------------------- the methods
def run_rf(cfg, method, X, y, G, Xt, rep, folds):
    t0 = time.perf_counter()
    setup = RFSetup(cfg, method, rep, X, G)
    lam, beta, cv_mse, cv_form = tune_rf(cfg, setup, y, folds)
    t1 = time.perf_counter()
    est = setup.fit(y, lam, beta)
    t2 = time.perf_counter()
    pred = setup.predict(est, Xt)
    return pred, t1 - t0, t2 - t1, dict(lam=lam, beta=(None if setup.directions is None else beta), cv_mse=cv_mse,
                                        cv_form=cv_form, solver=est.solver_, k=est.k_)


def run_krr(cfg, X, y, Xt, folds):
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    d = X.shape[1]
    model = TransformedTargetRegressor(regressor=make_pipeline(StandardScaler(), KernelRidge(kernel="rbf")),
                                       transformer=StandardScaler())
    grid = {"regressor__kernelridge__alpha": list(cfg["krr_alphas"]),
            "regressor__kernelridge__gamma": [c / d for c in cfg["krr_gamma_c"]]}
    t0 = time.perf_counter()
    search = GridSearchCV(model, grid, cv=folds, scoring="neg_mean_squared_error", refit=False, n_jobs=1)
    search.fit(X, y)
    t1 = time.perf_counter()
    best = search.best_params_
    model.set_params(**best)
    model.fit(X, y)
    t2 = time.perf_counter()
    return model.predict(Xt), t1 - t0, t2 - t1, dict(alpha=best["regressor__kernelridge__alpha"],
                                                     gamma=best["regressor__kernelridge__gamma"])


def _lbfgs_capped(maxiter):
    """scikit-learn's own optimiser (L-BFGS-B on the log-hyperparameters) with at most `maxiter`
    iterations (its default allows 15000: one ARD fit in d = 100 at n = 800 took 18 min here),
    as the GEK's."""
    def optimizer(obj_func, initial_theta, bounds):
        from scipy.optimize import minimize
        r = minimize(obj_func, initial_theta, method="L-BFGS-B", jac=True, bounds=bounds,
                     options=dict(maxiter=maxiter))
        return r.x, r.fun
    return optimizer


def run_gp(cfg, X, y, Xt, rep):
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
    d = X.shape[1]
    mean, sd = X.mean(0), X.std(0)
    sd = np.where(sd > 0, sd, 1.0)
    Z, Zt = (X - mean) / sd, (Xt - mean) / sd
    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(d, math.sqrt(d)), (1e-2, 1e5))
              + WhiteKernel(1e-6, (1e-10, 1e-1)))
    t0 = time.perf_counter()
    gp = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=cfg["gp_restarts"],
                                  optimizer=_lbfgs_capped(cfg["gp_maxiter"]), random_state=rep).fit(Z, y)
    t1 = time.perf_counter()
    GaussianProcessRegressor(gp.kernel_, normalize_y=True, optimizer=None).fit(Z, y)
    t2 = time.perf_counter()
    return gp.predict(Zt), t1 - t0, t2 - t1, dict(kernel=str(gp.kernel_),
                                                  log_marginal_likelihood=float(gp.log_marginal_likelihood_value_))


def gek_starts(cfg, n, d):
    """L-BFGS-B starts of the GEK fit at (n, d): 2 up to a joint size gek_two_starts_max_n, else 1."""
    return 2 if n * (d + 1) <= cfg["gek_two_starts_max_n"] else 1


def run_gek(cfg, X, y, G, Xt, rep):
    n, d = X.shape
    N = n * (d + 1)
    restarts = gek_starts(cfg, n, d) - 1
    t0 = time.perf_counter()
    gek = ggp.GradientEnhancedGP(n_restarts=restarts, random_state=rep, max_joint_size=cfg["gek_cap"]).fit(X, y, G)
    t1 = time.perf_counter()
    th = gek.theta_
    ggp.GradientEnhancedGP(optimize=False, max_joint_size=cfg["gek_cap"], init_signal_variance=float(np.exp(th[0])),
                           init_length_scale=np.exp(th[1:1 + d]), init_noise=float(np.exp(th[-1]))).fit(X, y, G)
    t2 = time.perf_counter()
    return gek.predict(Xt), t1 - t0, t2 - t1, dict(starts=restarts + 1, n_lml_evals=int(gek.n_lml_evals_),
                                                   lml_seconds=float(gek.lml_seconds_), joint_size=N,
                                                   log_marginal_likelihood=float(gek.log_marginal_likelihood_))


# ------------------------------------------------------------------------------------- the cache
def config_key(cfg, method):
    """The settings a cell of `method` depends on (a change reruns the cell)."""
    keys = ["n_features", "n_test", "folds"]
    if method in RF_METHODS:
        keys += ["lams", "betas"]
    elif method == "krr_rbf":
        keys += ["krr_alphas", "krr_gamma_c"]
    elif method == "gp_rbf_ard":
        keys += ["gp_restarts", "gp_maxiter"]
    else:
        keys += ["gek_two_starts_max_n", "gek_cap"]
    blob = json.dumps({k: cfg[k] for k in keys}, sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()[:12]


def cell_key(fname, n, method, rep):
    return f"{fname}|{n}|{method}|{rep}"


class Cache:
    def __init__(self, path):
        self.path = path
        self.cells = {}
        if os.path.exists(path):
            with open(path) as fh:
                self.cells = json.load(fh).get("cells", {})

    def get(self, key, cfg_hash):
        c = self.cells.get(key)
        return c if c is not None and c.get("config") == cfg_hash else None

    def put(self, key, cell):
        self.cells[key] = cell
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as fh:
            json.dump({"cells": self.cells}, fh, indent=1, sort_keys=True)
        os.replace(tmp, self.path)


# ---------------------------------------------------------------------------------- the runner
def slow_plan(cfg, cache, method, fname, n, repeats):
    """(repetitions to run, reason or None, predicted seconds or None) for a GP or GEK cell: the
    time t of one fit is the largest measured in this cell, or else predicted from the median at
    the largest smaller n of the same function as t (n'/n)^3; repetitions: all if t < slow_s[0],
    2 if t < slow_s[1], else 1; none ("skipped: budget") if the prediction exceeds max_predicted_s,
    unless "method:function:n" is in `required`."""
    fn = tf.REGISTRY[fname]
    h = config_key(cfg, method)
    if method == "gek" and n * (fn.d + 1) > cfg["gek_cap"]:
        return 1, "capped", None
    done = [cache.get(cell_key(fname, n, method, r), h) for r in range(repeats)]
    done = [c for c in done if c is not None and c["status"] == "ok"]
    t, pred = None, None
    if done:
        t = max(c["total_s"] for c in done)
    else:
        for m in sorted((v for v in SIZES if v < n), reverse=True):
            prev = [cache.get(cell_key(fname, m, method, r), h) for r in range(repeats)]
            prev = [c for c in prev if c is not None and c["status"] == "ok"]
            if prev:
                pred = t = float(np.median([c["total_s"] for c in prev])) * (n / m) ** 3
                if method == "gek":  # per start: the number of starts drops at gek_two_starts_max_n
                    pred = t = t * gek_starts(cfg, n, fn.d) / gek_starts(cfg, m, fn.d)
                break
    if t is None and method == "gek":
        probe = cache.get(probe_key(fname, n), h)
        if probe is not None:
            pred = t = probe["predicted_s"]
    if t is None:
        return repeats, None, None
    what = "measured" if pred is None else "predicted"
    if pred is not None and pred > cfg["max_predicted_s"] and f"{method}:{fname}:{n}" not in cfg["required"]:
        return 0, (f"skipped: budget (2-core machine; predicted {fmt_s(pred)} s per fit > "
                   f"{fmt_s(cfg['max_predicted_s'])} s)"), pred
    if t < cfg["slow_s"][0]:
        return repeats, None, pred
    if t < cfg["slow_s"][1]:
        return min(2, repeats), f"{what} {fmt_s(t)} s per fit (>= {fmt_s(cfg['slow_s'][0])} s): 2 repetitions", pred
    return 1, f"{what} {fmt_s(t)} s per fit (>= {fmt_s(cfg['slow_s'][1])} s): 1 repetition", pred


GEK_PROBE_MIN_N = 1000  # joint sizes above which a GEK fit without any smaller-n timing is probed first


def probe_key(fname, n):
    return f"{fname}|{n}|gek|probe"


def gek_probe(cfg, cache, fname, n, log=print):
    """Before the first GEK fit of a function at a joint size N = n (d+1) > GEK_PROBE_MIN_N with no
    smaller-n timing to predict from (single_index_100 at n = 25: N = 2525): time ONE likelihood
    evaluation with its gradient at the starting hyperparameters and predict the fit as that time
    x the largest number of evaluations per start measured in any GEK cell so far (maxiter + 1
    before any) x the number of starts. Stored in the cache (not a cell); slow_plan uses it."""
    fn = tf.REGISTRY[fname]
    N = n * (fn.d + 1)
    h = config_key(cfg, "gek")
    if N <= GEK_PROBE_MIN_N or N > cfg["gek_cap"] or cache.get(probe_key(fname, n), h) is not None:
        return
    if slow_plan(cfg, cache, "gek", fname, n, 1)[2] is not None or any(
            cache.get(cell_key(fname, n, "gek", r), h) is not None for r in range(cfg["repeats"])):
        return
    X, y, G = training_set(fn, n, 0)
    gek = ggp.GradientEnhancedGP(optimize=False, max_joint_size=cfg["gek_cap"]).fit(X, y, G)
    t0 = time.perf_counter()
    gek.log_marginal_likelihood(gek.theta_, eval_gradient=True)
    t_eval = time.perf_counter() - t0
    per_start = [c["info"]["n_lml_evals"] / c["info"]["starts"] for c in cache.cells.values()
                 if c.get("method") == "gek" and c.get("status") == "ok" and c.get("config") == h]
    evals = max(per_start) if per_start else 100 + 1
    pred = t_eval * evals * gek_starts(cfg, n, fn.d)
    cache.put(probe_key(fname, n), dict(function=fname, n=n, method="gek", status="probe", config=h, eval_s=t_eval,
                                        evals_per_start=evals, predicted_s=pred))
    log(f"{fname} n={n} gek: probe: one likelihood evaluation {t_eval:.2f} s x {evals:.0f} evaluations "
        f"-> predicted {pred:.0f} s per fit", flush=True)


def run_cell(cfg, fname, n, method, rep, test_cache):
    fn = tf.REGISTRY[fname]
    if fname not in test_cache:
        test_cache[fname] = test_set(fn, cfg["n_test"])
    Xt, ft = test_cache[fname]
    X, y, G = training_set(fn, n, rep)
    folds = folds_for(n, cfg["folds"], rep)
    base = dict(function=fname, n=n, method=method, rep=rep, d=fn.d, config=config_key(cfg, method),
                started=datetime.datetime.now().isoformat(timespec="seconds"), load=os.getloadavg()[0])
    if method == "gek" and n * (fn.d + 1) > cfg["gek_cap"]:
        return dict(base, status="capped", note=f"n(d+1) = {n * (fn.d + 1)} > {cfg['gek_cap']}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method in RF_METHODS:
            pred, tune_s, fit_s, info = run_rf(cfg, method, X, y, G, Xt, rep, folds)
        elif method == "krr_rbf":
            pred, tune_s, fit_s, info = run_krr(cfg, X, y, Xt, folds)
        elif method == "gp_rbf_ard":
            pred, tune_s, fit_s, info = run_gp(cfg, X, y, Xt, rep)
        elif method == "gek":
            pred, tune_s, fit_s, info = run_gek(cfg, X, y, G, Xt, rep)
        else:
            raise ValueError(f"unknown method {method!r}")
    rmse = float(np.sqrt(np.mean((pred - ft) ** 2)))
    total = tune_s + fit_s if method in RF_METHODS or method == "krr_rbf" else tune_s
    return dict(base, status="ok", rmse=rmse, rel_rmse=rmse / float(np.std(ft)), tune_s=tune_s, fit_s=fit_s,
                total_s=total, info=info)


def sizes_for(method, sizes):
    return [n for n in sizes if n in PLAIN_SIZES] if method.endswith("_plain") else list(sizes)


def run_all(cfg, cache, functions, sizes, methods, repeats, deadline=None, log=print):
    """Phase 1: the random features and KernelRidge (cheap), by n; phase 2: the GP and the GEK by n
    (borehole first at each n), with the repetition policy of slow_plan."""
    test_cache = {}
    t_start = time.time()

    def expired():
        return deadline is not None and time.time() - t_start > deadline

    def one(fname, n, m, rep):
        key = cell_key(fname, n, m, rep)
        if cache.get(key, config_key(cfg, m)) is not None:
            return
        if expired():
            raise TimeoutError
        t = time.perf_counter()
        try:
            cell = run_cell(cfg, fname, n, m, rep, test_cache)
        except (ValueError, RuntimeError, np.linalg.LinAlgError) as err:
            cell = dict(function=fname, n=n, method=m, rep=rep, config=config_key(cfg, m), status="error",
                        note=f"{type(err).__name__}: {err}")
        cache.put(key, cell)
        msg = (f"rel_rmse {cell['rel_rmse']:.4g}  tune {cell['tune_s']:.2f} s  fit {cell['fit_s']:.2f} s"
               if cell["status"] == "ok" else cell.get("note", cell["status"]))
        log(f"[{time.strftime('%H:%M:%S')}] {fname:17s} n={n:<4d} {m:17s} rep {rep}: {msg}  "
            f"({time.perf_counter() - t:.1f} s)", flush=True)

    try:
        for n in sorted(sizes):
            for fname in functions:
                for rep in range(repeats):
                    for m in methods:
                        if m not in SLOW_METHODS and n in sizes_for(m, sizes):
                            one(fname, n, m, rep)
        for n in sorted(sizes):
            for fname in sorted(functions, key=lambda f: (f != "borehole", functions.index(f))):
                for m in [m for m in methods if m in SLOW_METHODS]:
                    if m == "gek" and not expired():
                        gek_probe(cfg, cache, fname, n, log)
                    rep = 0
                    while True:
                        n_reps, reason, pred = slow_plan(cfg, cache, m, fname, n, repeats)
                        if n_reps == 0:
                            key = cell_key(fname, n, m, 0)
                            if cache.get(key, config_key(cfg, m)) is None:
                                cache.put(key, dict(function=fname, n=n, method=m, rep=0, config=config_key(cfg, m),
                                                    status="skipped", note=reason, predicted_s=pred))
                                log(f"{fname} n={n} {m}: {reason}", flush=True)
                            break
                        if rep >= n_reps:
                            break
                        one(fname, n, m, rep)
                        rep += 1
    except TimeoutError:
        log("deadline reached: stopping (rerun to continue; finished cells are cached)", flush=True)
        return False
    return True


# -------------------------------------------------------------------------------------- report
def collect(cfg, cache, functions, sizes, methods, repeats):
    """{(f, n, m): dict(status, reps, rel (median), tune, fit, total (medians), note)}."""
    out = {}
    for f in functions:
        for n in sizes:
            for m in methods:
                cells = [cache.get(cell_key(f, n, m, r), config_key(cfg, m)) for r in range(repeats)]
                cells = [c for c in cells if c is not None]
                ok = [c for c in cells if c["status"] == "ok"]
                if ok:
                    out[(f, n, m)] = dict(
                        status="ok", reps=len(ok), rel=float(np.median([c["rel_rmse"] for c in ok])),
                        rel_all=[c["rel_rmse"] for c in ok],
                        tune=float(np.median([c["tune_s"] for c in ok])),
                        fit=float(np.median([c["fit_s"] for c in ok])),
                        total=float(np.median([c["total_s"] for c in ok])),
                        info=[c.get("info", {}) for c in ok])
                elif cells:
                    out[(f, n, m)] = dict(status=cells[0]["status"], reps=0, note=cells[0].get("note", ""),
                                          predicted_s=cells[0].get("predicted_s"))
                elif m in SLOW_METHODS:  # not reached by the run: what the policy would have done
                    n_reps, reason, pred = slow_plan(cfg, cache, m, f, n, repeats)
                    if n_reps == 0:
                        out[(f, n, m)] = dict(status="skipped", reps=0, note=reason, predicted_s=pred)
    return out


def fmt_err(x):
    return f"{x:.2e}" if x < 1e-2 else f"{x:.3f}"


def fmt_s(x):
    if x < 0.1:
        return f"{x:.3f}"
    if x < 100:
        return f"{x:.2f}" if x < 10 else f"{x:.1f}"
    return f"{x:.0f}"


def interpretation(res, functions, sizes, methods, repeats):
    lines = []
    sob = [m for m in ("rf_sob_random_k1", "rf_sob_pca_k2", "rf_sob_all") if m in methods]
    ok = lambda f, n, m: (f, n, m) in res and res[(f, n, m)]["status"] == "ok"  # noqa: E731
    if "rf_l2" in methods and sob:
        lines.append("**Sobolev against L2 random features** (same features, same training points; ratio = "
                     "median error of L2 RF / median error of the Sobolev variant; > 1: the gradients help):")
        lines.append("")
        for f in functions:
            parts = []
            for m in sob:
                r = [res[(f, n, "rf_l2")]["rel"] / res[(f, n, m)]["rel"] for n in sizes
                     if ok(f, n, "rf_l2") and ok(f, n, m)]
                if r:
                    parts.append(f"{SHORT[m]} {min(r):.2g}-{max(r):.2g}x")
            wins = [n for n in sizes if ok(f, n, "rf_l2") and any(ok(f, n, m) and res[(f, n, m)]["rel"] <
                                                                   res[(f, n, "rf_l2")]["rel"] for m in sob)]
            best = []
            for n in sizes:
                cands = [(res[(f, n, m)]["rel"], m) for m in sob if ok(f, n, m)]
                if cands and ok(f, n, "rf_l2"):
                    e, m = min(cands)
                    best.append(f"n={n}: {SHORT[m]} {res[(f, n, 'rf_l2')]['rel'] / e:.2g}x")
            lines.append(f"- {f}: ratio over n: {', '.join(parts)}; a Sobolev variant beats L2 RF at "
                         f"n = {', '.join(map(str, wins)) if wins else 'none'}; best per n: {'; '.join(best)}.")
        lines.append("")
    if "gek" in methods and sob:
        lines.append("**Against the gradient-enhanced GP** (best Sobolev RF variant per cell; error ratio = "
                     "Sobolev / GEK, < 1: ours more accurate; time ratio = GEK total / Sobolev RF total "
                     "(tuning + final fit)):")
        lines.append("")
        for f in functions:
            parts = []
            for n in sizes:
                if not ok(f, n, "gek"):
                    g = res.get((f, n, "gek"), {})
                    st = g.get("status")
                    if st == "skipped" and g.get("predicted_s") and ok(f, n, "rf_sob_all"):
                        s = res[(f, n, "rf_sob_all")]
                        parts.append(f"n={n}: GEK skipped (predicted {fmt_s(g['predicted_s'])} s per fit, "
                                     f"{g['predicted_s'] / s['total']:.2g}x the Sob all total of {fmt_s(s['total'])} s)")
                    elif st and st != "ok":
                        parts.append(f"n={n}: GEK {st}")
                    continue
                cands = [(res[(f, n, m)]["rel"], m) for m in sob if ok(f, n, m)]
                if not cands:
                    continue
                e, m = min(cands)
                g = res[(f, n, "gek")]
                tr = g["total"] / res[(f, n, m)]["total"]
                parts.append(f"n={n}: {SHORT[m]} error {e / g['rel']:.2g}x, "
                             + (f"{tr:.2g}x faster" if tr >= 1 else f"GEK {1 / tr:.2g}x faster"))
            if parts:
                lines.append(f"- {f}: " + "; ".join(parts) + ".")
        lines.append("")
        # equal time: the best the GEK reached within the time Sob all needs at the largest n
        eq = []
        for f in functions:
            big = max((n for n in sizes if ok(f, n, "rf_sob_all")), default=None)
            if big is None:
                continue
            s = res[(f, big, "rf_sob_all")]
            within = [(res[(f, n, "gek")]["rel"], n) for n in sizes
                      if ok(f, n, "gek") and res[(f, n, "gek")]["total"] <= s["total"]]
            if within:
                e, n = min(within)
                eq.append(f"{f}: Sob all at n = {big} {fmt_err(s['rel'])} in {fmt_s(s['total'])} s; the GEK at "
                          f"n = {n} {fmt_err(e)} in {fmt_s(res[(f, n, 'gek')]['total'])} s")
        if eq:
            lines.append("At equal time (the GEK on fewer points, within the time Sob all takes at its largest n): "
                         + "; ".join(eq) + ".")
            lines.append("")
        won, ran = [], []
        for f in functions:
            for n in sizes:
                cands = [res[(f, n, m)]["rel"] for m in sob if ok(f, n, m)]
                if ok(f, n, "gek") and cands:
                    ran.append((f, n))
                    if res[(f, n, "gek")]["rel"] < min(cands):
                        won.append((f, n))
        if ran:
            lost = [f"{f} n = {n}" for f, n in ran if (f, n) not in won]
            lines.append(f"Summary: where it ran, the GEK is more accurate than the best Sobolev variant in {len(won)} "
                         f"of {len(ran)} cells (the exceptions: {', '.join(lost) or 'none'}); Sobolev random features "
                         "win on time at large n, where the GEK's cost grows as (n (d+1))^3 and the GEK is skipped or "
                         "capped, and they are the only gradient-using method here beyond the GEK's size cap.")
            lines.append("")
    gb = res.get(("borehole", 800, "gek"), {})
    if gb.get("status") == "skipped" and gb.get("predicted_s") and ok("borehole", 800, "rf_sob_all"):
        s, pred = res[("borehole", 800, "rf_sob_all")], gb["predicted_s"]
        g4 = max((n for n in sizes if n < 800 and ok("borehole", n, "gek")), default=None)
        lines.append(f"**Done-when check, borehole n = 800**: directions=\"all\" takes {fmt_s(s['fit'])} s per final "
                     f"fit and {fmt_s(s['total'])} s with its 5-fold CV (error {fmt_err(s['rel'])}). The GEK was not "
                     f"run there (budget: 2-core machine shared by several jobs): one GEK fit is predicted to take "
                     f"{fmt_s(pred)} s (the measured fit at the largest smaller n, scaled by (n (d+1))^3 and by the "
                     f"number of L-BFGS-B starts). Ratio predicted GEK / ours: {pred / s['total']:.0f}x on the totals, "
                     f"{pred / s['fit']:.0f}x against our final fit (target: at least 10x)."
                     + (f" At n = {g4}, the largest n where the GEK ran, it takes {fmt_s(res[('borehole', g4, 'gek')]['total'])} s "
                        f"for error {fmt_err(res[('borehole', g4, 'gek')]['rel'])}, against "
                        f"{fmt_s(res[('borehole', g4, 'rf_sob_all')]['total'])} s and "
                        f"{fmt_err(res[('borehole', g4, 'rf_sob_all')]['rel'])} for Sob all."
                        if g4 and ok("borehole", g4, "rf_sob_all") else ""))
        lines.append("")
    if ok("borehole", 800, "gek") and ok("borehole", 800, "rf_sob_all"):
        g, s = res[("borehole", 800, "gek")], res[("borehole", 800, "rf_sob_all")]
        lines.append(f"**Done-when check, borehole n = 800**: directions=\"all\" takes {fmt_s(s['fit'])} s per final fit "
                     f"and {fmt_s(s['total'])} s with its 5-fold CV; the GEK takes {fmt_s(g['total'])} s "
                     f"({g['reps']} repetition(s)) with its likelihood optimisation and {fmt_s(g['fit'])} s for one "
                     f"factorisation at fixed hyperparameters. Ratio GEK / ours: {g['total'] / s['total']:.0f}x on the "
                     f"totals, {g['total'] / s['fit']:.0f}x GEK total against our final fit, "
                     f"{g['fit'] / s['fit']:.1f}x one fit against one fit (target: at least 10x). Errors: ours "
                     f"{fmt_err(s['rel'])}, GEK {fmt_err(g['rel'])}.")
        lines.append("")
    return lines


def _error_table(L, res, f, sizes, methods, repeats):
    L.append("| n | " + " | ".join(LABELS[m] for m in methods) + " |")
    L.append("| --- |" + " --- |" * len(methods))
    for n in sizes:
        row = []
        cands = {m: res[(f, n, m)]["rel"] for m in methods if res.get((f, n, m), {}).get("status") == "ok"}
        best = min(cands.values()) if cands else None
        if all(res.get((f, n, m)) is None for m in methods):
            continue
        for m in methods:
            r = res.get((f, n, m))
            if r is None:
                row.append("")
            elif r["status"] != "ok":
                row.append(r["status"])
            else:
                s = fmt_err(r["rel"])
                if r["rel"] == best:
                    s = f"**{s}**"
                if r["reps"] < repeats:
                    s += f" ({r['reps']} rep)"
                row.append(s)
        L.append(f"| {n} | " + " | ".join(row) + " |")
    L.append("")


def write_report(cfg, cache, functions, sizes, methods, repeats, doc, fig, command, smoke=False):
    res = collect(cfg, cache, functions, sizes, methods, repeats)
    main = [m for m in MAIN_METHODS if m in methods]
    plain = [m for m in ("rf_l2", "rf_sob_all", "rf_l2_plain", "rf_sob_all_plain") if m in methods]
    os.makedirs(os.path.dirname(os.path.abspath(doc)), exist_ok=True)
    os.makedirs(os.path.dirname(os.path.abspath(fig)), exist_ok=True)
    make_figure(res, functions, sizes, main, fig)
    L = []
    L.append("# Estimator benchmark: Sobolev random features on test functions with gradients")
    L.append("")
    L.append(f"Generated by `{command}` (resumable: finished cells are cached in "
             f"`{os.path.relpath(cache.path, ROOT) if not smoke else cache.path}`; `--report-only` regenerates this page "
             "and the figure from the cache). Do not edit by hand. Methods, seeds, CV and the repetition policy: the "
             "docstring of `bench/estimator/run_benchmark.py`.")
    L.append("")
    loads = [c.get("load") for c in cache.cells.values() if c.get("load") is not None]
    L.append(f"Machine: {os.cpu_count()} cores, shared with other jobs (1-minute load average at the start of the "
             f"cells: median {np.median(loads) if loads else float('nan'):.1f}, max "
             f"{max(loads) if loads else float('nan'):.1f}), so wall times are inflated by contention and comparable "
             f"only within this page. Test set: {cfg['n_test']} uniform points per function; error = test "
             f"RMSE / std(f). Medians over {repeats} repetitions (training draws and feature seeds) unless marked "
             f"\"(r rep)\". CV: {cfg['folds']}-fold; lam in {cfg['lams']} then +-1 decade at the best beta, beta in "
             f"{cfg['betas']}; KernelRidge alpha in {cfg['krr_alphas']}, gamma = c/d with c in {cfg['krr_gamma_c']}; "
             f"GPs: L-BFGS-B from {cfg['gp_restarts'] + 1} start, at most {cfg['gp_maxiter']} iterations (GP); GEK: "
             f"2 starts where n(d+1) <= {cfg['gek_two_starts_max_n']}, else 1, at most 100 iterations each.")
    L.append("")
    L.append(f"Compute budget (2-core machine shared by several jobs): the GP and the GEK run all {repeats} "
             f"repetitions only while one fit takes under {fmt_s(cfg['slow_s'][0])} s, 2 under "
             f"{fmt_s(cfg['slow_s'][1])} s, else 1; a cell whose single fit is predicted (from the largest smaller n, "
             f"scaled by n^3 and by the number of starts) to exceed {fmt_s(cfg['max_predicted_s'])} s is not run and is "
             "listed as \"skipped: budget\" with its predicted time (table at the end). Every BLAS runs on one thread "
             "and the estimator with n_jobs=1, so the times compare single-core work; the cells at small n that were "
             "computed in an earlier session of this resumable run under a higher load (recorded per cell, see the "
             "load average above) have inflated times.")
    L.append("")
    L.append(f"Random features (the methods \"L2 RF\" and \"Sobolev RF ...\"): p = n_features = {cfg['n_features']} "
             "for every n, activation softplus, inputs standardised by the benchmark plus one constant input "
             "b = sqrt(d+1) (a random bias per feature), the estimator run with standardize=False and a (d+1, k) "
             "directions array with a zero last row (so derivatives are taken along the real inputs only). "
             "Why not the defaults: the estimator's features sigma(<theta_j, z>/sqrt d) have no bias, so with an odd "
             "activation (tanh, the default; erf) every fitted function is a constant plus an ODD function of the "
             "standardised inputs, and with relu it is positively homogeneous; on these test functions that costs "
             "an order of magnitude (the table \"as shipped\" below). A bias option in the estimator would make "
             "this recipe unnecessary.")
    L.append("")
    L.append(f"Why p = {cfg['n_features']} for every n: with lam tuned, the random-features error does not grow with "
             "p (benign overparametrisation), so there is no reason to shrink p at small n, and the fit solves the "
             "smaller of the primal p x p and the dual n(1+k) x n(1+k) systems, so small n stays cheap. The cap keeps "
             "the final fit at O(n (1+k) p^2) and the CV at one Cholesky factorisation of at most p x p per (fold, "
             "lam, beta). With all gradients at n = 800 the stacked system has n (1+d) = 5600-80800 rows for "
             f"{cfg['n_features']} weights, so the Sobolev fits are capacity-limited there: part of their error at "
             f"large n is the p = {cfg['n_features']} approximation error, which a larger p lowers at O(p^2) cost.")
    L.append("")
    L.append("![error against n and against fit time](figures/estimator_benchmark.png)")
    L.append("")
    L.append("## Closing note")
    L.append("")
    L.extend(interpretation(res, functions, sizes, main, repeats))
    if not smoke:
        import theory_limit_study as tls
        tl = tls.summary_lines()
        if tl:
            L.append(f"**Where the proportional theory stops predicting** (item 5; MODEL.md's Gaussian single-index "
                     f"model, n = {tls.FULL['n']}, p = {tls.FULL['p']}, d shrinking; details, table and figure: "
                     "[theory-limit.md](theory-limit.md)):")
            L.append("")
            L.extend(tl)
            L.append("")
    L.append("## Test RMSE / std(f) (median; bold: best in the row)")
    L.append("")
    for f in functions:
        L.append(f"### {f} (d = {tf.REGISTRY[f].d})")
        L.append("")
        _error_table(L, res, f, sizes, main, repeats)
    L.append("## Wall time (median seconds): tuning + final fit")
    L.append("")
    L.append("Each entry is `tune + fit`: tune = CV (random features, KernelRidge) or marginal-likelihood "
             "optimisation (GPs, which ends in the fitted model, so their time to a model is the tune time alone); "
             "fit = one final fit at the chosen hyperparameters (for the GPs one factorisation at fixed "
             "hyperparameters).")
    L.append("")
    for f in functions:
        L.append(f"### {f}")
        L.append("")
        L.append("| n | " + " | ".join(SHORT[m] for m in main) + " |")
        L.append("| --- |" + " --- |" * len(main))
        for n in sizes:
            row = []
            for m in main:
                r = res.get((f, n, m))
                if r is None:
                    row.append("")
                elif r["status"] != "ok":
                    row.append(r["status"])
                else:
                    row.append(f"{fmt_s(r['tune'])} + {fmt_s(r['fit'])}")
            L.append(f"| {n} | " + " | ".join(row) + " |")
        L.append("")
    if any(m.endswith("_plain") for m in plain):
        L.append("## The estimator as shipped (tanh, no bias) against the benchmark's recipe")
        L.append("")
        L.append(f"Test RMSE / std(f), median; \"as shipped\": SobolevRandomFeaturesRegressor(n_features={cfg['n_features']}, "
                 f"lam, beta by the same CV) with its defaults standardize=True, activation tanh, directions "
                 f"\"all\" (or no gradients), run at n = {', '.join(map(str, PLAIN_SIZES))}.")
        L.append("")
        for f in functions:
            L.append(f"### {f}")
            L.append("")
            _error_table(L, res, f, [n for n in sizes if n in PLAIN_SIZES], plain, repeats)
    L.append("## Cells with fewer than the planned repetitions, capped or skipped")
    L.append("")
    rows = []
    for f in functions:
        for n in sizes:
            for m in methods:
                if n not in sizes_for(m, sizes):
                    continue
                r = res.get((f, n, m))
                if r is None:
                    rows.append(f"| {f} | {n} | {m} | 0 | not run (the run stopped before this cell) |")
                elif r["status"] != "ok":
                    note = r.get("note", "")
                    if r["status"] == "skipped" and note.startswith("skipped: "):
                        note = note[len("skipped: "):]
                    rows.append(f"| {f} | {n} | {m} | 0 | {r['status']}: {note} |")
                elif r["reps"] < repeats:
                    why = "not finished (the run stopped before the remaining repetitions)"
                    if m in SLOW_METHODS:
                        _, reason, _ = slow_plan(cfg, cache, m, f, n, repeats)
                        why = f"policy: {reason}" if reason else why
                    rows.append(f"| {f} | {n} | {m} | {r['reps']} | {why} |")
    if rows:
        L.append("| function | n | method | reps | why |")
        L.append("| --- | --- | --- | --- | --- |")
        L.extend(rows)
    else:
        L.append("None.")
    L.append("")
    rfm = [m for m in methods if m in RF_METHODS]
    L.append("## Chosen hyperparameters of the random features (median over repetitions)")
    L.append("")
    L.append("| function | n | " + " | ".join(SHORT[m] for m in rfm) + " |")
    L.append("| --- | --- |" + " --- |" * len(rfm))
    for f in functions:
        for n in sizes:
            row = []
            for m in rfm:
                r = res.get((f, n, m))
                if r is None or r["status"] != "ok":
                    row.append("")
                    continue
                s = f"lam {float(np.median([i['lam'] for i in r['info']])):.0e}"
                if RF_METHODS[m][0] is not None:
                    s += f", beta {float(np.median([i['beta'] for i in r['info']])):.0e}"
                row.append(s)
            L.append(f"| {f} | {n} | " + " | ".join(row) + " |")
    L.append("")
    with open(doc, "w") as fh:
        fh.write("\n".join(L))
    return res


def make_figure(res, functions, sizes, methods, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    colors = {"rf_l2": "tab:gray", "rf_sob_random_k1": "tab:cyan", "rf_sob_pca_k2": "tab:blue",
              "rf_sob_all": "tab:purple", "krr_rbf": "tab:orange", "gp_rbf_ard": "tab:green", "gek": "tab:red"}
    markers = {"rf_l2": "o", "rf_sob_random_k1": "v", "rf_sob_pca_k2": "^", "rf_sob_all": "s", "krr_rbf": "D",
               "gp_rbf_ard": "P", "gek": "*"}
    nf = len(functions)
    fig, axes = plt.subplots(2, nf, figsize=(3.6 * nf, 7), squeeze=False)
    for j, f in enumerate(functions):
        ax, bx = axes[0, j], axes[1, j]
        for m in methods:
            pts = [(n, res[(f, n, m)]) for n in sizes if res.get((f, n, m), {}).get("status") == "ok"]
            if not pts:
                continue
            ns = [n for n, _ in pts]
            ax.plot(ns, [r["rel"] for _, r in pts], marker=markers[m], color=colors[m], label=LABELS[m], ms=5)
            bx.plot([r["total"] for _, r in pts], [r["rel"] for _, r in pts], marker=markers[m], color=colors[m],
                    ms=5, alpha=0.85)
        ax.set_xscale("log")
        ax.set_yscale("log")
        bx.set_xscale("log")
        bx.set_yscale("log")
        from matplotlib.ticker import NullFormatter
        ax.set_xticks(sizes)
        ax.set_xticklabels([str(n) for n in sizes], fontsize=8)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(f"{f} (d = {tf.REGISTRY[f].d})", fontsize=10)
        ax.set_xlabel("n")
        bx.set_xlabel("wall seconds (tuning + fit)")
        if j == 0:
            ax.set_ylabel("test RMSE / std(f)")
            bx.set_ylabel("test RMSE / std(f)")
        ax.grid(True, which="both", alpha=0.3)
        bx.grid(True, which="both", alpha=0.3)
    h, lab = axes[0, 0].get_legend_handles_labels()
    fig.legend(h, lab, loc="lower center", ncol=min(len(lab), 4 if nf < 4 else 7), fontsize=9, frameon=False)
    fig.suptitle("Median test error against n (top) and against time to a tuned model (bottom; along a line "
                 "n grows)" if nf >= 4 else "Median test error against n (top) and time (bottom)", fontsize=11)
    fig.tight_layout(rect=(0, 0.08 if nf < 4 else 0.05, 1, 0.96))
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------------------------------ main
def parse_list(s, conv=str):
    return [conv(v) for v in s.split(",") if v.strip()]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--functions", help=f"comma-separated subset of {','.join(FUNCTIONS)}")
    ap.add_argument("--sizes", help="comma-separated n values (default 25,50,100,200,400,800)")
    ap.add_argument("--methods", help=f"comma-separated subset of {','.join(METHODS)}")
    ap.add_argument("--repeats", type=int, help="repetitions per cell (default 5)")
    ap.add_argument("--smoke", action="store_true", help="tiny configuration for the tests (seconds)")
    ap.add_argument("--cache", help=f"results JSON (default {os.path.relpath(DEFAULT_CACHE, ROOT)}; "
                                    "smoke: OUT_DIR/benchmark-smoke.json)")
    ap.add_argument("--doc", help="markdown output (default docs/generated/benchmarks-estimator.md)")
    ap.add_argument("--figure", help="PNG output (default docs/generated/figures/estimator_benchmark.png)")
    ap.add_argument("--out-dir", help="smoke mode: directory for cache, document and figure")
    ap.add_argument("--report-only", action="store_true", help="only regenerate the document and figure")
    ap.add_argument("--no-report", action="store_true", help="run cells only")
    ap.add_argument("--deadline-minutes", type=float, help="stop starting new cells after this many minutes")
    args = ap.parse_args(argv)

    cfg = dict(SMOKE if args.smoke else FULL)
    functions = parse_list(args.functions) if args.functions else (SMOKE_SELECTION["functions"] if args.smoke else FUNCTIONS)
    sizes = parse_list(args.sizes, int) if args.sizes else (SMOKE_SELECTION["sizes"] if args.smoke else SIZES)
    methods = parse_list(args.methods) if args.methods else METHODS
    repeats = args.repeats or cfg["repeats"]
    for f in functions:
        if f not in tf.REGISTRY:
            ap.error(f"unknown function {f!r}; known: {', '.join(FUNCTIONS)}")
    for m in methods:
        if m not in METHODS:
            ap.error(f"unknown method {m!r}; known: {', '.join(METHODS)}")
    if any(n < 2 * cfg["folds"] for n in sizes):
        ap.error(f"every n must be >= {2 * cfg['folds']} for {cfg['folds']}-fold CV")
    methods = [m for m in METHODS if m in methods]
    functions = [f for f in FUNCTIONS if f in functions] + [f for f in functions if f not in FUNCTIONS]
    if args.smoke:
        out = args.out_dir or os.path.join("/tmp", f"srf-bench-smoke-{os.getpid()}")
        os.makedirs(out, exist_ok=True)
        cache_path = args.cache or os.path.join(out, "benchmark-smoke.json")
        doc = args.doc or os.path.join(out, "benchmarks-estimator-smoke.md")
        fig = args.figure or os.path.join(out, "figures", "estimator_benchmark-smoke.png")
        command = COMMAND + " --smoke"
    else:
        cache_path = args.cache or DEFAULT_CACHE
        doc = args.doc or DEFAULT_DOC
        fig = args.figure or DEFAULT_FIG
        command = COMMAND
    cache = Cache(cache_path)
    complete = True
    if not args.report_only:
        deadline = None if args.deadline_minutes is None else 60.0 * args.deadline_minutes
        complete = run_all(cfg, cache, functions, sizes, methods, repeats, deadline)
    if not args.no_report:
        # the document always covers the full configuration's grid (all cached cells)
        rf = functions if args.smoke else FUNCTIONS
        rs = sizes if args.smoke else SIZES
        write_report(cfg, cache, rf, rs, methods if args.smoke else METHODS, repeats if args.smoke else cfg["repeats"],
                     doc, fig, command, smoke=args.smoke)
        print(f"wrote {doc} and {fig}")
    return 0 if complete else 3


if __name__ == "__main__":
    sys.exit(main())
