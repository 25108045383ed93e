#!/usr/bin/python3
"""An independent re-implementation of the limit equations of docs/theory/derivation.md
(levels 1 and 2), to check the C++ theory (`sobolev-rf theory`) at a few parameter points.

It shares no code with theory/ and uses different numerics:
  * full K x K matrices everywhere (no block-diagonal reduction of D.3.3: the off-diagonal
    entries are solved for and must come out zero);
  * the Gaussian average over zeta ~ N(0, I_k) in zeta itself: composite Gauss-Legendre on a
    fixed geometric grading towards 0 (k = 1) or tensor Gauss-Hermite (k >= 2), checked at every
    solution against twice the nodes (not the radial chi rule of D.8.3, adapted to r_0);
  * level 1 by Picard iteration V <- T(V) (D.8.1: a contraction in log V) polished by
    scipy.optimize.root, the inner fixed point (3.2) by scipy.optimize.root on all entries;
  * level-2 derivatives Gamma^X, Delta^X by central finite differences of the inner solution
    (not the implicit differentiation (4.4));
  * the constants kappa, mu by scipy.integrate.quad (not Gauss-Hermite).
Then (4.5) is solved as a K^2 x K^2 linear system, and the errors of D.6 formed.

Usage:
  /usr/bin/python3 tests/theory/independent_check.py [--exe build/sobolev-rf] [--tol 1e-7]
Without --exe it prints its own numbers; with it, it also runs `EXE theory ... --format json`
at each point and exits 1 if any error or order parameter differs by more than --tol
(relative; absolute for quantities that are zero).
"""
import argparse
import json
import math
import subprocess
import sys
import warnings

import numpy as np
from scipy import integrate, optimize, special

# quad warns when roundoff stops it short of epsrel = 1e-13; the constants are still good to ~1e-12.
warnings.filterwarnings("ignore", category=integrate.IntegrationWarning)

ACT = {
    "tanh": (np.tanh, lambda t: 1.0 - np.tanh(t) ** 2),
    "relu": (lambda t: max(t, 0.0), lambda t: 1.0 if t > 0 else 0.0),
    "erf": (special.erf, lambda t: 2.0 / math.sqrt(math.pi) * math.exp(-t * t)),
    "sigmoid": (special.expit, lambda t: special.expit(t) * (1.0 - special.expit(t))),
    "softplus": (lambda t: np.logaddexp(0.0, t), special.expit),
    "linear": (lambda t: t, lambda t: 1.0),
    "he3": (lambda t: t ** 3 - 3 * t, lambda t: 3 * t * t - 3.0),
}

# The points checked: (sigma, teacher, p/n, gamma, lambda, k, varpi, beta, Delta_f, Delta_g, rho).
POINTS = [
    ("tanh", "tanh", 2.0, 0.8, 1e-2, 1, [0.7], 1.0, 0.0, 0.0, 0.0),   # the point of D.13.2
    ("relu", "tanh", 1.5, 0.5, 1e-2, 0, [], 1.0, 0.1, 0.0, 0.0),       # k = 0, kappa_0 != 0, noise
    ("tanh", "tanh", 0.7, 1.6, 1e-3, 0, [], 1.0, 0.0, 0.0, 0.0),       # k = 0, gamma > 1 (MP atom)
    ("tanh", "relu", 3.0, 0.8, 1e-2, 1, [1.5], 0.7, 0.1, 0.2, 0.5),    # kappa_0 = 0 with mu_0 != 0, beta, rho
    ("erf", "tanh", 1.0, 1.2, 1e-1, 2, [0.6, -1.1], 1.0, 0.0, 0.05, 0.3),  # k = 2
]


def gauss(f):
    """E f(xi), xi ~ N(0,1), by adaptive quadrature (split at the kink of relu)."""
    w = lambda t: f(t) * math.exp(-t * t / 2) / math.sqrt(2 * math.pi)
    a, _ = integrate.quad(w, -np.inf, 0, epsabs=1e-14, epsrel=1e-13, limit=200)
    b, _ = integrate.quad(w, 0, np.inf, epsabs=1e-14, epsrel=1e-13, limit=200)
    return a + b


def constants(name):
    f, df = ACT[name]
    k0 = gauss(f)
    k1 = gauss(lambda t: t * f(t))
    k1p = gauss(lambda t: t * df(t))
    ks2 = gauss(lambda t: f(t) ** 2) - k0 ** 2 - k1 ** 2
    kps2 = gauss(lambda t: df(t) ** 2) - k1 ** 2 - k1p ** 2
    cs = gauss(lambda t: f(t) * df(t)) - k0 * k1 - k1 * k1p
    return dict(k0=k0, k1=k1, k1p=k1p, ks2=ks2, kps2=kps2, cs=cs, Edf2=gauss(lambda t: df(t) ** 2))


class Model:
    def __init__(self, sigma, teacher, p_over_n, gamma, lam, k, varpi, beta, df, dg, rho, nodes,
                 unfittable_means=True):
        self.alpha, self.gamma, self.lam, self.k = 1.0 / p_over_n, gamma, lam, k
        self.K = K = k + 1
        s, t = constants(sigma), constants(teacher)
        self.s, self.t = s, t
        self.W = np.diag([1.0] + [beta] * k)
        self.K1 = np.diag([s["k1"]] + [s["k1p"]] * k)
        Ks = np.full((K, K), s["kps2"])
        Ks[0, :] = Ks[:, 0] = s["cs"]
        Ks[0, 0] = s["ks2"]
        self.Ks = Ks
        vp = np.array(varpi, dtype=float)
        self.c = np.concatenate([[t["k1"]], t["k1p"] * vp])  # (mu_1, mu_2 varpi)
        # unfittable means (1.6)
        sm = np.zeros(K)
        if unfittable_means and abs(s["k0"]) < 1e-12:
            sm[0] = t["k0"]
        if unfittable_means and abs(s["k1"]) < 1e-12:
            sm[1:] = t["k1"] * vp
        Ngen = np.zeros((K, K))
        Ngen[0, 0] = t["ks2"]
        Ngen[0, 1:] = Ngen[1:, 0] = t["cs"] * vp
        Ngen[1:, 1:] = t["kps2"] * np.outer(vp, vp)
        Ngen += np.outer(sm, sm)
        N = Ngen.copy()
        N[0, 0] += df
        N[0, 1:] += rho * math.sqrt(df * dg)
        N[1:, 0] += rho * math.sqrt(df * dg)
        N[1:, 1:] += dg * np.eye(k)
        self.N, self.Ngen = N, Ngen
        self.nodes = nodes
        self.E, self.wq = self.gauss_hermite(nodes)

    def gauss_hermite(self, nodes):
        """Nodes for zeta ~ N(0, I_k): rows e = (1, zeta) and weights. k >= 2: tensor Gauss-Hermite.
        k = 1: at small lambda q(zeta) peaks on a scale that Gauss-Hermite misses, so composite
        Gauss-Legendre (nodes/12 per panel, at least 10) on panels graded geometrically from 1e-12
        to 1, then of width 1/2 up to 12, mirrored, times the normal density."""
        k = self.k
        if k == 0:
            return np.ones((1, 1)), np.ones(1)
        if k == 1:
            edges = [0.0] + [1e-12 * 2.0 ** j for j in range(41)]
            edges += list(np.arange(math.ceil(2 * edges[-1]) / 2, 12.0 + 1e-9, 0.5))
            gx, gw = special.roots_legendre(max(10, nodes // 12))
            z, wz = [], []
            for lo, hi in zip(edges[:-1], edges[1:]):
                z.append(0.5 * (lo + hi) + 0.5 * (hi - lo) * gx)
                wz.append(0.5 * (hi - lo) * gw)
            z, wz = np.concatenate(z), np.concatenate(wz)
            wz = wz * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
            z, wz = np.concatenate([-z[::-1], z]), np.concatenate([wz[::-1], wz])
            return np.stack([np.ones_like(z), z], axis=1), wz
        x, w = special.roots_hermitenorm(nodes)
        w = w / w.sum()
        grids = np.meshgrid(*([x] * k), indexing="ij")
        wg = np.meshgrid(*([w] * k), indexing="ij")
        Z = np.stack([g.ravel() for g in grids], axis=1)
        wq = np.prod(np.stack([g.ravel() for g in wg], axis=1), axis=1)
        return np.hstack([np.ones((Z.shape[0], 1)), Z]), wq

    def check_quadrature(self, D, C, M, tol=1e-9):
        """Never a silently wrong number: the inner map at the solution with twice the nodes must
        reproduce Delta (at small lambda q(zeta) peaks sharply and Gauss-Hermite fails)."""
        E, wq = self.E, self.wq
        self.E, self.wq = self.gauss_hermite(2 * self.nodes)
        D2 = self.inner_map(D, C, M)
        self.E, self.wq = E, wq
        err = np.max(np.abs(D2 - D)) / np.max(np.abs(D))
        if err > tol:
            raise RuntimeError(f"Gauss-Hermite quadrature not converged (relative change {err:.1e} "
                               f"with {2 * self.nodes} nodes per dimension)")

    # ---- inner fixed point (3.2)-(3.3) at given (C, M) ---------------------------------
    def inner_map(self, Delta, C, M):
        B = C @ np.linalg.inv(np.eye(self.K) + Delta @ C)
        A = M + B
        q = 1.0 / (self.lam + np.einsum("ja,ab,jb->j", self.E, A, self.E))
        return np.einsum("j,ja,jb->ab", self.wq * q, self.E, self.E) / self.gamma

    def inner(self, C, M, start=None):
        K = self.K
        if start is None:  # monotone iteration from below (D.3.1), then polish
            D = self.inner_map(np.zeros((K, K)), C, M)
            for _ in range(200):
                D = self.inner_map(D, C, M)
        else:
            D = start
        iu = np.triu_indices(K)

        def res(v):
            X = np.zeros((K, K))
            X[iu] = v
            X = X + X.T - np.diag(np.diag(X))
            return (X - self.inner_map(X, C, M))[iu]

        sol = optimize.root(res, D[iu], method="hybr", tol=1e-15)
        X = np.zeros((K, K))
        X[iu] = sol.x
        D = X + X.T - np.diag(np.diag(X))
        if np.max(np.abs(res(sol.x))) > 1e-12 * max(1.0, np.max(np.abs(D))):
            if start is not None:  # a warm start too far away: start again from below
                return self.inner(C, M)
            raise RuntimeError("inner fixed point did not converge")
        G = D @ np.linalg.inv(np.eye(K) + C @ D)
        return D, (G + G.T) / 2

    def R_of(self, V):
        return self.W @ np.linalg.inv(np.eye(self.K) + V @ self.W)

    def T(self, V, warm=True):
        R = self.R_of(V)
        C, M = self.K1 @ R @ self.K1, R * self.Ks
        D, G = self.inner(C, M, start=getattr(self, "_last", None) if warm else None)
        self._last = D
        return self.gamma / self.alpha * (self.K1 @ G @ self.K1 + self.Ks * D)

    def level1(self):
        K = self.K
        V = np.eye(K)
        for _ in range(3000):  # Picard: a contraction in log V (D.8.1)
            Vn = self.T(V)
            if np.max(np.abs(np.log(np.diag(Vn)) - np.log(np.diag(V)))) < 1e-7:
                V = Vn
                break
            V = Vn
        iu = np.triu_indices(K)

        def res(v):
            X = np.zeros((K, K))
            X[iu] = v
            X = X + X.T - np.diag(np.diag(X))
            return (X - self.T(X))[iu]

        sol = optimize.root(res, V[iu], method="hybr", tol=1e-15)
        X = np.zeros((K, K))
        X[iu] = sol.x
        V = X + X.T - np.diag(np.diag(X))
        if np.max(np.abs(res(sol.x))) > 1e-11 * np.max(np.abs(V)):
            raise RuntimeError("outer fixed point did not converge")
        return V

    # ---- level 2 --------------------------------------------------------------------
    def solve(self, h=1e-5):
        K = self.K
        V = self.level1()
        R = self.R_of(V)
        C, M = self.K1 @ R @ self.K1, R * self.Ks
        D, G = self.inner(C, M)
        self.check_quadrature(D, C, M)
        g = self.K1 @ R @ self.c
        Gg = G @ g

        # The step is relative to the size of (C, M): at small lambda R, hence C and M, are tiny.
        step = h * max(np.max(np.abs(C)), np.max(np.abs(M)))

        def response(XC, XM):
            """(A_X, B_X) of (4.3) with Gamma^X, Delta^X by central differences."""
            Dp, Gp = self.inner(C + step * XC, M + step * XM, start=D)
            Dm, Gm = self.inner(C - step * XC, M - step * XM, start=D)
            GX, DX = (Gp - Gm) / (2 * step), (Dp - Dm) / (2 * step)
            VX = self.gamma / self.alpha * (self.K1 @ GX @ self.K1 + self.Ks * DX)
            return -g @ GX @ g, -VX

        def E_ab(a, b):
            Em = np.zeros((K, K))
            Em[a, b] += 0.5
            Em[b, a] += 0.5
            return Em

        k1 = np.diag(self.K1)
        Fm = np.zeros((K, K))
        Bs = {}
        for a in range(K):
            for b in range(a, K):
                Em = E_ab(a, b)
                A, B = response(k1[a] * k1[b] * Em, self.Ks[a, b] * Em)
                Fm[a, b] = Fm[b, a] = (self.c[a] * self.c[b] - self.c[b] * k1[a] * Gg[a]
                                       - self.c[a] * k1[b] * Gg[b] + A)
                Bs[(a, b)] = Bs[(b, a)] = B
        # E = F + L2(E + N), L2(Y)_ab = sum_cd (R Y R)_cd (B_ab)_cd: a K^2 x K^2 system
        L = np.zeros((K * K, K * K))
        for a in range(K):
            for b in range(K):
                for c in range(K):
                    for d in range(K):
                        Y = np.zeros((K, K))
                        Y[c, d] = 1.0
                        L[a * K + b, c * K + d] = np.sum((R @ Y @ R) * Bs[(a, b)])
        self.l2_radius = float(np.max(np.abs(np.linalg.eigvals(L))))
        rhs = Fm.ravel() + L @ self.N.ravel()
        Elin = np.linalg.solve(np.eye(K * K) - L, rhs).reshape(K, K)
        Elin = (Elin + Elin.T) / 2
        Ig = np.linalg.inv(np.eye(K) + V @ self.W)
        Etr = Ig @ (Elin + self.N) @ Ig.T
        E00 = E_ab(0, 0)
        Q = R @ (Elin + self.N) @ R
        A, B = response(E00, np.zeros((K, K)))
        q_s = A + np.sum(Q * B)
        A, B = response(np.zeros((K, K)), E00)
        q_w = A + np.sum(Q * B)
        m = Gg[0]
        s, t = self.s, self.t
        out = dict(
            train_f=Etr[0, 0],
            train_g=float(np.trace(Etr[1:, 1:])) if K > 1 else 0.0,
            gen_f=Elin[0, 0] + self.Ngen[0, 0],
            gen_g=float(np.trace(Elin[1:, 1:] + self.Ngen[1:, 1:])) if K > 1 else 0.0,
        )
        out["gen_h1"] = out["gen_f"] + out["gen_g"]
        out["gen_grad"] = (t["Edf2"] - 2 * t["k1"] * s["k1"] * m + s["k1"] ** 2 * q_s
                           + (s["Edf2"] - s["k1"] ** 2) * q_w)
        out.update(V_00=V[0, 0], Delta_00=D[0, 0], Vhat_00=self.alpha * R[0, 0], m=m, q_s=q_s, q_w=q_w)
        if K > 1:
            out.update(V_11=V[1, 1], Delta_11=D[1, 1], Vhat_11=self.alpha * R[1, 1])
        offdiag = max(np.max(np.abs(V - np.diag(np.diag(V)))), np.max(np.abs(D - np.diag(np.diag(D)))))
        return out, offdiag


def slides_l2_V(model, V):
    """D.9.2: the slides' 5-variable L2 system (k = 0) evaluated at our V: with
    Vhat_s = alpha kappa_1^2 / (gamma (1 + V)), Vhat_w = alpha kappa_star^2 / (1 + V),
    z = (alpha lambda + Vhat_w) / Vhat_s and g the Stieltjes transform of the Marchenko-Pastur law of
    Theta Theta^T / p (ratio gamma; its density integrated by quad), returns
    kappa_1^2 V_s + kappa_star^2 V_w, which must equal V at the saddle point."""
    al, ga, lam, s = model.alpha, model.gamma, model.lam, model.s
    Vs_hat = al * s["k1"] ** 2 / (ga * (1 + V))
    Vw_hat = al * s["ks2"] / (1 + V)
    z = (al * lam + Vw_hat) / Vs_hat
    lo, hi = (1 - math.sqrt(ga)) ** 2, (1 + math.sqrt(ga)) ** 2
    dens = lambda x: math.sqrt(max((hi - x) * (x - lo), 0.0)) / (2 * math.pi * ga * x)
    g, _ = integrate.quad(lambda x: dens(x) / (x + z), lo, hi, epsabs=1e-15, epsrel=1e-13, limit=400)
    if ga > 1:
        g += (1 - 1 / ga) / z  # the atom at 0
    Vs = (1 - z * g) / Vs_hat
    Vw = ga / (al * lam + Vw_hat) * (1 / ga - 1 + z * g)
    return s["k1"] ** 2 * Vs + s["ks2"] * Vw, Vw


def print_constants():
    """The table of D.1.2."""
    print("| name | kappa_0 | kappa_1 | kappa_star^2 | kappa'_1 | kappa'_star^2 | c_star |")
    for name in ACT:
        c = constants(name)
        cells = [abs(c[x]) if abs(c[x]) < 5e-7 else c[x] for x in ("k0", "k1", "ks2", "k1p", "kps2", "cs")]
        print(f"| {name} | " + " | ".join(f"{v:.6f}" for v in cells) + " |")


def kappa0_cost(nodes):
    """D.11: the cost of the teacher mean that a student with kappa_0 = 0 cannot produce,
    gen_f(s = mu_0) - gen_f(s = 0), in units of mu_0^2 (tanh student, relu teacher)."""
    mu0 = constants("relu")["k0"]
    for k, varpi in ((0, []), (1, [1.0])):
        args = ("tanh", "relu", 3.0, 0.8, 1e-3, k, varpi, 1.0, 0.0, 0.0, 0.0, nodes)
        with_s = Model(*args).solve()[0]["gen_f"]
        without = Model(*args, unfittable_means=False).solve()[0]["gen_f"]
        extra = (with_s - without) / mu0 ** 2
        print(f"tanh/relu p/n=3 gamma=0.8 lambda=1e-3 k={k} varpi={varpi}: gen_f {with_s:.6f} "
              f"(without the unfittable mean {without:.6f}); extra cost {extra:.3f} mu_0^2")


def log_v_jacobian(nodes):
    """D.8.1: on a grid of diagonal V in [1e-3, 1e4]^K, the Jacobian J = d log T / d log V of the
    outer map (central differences) and the slope d T_00 / d V_00 (tanh student and teacher,
    gamma = 0.8, lambda = 1e-3)."""
    h = 1e-5
    for k, pn in ((0, 2.5), (0, 1.5), (1, 3.0)):
        m = Model("tanh", "tanh", pn, 0.8, 1e-3, k, [1.0] * k, 1.0, 0.0, 0.0, 0.0, nodes)
        grid = np.logspace(-3, 4, 29)
        vs = [np.array([v]) for v in grid] if k == 0 else [np.array([a, b]) for a in grid for b in grid]
        Jmin, rowmax, slope = np.inf, 0.0, 0.0
        for v in vs:
            K = len(v)
            J = np.zeros((K, K))
            for b in range(K):
                up, dn = v.copy(), v.copy()
                up[b] *= math.exp(h)
                dn[b] *= math.exp(-h)
                Tu = np.diag(m.T(np.diag(up) if K > 1 else up.reshape(1, 1), warm=False))
                Td = np.diag(m.T(np.diag(dn) if K > 1 else dn.reshape(1, 1), warm=False))
                J[:, b] = (np.log(Tu) - np.log(Td)) / (2 * h)
            T0 = np.diag(m.T(np.diag(v), warm=False))
            Jmin, rowmax = min(Jmin, J.min()), max(rowmax, J.sum(axis=1).max())
            slope = max(slope, T0[0] / v[0] * J[0, 0])
        print(f"k={k} p/n={pn}: min J = {Jmin:.2e}, max row sum of J = {rowmax:.4f}, "
              f"max dT_00/dV_00 = {slope:.3f}  ({len(vs)} grid points)")


def l2_radius(nodes):
    """D.4.5: the spectral radius of the level-2 operator L_2 (tanh student and teacher,
    gamma = 0.8, k = 1, varpi = 1) along p/n at lambda = 1e-6, and along lambda at p/n = 2."""
    for pn, lam in [(x, 1e-6) for x in (1.5, 1.9, 1.99, 2.0, 2.5, 4.0)] + [(2.0, 1e-4), (2.0, 1e-8)]:
        # (beyond the threshold and at lambda = 1e-8 the quadrature check refuses: no number)
        m = Model("tanh", "tanh", pn, 0.8, lam, 1, [1.0], 1.0, 0.0, 0.0, 0.0, nodes)
        try:
            gen_f = f"gen_f {m.solve()[0]['gen_f']:.6g}"
        except RuntimeError as e:
            if not hasattr(m, "l2_radius"):
                print(f"p/n={pn} lambda={lam:g}: not computed: {e}")
                continue
            gen_f = f"gen_f not computed: {e}"  # the radius is known before the differences of q_s, q_w
        print(f"p/n={pn} lambda={lam:g}: spectral radius of L_2 = {m.l2_radius:.5f} ({gen_f})")


def inner_slope(nodes):
    """D.8.4: below the inner root, the slope of the inner map F(Delta) = (1/gamma) E[q e e^T] can
    exceed 1 while the log map stays a contraction. Sigmoid student (kappa'_1 = 0, so C_1 = 0),
    k = 1, beta = 1e-2, gamma = 0.8, lambda = 1e-3, at the (C, M) of the level-1 solution, on a grid
    Delta = diag(t_0 Delta*_00, t_1 Delta*_11), t in [1e-3, 1]."""
    h = 1e-6
    for pn in (0.5, 1.0, 2.0, 4.0):
        m = Model("sigmoid", "tanh", pn, 0.8, 1e-3, 1, [1.0], 1e-2, 0.0, 0.0, 0.0, nodes)
        V = m.level1()
        R = m.R_of(V)
        C, M = m.K1 @ R @ m.K1, R * m.Ks
        Dstar, _ = m.inner(C, M)
        worst_slope, at_log = 0.0, 0.0
        worst_log = 0.0
        for t0 in np.logspace(-3, 0, 25):
            for t1 in np.logspace(-3, 0, 25):
                D = np.diag([t0 * Dstar[0, 0], t1 * Dstar[1, 1]])
                F = np.diag(m.inner_map(D, C, M))
                J = np.zeros((2, 2))  # d F_a / d Delta_bb
                for b in range(2):
                    Dp, Dm = D.copy(), D.copy()
                    Dp[b, b] *= 1 + h
                    Dm[b, b] *= 1 - h
                    Fp, Fm = np.diag(m.inner_map(Dp, C, M)), np.diag(m.inner_map(Dm, C, M))
                    J[:, b] = (Fp - Fm) / (2 * h * D[b, b])
                Jlog = J * np.diag(D)[None, :] / F[:, None]
                if J[0, 0] > worst_slope:
                    worst_slope, at_log = J[0, 0], Jlog.sum(axis=1).max()
                worst_log = max(worst_log, Jlog.sum(axis=1).max())
        print(f"sigmoid k=1 beta=1e-2 p/n={pn}: max dF_00/dDelta_00 below the root = {worst_slope:.3f} "
              f"(max row sum of the log Jacobian there {at_log:.3f}); max row sum of the log Jacobian "
              f"on the grid {worst_log:.3f}")


def radial_quadrature(panel_nodes=10):
    """D.8.3: the radial chi_k panel rule (re-implemented here from its description: 10-point
    Gauss-Legendre on [0, r0/4], [r0/4, r0/2], ... doubling while the width stays <= 1, then width 1
    up to 13) against adaptive quadrature, for the moments E[r^(2j) / (s + r^2)^m], r ~ chi_k."""
    x, w = special.roots_legendre(panel_nodes)
    worst = 0.0
    for k in (1, 2, 3, 5, 8):
        lognorm = -((0.5 * k - 1.0) * math.log(2.0) + special.gammaln(0.5 * k))
        def dens(r, k=k, lognorm=lognorm):
            if r == 0:
                return float(k == 1) * math.exp(lognorm)
            return math.exp(lognorm + (k - 1) * math.log(r) - 0.5 * r * r)
        for s in np.logspace(-10, 2, 13):
            r0 = math.sqrt(s)
            edges, a = [0.0], 0.0
            if r0 < 13.0:
                b = 0.25 * r0
                while a < 13.0 and b - a <= 1.0:
                    edges.append(b)
                    a, b = b, 2.0 * b
            while a < 13.0:
                a = min(13.0, a + 1.0)
                edges.append(a)
            nodes, weights = [], []
            for lo, hi in zip(edges[:-1], edges[1:]):
                nodes.append(0.5 * (lo + hi) + 0.5 * (hi - lo) * x)
                weights.append(0.5 * (hi - lo) * w)
            r, wt = np.concatenate(nodes), np.concatenate(weights)
            wt = wt * np.exp(lognorm + (k - 1) * np.log(r) - 0.5 * r * r)
            cuts = sorted({0.0, 13.0, *[c for c in (r0 * 10.0 ** e for e in range(-2, 12)) if c < 13.0]})
            for j, m in ((0, 1), (1, 1), (0, 2), (1, 2), (2, 2)):
                f = lambda t: t ** (2 * j) / (s + t * t) ** m
                rule = float(np.sum(wt * f(r)))
                ref = sum(integrate.quad(lambda t: f(t) * dens(t), lo, hi, epsabs=0, epsrel=2e-14,
                                         limit=200)[0] for lo, hi in zip(cuts[:-1], cuts[1:]))
                worst = max(worst, abs(rule / ref - 1))
    print(f"radial chi rule ({panel_nodes} nodes per panel) vs adaptive quadrature, k in (1,2,3,5,8), "
          f"s/h in [1e-10, 1e2], 5 moments: "
          f"largest relative difference {worst:.1e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", help="sobolev-rf binary to compare with")
    ap.add_argument("--tol", type=float, default=1e-7)
    ap.add_argument("--nodes", type=int, default=120, help="quadrature nodes per sketch dimension")
    ap.add_argument("--constants", action="store_true", help="print the table of D.1.2 and stop")
    ap.add_argument("--kappa0-cost", action="store_true", help="the D.11 cost of an unfittable mean")
    ap.add_argument("--log-v-jacobian", action="store_true", help="print the D.8.1 Jacobian bounds and stop")
    ap.add_argument("--radial-quadrature", action="store_true", help="check the D.8.3 quadrature rule")
    ap.add_argument("--panel-nodes", type=int, default=10, help="nodes per panel for --radial-quadrature")
    ap.add_argument("--l2-radius", action="store_true", help="print the D.4.5 spectral radii and stop")
    ap.add_argument("--inner-slope", action="store_true", help="the D.8.4 slopes of the inner map")
    a = ap.parse_args()
    if a.constants:
        return print_constants()
    if a.kappa0_cost:
        return kappa0_cost(a.nodes)
    if a.log_v_jacobian:
        return log_v_jacobian(a.nodes)
    if a.radial_quadrature:
        return radial_quadrature(a.panel_nodes)
    if a.l2_radius:
        return l2_radius(a.nodes)
    if a.inner_slope:
        return inner_slope(a.nodes)
    worst = 0.0
    for (sig, tea, pn, gam, lam, k, vp, beta, df, dg, rho) in POINTS:
        model = Model(sig, tea, pn, gam, lam, k, vp, beta, df, dg, rho, a.nodes if k < 2 else a.nodes // 2)
        mine, offdiag = model.solve()
        flags = ["--sigma", sig, "--teacher", tea, "--p-over-n", repr(pn), "--gamma", repr(gam), "--lambda",
                 repr(lam), "--k", str(k), "--beta", repr(beta), "--delta-f", repr(df), "--delta-g", repr(dg),
                 "--rho", repr(rho)] + (["--varpi", ",".join(repr(v) for v in vp)] if k else [])
        print("point: " + " ".join(flags))
        print(f"  largest off-diagonal entry of V, Delta (full-matrix solve): {offdiag:.1e}")
        if k == 0:
            v, vw = slides_l2_V(model, mine["V_00"])
            vw_ours = model.gamma / model.alpha * mine["Delta_00"]
            print(f"  the slides' L2 system (D.9.2): kappa_1^2 V_s + kappa_star^2 V_w = {v:.12g} vs V_00 "
                  f"{mine['V_00']:.12g} (rel. diff {abs(v / mine['V_00'] - 1):.1e}); V_w = {vw:.12g} vs "
                  f"(gamma/alpha) Delta_00 = {vw_ours:.12g} (rel. diff {abs(vw / vw_ours - 1):.1e})")
        ref = None
        if a.exe:
            r = subprocess.run([a.exe, "theory", *flags, "--format", "json"], capture_output=True, text=True)
            if r.returncode != 0:
                print(r.stdout + r.stderr)
                return 1
            j = json.loads(r.stdout)
            ref = {**{q: j[q] for q in ("train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad")},
                   **j["order_parameters"]}
        for name, v in mine.items():
            line = f"  {name:<9} {v:16.10g}"
            if ref is not None:
                rv = ref[name]
                rel = abs(v - rv) / max(abs(rv), 1e-300) if abs(rv) > 1e-12 else abs(v - rv)
                worst = max(worst, rel)
                line += f"   sobolev-rf {rv:16.10g}   rel. diff {rel:.1e}"
            print(line)
    if a.exe:
        print(f"largest relative difference: {worst:.1e} (tolerance {a.tol:g})")
        return 0 if worst <= a.tol else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
