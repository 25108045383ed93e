#!/usr/bin/python3
r"""Benchmark of `sobolev_rf.SobolevRandomFeaturesRegressorCV` on test functions with analytic
gradients (issues 20 and 28), against the methods a user would pick instead.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=build/python nice -n 10 /usr/bin/python3 bench/estimator/run_benchmark.py

(one BLAS thread for every method, and n_jobs=1 for the estimator, so that the times compare like
with like on a shared machine) runs every missing cell (resuming from bench/estimator/results/benchmark.json), then writes
docs/generated/benchmarks-estimator.md and docs/generated/figures/estimator_benchmark.png from
the cache. `--report-only` only regenerates the document and the figure; `--smoke` is a tiny run
for the tests (its own cache, document and figure under a temporary directory unless given).

Cells. Functions: borehole (d = 8), otl_circuit (6), piston (7), wing_weight (10), friedman1 (10),
rosenbrock (6), single_index_100 (100), two_index_50 (50, a non-axis-aligned active subspace) from
test_functions.py, inputs uniform on their boxes. Sizes n in {25, 50, 100, 200, 400, 800} (3200
with --sizes where it runs). A cell is (function, n, method, repetition); repetition r draws its
training set from seed (SEED, function, n, r), shared by every method (paired comparisons). One test
set of N_TEST points per function (seed (SEED, function)). Error: test RMSE / std(f over the test set).

Methods (all fed the raw inputs in their physical units; times are wall seconds on this machine):

- rf_cv            SobolevRandomFeaturesRegressorCV() with its defaults, values and full gradients
                   (random_state 1000 + r, n_jobs=1, progress off): the feature law learned from the
                   gradients, all directions, lam, beta, s and the metric power by its 5-fold CV.
- rf_cv_l2         the same without gradients (isotropic Fourier features, lam and s by CV).
- krr_rbf          sklearn KernelRidge(kernel="rbf") after StandardScaler on X and centring and
                   scaling y (TransformedTargetRegressor); GridSearchCV, 5 folds, over alpha
                   and gamma (gamma = c / d). Function values only.
- gp_rbf_ard       sklearn GaussianProcessRegressor, kernel C * RBF(ARD length scales) +
                   WhiteKernel, normalize_y=True, inputs standardised; marginal likelihood,
                   L-BFGS-B from one start (n_restarts_optimizer = 0). Function values only.
- gek              the exact gradient-enhanced GP (gradient_gp.GradientEnhancedGP: ARD RBF with
                   derivative covariances, maximum marginal likelihood), values and full gradients;
                   "capped" where n (d + 1) > 10^4. Starts: 2 (n_restarts = 1) where
                   n (d + 1) <= gek_two_starts_max_n (1000), else 1 (n_restarts = 0), to fit the
                   compute budget. Repetitions: see the policy below.

Times. "tune" is the hyperparameter search: the CV for the random features (the estimator's fit
minus its refit_time_) and KernelRidge, the marginal-likelihood optimisation (which ends in a fitted
model) for the GPs. "fit" is one final fit at the chosen hyperparameters: the estimator's refit /
KernelRidge's fit; for the GPs a refit at the optimised hyperparameters without optimisation (one
factorisation). "total" = time to a usable model from the data: tune + fit for CV methods, tune
for the GPs.

Repetition policy of the GP and the GEK (the GEK at n = 800 costs tens of minutes per fit on the
2-core machine this ran on, shared with other jobs): a (function, n) cell runs all `repeats`
repetitions while its slowest fit (or, before any, the fit predicted from the median at the largest
smaller n of the same function, scaled by (n'/n)^3, i.e. (N'/N)^3 with N = n (d+1), and for the
GEK by the ratio of L-BFGS-B starts) takes under slow_s[0] = 20 s; 2 repetitions under
slow_s[1] = 60 s; else 1. A cell whose predicted single fit exceeds max_predicted_s = 120 s is
not run ("skipped: budget (2-core machine ...)" with the predicted time), unless it is listed in
`required` ("method:function:n"). The random-features methods run `rf_repeats` repetitions (2:
the budget of the session that regenerated this page; the GP cells of the first five functions were
computed in an earlier session under the same configuration and are reused from the cache). The
document lists every cell with fewer repetitions than planned, and why.

Resuming: every finished cell is written at once (atomically) to the JSON cache with the
configuration it ran under; a rerun skips cells whose configuration matches and recomputes the
others. --functions, --sizes, --methods, --repeats select a subset (the document is made from all
cached cells of the current configuration).
"""
import argparse
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
FUNCTIONS = ["borehole", "otl_circuit", "piston", "wing_weight", "friedman1", "rosenbrock", "single_index_100",
             "two_index_50"]
SIZES = [25, 50, 100, 200, 400, 800]
METHODS = ["rf_cv", "rf_cv_l2", "krr_rbf", "gp_rbf_ard", "gek"]
MAIN_METHODS = METHODS
SLOW_METHODS = ("gp_rbf_ard", "gek")
RF_METHODS = {"rf_cv": True, "rf_cv_l2": False}  # name: trained on the gradients
LABELS = {
    "rf_cv": "Sobolev RF CV (values + gradients)",
    "rf_cv_l2": "RF CV (values)",
    "krr_rbf": "KernelRidge RBF",
    "gp_rbf_ard": "GP ARD (values)",
    "gek": "GEK (values+gradients)",
}
SHORT = {"rf_cv": "Sob RF", "rf_cv_l2": "RF", "krr_rbf": "KRR", "gp_rbf_ard": "GP", "gek": "GEK"}
LOW_D = 10  # "low-dimensional": d <= LOW_D (the GP-on-values target)

FULL = dict(
    n_features=1000, n_test=2000, folds=5, repeats=5, rf_repeats=2, rf_version="cv-28b",
    krr_alphas=[1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1.0], krr_gamma_c=[0.01, 0.03, 0.1, 0.3, 1.0, 3.0],
    gp_restarts=0, gp_maxiter=100, gek_two_starts_max_n=1000, slow_s=(20.0, 60.0), max_predicted_s=120.0,
    required=["gek:borehole:800"], gek_cap=ggp.DEFAULT_MAX_JOINT_SIZE,  # the done-when comparison, measured
)
SMOKE = dict(
    n_features=60, n_test=200, folds=3, repeats=1, rf_repeats=1, rf_version="cv-28-smoke",
    krr_alphas=[1e-6, 1e-2], krr_gamma_c=[0.1, 1.0],
    gp_restarts=0, gp_maxiter=100, gek_two_starts_max_n=2000, slow_s=(150.0, 600.0), max_predicted_s=2400.0,
    required=[], gek_cap=1000,  # smoke: single_index_100 at n = 25 (N = 2525) takes the "capped" path
)
# The smoke run's estimator: small grids (seconds).
SMOKE_CV = dict(n_features=80, metric_powers=(0.0, 0.5), scales=(0.5, 1.0), betas=(0.0, 1.0), lams=(1e-10, 1e-6, 1e-2),
                cv=3)
SMOKE_SELECTION = dict(functions=["borehole", "single_index_100"], sizes=[25], methods=METHODS)

DEFAULT_CACHE = os.path.join(HERE, "results", "benchmark.json")
DEFAULT_DOC = os.path.join(ROOT, "docs", "generated", "benchmarks-estimator.md")
DEFAULT_FIG = os.path.join(ROOT, "docs", "generated", "figures", "estimator_benchmark.png")
COMMAND = ("OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=build/python nice -n 10 /usr/bin/python3 "
           "bench/estimator/run_benchmark.py")


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


# ---------------------------------------------------------------------------------- the methods
def run_rf(cfg, method, X, y, G, Xt, rep, smoke=False):
    """The estimator with its defaults (smoke: small grids), fitted to the raw inputs."""
    from sobolev_rf import SobolevRandomFeaturesRegressorCV
    kw = dict(SMOKE_CV) if smoke else {}
    est = SobolevRandomFeaturesRegressorCV(random_state=1000 + rep, n_jobs=1, progress=False, **kw)
    t0 = time.perf_counter()
    est.fit(X, y, gradients=G if RF_METHODS[method] else None)
    total = time.perf_counter() - t0
    pred = est.predict(Xt)
    info = dict(est.best_params_, n_features=int(est.n_features_), n_features_search=int(est.n_features_search_),
                cv_mse=-float(est.best_score_))
    return pred, total - est.refit_time_, est.refit_time_, info


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
        keys = ["n_test", "folds", "rf_version"]  # the estimator's defaults (rf_version names them)
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
            pred, tune_s, fit_s, info = run_rf(cfg, method, X, y, G, Xt, rep, cfg["rf_version"].endswith("smoke"))
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
    return list(sizes)


def planned_reps(cfg, method, repeats):
    return min(repeats, cfg["rf_repeats"]) if method in RF_METHODS else repeats


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
                        if m not in SLOW_METHODS and n in sizes_for(m, sizes) and rep < planned_reps(cfg, m, repeats):
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


def interpretation(cfg, res, functions, sizes, methods, repeats):
    """The issue's targets, each measured: lines of markdown."""
    ok = lambda f, n, m: res.get((f, n, m), {}).get("status") == "ok"  # noqa: E731
    L = []
    # 1. more accurate than the GP on values on every low-dimensional function at n >= 200
    low = [f for f in functions if tf.REGISTRY[f].d <= LOW_D]
    cells, won = [], []
    rows = []
    for f in low:
        row = []
        for n in [n for n in sizes if n >= 200]:
            if ok(f, n, "rf_cv") and ok(f, n, "gp_rbf_ard"):
                r = res[(f, n, "rf_cv")]["rel"] / res[(f, n, "gp_rbf_ard")]["rel"]
                cells.append((f, n))
                if r < 1:
                    won.append((f, n))
                row.append(f"{r:.2g}")
            else:
                row.append("")
        rows.append(f"| {f} (d = {tf.REGISTRY[f].d}) | " + " | ".join(row) + " |")
    big = [n for n in sizes if n >= 200]
    L.append(f"**Target 1: more accurate than the GP on values on every function with d <= {LOW_D} at n >= 200.** "
             f"Met in {len(won)} of {len(cells)} cells (error ratio Sobolev RF CV / GP, median over repetitions; "
             "< 1: ours more accurate).")
    L.append("")
    if big:
        L.append("| function | " + " | ".join(f"n = {n}" for n in big) + " |")
        L.append("| --- |" + " --- |" * len(big))
        L.extend(rows)
        L.append("")
    lost = [f"{f} n = {n}" for f, n in cells if (f, n) not in won]
    if lost:
        L.append(f"Not met at: {', '.join(lost)}.")
        L.append("")
    # 2. borehole n = 800 against the GEK
    if ok("borehole", 800, "rf_cv") and ok("borehole", 800, "gek"):
        s, g = res[("borehole", 800, "rf_cv")], res[("borehole", 800, "gek")]
        er, tr = s["rel"] / g["rel"], g["total"] / s["total"]
        L.append(f"**Target 2: within 3x of the gradient-enhanced GP's error on borehole at n = 800, at least 100x "
                 f"faster in total.** Error: ours {fmt_err(s['rel'])}, GEK {fmt_err(g['rel'])} ({g['reps']} rep): "
                 f"ratio {er:.2g} ({'met' if er <= 3 else 'not met'}). Time: ours {fmt_s(s['total'])} s (tuning + "
                 f"refit), GEK {fmt_s(g['total'])} s: {tr:.0f}x faster ({'met' if tr >= 100 else 'not met'}).")
        L.append("")
    # 3. the best method at d >= 50
    hi = [f for f in functions if tf.REGISTRY[f].d >= 50]
    for f in hi:
        parts = []
        for n in sizes:
            cands = [(res[(f, n, m)]["rel"], m) for m in methods if ok(f, n, m)]
            if cands and ok(f, n, "rf_cv"):
                e, m = min(cands)
                second = min((c for c in cands if c[1] != "rf_cv"), default=None)
                parts.append(f"n = {n}: " + ("Sob RF best" if m == "rf_cv" else f"{SHORT[m]} best ({fmt_err(e)} against "
                                                                                 f"{fmt_err(res[(f, n, 'rf_cv')]['rel'])})")
                             + (f", next {SHORT[second[1]]} x{second[0] / res[(f, n, 'rf_cv')]['rel']:.2g}"
                                if m == "rf_cv" and second else ""))
        L.append(f"**Target 3: the best method at d >= 50, {f} (d = {tf.REGISTRY[f].d})**: " + "; ".join(parts) + ".")
        L.append("")
    # gradients pay? against the same estimator without gradients
    L.append("**With against without gradients** (the same estimator and CV; ratio = error without / error with, > 1: "
             "the gradients help):")
    L.append("")
    for f in functions:
        r = [f"n = {n}: {res[(f, n, 'rf_cv_l2')]['rel'] / res[(f, n, 'rf_cv')]['rel']:.2g}" for n in sizes
             if ok(f, n, "rf_cv") and ok(f, n, "rf_cv_l2")]
        if r:
            L.append(f"- {f}: " + ", ".join(r))
    L.append("")
    return L


def _side_tables(L):
    """The done-when runs and the Hadamard-against-stacked timing, from their own result files."""
    path = os.path.join(HERE, "results", "done_when.json")
    if os.path.exists(path):
        rows = json.load(open(path))["rows"]
        L.append("## Done-when: SobolevRandomFeaturesRegressorCV() against the GP on values at n = 200")
        L.append("")
        L.append("`bench/estimator/done_when.py`: the estimator with its defaults on raw inputs with full gradients, "
                 "n_jobs=2, against GaussianProcessRegressor (ARD RBF + WhiteKernel, standardised inputs, "
                 "normalize_y, 2 restarts) on the values; test RMSE / std(f) on 2000 points; wall seconds per fit on "
                 "this 2-core machine (1-minute load average at the start of each fit in the last column).")
        L.append("")
        L.append("| function | rep | Sobolev RF CV | seconds | GP (values) | seconds | ratio | load |")
        L.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            L.append(f"| {r['function']} (d = {r['d']}) | {r['rep']} | {fmt_err(r['rf_error'])} | {fmt_s(r['rf_seconds'])} "
                     f"| {fmt_err(r['gp_error'])} | {fmt_s(r['gp_seconds'])} | {r['rf_error'] / r['gp_error']:.2g} "
                     f"| {r['load']:.1f} |")
        L.append("")
    path = os.path.join(HERE, "results", "hadamard_vs_stacked.json")
    if os.path.exists(path):
        rows = json.load(open(path))["rows"]
        L.append("## The all-direction fit's cost against d")
        L.append("")
        L.append("`bench/estimator/hadamard_vs_stacked.py`: one fit with all d derivative directions, n = 400, "
                 "p = 1000, one thread: the estimator's fit (Hadamard Gram) against the stacked fit (the "
                 "n (1 + d) x p matrix formed, A^T A, Cholesky) on the same features (tanh without phases, isotropic "
                 "metric), median of 3; and the library's simulator fit, whose primal Gram already folds the "
                 "gradient rows by the same identity (so it does not grow with d either).")
        L.append("")
        L.append("| d | stacked rows | estimator, Hadamard (s) | stacked (s) | speed-up | library primal (s) | "
                 "weights, relative difference |")
        L.append("| --- | --- | --- | --- | --- | --- | --- |")
        for r in rows:
            L.append(f"| {r['d']} | {r['stacked_rows']} | {fmt_s(r['hadamard_s'])} | {fmt_s(r['stacked_s'])} | "
                     f"{r['stacked_s'] / r['hadamard_s']:.1f}x | {fmt_s(r['library_s'])} | "
                     f"{r['weight_rel_diff']:.1e} |")
        L.append("")


def write_report(cfg, cache, functions, sizes, methods, repeats, doc, fig, command, smoke=False):
    res = collect(cfg, cache, functions, sizes, methods, repeats)
    sizes = [n for n in sizes if any((f, n, m) in res for f in functions for m in methods)]
    main = [m for m in MAIN_METHODS if m in methods]
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
             f"RMSE / std(f). Medians over the repetitions (training draws; planned: {cfg['rf_repeats']} for the random "
             f"features, {repeats} for the others) unless marked \"(r rep)\". Every method gets the raw inputs in "
             "their physical units (and, where it uses them, the gradients with respect to them): "
             "SobolevRandomFeaturesRegressorCV() with its defaults standardises internally and applies the chain "
             f"rule. KernelRidge: {cfg['folds']}-fold CV over alpha in {cfg['krr_alphas']}, gamma = c/d with c in "
             f"{cfg['krr_gamma_c']}; GPs: L-BFGS-B from {cfg['gp_restarts'] + 1} start, at most {cfg['gp_maxiter']} "
             f"iterations (GP); GEK: 2 starts where n(d+1) <= {cfg['gek_two_starts_max_n']}, else 1, at most 100 "
             "iterations each.")
    L.append("")
    L.append(f"Compute budget (2-core machine shared by several jobs): the GP and the GEK run all {repeats} "
             f"repetitions only while one fit takes under {fmt_s(cfg['slow_s'][0])} s, 2 under "
             f"{fmt_s(cfg['slow_s'][1])} s, else 1; a cell whose single fit is predicted (from the largest smaller n, "
             f"scaled by n^3 and by the number of starts) to exceed {fmt_s(cfg['max_predicted_s'])} s is not run and is "
             "listed as \"skipped: budget\" with its predicted time (table at the end). Every BLAS runs on one thread "
             "and the estimator with n_jobs=1, so the times compare single-core work.")
    L.append("")
    L.append("![error against n and against fit time](figures/estimator_benchmark.png)")
    L.append("")
    L.append("## The targets, measured")
    L.append("")
    L.extend(interpretation(cfg, res, functions, sizes, main, repeats))
    if not smoke:
        _side_tables(L)
        import theory_limit_study as tls
        tl = tls.summary_lines()
        if tl:
            L.append("## Where the proportional theory stops predicting")
            L.append("")
            L.append(f"docs/model.md's Gaussian single-index model, n = {tls.FULL['n']}, p = {tls.FULL['p']}, d shrinking "
                     "(the estimator in docs/model.md's form: tanh features without phases, isotropic; details, table and "
                     "figure: [theory-limit.md](theory-limit.md)):")
            L.append("")
            L.extend(tl)
            L.append("")
    L.append("## Test RMSE / std(f) (median; bold: best in the row)")
    L.append("")
    for f in functions:
        L.append(f"### {f} (d = {tf.REGISTRY[f].d})")
        L.append("")
        _error_table(L, res, f, sizes, main, repeats, cfg)
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
    L.append("## Cells with fewer than the planned repetitions, capped or skipped")
    L.append("")
    rows = []
    for f in functions:
        for n in sizes:
            for m in methods:
                r = res.get((f, n, m))
                want = planned_reps(cfg, m, repeats)
                if r is None:
                    rows.append(f"| {f} | {n} | {m} | 0 | not run (the run stopped before this cell) |")
                elif r["status"] != "ok":
                    note = r.get("note", "")
                    if r["status"] == "skipped" and note.startswith("skipped: "):
                        note = note[len("skipped: "):]
                    rows.append(f"| {f} | {n} | {m} | 0 | {r['status']}: {note} |")
                elif r["reps"] < want:
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
    L.append("## Chosen hyperparameters of SobolevRandomFeaturesRegressorCV (repetition 0)")
    L.append("")
    L.append("| function | n | with gradients: metric power, s, beta, lam, features (search / refit) | without: s, lam |")
    L.append("| --- | --- | --- | --- |")
    for f in functions:
        for n in sizes:
            row = []
            for m in ("rf_cv", "rf_cv_l2"):
                r = res.get((f, n, m))
                if r is None or r["status"] != "ok":
                    row.append("")
                    continue
                i = r["info"][0]
                if m == "rf_cv":
                    row.append(f"{i['metric_power']}, {i['scale']:g}, {i['beta']:g}, {i['lam']:.0e}, "
                               f"{i['n_features_search']} / {i['n_features']}")
                else:
                    row.append(f"{i['scale']:g}, {i['lam']:.0e}")
            L.append(f"| {f} | {n} | " + " | ".join(row) + " |")
    L.append("")
    with open(doc, "w") as fh:
        fh.write("\n".join(L))
    return res


def _error_table(L, res, f, sizes, methods, repeats, cfg):
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
                if r["reps"] < planned_reps(cfg, m, repeats):
                    s += f" ({r['reps']} rep)"
                row.append(s)
        L.append(f"| {n} | " + " | ".join(row) + " |")
    L.append("")


def make_figure(res, functions, sizes, methods, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    colors = {"rf_cv_l2": "tab:gray", "rf_cv": "tab:purple", "krr_rbf": "tab:orange", "gp_rbf_ard": "tab:green",
              "gek": "tab:red"}
    markers = {"rf_cv_l2": "o", "rf_cv": "s", "krr_rbf": "D", "gp_rbf_ard": "P", "gek": "*"}
    nf = len(functions)
    fig, axes = plt.subplots(2, nf, figsize=(3.2 * nf, 7), squeeze=False)
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
    if args.repeats:
        cfg["rf_repeats"] = args.repeats
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
        rs = sizes if args.smoke else SIZES + [3200]
        write_report(cfg, cache, rf, rs, methods if args.smoke else METHODS, repeats if args.smoke else cfg["repeats"],
                     doc, fig, command, smoke=args.smoke)
        print(f"wrote {doc} and {fig}")
    return 0 if complete else 3


if __name__ == "__main__":
    sys.exit(main())
