#!/usr/bin/python3
"""Finite-size simulation of Sobolev training with structured inputs (/work/shared/MODEL.md,
"Structured inputs"; docs/theory/structured.md "Checks"), and the comparison with the limit theory
of tests/theory/structured_reference.py.

One seed (its own numpy random stream, no code shared with validation/ or bench/):
  * Sigma = diag(s), s the finite-d spectrum (powerlaw: s_i = c ((i - 1/2)/d)^(-a); twolevel: the
    first ceil(f d) eigenvalues r times the others; discrete: the listed values repeated), mean 1;
  * theta0_i = sqrt(s_i^b) g_i, g ~ N(0, I_d), scaled to theta0^T Sigma theta0 = 1;
  * the sketch conditioned on varpi: V = theta0 varpi^T/|theta0|^2 + (I - theta0 theta0^T/|theta0|^2) G;
  * Theta (d x p) i.i.d. N(0, 1); x_i = sqrt(s) o z_i, z_i ~ N(0, I_d); real nonlinear features
    sigma(Theta^T x / sqrt d) and gradient rows sigma'(h_j) zeta_jm, zeta = V^T Theta / sqrt d;
  * labels y = phi(omega) + sqrt(Df) eps, g = varpi phi'(omega) + sqrt(Dg) eps' (corr rho);
  * the exact ridge solve of (1/n) sum [(y - f)^2 + beta |g - V^T grad f|^2] + lambda |w|^2
    (primal or dual normal equations, Cholesky);
  * train errors on the training set; test errors EXACT given (Theta, V, theta0, w): every test
    error is a quadratic form in w with kernels E_x[sigma(h_j) sigma(h_l)], E_x[sigma'(h_j) sigma'(h_l)],
    E_x[phi(omega) sigma(h_j)], ..., computed by Mehler's formula (Hermite series in the
    correlations (P_Sigma)_jl / sqrt(v_j v_l) = O(d^-1/2), truncated at order 16, with the exact
    variances v_j = (P_Sigma)_jj and the exact diagonal). `--mc-check` compares with a Monte Carlo
    test set.
  * order parameters m = u^T w (u = Theta^T Sigma theta0/sqrt d), m_E = u_E^T w (u_E = Theta^T theta0/sqrt d),
    q_s = w^T P_Sigma w, q_E = w^T P w (P = Theta^T Theta/d), q_w = |w|^2.

Usage:
  /usr/bin/python3 tests/theory/structured_simulation.py --checks [--only A,B] [--sizes 800,1600] [--seeds 32] [--out r.json]
  /usr/bin/python3 tests/theory/structured_simulation.py --table r1.json,r2.json   (the markdown tables of the doc)
  /usr/bin/python3 tests/theory/structured_simulation.py --beta0 --sizes 400,800 --seeds 64
  /usr/bin/python3 tests/theory/structured_simulation.py --mc-check
As a module: simulate_seed(structured_reference.Params(...), p, seed) -> (dict of errors and order
parameters for one seed, the seed's matrices).
"""
import argparse
import dataclasses
import json
import math
import os
import sys
import time

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import integrate, special
from scipy.linalg import cho_factor, cho_solve

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import structured_reference as sr  # noqa: E402

SQRT_PI = math.sqrt(math.pi)
ERRORS = sr.ERRORS
ORDER = ("m", "m_E", "q_s", "q_E", "q_w")


def _sigmoid(t):
    return 0.5 * (1.0 + np.tanh(0.5 * t))


ACT = {
    "tanh": (np.tanh, lambda t: 1.0 - np.tanh(t) ** 2),
    "relu": (lambda t: np.maximum(t, 0.0), lambda t: (t > 0).astype(float)),
    "erf": (special.erf, lambda t: 2.0 / SQRT_PI * np.exp(-t * t)),
    "sigmoid": (_sigmoid, lambda t: _sigmoid(t) * (1.0 - _sigmoid(t))),
    "softplus": (lambda t: np.logaddexp(0.0, t), _sigmoid),
    "linear": (lambda t: t, np.ones_like),
    "he3": (lambda t: t ** 3 - 3 * t, lambda t: 3 * t * t - 3.0),
}
HOMOGENEOUS = {("relu", 0): 1.0, ("relu", 1): 0.0}  # (name, derivative?) -> degree of homogeneity

NHERM = 16  # Mehler truncation order
_GH_X, _GH_W = hermegauss(240)
_GH_W = _GH_W / _GH_W.sum()


def _hermite_norm(x, N):
    """He_n(x)/sqrt(n!) for n = 0..N (rows)."""
    H = np.zeros((N + 1,) + np.shape(x))
    H[0] = 1.0
    if N >= 1:
        H[1] = x
    for n in range(1, N):
        H[n + 1] = (x * H[n] - math.sqrt(n) * H[n - 1]) / math.sqrt(n + 1)
    return H


def _coeffs_unit(name, deriv, N):
    """a_n = E[f(xi) He_n(xi)]/sqrt(n!) and E f^2 at unit variance, by adaptive quadrature."""
    f = ACT[name][1 if deriv else 0]
    out = []
    for n in range(N + 1):
        def integrand(t, n=n):
            return float(f(np.array(t)) * _hermite_norm(np.array(t), n)[n]) * math.exp(-t * t / 2) / math.sqrt(2 * math.pi)
        a = sum(integrate.quad(integrand, lo, hi, epsabs=1e-14, epsrel=1e-12, limit=400)[0]
                for lo, hi in ((-np.inf, 0.0), (0.0, np.inf)))
        out.append(a)
    m2 = sum(integrate.quad(lambda t: float(f(np.array(t))) ** 2 * math.exp(-t * t / 2) / math.sqrt(2 * math.pi),
                            lo, hi, epsabs=1e-14, epsrel=1e-12, limit=400)[0] for lo, hi in ((-np.inf, 0.0), (0.0, np.inf)))
    return np.array(out), m2


_UNIT_CACHE = {}


def coeffs(name, deriv, v, N=NHERM):
    """A[n, j] = E[f(sqrt(v_j) xi) He_n(xi)]/sqrt(n!) and m2[j] = E f(sqrt(v_j) xi)^2 (f = sigma or sigma')."""
    v = np.atleast_1d(np.asarray(v, float))
    key = (name, deriv)
    if key in HOMOGENEOUS:
        if key not in _UNIT_CACHE:
            _UNIT_CACHE[key] = _coeffs_unit(name, deriv, N)
        a, m2 = _UNIT_CACHE[key]
        deg = HOMOGENEOUS[key]
        return a[:, None] * v[None, :] ** (deg / 2), m2 * v ** deg
    f = ACT[name][1 if deriv else 0]
    H = _hermite_norm(_GH_X, N)                       # (N+1, nodes)
    F = f(np.sqrt(v)[:, None] * _GH_X[None, :])       # (p, nodes)
    A = (H * _GH_W[None, :]) @ F.T                    # (N+1, p)
    m2 = (F * F) @ _GH_W
    return A, m2


def finite_spectrum(name, d):
    return sr.sampled_spectrum(name, d)


def simulate_seed(P: sr.Params, p, seed, s=None):
    rng = np.random.default_rng(seed)
    k = P.k
    n, d = int(round(P.alpha * p)), int(round(P.gamma * p))
    if s is None:
        s = finite_spectrum(P.spectrum, d)
    sig, dsig = ACT[P.sigma]
    phi, dphi = ACT[P.teacher]
    vp = np.array(P.varpi, float)
    # teacher
    g0 = rng.standard_normal(d)
    th0 = np.sqrt(s ** P.b) * g0
    th0 /= math.sqrt(np.sum(s * th0 * th0))
    nrm2 = float(th0 @ th0)
    # sketch conditioned on varpi
    G = rng.standard_normal((d, k))
    V = np.outer(th0, vp) / nrm2 + G - np.outer(th0, th0 @ G) / nrm2
    align = V.T @ th0
    Theta = rng.standard_normal((d, p))
    zeta = V.T @ Theta / math.sqrt(d)  # k x p
    # training data
    X = rng.standard_normal((n, d)) * np.sqrt(s)[None, :]
    Cn = np.eye(1 + k)
    Cn[0, 1:] = Cn[1:, 0] = P.rho
    E = rng.standard_normal((n, 1 + k)) @ np.linalg.cholesky(Cn).T
    omega = X @ th0
    y = phi(omega) + math.sqrt(P.delta_f) * E[:, 0]
    gl = np.outer(dphi(omega), align) + math.sqrt(P.delta_g) * E[:, 1:]
    H = X @ Theta / math.sqrt(d)
    F, S = sig(H), dsig(H)
    del X, H
    rows = k > 0 and P.beta > 0
    sb = math.sqrt(P.beta)
    A = np.vstack([F] + ([sb * S * zeta[m] for m in range(k)] if rows else []))
    rhs = np.concatenate([y] + ([sb * gl[:, m] for m in range(k)] if rows else []))
    Nr = A.shape[0]
    ridge = n * P.lam
    if Nr >= p:
        Mx = A.T @ A
        Mx[np.diag_indices(p)] += ridge
        w = cho_solve(cho_factor(Mx, lower=True), A.T @ rhs)
    else:
        Kx = A @ A.T
        Kx[np.diag_indices(Nr)] += max(ridge, 0.0)
        w = A.T @ cho_solve(cho_factor(Kx, lower=True), rhs)
    del A
    train_f = float(np.mean((y - F @ w) ** 2))
    Pw = (zeta * w).T  # p x k
    train_g = float(np.sum((gl - S @ Pw) ** 2) / n) if k else 0.0
    del F, S
    # exact test errors (Mehler)
    PS = (Theta.T * s) @ Theta / d
    Pe = Theta.T @ Theta / d
    u = Theta.T @ (s * th0) / math.sqrt(d)
    uE = Theta.T @ th0 / math.sqrt(d)
    v = np.diag(PS).copy()
    rs = 1.0 / np.sqrt(v)
    Chat = PS * rs[:, None] * rs[None, :]
    np.fill_diagonal(Chat, 0.0)  # off-diagonal series; the diagonal is added exactly
    rho0 = u * rs                # corr(h_j, omega); Var omega = theta0^T Sigma theta0 = 1
    As, m2s = coeffs(P.sigma, False, v)
    Ad, m2d = coeffs(P.sigma, True, v)
    Ft, Ef2 = coeffs(P.teacher, False, [1.0])
    Fd, Edf2 = coeffs(P.teacher, True, [1.0])
    Ft, Fd, Ef2, Edf2 = Ft[:, 0], Fd[:, 0], float(Ef2[0]), float(Edf2[0])
    N = As.shape[0] - 1
    # cross terms E[phi sigma_j], E[phi' sigma'_j]
    R0 = rho0[None, :] ** np.arange(N + 1)[:, None]
    cross = np.sum(Ft[:, None] * As * R0, axis=0)
    crossd = np.sum(Fd[:, None] * Ad * R0, axis=0)
    vec_s = [w]                                   # quadratic forms with K_sigma
    vec_d = [w * zeta[m] for m in range(k)]       # with K_sigma'
    qs = np.zeros(len(vec_s))
    qd = np.zeros(len(vec_d))
    qg = 0.0                                      # w^T (P o K_sigma') w, off-diagonal
    Cpow = np.ones_like(Chat)
    np.fill_diagonal(Cpow, 0.0)
    PeOff = Pe.copy()
    np.fill_diagonal(PeOff, 0.0)
    for nn in range(N + 1):
        if nn > 0:
            Cpow *= Chat
        for i, x in enumerate(vec_s):
            y_ = As[nn] * x
            qs[i] += y_ @ Cpow @ y_
        for i, x in enumerate(vec_d):
            y_ = Ad[nn] * x
            qd[i] += y_ @ Cpow @ y_
        y_ = Ad[nn] * w
        qg += y_ @ (Cpow * PeOff) @ y_
    qs += np.array([np.sum(m2s * x * x) for x in vec_s])
    qd += np.array([np.sum(m2d * x * x) for x in vec_d])
    qg += np.sum(m2d * np.diag(Pe) * w * w)
    gen_f = Ef2 - 2 * float(w @ cross) + qs[0]
    gen_g = sum(align[m] ** 2 * Edf2 - 2 * align[m] * float(vec_d[m] @ crossd) + qd[m] for m in range(k))
    gen_grad = nrm2 * Edf2 - 2 * float((w * uE) @ crossd) + qg
    out = dict(train_f=train_f, train_g=train_g, gen_f=gen_f, gen_g=float(gen_g), gen_h1=gen_f + float(gen_g),
               gen_grad=gen_grad, m=float(u @ w), m_E=float(uE @ w), q_s=float(w @ PS @ w), q_E=float(w @ Pe @ w),
               q_w=float(w @ w), theta0_sq=nrm2, varpi=align.tolist(), n=n, d=d, p=p,
               s_sketch=(zeta @ w).tolist())  # s_m = zeta_m^T w, the sketch's intercept overlap [S.9]
    return out, dict(Theta=Theta, th0=th0, V=V, w=w, s=s, zeta=zeta, align=align)


def mc_test_errors(P, st, T=200000, seed=99, batch=5000):
    """Monte Carlo test errors for one seed's fit (to check the Mehler evaluator)."""
    rng = np.random.default_rng(seed)
    Theta, th0, w, s, zeta, align = st["Theta"], st["th0"], st["w"], st["s"], st["zeta"], st["align"]
    d, p = Theta.shape
    sig, dsig = ACT[P.sigma]
    phi, dphi = ACT[P.teacher]
    acc = np.zeros(3)
    for _ in range(T // batch):
        X = rng.standard_normal((batch, d)) * np.sqrt(s)[None, :]
        om = X @ th0
        H = X @ Theta / math.sqrt(d)
        Ft, St = sig(H), dsig(H)
        acc[0] += np.sum((phi(om) - Ft @ w) ** 2)
        dp = dphi(om)
        if P.k:
            acc[1] += np.sum((np.outer(dp, align) - St @ (zeta * w).T) ** 2)
        grad = (St * w) @ Theta.T / math.sqrt(d)
        acc[2] += np.sum((np.outer(dp, th0) - grad) ** 2)
    return acc / (T // batch * batch)


# ----------------------------------------------------------------------------------------------
# The checks: points, theory (limit law, and the law of the simulated finite-d spectrum), z-scores
# ----------------------------------------------------------------------------------------------
# (label, sigma, teacher, p/n, gamma, lambda, k, varpi, beta, Df, Dg, rho, spectrum, b)
CHECKS = [
    ("A", "tanh", "tanh", 0.5, 0.8, 1e-2, 0, [], 1.0, 0.0, 0.0, 0.0, "powerlaw:0.3", 0.0),
    ("B", "relu", "tanh", 2.0, 0.8, 1e-2, 0, [], 1.0, 0.1, 0.0, 0.0, "twolevel:0.05,20", 1.0),
    ("C", "tanh", "relu", 1.5, 1.5, 1e-2, 0, [], 1.0, 0.0, 0.0, 0.0, "powerlaw:0.6", -1.0),
    ("D", "relu", "tanh", 1.5, 0.8, 1e-2, 1, [0.7], 1.0, 0.0, 0.0, 0.0, "powerlaw:0.3", 1.0),
    ("E", "relu", "relu", 3.0, 0.8, 1e-2, 1, [1.0], 1.0, 0.1, 0.1, 0.0, "powerlaw:0.6", 0.0),
    ("F", "tanh", "tanh", 3.0, 0.8, 1e-2, 1, [0.7], 1.0, 0.0, 0.0, 0.0, "twolevel:0.05,20", 0.0),
    ("G", "erf", "tanh", 1.0, 0.8, 1e-2, 1, [0.5], 1.0, 0.1, 0.1, 0.0, "twolevel:0.2,5", -1.0),
    ("H", "relu", "tanh", 1.5, 0.8, 1e-3, 1, [0.6], 1.0, 0.0, 0.0, 0.0, "twolevel:0.05,20", 1.0),
    ("I", "relu", "tanh", 2.0, 0.8, 1e-2, 2, [0.5, -0.8], 1.0, 0.0, 0.0, 0.0, "powerlaw:0.3", -1.0),
    ("J", "tanh", "tanh", 4.5, 0.8, 1e-2, 2, [0.4, 0.6], 1.0, 0.1, 0.1, 0.0, "powerlaw:0.6", 0.0),
    ("K", "relu", "relu", 4.0, 0.8, 1e-2, 2, [0.3, 0.3], 1.0, 0.0, 0.0, 0.0, "twolevel:0.05,20", 1.0),
    ("L", "softplus", "tanh", 2.0, 1.2, 1e-2, 2, [0.8, 0.0], 1.0, 0.0, 0.05, 0.0, "twolevel:0.3,0.1", 0.0),
    ("M", "relu", "erf", 1.5, 0.8, 1e-1, 1, [0.9], 0.5, 0.0, 0.1, 0.0, "discrete:0.25,1,4", 1.0),
    # G with isotropic inputs (a control for G)
    ("Giso", "erf", "tanh", 1.0, 0.8, 1e-2, 1, [0.5], 1.0, 0.1, 0.1, 0.0, "isotropic", -1.0),
    # the ridgeless limit [S.10]: the simulation's exact least-squares / minimum-norm solution
    ("N", "relu", "tanh", 3.0, 0.8, 0.0, 1, [0.8], 1.0, 0.1, 0.1, 0.0, "twolevel:0.05,20", 1.0),
    ("O", "tanh", "tanh", 2.0, 0.8, 0.0, 2, [0.5, 0.5], 1.0, 0.1, 0.0, 0.0, "powerlaw:0.3", 0.0),
]


def theory_pair(P, d):
    """(limit-law theory, theory at the empirical law of the simulated finite-d spectrum)."""
    lim = sr.solve(P)
    s = finite_spectrum(P.spectrum, d)
    emp = sr.solve(dataclasses.replace(P, spec=sr.Spectrum.from_atoms(s, P.b)))
    return lim, emp


def run_point(P, p, seeds, base_seed=12345):
    runs = []
    t0 = time.time()
    for i in range(seeds):
        r, _ = simulate_seed(P, p, base_seed * 1009 + 7919 * i + p)
        runs.append(r)
    out = {}
    for q in ERRORS + ORDER:
        x = np.array([r[q] for r in runs])
        out[q] = dict(mean=float(x.mean()), se=float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else None)
    out["seconds"] = time.time() - t0
    out["n"], out["d"], out["p"], out["seeds"] = runs[0]["n"], runs[0]["d"], p, seeds
    return out


BETA0_CHECKS = [  # (label, sigma, teacher, p/n, gamma, lambda, k, varpi, Df, Dg, spectrum, b)
    ("Z1", "relu", "tanh", 2.0, 0.8, 1e-2, 1, [0.7], 0.0, 0.0, "powerlaw:0.3", 1.0),
    ("Z2", "tanh", "tanh", 1.5, 0.8, 1e-2, 2, [0.3, 0.0], 0.1, 0.1, "twolevel:0.05,20", 1.0),
]


def run_beta0(sizes, seeds):
    """beta = 0, k > 0 [S.9]: gen_g over seeds (the free part G of the sketch redrawn each seed) vs
    its law: mean and standard deviation."""
    out = []
    for (lab, sg, te, pn, ga, lam, k, vp, df, dg, spc, b) in BETA0_CHECKS:
        P = sr.Params(sg, te, pn, ga, lam, k, vp, 0.0, df, dg, 0.0, spc, b)
        for p in sizes:
            d = int(round(ga * p))
            emp = sr.solve(dataclasses.replace(P, spec=sr.Spectrum.from_atoms(finite_spectrum(spc, d), b)))
            runs = [simulate_seed(P, p, 424242 + 31 * i + p)[0] for i in range(seeds)]
            x = np.array([r["gen_g"] for r in runs])
            law = emp["gen_g_law"]
            se_mean = x.std(ddof=1) / math.sqrt(len(x))
            # standard error of the sample standard deviation, from the sample's fourth moment
            m2, m4 = np.mean((x - x.mean()) ** 2), np.mean((x - x.mean()) ** 4)
            se_std = math.sqrt(max(m4 - m2 * m2, 0.0) / len(x)) / (2 * math.sqrt(m2))
            s1 = np.array([r["s_sketch"][0] for r in runs])
            tau2 = emp["tau2"]
            mE, qE = emp["order"]["m_E"], emp["order"]["q_E"]
            m_, qs_ = emp["order"]["m"], emp["order"]["q_s"]
            row = dict(label=lab, p=p, seeds=seeds, law_mean=law["mean"], law_std=law["std"],
                       s1_sim_mean=float(s1.mean()), s1_sim_mean_se=float(s1.std(ddof=1) / math.sqrt(len(s1))),
                       s1_sim_var=float(s1.var(ddof=1)), s1_law_mean=vp[0] * mE / tau2, s1_law_var=qE - mE * mE / tau2,
                       s1_alt_mean=vp[0] * m_, s1_alt_var=qs_ - m_ * m_,
                       sim_mean=float(x.mean()), sim_mean_se=float(se_mean), sim_std=float(x.std(ddof=1)),
                       sim_std_se=float(se_std), s_mean=law["s_mean"], s_var=law["s_variance"],
                       z_mean=float((x.mean() - law["mean"]) / se_mean),
                       z_std=float((x.std(ddof=1) - law["std"]) / se_std))
            print(json.dumps(row), flush=True)
            out.append(row)
    return out


def print_table(paths):
    """Markdown tables of theory vs simulation from --checks JSON files (later files override
    earlier ones per (label, p)): per point and size, theory (at the finite-d law of the simulated
    spectrum) / simulation mean +- s.e. (z); then per point the theory at the limit law, at the
    finite-d law, the isotropic formula and the ablation 'teacher traces with the uniform law'."""
    entries = {}
    for path in paths:
        for e in json.load(open(path)):
            for p, v in e["sims"].items():
                entries[(e["label"], int(p))] = (e["params"], v)
    order = {lab: i for i, lab in enumerate(c[0] for c in CHECKS)}
    keys = sorted(entries, key=lambda t: (order.get(t[0], 99), t[1]))
    cols = ("train_f", "train_g", "gen_f", "gen_g", "gen_grad", "m", "m_E", "q_E", "q_w")
    print("| pt | p | seeds | " + " | ".join(cols) + " |")
    print("|" + "---|" * (3 + len(cols)))
    zmax = {}
    for (lab, p) in keys:
        P, v = entries[(lab, p)]
        cells = []
        for q in cols:
            if P["k"] == 0 and q in ("train_g", "gen_g"):
                cells.append("–")
                continue
            sm, t = v["sim"][q], v["theory_emp"][q]
            if t == 0.0 and abs(sm["mean"]) < 1e-12:
                cells.append(f"0 / {sm['mean']:.0e} (interpolation)")
                continue
            z = (sm["mean"] - t) / sm["se"] if sm["se"] else float("nan")
            if q in ERRORS:
                zmax[(lab, p)] = max(zmax.get((lab, p), 0.0), abs(z))
            cells.append(f"{t:.4g} / {sm['mean']:.4g}±{sm['se']:.2g} ({z:+.1f})")
        print(f"| {lab} | {p} | {v['sim']['seeds']} | " + " | ".join(cells) + " |")
    print()
    print("| pt | setting | tau^2 | gen_f: limit law / finite-d law (d at p=1600) / isotropic formula / uniform-teacher "
          "ablation | gen_grad: same | m_E: same |")
    print("|---|---|---|---|---|---|")
    seen = set()
    for (lab, p) in keys:
        if lab in seen:
            continue
        seen.add(lab)
        P, v = entries[(lab, p)]
        Pp = sr.Params(**{k: P[k] for k in P if k != "spec"})
        d = int(round(Pp.gamma * 1600))
        fs = finite_spectrum(Pp.spectrum, d)
        res = [sr.solve(Pp), sr.solve(dataclasses.replace(Pp, spec=sr.Spectrum.from_atoms(fs, Pp.b))),
               sr.solve(dataclasses.replace(Pp, spectrum="isotropic", b=0.0))]
        abl = sr.Spectrum.from_atoms(fs, Pp.b)
        abl.mu_t = abl.mu
        res.append(sr.solve(dataclasses.replace(Pp, spec=abl)))
        st = (f"{P['sigma']}/{P['teacher']}, {P['spectrum']}, b={P['b']:g}, k={P['k']}, p/n={P['p_over_n']:g}, "
              f"γ={P['gamma']:g}, λ={P['lam']:g}, ϖ={P['varpi']}, β={P['beta']:g}, Δf={P['delta_f']:g}, "
              f"Δg={P['delta_g']:g}")
        cells = []
        for q in ("gen_f", "gen_grad", "m_E"):
            vals = [r["errors"][q] if q in r["errors"] else r["order"][q] for r in res]
            cells.append(" / ".join(f"{x:.4g}" for x in vals))
        print(f"| {lab} | {st} | {res[0]['tau2']:.4g} | " + " | ".join(cells) + " |")
    print()
    print("max |z| over the six errors: " + ", ".join(f"{lab}@{p}: {z:.1f}" for (lab, p), z in zmax.items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checks", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated labels")
    ap.add_argument("--sizes", default="800,1600")
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--out", default="")
    ap.add_argument("--mc-check", action="store_true")
    ap.add_argument("--beta0", action="store_true", help="the beta = 0 law of gen_g [S.9]")
    ap.add_argument("--table", default="", help="comma-separated --checks JSON files: print the markdown tables")
    a = ap.parse_args()
    if a.table:
        print_table(a.table.split(","))
        return 0
    if a.beta0:
        res = run_beta0([int(x) for x in a.sizes.split(",")], a.seeds)
        if a.out:
            with open(a.out, "w") as fh:
                json.dump(res, fh, indent=1)
        return 0
    if a.mc_check:
        for (lab, sg, te, pn, ga, lam, k, vp, beta, df, dg, rho, spc, b) in CHECKS[:: 3]:
            P = sr.Params(sg, te, pn, ga, lam, k, vp, beta, df, dg, rho, spc, b)
            r, st = simulate_seed(P, 300, 5)
            mc = mc_test_errors(P, st)
            print(f"{lab} {sg}/{te} {spc}: exact gen_f {r['gen_f']:.6f} MC {mc[0]:.6f}; gen_g {r['gen_g']:.6f} "
                  f"MC {mc[1]:.6f}; gen_grad {r['gen_grad']:.6f} MC {mc[2]:.6f}")
        return 0
    if a.checks:
        sizes = [int(x) for x in a.sizes.split(",")]
        only = set(a.only.split(",")) if a.only else None
        results = []
        for (lab, sg, te, pn, ga, lam, k, vp, beta, df, dg, rho, spc, b) in CHECKS:
            if only and lab not in only:
                continue
            P = sr.Params(sg, te, pn, ga, lam, k, vp, beta, df, dg, rho, spc, b)
            entry = dict(label=lab, params={f.name: getattr(P, f.name) for f in dataclasses.fields(P) if f.name != "spec"},
                         sims={})
            for p in sizes:
                d = int(round(ga * p))
                lim, emp = theory_pair(P, d)
                iso = sr.solve(dataclasses.replace(P, spectrum="isotropic", b=0.0))
                sim = run_point(P, p, a.seeds)
                pick = lambda r: {**r["errors"], **{q: r["order"][q] for q in ORDER}}
                entry["sims"][p] = dict(sim=sim, theory_limit=pick(lim), theory_emp=pick(emp), theory_iso=pick(iso),
                                        tau2=lim["tau2"])
                zs = []
                for q in ERRORS + ORDER:
                    se = sim[q]["se"]
                    if se and se > 0:
                        zs.append((q, (sim[q]["mean"] - entry["sims"][p]["theory_emp"][q]) / se))
                print(f"{lab} p={p} ({sim['seconds']:.0f}s): " + ", ".join(f"{q} {z:+.1f}" for q, z in zs), flush=True)
            results.append(entry)
            if a.out:
                with open(a.out, "w") as fh:
                    json.dump(results, fh, indent=1)
        return 0
    ap.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
