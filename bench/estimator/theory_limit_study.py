#!/usr/bin/python3
r"""Where the proportional theory stops predicting (issue 20, item 5).

    PYTHONPATH=build/python /usr/bin/python3 bench/estimator/theory_limit_study.py

runs every missing (d, seed) cell (resuming from bench/estimator/results/theory_limit.json), then
writes docs/generated/theory-limit.md and docs/generated/figures/theory_limit.png. `--report-only`
only regenerates them; `--smoke` is a tiny run for the tests (its own files under a temporary
directory).

Setting: MODEL.md's synthetic model. Inputs x ~ N(0, I_d); teacher direction theta0 ~ N(0, I_d)
normalised to |theta0| = 1; labels y = tanh(<theta0, x>) (+ sqrt(Delta_f) eps with --delta-f);
gradients grad phi = tanh'(<theta0, x>) theta0 (noiseless). Student: the estimator
SobolevRandomFeaturesRegressor(n_features=p, activation="tanh", standardize=False,
fit_intercept=False, random_state=seed) with directions="random", k = 1 (its N(0, 1) sketch, so
varpi = V^T theta0 ~ N(0, 1) over seeds) and, as an extra curve without theory, directions="all"
(k = d). n and p are fixed (default n = 400, p = 800: alpha = n/p = 0.5) and d shrinks from the
proportional regime (d = 400, gamma = d/p = 0.5) to d = 5 (gamma = 0.00625).

Tuning ("theory-free oracle"): each (d, seed) draws a training set, a validation set of N_VAL
and a test set of N_TEST fresh inputs (noiseless targets). For every (lam, beta) on the grid the
stacked ridge is solved (the estimator's problem, solved in numpy from the estimator's own draws:
primal normal equations, the gradient Gram as (S^T S) * (zeta^T zeta); checked against the
estimator's fit at the selected points, see below) and scored on the validation and the test set.
The hyperparameters are chosen by the validation error AVERAGED OVER SEEDS (one (lam, beta) per d
and method, as the theory's --varpi-average tuning minimises the mean over varpi), and the test
error at that choice is reported, so neither tuning noise nor selection bias enters the gain. The
gain is gen_f(L2) / gen_f(Sobolev) with gen_f the mean test MSE over seeds (a ratio of means, as
the theory's mean over varpi); error bars: bootstrap over seeds (paired), 2.5-97.5 %. Also shown:
per-seed oracle tuning (each seed's own validation argmin).

At d <= 10 the lam grid extends down to 1e-7 (small_d_lams): there the errors are small and the
best lam falls below 1e-5. Each cell stores the lam grid it ran on.

Sobolev "tuned" means beta in BETAS (all > 0: 1e-3 .. 1e3, the theory's beta range) and lam in
LAMS, so its gain can fall below 1; L2 is beta = 0 (k = 0) with lam in LAMS. At beta = 1 only
lam is tuned (the slides' choice).

Theory at the same (alpha = n/p, gamma = d/p), from the stable CLI (not the Python API):
  sobolev-rf compare --p-over-n P/N --gamma G --k 1 --varpi-average --objective gen_f --format json
gives the L2 row (tuned lam), gain_equal_samples (Sobolev tuned over (lam, beta) WITH beta = 0
as a candidate: 1 exactly when beta = 0 wins) and gain_beta1 (beta = 1, lam tuned);
  sobolev-rf optimize --over both --k 1 --varpi-average --no-beta-zero --objective gen_f ...
gives the tuned Sobolev fit with beta restricted to [1e-3, 1e3], the like-for-like partner of the
simulated tuned gain.

Check: at every d, for seed 0, the estimator is refitted at the selected (lam, beta) of each
method and its test MSE must equal the numpy solver's to 1e-6 (relative); the document reports the
largest difference.
"""
import argparse
import datetime
import json
import math
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
if os.path.isdir(os.path.join(ROOT, "build", "python")):
    sys.path.append(os.path.join(ROOT, "build", "python"))  # after PYTHONPATH: a given one wins

SEED = 205
FULL = dict(n=400, p=800, dims=[400, 200, 100, 50, 30, 20, 10, 5], seeds=10, n_val=4000, n_test=4000,
            lams=[float(v) for v in np.round(10.0 ** np.arange(-5.0, 1.01, 0.5), 12)],
            betas=[1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0, 1000.0], delta_f=0.0,
            directions=["random", "all"],
            # at small d the error is tiny and the best lam falls below 1e-5: extend the grid there
            small_d_max=10, small_d_lams=[1e-7, 3.16227766e-07, 1e-6, 3.16227766e-06])
SMOKE = dict(n=60, p=120, dims=[60, 5], seeds=2, n_val=300, n_test=300,
             lams=[1e-3, 1e-1, 1.0], betas=[0.1, 1.0], delta_f=0.0, directions=["random", "all"],
             small_d_max=0, small_d_lams=[])
TOLERANCE = 0.02  # relative: below this a gain is "1" and a sim-theory difference is finite-size (see answer())
DEFAULT_CACHE = os.path.join(HERE, "results", "theory_limit.json")
DEFAULT_DOC = os.path.join(ROOT, "docs", "generated", "theory-limit.md")
DEFAULT_FIG = os.path.join(ROOT, "docs", "generated", "figures", "theory_limit.png")
COMMAND = "PYTHONPATH=build/python /usr/bin/python3 bench/estimator/theory_limit_study.py"


def default_cli():
    exe = os.environ.get("SOBOLEV_RF_EXE")
    return exe if exe else os.path.join(ROOT, "build", "sobolev-rf")


# -------------------------------------------------------------------------------- simulation
def lams_for(cfg, d):
    """The lam grid at input dimension d: LAMS, extended downwards by small_d_lams at d <= small_d_max
    (each cell stores the grid it ran on; a cell whose grid differs is recomputed)."""
    if d <= cfg.get("small_d_max", 0):
        return sorted(set(cfg["lams"]) | set(cfg.get("small_d_lams", [])))
    return list(cfg["lams"])


def draw(cfg, d, seed):
    rng = np.random.default_rng([SEED, d, seed])
    theta0 = rng.standard_normal(d)
    theta0 /= np.linalg.norm(theta0)
    X = rng.standard_normal((cfg["n"], d))
    Xv = rng.standard_normal((cfg["n_val"], d))
    Xt = rng.standard_normal((cfg["n_test"], d))
    om = X @ theta0
    y = np.tanh(om) + math.sqrt(cfg["delta_f"]) * rng.standard_normal(cfg["n"])
    G = (1.0 - np.tanh(om) ** 2)[:, None] * theta0[None, :]
    return X, y, G, Xv, np.tanh(Xv @ theta0), Xt, np.tanh(Xt @ theta0)


def estimator(cfg, seed, directions, lam, beta):
    from sobolev_rf import SobolevRandomFeaturesRegressor
    # docs/model.md's model: tanh features without phases, the isotropic law theta / sqrt(d)
    kw = dict(n_features=cfg["p"], features="tanh", bias=False, metric="isotropic", scale=1.0, standardize=False,
              fit_intercept=False, check_gradients=False, random_state=seed, lam=float(lam))
    if directions is None:
        return SobolevRandomFeaturesRegressor(k=0, **kw)
    return SobolevRandomFeaturesRegressor(directions=directions, k=(1 if directions == "random" else None),
                                          beta=float(beta), **kw)


def design(cfg, seed, d, X, directions):
    """The estimator's draws for random_state=seed, standardize=False: Theta (d, p) then, for
    "random", D (d, 1); returns Theta and D (None for L2)."""
    from sklearn.utils import check_random_state
    rng = check_random_state(seed)
    theta = rng.standard_normal((d, cfg["p"]))
    if directions is None:
        return theta, None
    D = rng.standard_normal((d, 1)) if directions == "random" else np.eye(d)
    return theta, D


def ridge_grid(Phi, y, lams, betas, evals, S=None, zeta=None, gl=None):
    """Test MSEs of the stacked ridge without intercept,
        w = argmin (1/n) sum_i [(y_i - Phi_i w)^2 + beta |g_i - (S_i * zeta) w|^2] + lam |w|^2,
    for each (beta, lam): {name: array (len(betas), len(lams))} for evals = {name: (Phi_e, f_e)}."""
    from scipy.linalg import cho_factor, cho_solve, LinAlgError
    n, p = Phi.shape
    F = Phi.T @ Phi
    r = Phi.T @ y
    if zeta is not None:
        Gg = (S.T @ S) * (zeta.T @ zeta)
        rg = (S * (gl @ zeta)).sum(0)
    out = {k: np.full((len(betas), len(lams)), np.inf) for k in evals}
    I = np.eye(p)
    for ib, beta in enumerate(betas):
        M = F + beta * Gg if zeta is not None else F
        b = r + beta * rg if zeta is not None else r
        W = np.full((p, len(lams)), np.nan)
        for il, lam in enumerate(lams):
            try:
                c = cho_factor(M + n * lam * I, lower=True, check_finite=False)
            except LinAlgError:
                continue
            W[:, il] = cho_solve(c, b, check_finite=False)
        for k, (Pe, fe) in evals.items():
            E = np.mean((Pe @ W - fe[:, None]) ** 2, axis=0)
            out[k][ib] = np.where(np.isfinite(E), E, np.inf)
    return out


def run_cell(cfg, d, seed):
    X, y, G, Xv, fv, Xt, ft = draw(cfg, d, seed)
    lams = lams_for(cfg, d)
    res = dict(d=d, seed=seed, started=datetime.datetime.now().isoformat(timespec="seconds"), lams=lams)
    t0 = time.perf_counter()
    theta, _ = design(cfg, seed, d, X, None)
    s = 1.0 / math.sqrt(d)
    Phi, Pv, Pt = np.tanh(X @ theta * s), np.tanh(Xv @ theta * s), np.tanh(Xt @ theta * s)
    evals = dict(val=(Pv, fv), test=(Pt, ft))
    g = ridge_grid(Phi, y, lams, [0.0], evals)
    res["l2"] = {k: v[0].tolist() for k, v in g.items()}
    S = 1.0 - Phi ** 2
    for directions in cfg["directions"]:
        theta2, D = design(cfg, seed, d, X, directions)
        assert np.array_equal(theta, theta2)
        zeta = D.T @ theta * s
        gl = G @ D
        g = ridge_grid(Phi, y, lams, cfg["betas"], evals, S, zeta, gl)
        res[directions] = {k: v.tolist() for k, v in g.items()}
        res[f"varpi_{directions}"] = (D.T @ (G[0] / max(np.linalg.norm(G[0]), 1e-300))).tolist() \
            if directions == "random" else None
    res["seconds"] = time.perf_counter() - t0
    return res


def check_estimator(cfg, d, seed, picks):
    """Refits the estimator at the picked (lam, beta) of each method; returns the largest relative
    difference between its test MSE and the numpy solver's (picks: {method: (lam, beta, mse)})."""
    X, y, G, Xv, fv, Xt, ft = draw(cfg, d, seed)
    worst = 0.0
    for method, (lam, beta, mse) in picks.items():
        directions = None if method == "l2" else method
        est = estimator(cfg, seed, directions, lam, beta)
        est.fit(X, y) if directions is None else est.fit(X, y, gradients=G)
        e = float(np.mean((est.predict(Xt) - ft) ** 2))
        worst = max(worst, abs(e - mse) / mse)
    return worst


# ------------------------------------------------------------------------------------ theory
def theory(cli, cfg, d):
    gamma = d / cfg["p"]
    common = ["--p-over-n", repr(cfg["p"] / cfg["n"]), "--gamma", repr(gamma), "--k", "1", "--varpi-average",
              "--objective", "gen_f", "--format", "json"]
    if cfg["delta_f"] > 0:
        common += ["--delta-f", repr(cfg["delta_f"])]

    def call(*args):
        r = subprocess.run([cli, *args, *common], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{cli} {' '.join(args + tuple(common))}: exit {r.returncode}: {r.stderr.strip()}")
        return json.loads(r.stdout)

    c = call("compare")
    o = call("optimize", "--over", "both", "--no-beta-zero")
    mean = lambda row: row["gen_f"]["mean"]  # noqa: E731
    return dict(
        gamma=gamma, alpha=cfg["n"] / cfg["p"],
        l2_gen_f=mean(c["l2_equal_samples"]), l2_lambda=c["l2_equal_samples"]["lambda_opt"],
        gain_equal_samples=c["gain_equal_samples"], sob_gen_f_beta0_allowed=mean(c["sobolev"]),
        sob_beta0_allowed=c["sobolev"]["beta_opt"],
        gain_beta1=c["gain_beta1"], beta1_gen_f=mean(c["sobolev_beta1"]),
        beta1_lambda=c["sobolev_beta1"]["lambda_opt"],
        sob_gen_f=mean(o), sob_lambda=o["lambda_opt"], sob_beta=o["beta_opt"],
        sob_beta_on_boundary=o.get("beta_on_boundary"),
        gain_tuned=mean(c["l2_equal_samples"]) / mean(o),
        verdict=c.get("verdict"), command_compare=" ".join(["sobolev-rf", "compare", *common]),
    )


# ----------------------------------------------------------------------------------- analysis
def analyse(cfg, cells, d):
    """Selections and gains at one d from its cached seeds."""
    seeds = sorted(s for (dd, s) in cells if dd == d)
    if not seeds:
        return None
    C = [cells[(d, s)] for s in seeds]
    lams, betas = lams_for(cfg, d), cfg["betas"]
    out = dict(d=d, seeds=len(seeds))

    def pooled(key, beta_index=None):
        """Pooled (seed-averaged validation) choice; test MSE per seed at it."""
        V = np.mean([np.asarray(c[key]["val"]) for c in C], axis=0)
        T = np.array([np.asarray(c[key]["test"]) for c in C])
        if V.ndim == 1:
            V, T = V[None, :], T[:, None, :]
        if beta_index is not None:
            mask = np.full(V.shape, np.inf)
            mask[beta_index] = 0.0
            V = V + mask
        ib, il = np.unravel_index(np.argmin(V), V.shape)
        per_seed = T[:, ib, il]
        # per-seed oracle: each seed's own validation argmin
        oracle = []
        for c in C:
            v = np.asarray(c[key]["val"])
            t = np.asarray(c[key]["test"])
            if v.ndim == 1:
                v, t = v[None, :], t[None, :]
            if beta_index is not None:
                v = v + mask
            jb, jl = np.unravel_index(np.argmin(v), v.shape)
            oracle.append(t[jb, jl])
        return dict(lam=lams[il], beta=(None if key == "l2" else betas[ib]), test=per_seed.tolist(),
                    oracle=list(map(float, oracle)), lam_edge=il in (0, len(lams) - 1),
                    beta_edge=(key != "l2" and ib in (0, len(betas) - 1) and beta_index is None))

    out["l2"] = pooled("l2")
    b1 = betas.index(1.0) if 1.0 in betas else None
    for directions in cfg["directions"]:
        if directions in C[0]:
            out[directions] = pooled(directions)
            if b1 is not None:
                out[f"{directions}_beta1"] = pooled(directions, b1)
    rng = np.random.default_rng(0)
    l2 = np.array(out["l2"]["test"])
    l2o = np.array(out["l2"]["oracle"])
    for key in [k for k in list(out) if k not in ("d", "seeds", "l2")]:
        sob = np.array(out[key]["test"])
        sobo = np.array(out[key]["oracle"])
        gain = l2.mean() / sob.mean()
        boot = []
        for _ in range(2000):
            idx = rng.integers(0, len(l2), len(l2))
            boot.append(l2[idx].mean() / sob[idx].mean())
        lo, hi = np.percentile(boot, [2.5, 97.5])
        out[key].update(gain=float(gain), gain_lo=float(lo), gain_hi=float(hi),
                        gain_oracle=float(l2o.mean() / sobo.mean()), gen_f=float(sob.mean()),
                        gen_f_se=float(sob.std(ddof=1) / math.sqrt(len(sob))) if len(sob) > 1 else float("nan"))
    out["l2"].update(gen_f=float(l2.mean()),
                     gen_f_se=float(l2.std(ddof=1) / math.sqrt(len(l2))) if len(l2) > 1 else float("nan"))
    return out


def crossing(ds, values, level=1.0):
    """Values of d (log-interpolated) where `values` - level changes sign, scanning from large d
    to small d."""
    pts = sorted(zip(ds, values), reverse=True)
    xs = []
    for (d1, v1), (d2, v2) in zip(pts, pts[1:]):
        if (v1 - level) * (v2 - level) < 0:
            t = (level - v1) / (v2 - v1)
            xs.append(math.exp(math.log(d1) + t * (math.log(d2) - math.log(d1))))
    return xs


# ----------------------------------------------------------------------------------- outputs
def write_outputs(cfg, rows, theo, doc, fig, command, cache_path, worst_check):
    os.makedirs(os.path.dirname(os.path.abspath(doc)), exist_ok=True)
    os.makedirs(os.path.dirname(os.path.abspath(fig)), exist_ok=True)
    ds = [r["d"] for r in rows]
    make_figure(cfg, rows, theo, fig)
    L = []
    L.append("# Where the proportional theory stops predicting: the gain of Sobolev training as d shrinks")
    L.append("")
    L.append(f"Generated by `{command}` (resumable: finished (d, seed) cells are cached in `{cache_path}`; "
             "`--report-only` regenerates this page and the figure). Do not edit by hand. Method: the docstring of "
             "`bench/estimator/theory_limit_study.py`.")
    L.append("")
    L.append(f"Setting (MODEL.md): x ~ N(0, I_d), y = tanh(<theta0, x>), |theta0| = 1, Delta_f = {cfg['delta_f']}, "
             f"sigma = tanh; n = {cfg['n']}, p = {cfg['p']} (alpha = n/p = {cfg['n'] / cfg['p']:g}) fixed, "
             f"d in {sorted(ds, reverse=True)} (gamma = d/p from {max(ds) / cfg['p']:g} to {min(ds) / cfg['p']:g}); "
             f"the estimator with standardize=False, fit_intercept=False, activation tanh, directions \"random\" "
             f"(k = 1, the N(0, 1) sketch) and \"all\" (k = d, no theory). {rows[0]['seeds'] if rows else 0} seeds per d "
             f"(fresh teacher, data, features, sketch). Tuning: lam in {len(cfg['lams'])} values "
             f"{cfg['lams'][0]:g}..{cfg['lams'][-1]:g} (half decades"
             + (f"; down to {min(cfg['small_d_lams']):g} at d <= {cfg['small_d_max']}" if cfg.get("small_d_lams") else "")
             + f"), beta in {cfg['betas']} (beta > 0), chosen by "
             f"the seed-averaged error on {cfg['n_val']} validation inputs per seed; gen_f = mean test MSE on "
             f"{cfg['n_test']} further inputs per seed. Gain = gen_f(L2) / gen_f(Sobolev) (> 1: the gradients help), "
             "95 % bootstrap interval over seeds. Theory: the `sobolev-rf compare` and `optimize --no-beta-zero` "
             "commands in the docstring at the same (alpha, gamma). Estimator check: refitting the estimator at "
             f"the chosen hyperparameters (seed 0, every d and method) reproduces the solver's test MSE to "
             f"{worst_check:.1e} (relative).")
    L.append("")
    L.append("![gain against d](figures/theory_limit.png)")
    L.append("")
    # the answer
    L.append("## Answer")
    L.append("")
    L.extend(answer(cfg, rows, theo))
    L.append("")
    L.append("## Table")
    L.append("")
    L.append("gen_f values are mean test MSEs (theory: the mean over varpi). Sim = simulation with the estimator.")
    L.append("")
    L.append("| d | gamma | L2 gen_f sim | L2 gen_f theory | Sob gen_f sim | Sob gen_f theory (beta>0) | "
             "gain sim [95 %] | gain per-seed oracle | gain theory (beta>0) | theory gain_equal_samples | "
             "gain beta=1 sim | gain beta=1 theory | gain all sim | sim L2 lam | sim Sob (lam, beta) | "
             "theory Sob (lam, beta) |")
    L.append("| --- |" + " --- |" * 15)
    for r in rows:
        t = theo.get(str(r["d"]), {})
        ra = r.get("random", {})
        rb1 = r.get("random_beta1", {})
        al = r.get("all", {})
        L.append(
            f"| {r['d']} | {r['d'] / cfg['p']:.4g} | {r['l2']['gen_f']:.4g} ± {r['l2']['gen_f_se']:.2g} | "
            f"{t.get('l2_gen_f', float('nan')):.4g} | {ra.get('gen_f', float('nan')):.4g} ± {ra.get('gen_f_se', float('nan')):.2g} | "
            f"{t.get('sob_gen_f', float('nan')):.4g} | {ra.get('gain', float('nan')):.3f} [{ra.get('gain_lo', float('nan')):.3f}, "
            f"{ra.get('gain_hi', float('nan')):.3f}] | {ra.get('gain_oracle', float('nan')):.3f} | "
            f"{t.get('gain_tuned', float('nan')):.4f} | {t.get('gain_equal_samples', float('nan')):.4f} | "
            f"{rb1.get('gain', float('nan')):.3f} [{rb1.get('gain_lo', float('nan')):.3f}, {rb1.get('gain_hi', float('nan')):.3f}] | "
            f"{t.get('gain_beta1', float('nan')):.3f} | "
            + (f"{al['gain']:.3f} [{al['gain_lo']:.3f}, {al['gain_hi']:.3f}]" if al else "") + " | "
            f"{r['l2']['lam']:.2g} | ({ra.get('lam', float('nan')):.2g}, {ra.get('beta', float('nan')):.2g}) | "
            f"({t.get('sob_lambda', float('nan')):.2g}, {t.get('sob_beta', float('nan')):.2g}) |")
    L.append("")
    edges = [f"d = {r['d']} {k}" for r in rows for k in ("l2", "random", "all") if k in r and r[k].get("lam_edge")]
    if edges:
        L.append("Grid edges: the chosen lam lies on the edge of the grid at " + ", ".join(edges) + ".")
        L.append("")
    with open(doc, "w") as fh:
        fh.write("\n".join(L) + "\n")


def answer(cfg, rows, theo):
    ds = [r["d"] for r in rows]
    if not rows or "random" not in rows[0]:
        return ["(no simulated rows)"]
    g = [r["random"]["gain"] for r in rows]
    lo = [r["random"]["gain_lo"] for r in rows]
    hi = [r["random"]["gain_hi"] for r in rows]
    tg = [theo.get(str(d), {}).get("gain_tuned", float("nan")) for d in ds]
    L = []
    x1 = crossing(ds, g)
    tol = TOLERANCE
    above = [d for d, l in zip(ds, lo) if l > 1.0 + tol]
    below = [d for d, h in zip(ds, hi) if h < 1.0 - tol]
    # "leaves the theory": the theory's gain is outside the 95 % interval widened by TOLERANCE
    # (relative), an allowance for the finite-p corrections of the ratio (O(1/sqrt p) fluctuations
    # and O(1/p) bias: 1/sqrt(800) = 3.5 %, but they largely cancel in the paired ratio)
    off = [d for d, l, h, t in zip(ds, lo, hi, tg) if np.isfinite(t) and (t < l * (1 - tol) or t > h * (1 + tol))]
    big = max(rows, key=lambda r: r["d"])
    small = min(rows, key=lambda r: r["d"])
    L.append(f"- Theory: at every gamma = d/p from {max(ds) / cfg['p']:g} down to {min(ds) / cfg['p']:g} (alpha = "
             f"{cfg['n'] / cfg['p']:g}) the tuned Sobolev fit does not beat L2 for gen_f: the best beta > 0 sits at the "
             f"lower end of its range and the gain is {min(tg):.4f}-{max(tg):.4f} (compare's gain_equal_samples, with "
             "beta = 0 allowed, is "
             + ", ".join(sorted({f"{theo[str(d)]['gain_equal_samples']:.3g}" for d in ds if str(d) in theo}))
             + "). Its verdict does not depend on d in this range: \"ignore your gradients\".")
    L.append(f"- Simulation (k = 1 random sketch, tuned lam and beta > 0): gain {big['random']['gain']:.3f} "
             f"[{big['random']['gain_lo']:.3f}, {big['random']['gain_hi']:.3f}] at d = {big['d']} and "
             f"{small['random']['gain']:.3f} [{small['random']['gain_lo']:.3f}, {small['random']['gain_hi']:.3f}] at "
             f"d = {small['d']}.")
    P = cfg["p"]
    if x1:
        L.append(f"- The simulated gain crosses 1 at d ~ {', '.join(f'{x:.0f}' for x in x1)} (log-interpolated between "
                 f"grid points; gamma ~ {', '.join(f'{x / P:.3g}' for x in x1)}). The gain exceeds 1 + {tol:g} with "
                 f"its whole 95 % interval at d = {', '.join(map(str, sorted(above))) or 'none'}, and stays below "
                 f"1 - {tol:g} at d = {', '.join(map(str, sorted(below))) or 'none'}.")
    else:
        xt = crossing(ds, g, 1.0 + tol)
        N = cfg["n"]
        L.append(f"- The simulated gain does not cross 1 on this grid (it is {min(g):.3f} or more everywhere: with beta "
                 f"tuned, the gradients never hurt); its whole 95 % interval exceeds 1 + {tol:g} at "
                 f"d = {', '.join(map(str, sorted(above))) or 'none'} and lies below 1 - {tol:g} at "
                 f"d = {', '.join(map(str, sorted(below))) or 'none'}"
                 + (f". It rises through 1 + {tol:g} at d ~ {', '.join(f'{x:.0f}' for x in xt)} (log-interpolated; "
                    f"gamma ~ {', '.join(f'{x / P:.3g}' for x in xt)}, n/d ~ {', '.join(f'{N / x:.3g}' for x in xt)})."
                    if xt else "."))
    agree = [d for d in ds if d not in off]
    L.append(f"- Simulation and theory (the tuned gain, beta > 0) agree (95 % interval widened by {100 * tol:g} %) at d = "
             f"{', '.join(map(str, sorted(agree, reverse=True))) or 'none'} and disagree at d = "
             f"{', '.join(map(str, sorted(off, reverse=True))) or 'none'}"
             + (f": the simulation leaves the theory's prediction at d <= {max(off)} (gamma <= {max(off) / cfg['p']:.3g}, "
                f"n/d >= {cfg['n'] / max(off):.3g})"
                + (f", between d = {min(a for a in agree if a > max(off))} and d = {max(off)}"
                   if any(a > max(off) for a in agree) else "") + "." if off else "."))
    # L2 alone
    rel = [(r["d"], r["l2"]["gen_f"] / theo[str(r["d"])]["l2_gen_f"]) for r in rows if str(r["d"]) in theo]
    if rel:
        L.append("- The L2 error alone already departs: simulated / theory gen_f(L2) = "
                 + ", ".join(f"{v:.2f} (d = {d})" for d, v in sorted(rel, reverse=True)) + ".")
    b1 = [(r["d"], r["random_beta1"]["gain"], theo.get(str(r["d"]), {}).get("gain_beta1", float("nan")))
          for r in rows if "random_beta1" in r]
    if b1:
        xb = crossing([d for d, _, _ in b1], [v for _, v, _ in b1])
        L.append("- At beta = 1 (lam tuned), gain sim / theory: " + ", ".join(f"{v:.3f} / {t:.3f} (d = {d})"
                                                                           for d, v, t in b1)
                 + (f"; the simulated beta = 1 gain crosses 1 at d ~ {', '.join(f'{x:.0f}' for x in xb)}." if xb else "."))
    if "all" in rows[0]:
        L.append("- With all d gradient directions (k = d, outside the theory, which keeps k fixed): gain "
                 + ", ".join(f"{r['all']['gain']:.3g} (d = {r['d']})" for r in rows) + ".")
    return L


def make_figure(cfg, rows, theo, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ds = np.array([r["d"] for r in rows], dtype=float)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.8))
    ax = axes[0]

    def band(key, color, label, marker):
        if key not in rows[0]:
            return
        g = np.array([r[key]["gain"] for r in rows])
        lo = np.array([r[key]["gain_lo"] for r in rows])
        hi = np.array([r[key]["gain_hi"] for r in rows])
        ax.errorbar(ds, g, yerr=[g - lo, hi - g], color=color, marker=marker, capsize=3, label=label, lw=1.2)

    band("random", "tab:blue", "simulation, k=1 random, tuned (lam, beta>0)", "o")
    band("random_beta1", "tab:cyan", "simulation, k=1 random, beta=1", "s")
    band("all", "tab:purple", "simulation, all d directions (no theory)", "^")
    td = sorted(int(d) for d in theo)
    tg = [theo[str(d)]["gain_tuned"] for d in td]
    tb = [theo[str(d)]["gain_beta1"] for d in td]
    ax.plot(td, tg, "k-", lw=2, label="theory, tuned (lam, beta>0)")
    ax.plot(td, tb, "k--", lw=1.2, label="theory, beta=1")
    ax.axhline(1.0, color="gray", lw=0.8)
    if "random" in rows[0]:  # where the simulated gain leaves 1 and the theory (as in answer())
        g = [r["random"]["gain"] for r in rows]
        for i, x in enumerate(crossing(list(ds), g, 1.0 + TOLERANCE)):
            ax.axvline(x, color="tab:blue", ls=":", lw=1.2,
                       label=(f"simulated gain crosses 1 + {TOLERANCE:g} (d ~ {x:.0f})" if i == 0 else None))
        off = [r["d"] for r in rows if str(r["d"]) in theo and
               not (r["random"]["gain_lo"] * (1 - TOLERANCE) <= theo[str(r["d"])]["gain_tuned"]
                    <= r["random"]["gain_hi"] * (1 + TOLERANCE))]
        if off:
            ax.axvspan(min(ds) / 1.15, max(off) * 1.15, color="tab:red", alpha=0.08,
                       label="simulation outside the theory's prediction")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"input dimension d  (n = {cfg['n']}, p = {cfg['p']} fixed; gamma = d/p)")
    ax.set_ylabel("gain = gen_f(L2) / gen_f(Sobolev)")
    ax.set_title("Sobolev over L2: simulation against the proportional theory", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    bx = axes[1]
    for key, color, label in (("l2", "tab:gray", "L2"), ("random", "tab:blue", "Sobolev k=1 tuned")):
        g = np.array([r[key]["gen_f"] for r in rows])
        se = np.array([r[key]["gen_f_se"] for r in rows])
        bx.errorbar(ds, g, yerr=2 * se, color=color, marker="o", capsize=3, label=f"{label}, simulation")
    bx.plot(td, [theo[str(d)]["l2_gen_f"] for d in td], color="tab:gray", ls="--", label="L2, theory")
    bx.plot(td, [theo[str(d)]["sob_gen_f"] for d in td], color="tab:blue", ls="--", label="Sobolev k=1 tuned, theory")
    bx.set_xscale("log")
    bx.set_yscale("log")
    bx.set_xlabel("input dimension d")
    bx.set_ylabel("gen_f (mean test MSE)")
    bx.set_title("the errors themselves (± 2 s.e.)", fontsize=10)
    bx.grid(True, which="both", alpha=0.3)
    bx.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# -------------------------------------------------------------------------------------- main
def summary_lines(cache_path=None):
    """The "Answer" bullets of the full study from its cache (no computation), or None; for the
    closing note of the estimator benchmark's document."""
    cfg = dict(FULL)
    data = load_cache(cache_path or DEFAULT_CACHE)
    if data.get("config") != config_id(cfg) or not data.get("cells"):
        return None
    cells = {(c["d"], c["seed"]): c for c in data["cells"].values()
             if c.get("lams", cfg["lams"]) == lams_for(cfg, c["d"])}
    rows = [a for a in (analyse(cfg, cells, d) for d in sorted({d for d, _ in cells}, reverse=True)) if a]
    theo = {k: v for k, v in data["theory"].items() if int(k) in {r["d"] for r in rows}}
    return answer(cfg, rows, theo) if rows else None


def load_cache(path):
    if not os.path.exists(path):
        return {}
    with open(path) as fh:
        return json.load(fh)


def save_cache(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)


def config_id(cfg):
    return json.dumps({k: cfg[k] for k in ("n", "p", "n_val", "n_test", "lams", "betas", "delta_f", "directions")},
                      sort_keys=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="tiny configuration for the tests")
    ap.add_argument("--dims", help="comma-separated d values (default 400,200,100,50,30,20,10,5)")
    ap.add_argument("--seeds", type=int, help="seeds per d (default 10)")
    ap.add_argument("--cli", default=None, help="the sobolev-rf executable (default build/sobolev-rf or $SOBOLEV_RF_EXE)")
    ap.add_argument("--cache", help="results JSON")
    ap.add_argument("--doc", help="markdown output")
    ap.add_argument("--figure", help="PNG output")
    ap.add_argument("--out-dir", help="smoke mode: directory for the outputs")
    ap.add_argument("--report-only", action="store_true")
    args = ap.parse_args(argv)
    cfg = dict(SMOKE if args.smoke else FULL)
    if args.dims:
        cfg["dims"] = [int(v) for v in args.dims.split(",")]
    if args.seeds:
        cfg["seeds"] = args.seeds
    cli = args.cli or default_cli()
    if args.smoke:
        out = args.out_dir or os.path.join("/tmp", f"srf-theory-limit-smoke-{os.getpid()}")
        cache_path = args.cache or os.path.join(out, "theory_limit-smoke.json")
        doc = args.doc or os.path.join(out, "theory-limit-smoke.md")
        fig = args.figure or os.path.join(out, "figures", "theory_limit-smoke.png")
        command = COMMAND + " --smoke"
    else:
        cache_path = args.cache or DEFAULT_CACHE
        doc = args.doc or DEFAULT_DOC
        fig = args.figure or DEFAULT_FIG
        command = COMMAND
    data = load_cache(cache_path)
    if data.get("config") != config_id(cfg):
        if data:
            print(f"{cache_path}: made with another configuration; starting afresh", flush=True)
        data = dict(config=config_id(cfg), cells={}, theory={}, checks={})
    for d in cfg["dims"]:
        if str(d) not in data["theory"]:
            data["theory"][str(d)] = theory(cli, cfg, d)
            save_cache(cache_path, data)
    if not args.report_only:
        for d in cfg["dims"]:
            for seed in range(cfg["seeds"]):
                key = f"{d}|{seed}"
                if key in data["cells"] and data["cells"][key].get("lams", cfg["lams"]) == lams_for(cfg, d):
                    continue
                data["checks"].pop(str(d), None)  # the picks at this d may move
                data["cells"][key] = run_cell(cfg, d, seed)
                save_cache(cache_path, data)
                print(f"[{time.strftime('%H:%M:%S')}] d={d} seed={seed} done "
                      f"({data['cells'][key]['seconds']:.1f} s)", flush=True)
    cells = {(c["d"], c["seed"]): c for c in data["cells"].values() if c.get("lams", cfg["lams"]) == lams_for(cfg, c["d"])}
    rows = [a for a in (analyse(cfg, cells, d) for d in sorted({d for d, _ in cells}, reverse=True)) if a]
    for r in rows:
        key = str(r["d"])
        if key not in data["checks"] and (r["d"], 0) in cells:
            picks = {"l2": (r["l2"]["lam"], 0.0, r["l2"]["test"][0])}
            for m in cfg["directions"]:
                if m in r:
                    picks[m] = (r[m]["lam"], r[m]["beta"], r[m]["test"][0])
            data["checks"][key] = check_estimator(cfg, r["d"], 0, picks)
            save_cache(cache_path, data)
    worst = max(data["checks"].values()) if data["checks"] else float("nan")
    if worst > 1e-6:
        raise SystemExit(f"the estimator's refit differs from the solver by {worst:.2e} (relative)")
    theo = {k: v for k, v in data["theory"].items() if int(k) in {r["d"] for r in rows}}
    rel_cache = cache_path if args.smoke else os.path.relpath(cache_path, ROOT)
    write_outputs(cfg, rows, theo, doc, fig, command, rel_cache, worst)
    print(f"wrote {doc} and {fig}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
