#!/usr/bin/python3
"""Extensive sketches (k = kappa d): an independent numpy/scipy implementation of the limit
equations of docs/theory/extensive.md (cited [E.x]).

The model is docs/model.md with the extension "Extensive sketches": isotropic inputs, k = kappa d
directions, the gradient term the MEAN over the k directions, sketch laws
  gaussian   : V i.i.d. N(0, 1), any kappa > 0; C = V V^T / k has the Marchenko-Pastur law of ratio
               y = 1/kappa, mean 1 (atom 1 - kappa at 0 when kappa < 1);
  orthogonal : V = sqrt(d) Q, Q Haar with k orthonormal columns, kappa <= 1; C = P / kappa
               (atoms 1/kappa of mass kappa and 0 of mass 1 - kappa; kappa = 1: the full gradient).

It shares no code with the C++ solver:
  * Gaussian constants by scipy quad, split at 0 (kinks and jumps of relu, relu');
  * level 2 [E.13]-[E.20]: two scalar unknowns (tau, g) solved as nested monotone scalar equations
    (Brent), the sketch integrals either in closed form ([E.24], default) or by quadrature of the
    law of C (Gauss-Legendre in the angle of the Marchenko-Pastur support, `quad=True`);
  * the full gradient in its own one-dimensional Marchenko-Pastur form [E.26] (quadrature over the
    law of K = T T^T, not the Silverstein equation);
  * level 1 [E.8]-[E.11]: the deterministic equivalent evaluated with explicit p x p matrices for a
    sampled T and C (Brent on tau, Cholesky solves), with switches for the terms the limit drops
    (the spike along 1, the O(1/d) mean of the cross term, diag(K_C) instead of I).

Usage:
  /usr/bin/python3 tests/theory/extensive_reference.py --selfcheck      closed forms vs quadrature,
                                                                        full gradient vs 1-D MP form,
                                                                        level 1 vs level 2
  /usr/bin/python3 tests/theory/extensive_reference.py --point sigma=tanh teacher=tanh alpha=0.5 \
        gamma=0.5 lam=1e-3 beta=1 kappa=1 sketch=orthogonal            one point, all errors (JSON)
  (the reference table [E.30], the gain tables and every other check: tests/theory/extensive_checks.py)
  A finite d in the point (d=400) gives the finite-d version [E.27]-[E.29].
As a module:
  import extensive_reference as er
  er.solve(er.Params(sigma="relu", teacher="tanh", alpha=0.5, gamma=0.5, lam=1e-2, beta=1,
                     kappa=0.3, sketch="gaussian"))["errors"]
"""
import argparse
import dataclasses
import functools
import json
import math
import sys
import warnings

import numpy as np
from scipy import integrate, optimize, special

warnings.filterwarnings("ignore", category=integrate.IntegrationWarning)

ERRORS = ("train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad")

# ----------------------------------------------------------------------------------------------
# Activations and Gaussian-equivalence constants [E.1] (as [D.1.2])
# ----------------------------------------------------------------------------------------------
ACT = {
    "tanh": (np.tanh, lambda t: 1.0 - np.tanh(t) ** 2),
    "relu": (lambda t: np.maximum(t, 0.0), lambda t: (np.asarray(t) > 0).astype(float)),
    "erf": (special.erf, lambda t: 2.0 / math.sqrt(math.pi) * np.exp(-np.asarray(t) ** 2)),
    "sigmoid": (special.expit, lambda t: special.expit(t) * special.expit(-np.asarray(t))),
    "softplus": (lambda t: np.logaddexp(0.0, t), special.expit),
    "linear": (lambda t: np.asarray(t, float) * 1.0, lambda t: np.ones_like(np.asarray(t, float))),
    "he3": (lambda t: np.asarray(t) ** 3 - 3 * np.asarray(t), lambda t: 3 * np.asarray(t) ** 2 - 3.0),
}


def _gauss(f):
    w = lambda t: float(f(t)) * math.exp(-t * t / 2) / math.sqrt(2 * math.pi)
    a = integrate.quad(w, -np.inf, 0, epsabs=1e-15, epsrel=1e-13, limit=400)[0]
    b = integrate.quad(w, 0, np.inf, epsabs=1e-15, epsrel=1e-13, limit=400)[0]
    return a + b


@functools.lru_cache(maxsize=None)
def constants(name):
    """kappa_0, kappa_1, kappa_star^2, kappa'_1, kappa'_star^2 of an activation (for a teacher the
    same numbers are mu_0, mu_1, mu_star^2, mu_2, mu'_star^2), E f^2, E f'^2, v' = Var f'."""
    if name not in ACT:
        raise ValueError(f"unknown activation {name} (sign is rejected with gradients)")
    f, df = ACT[name]
    k0 = _gauss(f)
    k1 = _gauss(lambda t: t * f(t))
    k1p = _gauss(lambda t: t * df(t))
    Ef2, Edf2 = _gauss(lambda t: f(t) ** 2), _gauss(lambda t: df(t) ** 2)
    ks2 = max(Ef2 - k0 ** 2 - k1 ** 2, 0.0)
    kps2 = max(Edf2 - k1 ** 2 - k1p ** 2, 0.0)
    return dict(k0=k0, k1=k1, ks2=ks2, k1p=k1p, kps2=kps2, Ef2=Ef2, Edf2=Edf2, vp=k1p ** 2 + kps2)


# ----------------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Params:
    sigma: str = "tanh"
    teacher: str = "tanh"
    alpha: float = 0.5        # n / p
    gamma: float = 0.5        # d / p
    lam: float = 1e-3         # ridge; > -beta v' (negative: the admissible negative ridge [E.21])
    beta: float = 1.0
    kappa: float = 1.0        # k / d
    sketch: str = "orthogonal"  # 'gaussian' | 'orthogonal'
    delta_f: float = 0.0
    delta_g: float = 0.0
    d: float = math.inf       # finite d: the finite-d version [E.27]-[E.29] (gradient-label noise)

    def check(self):
        if self.sketch not in ("gaussian", "orthogonal"):
            raise ValueError("sketch must be gaussian or orthogonal")
        if self.kappa <= 0 or (self.sketch == "orthogonal" and self.kappa > 1 + 1e-15):
            raise ValueError("kappa > 0, and kappa <= 1 for the orthogonal sketch")
        if self.alpha <= 0 or self.gamma <= 0 or self.beta < 0 or self.delta_f < 0 or self.delta_g < 0:
            raise ValueError("alpha, gamma > 0; beta, Delta_f, Delta_g >= 0")
        vp = constants(self.sigma)["vp"]
        if self.lam + self.beta * vp <= 0 and not (self.lam == 0 and self.beta == 0):
            raise ValueError(f"lambda + beta v' = {self.lam + self.beta * vp} <= 0: not admissible [E.21]")


# ----------------------------------------------------------------------------------------------
# The law nu_C of the sketch Gram C = V V^T / k [E.12]
# Sketch integrals P_j = int c^j / (a + b c) dnu, Q_j = int c^j / (a + b c)^2 dnu, j = 0..3
# ----------------------------------------------------------------------------------------------
def _mp_quad_nodes(y, n=400):
    """Nodes and weights of the continuous part of the Marchenko-Pastur law of ratio y, mean 1
    (c = 1 + y + 2 sqrt(y) cos(theta), Gauss-Legendre in theta), and the atom at 0."""
    x, wx = special.roots_legendre(n)
    th = 0.5 * math.pi * (x + 1.0)
    wth = 0.5 * math.pi * wx
    r = 2.0 * math.sqrt(y)
    # c = 1 + y + r cos(theta), written without cancellation near the lower edge
    c = (1.0 - math.sqrt(y)) ** 2 + 2.0 * r * np.cos(0.5 * th) ** 2
    # density sqrt((c+ - c)(c - c-)) / (2 pi y c), dc = r sin(theta) dtheta
    w = wth * (r * np.sin(th)) ** 2 / (2.0 * math.pi * y * np.where(c > 0, c, 1.0))
    w = np.where(c > 0, w, 0.0)
    atom = max(0.0, 1.0 - 1.0 / y)
    return c, w, atom


def sketch_nodes(kappa, sketch, n=400):
    """The law nu_C as nodes and weights (atoms included)."""
    if sketch == "orthogonal":
        if kappa >= 1.0:
            return np.array([1.0]), np.array([1.0])
        return np.array([1.0 / kappa, 0.0]), np.array([kappa, 1.0 - kappa])
    y = 1.0 / kappa
    c, w, atom = _mp_quad_nodes(y, n)
    if atom > 0:
        c, w = np.append(c, 0.0), np.append(w, atom)
    return c, w


def sketch_moments_quad(kappa, sketch, a, b, n=2000):
    c, w = sketch_nodes(kappa, sketch, n)
    u = a + b * c
    P = np.array([np.dot(w, c ** j / u) for j in range(4)])
    Q = np.array([np.dot(w, c ** j / u ** 2) for j in range(4)])
    return P, Q


def sketch_moments(kappa, sketch, a, b):
    """[E.24]: closed forms. Orthogonal: two atoms. Gaussian (MP, ratio y = 1/kappa):
    e1 = P_0 = 2 / (A + S), A = a + b (1 - y), S = sqrt(A^2 + 4 y a b); t = y a e1;
    P_1 = e1 (1 - y + t), P_2 = P_1 (1 + t), P_3 = P_2 (1 + t) + y P_1; Q_j = -dP_j/da."""
    if sketch == "orthogonal":
        if kappa >= 1.0:
            cs, ws = np.array([1.0]), np.array([1.0])
        else:
            cs, ws = np.array([1.0 / kappa, 0.0]), np.array([kappa, 1.0 - kappa])
        u = a + b * cs
        P = np.array([np.dot(ws, cs ** j / u) for j in range(4)])
        Q = np.array([np.dot(ws, cs ** j / u ** 2) for j in range(4)])
        return P, Q
    y = 1.0 / kappa
    A = a + b * (1.0 - y)
    S = math.sqrt(A * A + 4.0 * y * a * b)
    e1 = 2.0 / (A + S) if A >= 0 else (S - A) / (2.0 * y * a * b)
    t = y * a * e1
    P1 = e1 * (1.0 - y + t)
    P2 = P1 * (1.0 + t)
    P3 = P2 * (1.0 + t) + y * P1
    e1a = -(e1 + y * b * e1 * e1) / S
    ta = y * (e1 + a * e1a)
    P1a = e1a * (1.0 - y + t) + e1 * ta
    P2a = P1a * (1.0 + t) + P1 * ta
    P3a = P2a * (1.0 + t) + P2 * ta + y * P1a
    return np.array([e1, P1, P2, P3]), -np.array([e1a, P1a, P2a, P3a])


def sketch_second_moment(kappa, sketch):
    """int c^2 dnu = theta0^T C^2 theta0 in the limit: 1 + 1/kappa (gaussian), 1/kappa (orthogonal)."""
    return 1.0 + 1.0 / kappa if sketch == "gaussian" else 1.0 / min(kappa, 1.0)


# ----------------------------------------------------------------------------------------------
# Level 2 [E.13]-[E.20], solved as in [E.25]
# ----------------------------------------------------------------------------------------------
class Level2:
    def __init__(self, prm: Params, quad=False):
        prm.check()
        self.p = prm
        s, t = constants(prm.sigma), constants(prm.teacher)
        self.s, self.t = s, t
        self.quad = quad
        self.k1s = s["k1"] ** 2

    def moments(self, a, b):
        if self.quad:
            return sketch_moments_quad(self.p.kappa, self.p.sketch, a, b)
        return sketch_moments(self.p.kappa, self.p.sketch, a, b)

    def ab(self, tau, g):
        gam = self.p.gamma
        return 1.0 + self.k1s * g * tau / gam, self.k1s * g * self.p.beta / gam

    def c0(self, tau):
        p = self.p
        return p.lam + p.beta * self.s["vp"] + tau * self.s["ks2"]

    def g_of_tau(self, tau):
        """[E.14]: g = 1 / (c0 + int m/u), the unique positive root (g (c0 + int m/u) increasing)."""
        c0 = self.c0(tau)
        beta = self.p.beta

        def h(lg):
            g = math.exp(lg)
            a, b = self.ab(tau, g)
            P, _ = self.moments(a, b)
            return math.log(g) + math.log(c0 + self.k1s * (tau * P[0] + beta * P[1]))

        # bracket: g <= 1/c0 (c0 > 0), and at g -> 0, h -> -inf
        hi = -math.log(c0) if c0 > 0 else 50.0
        lo = hi - 5.0
        while h(lo) > 0:
            lo -= 5.0
        while h(hi) < 0:
            hi += 5.0
        return math.exp(optimize.brentq(h, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=500))

    def tau_equation(self, tau):
        g = self.g_of_tau(tau)
        a, b = self.ab(tau, g)
        P, _ = self.moments(a, b)
        L1 = self.s["ks2"] * g + self.k1s * g * P[0]
        return tau * (1.0 + L1 / self.p.alpha) - 1.0

    def solve(self):
        """[E.15]: tau (1 + L1/alpha) = 1, increasing in tau, root in (0, 1)."""
        lo, hi = 1e-300, 1.0
        # log-bisection start to avoid evaluating near 0 when the root is not small
        x = 1.0
        while self.tau_equation(x) > 0 and x > 1e-14:
            hi = x
            x *= 0.1
        lo = x
        if self.tau_equation(lo) > 0:
            raise RuntimeError("no root tau > 1e-14 (beta = 0 ridgeless over-parametrised: use the L2 solver)")
        tau = optimize.brentq(self.tau_equation, lo, hi, xtol=1e-17, rtol=1e-15, maxiter=500)
        g = self.g_of_tau(tau)
        return tau, g

    def errors(self, tau=None, g=None, k_fd=None, beta_true=None):
        """The limit errors [E.20]; with k_fd (a finite number of directions) the finite-d version
        [E.27]-[E.29]: this Level2 is then built at the effective weight beta_eff = beta tau_g, and
        beta_true is beta (so that tau_g = beta_eff / beta_true)."""
        if tau is None:
            tau, g = self.solve()
        p, s, t = self.p, self.s, self.t
        k1s, ks2, vp, gam, alpha, beta = self.k1s, s["ks2"], s["vp"], p.gamma, p.alpha, p.beta
        a, b = self.ab(tau, g)
        P, Q = self.moments(a, b)
        mu1, mus2 = t["k1"], t["ks2"]
        pref = mu1 ** 2 * k1s / gam
        # [E.16] linear forms: I_j = (mu1^2 k1^2 / gamma) g P_j
        I = pref * g * P[:3]
        qw = tau * I[0] + beta * I[1]            # q^T wbar
        qCw = tau * I[1] + beta * I[2]           # q_C^T wbar
        # [E.17] int m^2/u^2
        Mm2 = k1s ** 2 * (tau ** 2 * Q[0] + 2 * tau * beta * Q[1] + beta ** 2 * Q[2])
        den = 1.0 - g * g * Mm2 / gam

        def second(a0, e):
            """Z = a0 I + k1^2 T diag(c^e) T^T: (wbar^T Z wbar, g'_Z, X_Z(j) = int c^j (g'-a1 g^2/gam)/u^2 / k1^0)."""
            gp = -g * g * (a0 + k1s * Q[e]) / den
            X = lambda j: gp * Q[j] - k1s * g * g / gam * Q[j + e]
            J = [pref * X(j) for j in range(3)]
            wZw = -(tau ** 2 * J[0] + 2 * tau * beta * J[1] + beta ** 2 * J[2])
            return wZw, gp, X

        def trace(y0, ye, gp, X):
            """(1/n) tr(Y R Z R) for Y = y0 I + k1^2 T diag(c^ye) T^T  [E.19]."""
            return -(y0 * gp + k1s * X(ye)) / alpha

        wSw, gpS, XS = second(ks2, 0)      # Sigma = k*^2 I + k1^2 K
        wGw, gpG, XG = second(vp, 0)       # Sigma_g = v' I + k1^2 K
        wBw, gpB, XB = second(vp, 1)       # B = v' I + k1^2 K_C
        a_S = trace(ks2, 0, gpS, XS)
        a_G = trace(ks2, 0, gpG, XG)
        a_B = trace(ks2, 0, gpB, XB)
        D = 1.0 - tau ** 2 * a_S
        mu0_noise = t["k0"] ** 2 if abs(s["k0"]) < 1e-12 else 0.0   # unfittable teacher mean [E.6]
        Ey2 = mu1 ** 2 + mus2 + p.delta_f + mu0_noise
        E0bar = Ey2 - 2 * qw + wSw
        t_B = (vp * g + k1s * g * P[1]) / alpha   # (1/n) tr(B R)  [E.27]
        nb = 0.0
        if k_fd is not None and beta > 0 and p.delta_g > 0:
            nb = beta ** 2 * p.delta_g / k_fd     # [E.28]: beta_eff^2 Delta_g / k
            E0bar += nb * a_B
        E0 = E0bar / D
        Edphi2 = t["Edf2"]
        gen_f = E0 - p.delta_f
        train_f = tau ** 2 * E0
        gen_grad = Edphi2 - 2 * qw + wGw + tau ** 2 * a_G * E0
        gen_g = Edphi2 - 2 * qCw + wBw + tau ** 2 * a_B * E0
        tau_g = 1.0
        if nb > 0:
            b_G = trace(vp, 1, gpG, XG)    # (1/n) tr(B R Z R), Z = Sigma_g, B
            b_B = trace(vp, 1, gpB, XB)
            gen_grad += nb * b_G
            gen_g += nb * b_B
        if k_fd is not None and beta_true:
            tau_g = beta / beta_true
        train_g = tau_g ** 2 * (gen_g + p.delta_g)   # [E.29] (limit: tau_g = 1)
        errs = dict(train_f=train_f, train_g=train_g, gen_f=gen_f, gen_g=gen_g,
                    gen_h1=gen_f + gen_g, gen_grad=gen_grad)
        order = dict(tau=tau, g=g, a=a, b=b, D=D, E0=E0, qw=qw, qCw=qCw, wSw=wSw, wGw=wGw, wBw=wBw,
                     a_S=a_S, a_G=a_G, a_B=a_B, t_B=t_B, delta=1.0 / tau - 1.0, tau_g=tau_g)
        return dict(errors=errs, order=order)


def solve_finite_d(prm: Params, quad=False, tol=1e-14):
    """The finite-d version [E.27]-[E.29]: k = max(1, round(kappa d)) directions; the leave-one-out
    channel of the gradient rows tau_g = 1/(1 + beta t_B / k) (the effective weight beta tau_g) and the
    gradient-label noise beta_eff^2 Delta_g / k. Iterates tau_g (a contraction: beta t_B / k is small)."""
    k = max(1.0, round(prm.kappa * prm.d))
    base = dataclasses.replace(prm, d=math.inf)
    if prm.beta == 0:
        return Level2(base, quad=quad).errors()
    tg = 1.0
    for _ in range(200):
        lv = Level2(dataclasses.replace(base, beta=prm.beta * tg), quad=quad)
        tau, g = lv.solve()
        res = lv.errors(tau, g, k_fd=k, beta_true=prm.beta)
        new = 1.0 / (1.0 + prm.beta * res["order"]["t_B"] / k)
        if abs(new - tg) < tol:
            tg = new
            break
        tg = new
    lv = Level2(dataclasses.replace(base, beta=prm.beta * tg), quad=quad)
    res = lv.errors(k_fd=k, beta_true=prm.beta)
    res["order"]["k"] = k
    return res


def solve(prm: Params, quad=False):
    """All six errors at a point: the limit [E.20], or with a finite prm.d the finite-d version."""
    if math.isfinite(prm.d):
        return solve_finite_d(prm, quad=quad)
    return Level2(prm, quad=quad).errors()


# ----------------------------------------------------------------------------------------------
# The full gradient in one-dimensional Marchenko-Pastur form [E.26]
# (quadrature over the law of K = T T^T, ratio p/d = 1/gamma; no Silverstein equation)
# ----------------------------------------------------------------------------------------------
def full_gradient_mp(prm: Params, n=4000):
    prm.check()
    s, t = constants(prm.sigma), constants(prm.teacher)
    k1s, ks2, vp, gam, alpha, beta = s["k1"] ** 2, s["ks2"], s["vp"], prm.gamma, prm.alpha, prm.beta
    x, w, atom = _mp_quad_nodes(1.0 / gam, n)
    if atom > 0:
        x, w = np.append(x, 0.0), np.append(w, atom)

    def parts(tau):
        c0 = prm.lam + beta * vp + tau * ks2
        m = k1s * (tau + beta)
        r = 1.0 / (c0 + m * x)
        return c0, m, r

    def F(tau):
        c0, m, r = parts(tau)
        delta = np.dot(w, (ks2 + k1s * x) * r) / alpha
        return tau * (1 + delta) - 1.0

    tau = optimize.brentq(F, 1e-14, 1.0, xtol=1e-17, rtol=1e-15, maxiter=500)
    c0, m, r = parts(tau)
    mu1 = t["k1"]
    pref = mu1 ** 2 * k1s / gam
    qw = (tau + beta) * pref * np.dot(w, x * r)

    def quad_form(a0, a1):
        return (tau + beta) ** 2 * pref * np.dot(w, x * (a0 + a1 * x) * r ** 2)

    def atr(a0, a1):
        return np.dot(w, (ks2 + k1s * x) * (a0 + a1 * x) * r ** 2) / alpha

    wSw, wGw = quad_form(ks2, k1s), quad_form(vp, k1s)
    a_S, a_G = atr(ks2, k1s), atr(vp, k1s)
    D = 1 - tau ** 2 * a_S
    mu0_noise = t["k0"] ** 2 if abs(s["k0"]) < 1e-12 else 0.0
    E0 = (mu1 ** 2 + t["ks2"] + prm.delta_f + mu0_noise - 2 * qw + wSw) / D
    gen_grad = t["Edf2"] - 2 * qw + wGw + tau ** 2 * a_G * E0
    errs = dict(train_f=tau ** 2 * E0, train_g=gen_grad + prm.delta_g, gen_f=E0 - prm.delta_f,
                gen_g=gen_grad, gen_h1=E0 - prm.delta_f + gen_grad, gen_grad=gen_grad)
    return dict(errors=errs, order=dict(tau=tau, D=D))


# ----------------------------------------------------------------------------------------------
# Level 1 [E.8]-[E.11]: the deterministic equivalent with explicit matrices
# ----------------------------------------------------------------------------------------------
def draw_sketch_gram(rng, d, kappa, sketch):
    """Returns (V, C) with C = V V^T / k, k = max(1, round(kappa d))."""
    k = max(1, int(round(kappa * d)))
    if sketch == "gaussian":
        V = rng.standard_normal((d, k))
    else:
        if k > d:
            raise ValueError("orthogonal sketch needs k <= d")
        G = rng.standard_normal((d, k))
        Qm, Rm = np.linalg.qr(G)
        Qm = Qm * np.sign(np.diag(Rm))[None, :]
        V = math.sqrt(d) * Qm
    C = V @ V.T / k
    return V, C


def level1(prm: Params, T, C, theta0, n, spike=False, mean_terms=False, diagKC=False):
    """The deterministic equivalent of [E.8]-[E.11] for given T (p x d, rows theta_j/sqrt d),
    C (d x d), theta0, n. Options add the terms the limit drops: spike = (kappa'_1^2/d) 1 1^T in B
    (and in Sigma_g); mean_terms = the O(1/d) mean mu_2 kappa'_1 (T theta0) o (T C theta0) of the
    cross term; diagKC = v' diag(K_C) instead of v' I in B."""
    s, t = constants(prm.sigma), constants(prm.teacher)
    k1, k1s, ks2, vp, k1p = s["k1"], s["k1"] ** 2, s["ks2"], s["vp"], s["k1p"]
    mu1, mu2 = t["k1"], t["k1p"]
    p, d = T.shape
    beta, lam = prm.beta, prm.lam
    K = T @ T.T
    KC = T @ C @ T.T
    I = np.eye(p)
    Sig = ks2 * I + k1s * K
    Sg = vp * I + k1s * K
    B = k1s * KC + (vp * np.diag(np.diag(KC)) if diagKC else vp * I)
    m = T @ theta0
    mC = T @ (C @ theta0)
    q = mu1 * k1 * m
    qC = mu1 * k1 * mC
    if spike:
        one = np.ones((p, p)) / d
        B = B + k1p ** 2 * one
        Sg = Sg + k1p ** 2 * one
    if mean_terms:
        qC = qC + mu2 * k1p * m * mC
        q_g = q + mu2 * k1p * m * m
    else:
        q_g = q
    A = lam * I + beta * B

    def resolvent(tau):
        return np.linalg.inv(A + tau * Sig)

    def Ftau(tau):
        R = resolvent(tau)
        return tau * (1 + np.sum(Sig * R) / n) - 1.0

    tau = optimize.brentq(Ftau, 1e-12, 1.0, xtol=1e-15, rtol=1e-14)
    R = resolvent(tau)
    src = tau * q + beta * qC
    w = R @ src
    RSR = R @ Sig @ R

    def a_of(Z):
        return np.sum(RSR * Z) / n

    a_S, a_G, a_B = a_of(Sig), a_of(Sg), a_of(B)
    D = 1 - tau ** 2 * a_S
    mu0_noise = t["k0"] ** 2 if abs(s["k0"]) < 1e-12 else 0.0
    th0C = theta0 @ C @ theta0
    E0bar = mu1 ** 2 + t["ks2"] + prm.delta_f + mu0_noise - 2 * q @ w + w @ Sig @ w
    E0 = E0bar / D
    Edphi2 = t["Edf2"]
    gen_grad = Edphi2 * (theta0 @ theta0) - 2 * q_g @ w + w @ Sg @ w + tau ** 2 * a_G * E0
    gen_g = Edphi2 * th0C - 2 * qC @ w + w @ B @ w + tau ** 2 * a_B * E0
    train_g = gen_g + prm.delta_g
    errs = dict(train_f=tau ** 2 * E0, train_g=train_g, gen_f=E0 - prm.delta_f, gen_g=gen_g,
                gen_h1=E0 - prm.delta_f + gen_g, gen_grad=gen_grad)
    return dict(errors=errs, order=dict(tau=tau, D=D, g=np.trace(R) / p))


def sample_T_C(prm: Params, p, seed):
    rng = np.random.default_rng(seed)
    d = max(1, int(round(prm.gamma * p)))
    n = max(1, int(round(prm.alpha * p)))
    th = rng.standard_normal(d)
    th /= np.linalg.norm(th)
    T = rng.standard_normal((p, d)) / math.sqrt(d)
    V, C = draw_sketch_gram(rng, d, prm.kappa, prm.sketch)
    return T, C, th, n, V


# ----------------------------------------------------------------------------------------------
# Tuning (lambda, beta) for the gain tables
# ----------------------------------------------------------------------------------------------
def l2_errors(prm: Params):
    """beta = 0 [E.22]: the L2 fit (k = 0 theory); gen_g = gen_grad, train_g = gen_grad + Delta_g."""
    q = dataclasses.replace(prm, beta=0.0, kappa=1.0, sketch="orthogonal")
    return solve(q)["errors"]


def tune(prm: Params, objective="gen_f", over=("lam", "beta"), lam_min=1e-6, allow_negative=False,
         beta_range=(1e-3, 1e3)):
    """Minimise the objective over log lambda (lambda >= lam_min) and log beta (beta = 0 allowed as
    a separate candidate). With allow_negative, lambda = -beta v' + e^x (the admissible negative
    ridge)."""
    vp = constants(prm.sigma)["vp"]

    def val(x):
        lb, ll = x if len(x) == 2 else (math.log(prm.beta), x[0])
        beta = math.exp(min(max(lb, math.log(beta_range[0])), math.log(beta_range[1]))) if "beta" in over else prm.beta
        lam = (-beta * vp + math.exp(ll)) if allow_negative else max(math.exp(ll), lam_min)
        try:
            return solve(dataclasses.replace(prm, lam=lam, beta=beta))["errors"][objective], lam, beta
        except Exception:
            return math.inf, lam, beta

    best = (math.inf, None, None)
    lbs = np.linspace(math.log(beta_range[0]), math.log(beta_range[1]), 13) if "beta" in over else [math.log(max(prm.beta, 1e-300))]
    lls = np.linspace(math.log(1e-6), math.log(10.0), 15)
    for lb in lbs:
        for ll in lls:
            v = val((lb, ll))
            if v[0] < best[0]:
                best = (v[0], lb, ll)
    x0 = np.array([best[1], best[2]]) if "beta" in over else np.array([best[2]])
    f = (lambda x: val(x)[0]) if "beta" in over else (lambda x: val((best[1], x[0]))[0])
    res = optimize.minimize(f, x0, method="Nelder-Mead",
                            options=dict(xatol=1e-6, fatol=1e-12, maxiter=2000))
    v = val(res.x) if "beta" in over else val((best[1], res.x[0]))
    return dict(value=v[0], lam=v[1], beta=v[2])


def tuned_l2(prm: Params, objective="gen_f", lam_min=1e-6):
    q = dataclasses.replace(prm, beta=0.0, kappa=1.0, sketch="orthogonal")

    def f(ll):
        try:
            return solve(dataclasses.replace(q, lam=max(math.exp(ll), lam_min)))["errors"][objective]
        except Exception:
            return math.inf

    lls = np.linspace(math.log(1e-6), math.log(10.0), 40)
    vals = [f(x) for x in lls]
    i = int(np.argmin(vals))
    lo, hi = lls[max(i - 1, 0)], lls[min(i + 1, len(lls) - 1)]
    r = optimize.minimize_scalar(f, bounds=(lo, hi), method="bounded", options=dict(xatol=1e-8))
    return dict(value=r.fun, lam=max(math.exp(r.x), lam_min), beta=0.0)


# ----------------------------------------------------------------------------------------------
# Self-checks and reference tables
# ----------------------------------------------------------------------------------------------
def selfcheck(verbose=True):
    worst = 0.0
    out = []
    # closed-form sketch moments vs quadrature
    for sk, ka in [("gaussian", 0.3), ("gaussian", 1.0), ("gaussian", 4.0), ("orthogonal", 0.4)]:
        for a, b in [(1.0, 0.0), (1.2, 0.5), (3.0, 40.0), (1.0, 1e-6)]:
            P, Q = sketch_moments(ka, sk, a, b)
            Pq, Qq = sketch_moments_quad(ka, sk, a, b, n=4000)
            e = max(np.max(np.abs(P - Pq) / np.abs(Pq)), np.max(np.abs(Q - Qq) / np.abs(Qq)))
            worst = max(worst, e)
    out.append(f"sketch moments closed form vs quadrature: max rel diff {worst:.2e}")
    # level 2 closed forms vs quadrature for whole points
    pts = [Params("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 0.3, "gaussian", 0.1, 0.1),
           Params("relu", "relu", 2.0, 0.8, 1e-2, 2.0, 0.5, "orthogonal"),
           Params("softplus", "sigmoid", 0.7, 1.5, 1e-3, 0.5, 2.0, "gaussian", 0.05, 0.2)]
    w2 = 0.0
    for prm in pts:
        e1 = solve(prm)["errors"]
        e2 = solve(prm, quad=True)["errors"]
        w2 = max(w2, max(abs(e1[k] - e2[k]) / abs(e2[k]) for k in ERRORS))
    out.append(f"level 2 closed-form sketch integrals vs quadrature (3 points): max rel diff {w2:.2e}")
    # full gradient: general equations vs the 1-D MP form
    w3 = 0.0
    for prm in [Params("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 1.0, "orthogonal"),
                Params("relu", "sigmoid", 2.0, 1.3, 0.0, 0.7, 1.0, "orthogonal", 0.1, 0.3),
                Params("softplus", "he3", 0.3, 0.4, 1e-2, 3.0, 1.0, "orthogonal", 0.2, 0.0)]:
        e1 = solve(prm)["errors"]
        e2 = full_gradient_mp(prm)["errors"]
        w3 = max(w3, max(abs(e1[k] - e2[k]) / abs(e2[k]) for k in ERRORS))
    out.append(f"full gradient: general level 2 vs 1-D MP form [E.26] (3 points): max rel diff {w3:.2e}")
    if verbose:
        print("\n".join(out))
    return worst, w2, w3


def _parse_point(items):
    kw = {}
    fields = {f.name: f.type for f in dataclasses.fields(Params)}
    for it in items:
        k, v = it.split("=", 1)
        if k not in fields:
            raise SystemExit(f"unknown field {k}")
        kw[k] = v if k in ("sigma", "teacher", "sketch") else float(v)
    return Params(**kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--selfcheck", action="store_true")
    ap.add_argument("--point", nargs="+")
    ap.add_argument("--quad", action="store_true", help="sketch integrals by quadrature")
    args = ap.parse_args()
    if args.selfcheck:
        selfcheck()
    if args.point:
        prm = _parse_point(args.point)
        res = solve(prm, quad=args.quad)
        print(json.dumps(dict(params=dataclasses.asdict(prm), **res), indent=1, default=float))


if __name__ == "__main__":
    main()
