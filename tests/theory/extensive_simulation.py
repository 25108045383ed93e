#!/usr/bin/python3
"""Extensive sketches (k = kappa d): a numpy finite-size simulator of the exact model of
docs/model.md "Extensive sketches" (docs/theory/extensive.md, cited [E.x]).

Per seed (numpy default_rng(seed), drawn in this order): theta0 ~ N(0, I_d) normalised to
|theta0| = 1; Theta (d x p) i.i.d. N(0, 1); the sketch V (d x k): gaussian i.i.d. N(0, 1), or
orthogonal sqrt(d) Q with Q the (sign-fixed) QR factor of a d x k Gaussian matrix (Haar);
X (n x d) i.i.d. N(0, 1); eps (n); eps' (n x k). Labels y = phi(omega) + sqrt(Delta_f) eps,
g_i = V^T theta0 phi'(omega_i) + sqrt(Delta_g) eps'_i. n = round(alpha p), d = round(gamma p),
k = max(1, round(kappa d)).

The fit is exact and never stacks the n k gradient rows [E.2]:
   (F^T F / n + beta K_C o (S^T S / n) + lambda I) w = F^T y / n + beta b_g,
   K_C = T C T^T, C = V V^T / k, T = Theta^T / sqrt d, S = sigma'(X T^T),
   b_g = (T C theta0) o (S^T phi'(omega)) / n + sqrt(Delta_g) / (n k) sum_i s_i o (T V eps'_i).
Training errors are measured exactly (train_g through the same Gram identity), generalisation errors
by exact Gaussian expectations: every bivariate expectation E[f(h_a) g(h_b)] by its Mehler (Hermite)
series in the correlation, with per-feature variances K_aa (truncated at L = 28 terms; --check-series
compares with L = 44), so gen_grad is the full d-dimensional expectation.

features = "gaussian" replaces sigma(h), sigma'(h), phi, phi' by their Gaussian equivalents
(kappa_0 + kappa_1 h + kappa_star z, ...), with exact Gaussian test errors: the model of level 1.

Usage:
  /usr/bin/python3 tests/theory/extensive_simulation.py --point sigma=tanh teacher=tanh alpha=0.5 \
      gamma=0.5 lam=1e-3 beta=1 kappa=1 sketch=orthogonal --p 400 --seeds 16 [--seed0 1000]
  prints mean and standard error over seeds of every error (JSON).
"""
import argparse
import dataclasses
import json
import math
import os
import sys
import time

import numpy as np
from scipy import linalg, special

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extensive_reference as er  # noqa: E402  (activations, constants, Params only)

ERRORS = er.ERRORS


# ----------------------------------------------------------------------------------------------
# Hermite coefficients c_l(f, s) = E[f(sqrt(s) xi) He_l(xi)] / sqrt(l!), split quadrature at 0
# ----------------------------------------------------------------------------------------------
def _split_nodes(xmax=13.0, panels=26, nodes=24):
    x, wx = special.roots_legendre(nodes)
    edges = np.linspace(0.0, xmax, panels + 1)
    h = np.diff(edges)
    t = (0.5 * (edges[:-1] + edges[1:])[:, None] + 0.5 * h[:, None] * x[None, :]).ravel()
    w = (0.5 * h[:, None] * wx[None, :]).ravel()
    t = np.concatenate([-t[::-1], t])
    w = np.concatenate([w[::-1], w]) * np.exp(-t * t / 2) / math.sqrt(2 * math.pi)
    return t, w


_NODES = _split_nodes()


def _hermite_table(x, L):
    """Normalised probabilists' Hermite polynomials He_l(x)/sqrt(l!), l = 0..L, shape (L+1, len(x))."""
    H = np.empty((L + 1, len(x)))
    H[0] = 1.0
    if L >= 1:
        H[1] = x
    for l in range(1, L):
        H[l + 1] = (x * H[l] - math.sqrt(l) * H[l - 1]) / math.sqrt(l + 1)
    return H


def hermite_coeffs(f, s, L):
    """c_l(f, s_a) for every variance s_a: array (len(s), L+1); also E f(sqrt(s_a) xi)^2."""
    t, w = _NODES
    Hn = _hermite_table(t, L) * w[None, :]
    s = np.atleast_1d(np.asarray(s, float))
    vals = f(np.sqrt(s)[:, None] * t[None, :])
    return vals @ Hn.T, (vals ** 2) @ w


# ----------------------------------------------------------------------------------------------
# One seed
# ----------------------------------------------------------------------------------------------
def draw(prm, p, seed):
    rng = np.random.default_rng(seed)
    d = max(1, int(round(prm.gamma * p)))
    n = max(1, int(round(prm.alpha * p)))
    k = max(1, int(round(prm.kappa * d)))
    th0 = rng.standard_normal(d)
    th0 /= np.linalg.norm(th0)
    Theta = rng.standard_normal((d, p))
    if prm.sketch == "gaussian":
        V = rng.standard_normal((d, k))
    else:
        if k > d:
            raise ValueError("orthogonal sketch needs k <= d")
        Qm, Rm = np.linalg.qr(rng.standard_normal((d, k)))
        V = math.sqrt(d) * Qm * np.sign(np.diag(Rm))[None, :]
    X = rng.standard_normal((n, d))
    eps = rng.standard_normal(n)
    epsg = rng.standard_normal((n, k)) if prm.delta_g > 0 else None
    return dict(d=d, n=n, k=k, th0=th0, T=Theta.T / math.sqrt(d), V=V, X=X, eps=eps, epsg=epsg, rng=rng)


def sketch_products(T, V, th0, k):
    """K_C = T C T^T, T C theta0, theta0^T C theta0, T V (the cheaper way)."""
    p, d = T.shape
    TV = T @ V
    KC = TV @ TV.T / k
    TCth = TV @ (V.T @ th0) / k
    th0C = float(np.sum((V.T @ th0) ** 2) / k)
    return KC, TCth, th0C, TV


def redraw_data(prm, dr, seed):
    """The same theta0, Theta, V; fresh training inputs and noises (for averages over the data at a
    fixed draw of the features and the sketch: level 1)."""
    rng = np.random.default_rng(seed)
    dr = dict(dr)
    n, d, k = dr["n"], dr["d"], dr["k"]
    dr["X"] = rng.standard_normal((n, d))
    dr["eps"] = rng.standard_normal(n)
    dr["epsg"] = rng.standard_normal((n, k)) if prm.delta_g > 0 else None
    dr["rng"] = rng
    return dr


def fit_and_errors(prm, p, seed, features="real", L=28, return_parts=False):
    return fit_draw(prm, draw(prm, p, seed), features=features, L=L, return_parts=return_parts)


def fit_draw(prm, dr, features="real", L=28, return_parts=False, cache=None, limit_block=False,
             center=False):
    """limit_block = True replaces the gradient block and its cross term by their limits
    B = kappa_1^2 K_C + v' I and q_C = mu_1 kappa_1 T C theta0 [E.4]-[E.5] (a diagnostic: the rest of
    the fit is exact)."""
    d, n, k, th0, T, V, X = dr["d"], dr["n"], dr["k"], dr["th0"], dr["T"], dr["V"], dr["X"]
    p = T.shape[0]
    sgm, dsgm = er.ACT[prm.sigma]
    phi, dphi = er.ACT[prm.teacher]
    cs, ct = er.constants(prm.sigma), er.constants(prm.teacher)
    H = X @ T.T                    # pre-activations, n x p
    om = X @ th0
    if features == "real":
        F, S = sgm(H), dsgm(H)
        yc, dp = phi(om), dphi(om)
    else:  # Gaussian equivalents with their own independent nonlinear parts
        rng = dr["rng"]
        F = (0.0 if center else cs["k0"]) + cs["k1"] * H + math.sqrt(cs["ks2"]) * rng.standard_normal(H.shape)
        S = cs["k1"] + cs["k1p"] * H + math.sqrt(cs["kps2"]) * rng.standard_normal(H.shape)
        yc = (0.0 if center else ct["k0"]) + ct["k1"] * om + math.sqrt(ct["ks2"]) * rng.standard_normal(n)
        dp = ct["k1"] + ct["k1p"] * om + math.sqrt(ct["kps2"]) * rng.standard_normal(n)
    y = yc + math.sqrt(prm.delta_f) * dr["eps"]
    if cache is not None and "KC" in cache:
        KC, TCth, th0C, TV = cache["KC"], cache["TCth"], cache["th0C"], cache["TV"]
    else:
        KC, TCth, th0C, TV = sketch_products(T, V, th0, k)
        if cache is not None:
            cache.update(KC=KC, TCth=TCth, th0C=th0C, TV=TV)
    Hf = F.T @ F / n
    Hg = KC * (S.T @ S / n)
    bg = TCth * (S.T @ dp) / n
    vth = V.T @ th0                 # varpi, k
    g2 = dp ** 2 * float(vth @ vth) / k
    if prm.delta_g > 0:
        E = dr["epsg"]
        Z = TV @ E.T                # p x n: T V eps'_i
        bg = bg + math.sqrt(prm.delta_g) / (n * k) * np.sum(S.T * Z, axis=1)
        g2 = g2 + 2 * math.sqrt(prm.delta_g) * dp * (E @ vth) / k + prm.delta_g * np.sum(E * E, axis=1) / k
    if limit_block:
        Hg = cs["k1"] ** 2 * KC + cs["vp"] * np.eye(p)
        bg = ct["k1"] * cs["k1"] * TCth
    rhs = F.T @ y / n + prm.beta * bg
    Hm = Hf + prm.beta * Hg + prm.lam * np.eye(p)
    try:
        cf = linalg.cho_factor(Hm, lower=False, check_finite=False)
        w = linalg.cho_solve(cf, rhs, check_finite=False)
    except linalg.LinAlgError:
        if prm.lam == 0:
            w = np.linalg.lstsq(Hm, rhs, rcond=None)[0]
        else:
            raise RuntimeError("Hessian not positive definite (negative ridge beyond the finite-size edge)")
    res = y - F @ w
    train_f = float(res @ res / n)
    train_g = float(np.mean(g2) - 2 * w @ bg + w @ Hg @ w)
    # ---- exact population errors
    K = T @ T.T
    m = T @ th0
    out = dict(train_f=train_f, train_g=train_g)
    if features == "real":
        sa = np.diag(K).copy()
        cf_s, Ef2 = hermite_coeffs(sgm, sa, L)
        cg_s, Edf2 = hermite_coeffs(dsgm, sa, L)
        cf_t, Ephi2 = hermite_coeffs(phi, [1.0], L)
        cg_t, Edphi2 = hermite_coeffs(dphi, [1.0], L)
        rs = np.sqrt(sa)
        rho = K / np.outer(rs, rs)
        np.fill_diagonal(rho, 0.0)
        r0 = m / rs
        pw0 = r0[:, None] ** np.arange(L + 1)[None, :]
        Cf = np.sum(cf_t[0][None, :] * cf_s * pw0, axis=1)    # E phi(omega) sigma(h_a)
        Cg = np.sum(cg_t[0][None, :] * cg_s * pw0, axis=1)    # E phi'(omega) sigma'(h_a)
        qf = qg = qgC = 0.0
        Rl = np.ones_like(rho)
        np.fill_diagonal(Rl, 0.0)
        KR = K.copy()
        np.fill_diagonal(KR, 0.0)
        KCR = KC.copy()
        np.fill_diagonal(KCR, 0.0)
        for l in range(L + 1):
            xf = cf_s[:, l] * w
            xg = cg_s[:, l] * w
            qf += xf @ (Rl @ xf)
            qg += xg @ (KR @ xg)
            qgC += xg @ (KCR @ xg)
            if l < L:
                Rl *= rho
                KR *= rho
                KCR *= rho
        w2 = w * w
        qf += w2 @ Ef2
        qg += w2 @ (sa * Edf2)
        qgC += w2 @ (np.diag(KC) * Edf2)
        out["gen_f"] = float(Ephi2[0] - 2 * w @ Cf + qf)
        out["gen_grad"] = float(Edphi2[0] * (th0 @ th0) - 2 * w @ (m * Cg) + qg)
        out["gen_g"] = float(Edphi2[0] * th0C - 2 * w @ (TCth * Cg) + qgC)
    else:
        k0, k1, ks2, k1p, kps2 = cs["k0"], cs["k1"], cs["ks2"], cs["k1p"], cs["kps2"]
        mu0, mu1, mus2, mu2, mups2 = ct["k0"], ct["k1"], ct["ks2"], ct["k1p"], ct["kps2"]
        s1 = w.sum()
        Kw = K @ w
        if center:
            mu0 = k0 = 0.0
        out["gen_f"] = float(mu0 ** 2 + mu1 ** 2 + mus2 - 2 * (mu0 * k0 * s1 + mu1 * k1 * m @ w)
                             + k0 ** 2 * s1 ** 2 + k1 ** 2 * w @ Kw + ks2 * w @ w)
        # E[s_a s_b] = k1^2 + k1p^2 K_ab + kps2 delta_ab ; E[phi' s_a] = mu1 k1 + mu2 k1p m_a
        Eg = k1 ** 2 + k1p ** 2 * K + kps2 * np.eye(p)
        out["gen_grad"] = float(mu1 ** 2 + mu2 ** 2 + mups2 - 2 * w @ (m * (mu1 * k1 + mu2 * k1p * m))
                                + w @ ((K * Eg) @ w))
        out["gen_g"] = float((mu1 ** 2 + mu2 ** 2 + mups2) * th0C - 2 * w @ (TCth * (mu1 * k1 + mu2 * k1p * m))
                             + w @ ((KC * Eg) @ w))
    out["gen_h1"] = out["gen_f"] + out["gen_g"]
    if return_parts:
        out["_parts"] = dict(T=T, V=V, th0=th0, KC=KC, K=K, Hg=Hg, bg=bg, TCth=TCth, m=m, w=w, n=n, d=d, k=k,
                             S=S, F=F, Hf=Hf, dp=dp)
    return out


def simulate(prm, p, seeds, seed0=1000, features="real", L=28):
    rows = []
    for s in range(seeds):
        rows.append(fit_and_errors(prm, p, seed0 + s, features=features, L=L))
    res = {}
    for e in ERRORS:
        v = np.array([r[e] for r in rows])
        res[e] = dict(mean=float(v.mean()), se=float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else None)
    res["seeds"] = [seed0 + s for s in range(seeds)]
    res["p"] = p
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--point", nargs="+", required=True)
    ap.add_argument("--p", type=int, default=400)
    ap.add_argument("--seeds", type=int, default=16)
    ap.add_argument("--seed0", type=int, default=1000)
    ap.add_argument("--features", default="real", choices=["real", "gaussian"])
    ap.add_argument("--check-series", action="store_true")
    args = ap.parse_args()
    prm = er._parse_point(args.point)
    if args.check_series:
        a = fit_and_errors(prm, args.p, args.seed0, L=28)
        b = fit_and_errors(prm, args.p, args.seed0, L=44)
        print(json.dumps({e: [a[e], b[e], abs(a[e] - b[e])] for e in ERRORS}, indent=1))
        return
    t0 = time.time()
    res = simulate(prm, args.p, args.seeds, args.seed0, features=args.features)
    res["seconds"] = time.time() - t0
    res["params"] = dataclasses.asdict(prm)
    print(json.dumps(res, indent=1, default=float))


if __name__ == "__main__":
    main()
