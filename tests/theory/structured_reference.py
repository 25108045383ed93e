#!/usr/bin/python3
"""Structured (anisotropic) inputs: an independent numpy/scipy implementation of the limit equations
of docs/theory/structured.md (cited [S.x]), levels 1 and 2, every reported error.

The model is docs/model.md with the extension of /work/shared/MODEL.md "Structured inputs":
x ~ N(0, Sigma), Sigma = diag(s), mean(s) = 1; teacher theta0_i = sqrt(s_i^b) g_i scaled so that
theta0^T Sigma theta0 = 1. The spectral law mu of s enters through averages E_s[.] (the uniform law
mu) and E_t[.] (the teacher law mu_t(ds) = s^(b+1) mu(ds) / E[s^(b+1)]), [S.3]-[S.6].

It shares no code with theory/ (C++) nor with tests/theory/independent_check.py:
  * spectral averages: a discrete measure (atoms) or, for powerlaw:a, composite Gauss-Legendre in
    t = -log U (s = (1-a) e^(a t)), separately for mu and for mu_t (whose density decays like
    e^(-(1 - a(b+1)) t));
  * the chi_k radial averages by composite Gauss-Legendre on panels graded geometrically around
    r0 = sqrt(s/h) (16 nodes per panel; `selfcheck()` compares with scipy quad);
  * level 1 by Picard iteration in log V polished by scipy.optimize.root (hybr), the inner fixed
    point likewise in log Delta;
  * level 2 by the implicit differentiation of [S.5] written on full K x K matrices (the spectral
    moments act entrywise because C, Delta are block diagonal), and optionally (`fd_check`) by
    central finite differences of a *full-matrix* inner solve with per-row weight matrices
    C_s = s C + t Y (no block reduction, no implicit differentiation), at k <= 2.

Usage:
  /usr/bin/python3 tests/theory/structured_reference.py [--exe build/sobolev-rf] [--tol 1e-8]
      isotropic points against the binary, then a table of structured points (and --fd-check,
      --trace-check, --selfcheck, --threshold; see --help)
As a module:
  import structured_reference as sr
  res = sr.solve(sr.Params(sigma="relu", teacher="tanh", p_over_n=2, gamma=0.8, lam=1e-2, k=1,
                           varpi=[0.7], spectrum="powerlaw:0.3", b=1.0))
  res["errors"]   -> dict train_f, train_g, gen_f, gen_g, gen_h1, gen_grad
  res["order"]    -> V_00, Delta_00, Vhat_00, (V_11, ...), m, q_s, m_E, q_E, q_w
  res["law"]      -> per error: A0, A2, mean, std over varpi ~ N(0, tau^2 I_k)
"""
import argparse
import dataclasses
import functools
import json
import math
import subprocess
import sys
import warnings

import numpy as np
from scipy import integrate, optimize, special

warnings.filterwarnings("ignore", category=integrate.IntegrationWarning)

ERRORS = ("train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad")

# ----------------------------------------------------------------------------------------------
# Activations and Gaussian-equivalence constants [D.1.2] (scipy quad)
# ----------------------------------------------------------------------------------------------
ACT = {
    "tanh": (math.tanh, lambda t: 1.0 - math.tanh(t) ** 2),
    "relu": (lambda t: max(t, 0.0), lambda t: 1.0 if t > 0 else 0.0),
    "erf": (math.erf, lambda t: 2.0 / math.sqrt(math.pi) * math.exp(-t * t)),
    "sigmoid": (lambda t: float(special.expit(t)), lambda t: float(special.expit(t) * special.expit(-t))),
    "softplus": (lambda t: float(np.logaddexp(0.0, t)), lambda t: float(special.expit(t))),
    "linear": (lambda t: t, lambda t: 1.0),
    "he3": (lambda t: t ** 3 - 3 * t, lambda t: 3 * t * t - 3.0),
}


def _gauss(f):
    w = lambda t: f(t) * math.exp(-t * t / 2) / math.sqrt(2 * math.pi)
    a = integrate.quad(w, -np.inf, 0, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
    b = integrate.quad(w, 0, np.inf, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
    return a + b


@functools.lru_cache(maxsize=None)
def constants(name):
    f, df = ACT[name]
    k0 = _gauss(f)
    k1 = _gauss(lambda t: t * f(t))
    k1p = _gauss(lambda t: t * df(t))
    Ef2, Edf2 = _gauss(lambda t: f(t) ** 2), _gauss(lambda t: df(t) ** 2)
    return dict(k0=k0, k1=k1, k1p=k1p, ks2=Ef2 - k0 ** 2 - k1 ** 2, kps2=Edf2 - k1 ** 2 - k1p ** 2,
                cs=_gauss(lambda t: f(t) * df(t)) - k0 * k1 - k1 * k1p, Ef2=Ef2, Edf2=Edf2)


# ----------------------------------------------------------------------------------------------
# Spectral laws [S.1]: the uniform law mu and the teacher law mu_t, as discrete measures
# ----------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Measure:
    s: np.ndarray  # atoms / quadrature nodes
    w: np.ndarray  # weights, summing to 1

    def E(self, f_values):
        return float(np.dot(self.w, f_values))


def _t_grid(tmax, width=0.5, nodes=16):
    """Composite Gauss-Legendre nodes and weights on [0, tmax] (panels of the given width)."""
    x, wx = special.roots_legendre(nodes)
    edges = np.linspace(0.0, tmax, int(math.ceil(tmax / width)) + 1)
    h = np.diff(edges)
    t = (0.5 * (edges[:-1] + edges[1:])[:, None] + 0.5 * h[:, None] * x[None, :]).ravel()
    w = (0.5 * h[:, None] * wx[None, :]).ravel()
    return t, w


@dataclasses.dataclass
class Spectrum:
    """The limit law of the input spectrum and, for an alignment exponent b, the teacher law.

    name: 'isotropic' | 'powerlaw:a' | 'twolevel:f,r' | 'discrete:v1,v2,...' | 'file:PATH'
    (discrete/file: the empirical law of the listed eigenvalues, rescaled to mean 1)."""
    name: str
    b: float = 0.0

    def __post_init__(self):
        kind, _, arg = self.name.partition(":")
        b = self.b
        if kind == "isotropic":
            self.mu = Measure(np.ones(1), np.ones(1))
            self.mu_t = self.mu
            self.tau2 = 1.0
            return
        if kind == "powerlaw":
            a = float(arg)
            if not 0.0 <= a < 1.0:
                raise ValueError("powerlaw:a needs 0 <= a < 1")
            if a * (b + 1.0) >= 1.0:
                raise ValueError(f"powerlaw:{a} with b = {b}: E[s^(b+1)] = infinity (a (b+1) >= 1); "
                                 "the teacher has infinite variance theta0^T Sigma theta0 / |theta0|^2 in the "
                                 "limit law: not a proportional-regime model [S.1]")
            self.a = a
            # s = (1 - a) U^(-a) = (1 - a) e^(a t), t = -log U ~ Exp(1). The teacher law has the
            # t-density e^(-t) s^(b+1) / E[s^(b+1)] ~ e^(-(1 - a(b+1)) t); the grid reaches the point
            # where both e^(-(1-a) t) (the integrand of E s) and that density are below e^-45.
            rate = min(1.0 - a, 1.0 - a * (b + 1.0))
            t, w = _t_grid(45.0 / rate)
            s = (1 - a) * np.exp(a * t)
            self.mu = Measure(s, w * np.exp(-t))
            Es_b1 = (1 - a) ** (b + 1) / (1 - a * (b + 1))
            self.mu_t = Measure(s, w * np.exp(-t) * s ** (b + 1) / Es_b1)
            # tau^2 = E[s^b] / E[s^(b+1)] in closed form: E[s^m] = (1-a)^m / (1 - a m).
            self.tau2 = (1 - a) ** b / (1 - a * b) / ((1 - a) ** (b + 1) / (1 - a * (b + 1)))
            return
        if kind == "twolevel":
            f, r = (float(v) for v in arg.split(","))
            if not (0 < f < 1 and r > 0):
                raise ValueError("twolevel:f,r needs 0 < f < 1, r > 0")
            c = 1.0 / (f * r + 1.0 - f)
            s, w = np.array([r * c, c]), np.array([f, 1.0 - f])
        elif kind == "discrete":
            s = np.array([float(v) for v in arg.split(",")])
            w = np.full(len(s), 1.0 / len(s))
        elif kind == "file":
            s = np.loadtxt(arg, ndmin=1).astype(float)
            w = np.full(len(s), 1.0 / len(s))
        elif kind == "atoms":  # internal: a discrete measure given directly (atoms and weights)
            s, w = self._atoms
        else:
            raise ValueError(f"unknown spectrum {self.name}")
        if np.any(s < 0) or not np.all(np.isfinite(s)) or np.all(s == 0):
            raise ValueError("eigenvalues must be finite, >= 0, not all 0")
        w = w / w.sum()
        s = s / np.dot(w, s)  # mean 1
        if b < 0 and np.any(s[w > 0] == 0):
            raise ValueError("b < 0 with a zero eigenvalue: theta0_i = sqrt(s_i^b) g_i is infinite")
        self.mu = Measure(s, w)
        pos = s > 0
        wt = np.where(pos, w * np.where(pos, s, 1.0) ** (b + 1.0), 0.0)
        self.mu_t = Measure(s, wt / wt.sum())
        sb = np.where(pos, np.where(pos, s, 1.0) ** b, 0.0 if b > 0 else (1.0 if b == 0 else np.inf))
        self.tau2 = float(np.dot(w, sb) / np.dot(w, np.where(pos, s, 0.0) ** (b + 1.0)))

    @classmethod
    def from_atoms(cls, s, b=0.0, w=None):
        obj = cls.__new__(cls)
        obj.name, obj.b = "atoms", b
        obj._atoms = (np.asarray(s, float), np.full(len(s), 1.0 / len(s)) if w is None else np.asarray(w, float))
        obj.__post_init__()
        return obj


# ----------------------------------------------------------------------------------------------
# Radial chi_k averages of q = 1/(s0 + h r^2) [D.3.3]
# ----------------------------------------------------------------------------------------------
_GL16 = special.roots_legendre(16)
RMAX = 14.0


def _chi_log_density(r, k):
    return (k - 1) * np.log(r) - 0.5 * r * r - ((0.5 * k - 1.0) * math.log(2.0) + special.gammaln(0.5 * k))


@functools.lru_cache(maxsize=4096)
def _radial_rule(k, r0_key):
    r0 = r0_key
    pts = {0.0, RMAX}
    if r0 < RMAX:
        x = r0 / 1024.0
        while x < RMAX:
            pts.add(x)
            x *= 2.0
    # and panels of width at most 1/2 beyond 1
    pts.update(np.arange(0.5, RMAX, 0.5).tolist())
    e = np.array(sorted(pts))
    e = e[np.concatenate([[True], np.diff(e) > 1e-14 * RMAX])]
    x, wx = _GL16
    mid, half = 0.5 * (e[:-1] + e[1:]), 0.5 * np.diff(e)
    r = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    w = (half[:, None] * wx[None, :]).ravel() * np.exp(_chi_log_density(r, k))
    return r, w


def radial_moments(s0, h, k):
    """E[q r^(2j)] (j=0,1) and E[q^2 r^(2j)] (j=0,1,2), q = 1/(s0 + h r^2), r ~ chi_k."""
    if k == 0 or h <= 0.0:
        q = 1.0 / s0
        r2, r4 = float(k), k * (k + 2.0)
        return (q, q * r2), (q * q, q * q * r2, q * q * r4)
    r0 = math.sqrt(s0 / h)
    r, w = _radial_rule(k, float(f"{r0:.6g}"))  # the rule depends on r0 only through its panels
    r2 = r * r
    q = 1.0 / (s0 + h * r2)
    wq, wq2 = w * q, w * q * q
    return (wq.sum(), (wq * r2).sum()), (wq2.sum(), (wq2 * r2).sum(), (wq2 * r2 * r2).sum())


# ----------------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------------
@dataclasses.dataclass
class Params:
    sigma: str = "tanh"
    teacher: str = "tanh"
    p_over_n: float = 2.0
    gamma: float = 0.8
    lam: float = 1e-2
    k: int = 0
    varpi: list = dataclasses.field(default_factory=list)
    beta: float = 1.0
    delta_f: float = 0.0
    delta_g: float = 0.0
    rho: float = 0.0
    spectrum: str = "isotropic"
    b: float = 0.0
    spec: object = None  # a prebuilt Spectrum (overrides spectrum, b)

    @property
    def alpha(self):
        return 1.0 / self.p_over_n


# ----------------------------------------------------------------------------------------------
# Level 1 [S.3], [S.4]: block scalars (block 0 = function, block 1 = every sketched gradient)
# ----------------------------------------------------------------------------------------------
class Model:
    def __init__(self, P: Params):
        self.P = P
        self.k, self.K = P.k, P.k + 1
        self.spec = P.spec if P.spec is not None else Spectrum(P.spectrum, P.b)
        self.sig, self.phi = constants(P.sigma), constants(P.teacher)
        s = self.sig
        self.k1 = np.array([s["k1"], s["k1p"]])          # K1 per block
        self.ks = np.array([s["ks2"], s["kps2"]])         # diagonal of K_s per block
        self.Wb = np.array([1.0, P.beta])
        # gradient block present: k > 0 and a sigma with a non-constant derivative
        self.grad = self.k > 0 and (s["k1p"] ** 2 + s["kps2"]) > 1e-14
        self.rescaled = False
        self._Dstart = None

    # ---- the channel [D.2] --------------------------------------------------------------------
    def R_blocks(self, V):
        lam = self.P.lam
        if self.rescaled:  # r = W (lambda + v W)^{-1}  [D.14]
            R = self.Wb / (lam + V * self.Wb)
        else:
            R = self.Wb / (1.0 + V * self.Wb)
        if not self.grad:
            R = R.copy()
            R[1] = 0.0
        return R

    # ---- the inner fixed point [S.3] --------------------------------------------------------
    def B_blocks(self, D, C):
        mu = self.spec.mu
        return np.array([mu.E(mu.s * C[a] / (1.0 + mu.s * D[a] * C[a])) for a in range(2)])

    def inner_map(self, D, C, M, ridge):
        B = self.B_blocks(D, C)
        q1, _ = radial_moments(ridge + M[0] + B[0], M[1] + B[1] if self.k else 0.0, self.k)
        g = self.P.gamma
        return np.array([q1[0] / g, q1[1] / (g * self.k) if self.k else 0.0])

    def inner(self, C, M, ridge):
        k = self.k
        n = 2 if k else 1
        D = self._Dstart
        if D is None or not np.all(np.isfinite(D)):
            D = self.inner_map(np.zeros(2), C, M, ridge)  # the monotone lower bound
            for _ in range(30):
                D = self.inner_map(D, C, M, ridge)
        D = D.copy()
        if not k:
            D[1] = 0.0

        def res(y):
            DD = np.zeros(2)
            DD[:n] = np.exp(y)
            return y - np.log(self.inner_map(DD, C, M, ridge)[:n])

        y0 = np.log(np.maximum(D[:n], 1e-300))
        sol = optimize.root(res, y0, method="hybr", options=dict(xtol=1e-15))
        r = np.max(np.abs(res(sol.x)))
        if not r < 1e-13:
            D = self.inner_map(np.zeros(2), C, M, ridge)
            for _ in range(3000):
                Dn = self.inner_map(D, C, M, ridge)
                if np.max(np.abs(np.log(Dn[:n] / D[:n]))) < 1e-10:
                    D = Dn
                    break
                D = Dn
            sol = optimize.root(res, np.log(D[:n]), method="hybr", options=dict(xtol=1e-15))
            r = np.max(np.abs(res(sol.x)))
            if not r < 1e-12:
                raise RuntimeError(f"inner fixed point did not converge (residual {r:.2e})")
        D = np.zeros(2)
        D[:n] = np.exp(sol.x)
        self._Dstart = D.copy()
        return D

    def gamma_blocks(self, D, C, meas):
        """E[s Delta_a / (1 + s C_a Delta_a)] over the measure meas (mu: Gamma; mu_t: Gamma_t)."""
        return np.array([meas.E(meas.s * D[a] / (1.0 + meas.s * C[a] * D[a])) for a in range(2)])

    def outer_map(self, V):
        R = self.R_blocks(V)
        C, M = self.k1 ** 2 * R, self.ks * R
        ridge = 1.0 if self.rescaled else self.P.lam
        D = self.inner(C, M, ridge)
        G = self.gamma_blocks(D, C, self.spec.mu)
        T = self.P.gamma / self.P.alpha * (self.k1 ** 2 * G + self.ks * D)
        if not self.grad:
            T[1] = 0.0
        return T

    def level1(self):
        n = 2 if self.grad else 1
        V = np.ones(2)
        for _ in range(400):  # Picard in log V: a max-norm contraction [D.8.1]
            Vn = self.outer_map(V)
            done = np.max(np.abs(np.log(Vn[:n] / V[:n]))) < 1e-6
            V = Vn
            if done:
                break

        def res(y):
            VV = np.zeros(2)
            VV[:n] = np.exp(y)
            return y - np.log(self.outer_map(VV)[:n])

        sol = optimize.root(res, np.log(V[:n]), method="hybr", options=dict(xtol=1e-15))
        r = np.max(np.abs(res(sol.x)))
        if not r < 1e-11:
            raise RuntimeError(f"outer fixed point did not converge (residual {r:.2e})")
        V = np.zeros(2)
        V[:n] = np.exp(sol.x)
        self.outer_map(V)  # leaves the inner warm start at the solution
        return V

    # ---- level 2 [S.5] -----------------------------------------------------------------------
    def prepare_level2(self, V):
        """Everything that does not depend on varpi: the K x K matrices R, C, M, Delta, Gamma,
        Gamma_t, Gamma_tE, the tensor T, and the responses (Gamma^X, Gamma_t^X, V^X) per block."""
        P, K, k = self.P, self.K, self.k
        R2 = self.R_blocks(V)
        C2, M2 = self.k1 ** 2 * R2, self.ks * R2
        ridge = 1.0 if self.rescaled else P.lam
        D2 = self.inner(C2, M2, ridge)
        blk = np.array([0] + [1] * k)
        full = lambda v: np.diag(v[blk])
        pair = lambda m: m[np.ix_(blk, blk)]
        self.blk = blk
        sg = self.sig
        K1 = np.diag(np.array([sg["k1"]] + [sg["k1p"]] * k))
        Ks = np.full((K, K), sg["kps2"])
        Ks[0, :] = Ks[:, 0] = sg["cs"]
        Ks[0, 0] = sg["ks2"]
        if not self.grad:
            Ks[1:, :] = Ks[:, 1:] = 0.0
            K1[1:, 1:] = 0.0
        R = full(R2)
        C, M = K1 @ R @ K1, R * Ks
        self.R, self.K1, self.Ks, self.Vmat = R, K1, Ks, full(V)
        self.Delta = full(D2)
        mu, mt = self.spec.mu, self.spec.mu_t
        self.Gamma = full(self.gamma_blocks(D2, C2, mu))
        self.Gamma_t = full(self.gamma_blocks(D2, C2, mt))
        self.Gamma_tE = full(np.array([mt.E(D2[a] / (1.0 + mt.s * C2[a] * D2[a])) for a in range(2)]))
        # spectral moments per pair of blocks (A, B), [S.5]:
        #   S_a(s) = 1/(1 + s Delta_a C_a), B_a(s) = C_a S_a(s), Gamma_a(s) = Delta_a S_a(s)
        def mom(meas, f):
            s = meas.s
            S = [1.0 / (1.0 + s * D2[a] * C2[a]) for a in range(2)]
            return np.array([[meas.E(f(s, S[a], S[c], a, c)) for c in range(2)] for a in range(2)])
        self.mS1 = pair(mom(mu, lambda s, Sa, Sc, a, c: s * Sa * Sc))
        self.mS0 = pair(mom(mu, lambda s, Sa, Sc, a, c: Sa * Sc))
        self.mB2 = pair(mom(mu, lambda s, Sa, Sc, a, c: s * s * C2[a] * C2[c] * Sa * Sc))
        self.mG2 = pair(mom(mu, lambda s, Sa, Sc, a, c: s * s * D2[a] * D2[c] * Sa * Sc))
        self.mG1 = pair(mom(mu, lambda s, Sa, Sc, a, c: s * D2[a] * D2[c] * Sa * Sc))
        self.tS1 = pair(mom(mt, lambda s, Sa, Sc, a, c: s * Sa * Sc))
        self.tG2 = pair(mom(mt, lambda s, Sa, Sc, a, c: s * s * D2[a] * D2[c] * Sa * Sc))
        self.tG1 = pair(mom(mt, lambda s, Sa, Sc, a, c: s * D2[a] * D2[c] * Sa * Sc))
        # The fourth-moment tensor T_abcd = (1/gamma) E_zeta[q^2 e_a e_b e_c e_d] [D.4.4]
        B2 = self.B_blocks(D2, C2)
        _, q2 = radial_moments(ridge + M2[0] + B2[0], M2[1] + B2[1] if k else 0.0, k)
        T = np.zeros((K, K, K, K))
        for idx in np.ndindex(K, K, K, K):
            gi = [i for i in idx if i > 0]
            if len(gi) == 0:
                v = q2[0]
            elif len(gi) == 2:
                v = q2[1] / k if gi[0] == gi[1] else 0.0
            elif len(gi) == 4:
                a, b, c, d = gi
                v = q2[2] / (k * (k + 2.0)) * ((a == b and c == d) + (a == c and b == d) + (a == d and b == c))
            else:
                v = 0.0
            T[idx] = v / P.gamma
        self.T = T
        L = np.einsum("abcd,cd->abcd", T, self.mB2).reshape(K * K, K * K)  # L(Y) = T:(mB2 o Y)
        self.IL = np.eye(K * K) - L
        self.l1_radius = float(np.max(np.abs(np.linalg.eigvals(L))))
        ga = P.gamma / P.alpha

        def resp_C(XC, XM):
            """C/M perturbation X = (XC, XM): Delta^X, Gamma^X, Gamma_t^X, V^X [S.5]."""
            rhs = -np.einsum("abcd,cd->ab", T, XM + self.mS1 * XC).ravel()
            DX = np.linalg.solve(self.IL, rhs).reshape(K, K)
            GX = self.mS1 * DX - self.mG2 * XC
            GtX = self.tS1 * DX - self.tG2 * XC
            return GX, GtX, ga * (K1 @ GX @ K1 + Ks * DX)

        def resp_Y(Y):
            """Row-weight perturbation C_s = s C + t Y (for w^T P w, P = Theta^T Theta/d) [S.6]."""
            rhs = -np.einsum("abcd,cd->ab", T, self.mS0 * Y).ravel()
            DY = np.linalg.solve(self.IL, rhs).reshape(K, K)
            GY = self.mS1 * DY - self.mG1 * Y
            GtY = self.tS1 * DY - self.tG1 * Y
            return GY, GtY, ga * (K1 @ GY @ K1 + Ks * DY)

        self.resp = {}
        for a in range(K):
            for b in range(K):
                E = np.zeros((K, K))
                E[a, b] += 0.5
                E[b, a] += 0.5
                self.resp[(a, b)] = resp_C(K1[a, a] * K1[b, b] * E, Ks[a, b] * E)
        E00 = np.zeros((K, K))
        E00[0, 0] = 1.0
        Z = np.zeros((K, K))
        self.resp_P = resp_C(E00, Z)   # w^T P_Sigma w
        self.resp_I = resp_C(Z, E00)   # |w|^2
        self.resp_E = resp_Y(E00)      # w^T P w (Euclidean)
        # L_2(Y)_ab = sum_cd (R Y R)_cd (-V^X_ab)_cd
        L2 = np.zeros((K * K, K * K))
        for j in range(K * K):
            Y = np.zeros((K, K))
            Y[j // K, j % K] = 1.0
            RYR = R @ Y @ R
            for a in range(K):
                for b in range(K):
                    L2[a * K + b, j] = -np.sum(RYR * self.resp[(a, b)][2])
        self.L2 = L2
        self.l2_radius = float(np.max(np.abs(np.linalg.eigvals(L2))))
        return D2

    def errors_at(self, varpi):
        P, K, k = self.P, self.K, self.k
        sg, ph = self.sig, self.phi
        vp = np.asarray(varpi, float)
        c = np.concatenate([[ph["k1"]], ph["k1p"] * vp])
        sm = np.zeros(K)
        if abs(sg["k0"]) < 1e-12:
            sm[0] = ph["k0"]
        if abs(sg["k1"]) < 1e-12:
            sm[1:] = ph["k1"] * vp
        Ngen = np.zeros((K, K))
        Ngen[0, 0] = ph["ks2"]
        Ngen[0, 1:] = Ngen[1:, 0] = ph["cs"] * vp
        Ngen[1:, 1:] = ph["kps2"] * np.outer(vp, vp)
        Ngen += np.outer(sm, sm)
        N = Ngen.copy()
        N[0, 0] += P.delta_f
        cr = P.rho * math.sqrt(P.delta_f * P.delta_g)
        N[0, 1:] += cr
        N[1:, 0] += cr
        N[1:, 1:] += P.delta_g * np.eye(k)
        R, K1 = self.R, self.K1
        g = K1 @ R @ c
        Gtg = self.Gamma_t @ g
        k1d = np.diag(K1)
        F = np.zeros((K, K))
        for a in range(K):
            for b in range(K):
                F[a, b] = (c[a] * c[b] - c[b] * k1d[a] * Gtg[a] - c[a] * k1d[b] * Gtg[b]
                           - g @ self.resp[(a, b)][1] @ g)
        Elin = np.linalg.solve(np.eye(K * K) - self.L2, F.ravel() + self.L2 @ N.ravel()).reshape(K, K)
        Elin = 0.5 * (Elin + Elin.T)
        if self.rescaled:
            Pm = np.diag(P.lam / (P.lam + np.diag(self.Vmat) * np.diag(self.W_full())))
        else:
            Pm = np.linalg.inv(np.eye(K) + self.Vmat @ self.W_full())
        Etr = Pm @ (Elin + N) @ Pm.T
        RER = R @ (Elin + N) @ R
        q2 = lambda resp: float(-g @ resp[1] @ g - np.sum(RER * resp[2]))
        q_s, q_w, q_E = q2(self.resp_P), q2(self.resp_I), q2(self.resp_E)
        m = float(Gtg[0])
        m_E = float((self.Gamma_tE @ g)[0])
        tau2 = self.spec.tau2
        err = dict(train_f=Etr[0, 0], train_g=float(np.trace(Etr[1:, 1:])) if k else 0.0,
                   gen_f=Elin[0, 0] + Ngen[0, 0],
                   gen_g=float(np.trace(Elin[1:, 1:] + Ngen[1:, 1:])) if k else 0.0)
        err["gen_h1"] = err["gen_f"] + err["gen_g"]
        err["gen_grad"] = (tau2 * ph["Edf2"] - 2 * ph["k1"] * sg["k1"] * m_E + sg["k1"] ** 2 * q_E
                           + (sg["Edf2"] - sg["k1"] ** 2) * q_w)
        order = dict(m=m, q_s=q_s, m_E=m_E, q_E=q_E, q_w=q_w)
        return {kk: float(v) for kk, v in err.items()}, order

    def W_full(self):
        return np.diag(np.array([1.0] + [self.P.beta] * self.k))


def _law(A0, A2, k, tau2):
    """Over varpi ~ N(0, tau^2 I_k): error = A0 + A2 |varpi|^2, |varpi|^2 = tau^2 chi^2_k [S.8]."""
    from scipy.stats import chi2
    out = dict(A0=A0, A2=A2, mean=A0 + k * tau2 * A2, std=abs(A2) * tau2 * math.sqrt(2 * k))
    for name, P in (("q05", 0.05), ("q50", 0.5), ("q95", 0.95)):
        if k == 0:
            out[name] = A0
        else:
            out[name] = A0 + A2 * tau2 * chi2.ppf(P if A2 >= 0 else 1 - P, k)
    return out


def solve(P: Params):
    """The limit errors at P (lambda > 0, or lambda = 0: the ridgeless limit [D.14])."""
    if P.k > 0 and P.beta == 0.0:
        return solve_beta0(P)
    M = Model(P)
    if P.lam == 0.0:
        load = P.alpha * (P.k + 1 if M.grad else 1)
        if abs(load - 1.0) < 1e-12:
            raise RuntimeError("lambda = 0 at the interpolation threshold p/n = k + 1: the error diverges")
        M.rescaled = load < 1.0
    V = M.level1()
    D = M.prepare_level2(V)
    err, order = M.errors_at(P.varpi)
    e0, _ = M.errors_at([0.0] * P.k)
    law = {}
    if P.k:
        e1, _ = M.errors_at([1.0] + [0.0] * (P.k - 1))
        for q in ERRORS:
            law[q] = _law(e0[q], e1[q] - e0[q], P.k, M.spec.tau2)
    else:
        for q in ERRORS:
            law[q] = _law(e0[q], 0.0, 0, M.spec.tau2)
    pre = "lambda_" if M.rescaled else ""
    order_all = {pre + "V_00": V[0], pre + "Delta_00": D[0], ("Vhat_00/lambda" if M.rescaled else "Vhat_00"):
                 P.alpha * M.R[0, 0]}
    if P.k:
        order_all.update({pre + "V_11": V[1], pre + "Delta_11": D[1],
                          ("Vhat_11/lambda" if M.rescaled else "Vhat_11"): P.alpha * M.R[1, 1]})
    order_all.update(order)
    return dict(errors=err, order=order_all, law=law, tau2=M.spec.tau2, l2_radius=M.l2_radius, model=M)


def solve_beta0(P: Params):
    """beta = 0, k > 0 [S.9]: the L2 fit; gen_g is random over the sketch's free part:
    s_m = zeta_m^T w ~ N(varpi_m m_E / tau^2, q_E - m_E^2 / tau^2). As the binary does (since the
    commit 'compare: the L2 rows are the beta = 0 fit on the user's sketch'), `gen_g` is the mean of
    that law, gen_h1 = gen_f + gen_g, train_g is NaN; its varpi law is A0 + A2 |varpi|^2 with
    A0 = k [kappa_1^2 v + (E sigma'^2 - kappa_1^2) q_w], A2 = E phi'^2 - 2 mu_1 kappa_1 m_E/tau^2 + kappa_1^2 m_E^2/tau^4."""
    P0 = dataclasses.replace(P, k=0, varpi=[], beta=1.0)
    r = solve(P0)
    tau2 = r["tau2"]
    sg, ph = constants(P.sigma), constants(P.teacher)
    mE, qE, qw = r["order"]["m_E"], r["order"]["q_E"], r["order"]["q_w"]
    b2 = sg["k1"] ** 2
    v = max(0.0, qE - mE * mE / tau2)
    mean, var, smeans = 0.0, 0.0, []
    for vp in P.varpi:
        mu = vp * mE / tau2
        a = -2.0 * vp * ph["k1"] * sg["k1"]
        cc = vp * vp * ph["Edf2"] + (sg["Edf2"] - sg["k1"] ** 2) * qw
        mean += cc + a * mu + b2 * (mu * mu + v)
        var += (a + 2 * b2 * mu) ** 2 * v + 2 * b2 * b2 * v * v
        smeans.append(mu)
    A0 = P.k * (b2 * v + (sg["Edf2"] - sg["k1"] ** 2) * qw)
    A2 = ph["Edf2"] - 2 * ph["k1"] * sg["k1"] * mE / tau2 + b2 * mE * mE / tau2 ** 2
    err = dict(r["errors"])
    err.update(train_g=float("nan"), gen_g=mean, gen_h1=err["gen_f"] + mean)
    r["errors"] = err
    law = dict(r["law"])
    law["gen_g"] = _law(A0, A2, P.k, tau2)
    law["gen_h1"] = _law(law["gen_f"]["A0"] + A0, A2, P.k, tau2)
    law["train_g"] = _law(float("nan"), float("nan"), P.k, tau2)
    r["law"] = law
    r["gen_g_law"] = dict(mean=mean, std=math.sqrt(var), s_mean=smeans, s_variance=v,
                          mean_over_varpi=P.k * r["errors"]["gen_grad"])
    return r


# ----------------------------------------------------------------------------------------------
# Cross-check 1: level 2 by finite differences of a full-matrix inner solve (no block reduction,
# no implicit differentiation); per-row weight matrices C_s = s C + t Y  [S.3], [S.5], [S.6]
# ----------------------------------------------------------------------------------------------
class FullInner:
    """Delta = (1/gamma) E_zeta[q e e^T], q = 1/(lam + e^T (M + B) e), B = E_s[(C_s^-1 + Delta)^-1]
    with C_s = s C + Y (full K x K symmetric), zeta by polar quadrature (k = 2) or graded
    Gauss-Legendre (k = 1)."""

    def __init__(self, model: Model, r0, nodes=64):
        self.m = model
        k = model.k
        self.K = k + 1
        if k == 0:
            self.E, self.wq = np.ones((1, 1)), np.ones(1)
        else:
            r, w = _radial_rule(k, r0)
            if k == 1:
                z = np.concatenate([-r[::-1], r])
                wz = np.concatenate([w[::-1], w]) / 2.0
                self.E, self.wq = np.stack([np.ones_like(z), z], 1), wz
            elif k == 2:
                ph = 2 * np.pi * np.arange(nodes) / nodes
                Z1 = (r[:, None] * np.cos(ph)[None, :]).ravel()
                Z2 = (r[:, None] * np.sin(ph)[None, :]).ravel()
                W = (w[:, None] * np.full(nodes, 1.0 / nodes)[None, :]).ravel()
                self.E, self.wq = np.stack([np.ones_like(Z1), Z1, Z2], 1), W
            else:
                raise ValueError("fd_check: k <= 2")

    def Bmat(self, D, C, Y):
        mu = self.m.spec.mu
        K = self.K
        B = np.zeros((K, K))
        for s, w in zip(mu.s, mu.w):
            Cs = s * C + Y
            B += w * Cs @ np.linalg.inv(np.eye(K) + D @ Cs)
        return B

    def Gam(self, D, C, Y, meas, power):
        K = self.K
        G = np.zeros((K, K))
        for s, w in zip(meas.s, meas.w):
            Cs = s * C + Y
            G += w * s ** power * D @ np.linalg.inv(np.eye(K) + Cs @ D)
        return G

    def imap(self, D, C, M, Y, ridge):
        A = M + self.Bmat(D, C, Y)
        q = 1.0 / (ridge + np.einsum("ja,ab,jb->j", self.E, A, self.E))
        return np.einsum("j,ja,jb->ab", self.wq * q, self.E, self.E) / self.m.P.gamma

    def solve(self, C, M, Y, ridge, D0):
        K = self.K
        iu = np.triu_indices(K)

        def unpack(v):
            X = np.zeros((K, K))
            X[iu] = v
            return X + X.T - np.diag(np.diag(X))

        res = lambda v: (unpack(v) - self.imap(unpack(v), C, M, Y, ridge))[iu]
        sol = optimize.root(res, D0[iu], method="hybr", options=dict(xtol=1e-15))
        D = unpack(sol.x)
        if np.max(np.abs(res(sol.x))) > 1e-12 * np.max(np.abs(D)):
            raise RuntimeError("full inner solve did not converge")
        return D


def fd_check(P: Params, h=1e-5, verbose=True):
    """Compares the analytic level-2 responses (Gamma^X, Gamma_t^X, V^X for the K^2 blocks and the
    P_Sigma, I, P perturbations) and Gamma, Gamma_t, Gamma_tE with central finite differences of the
    full-matrix inner solve. Returns the largest relative difference."""
    M = Model(P)
    V = M.level1()
    M.prepare_level2(V)
    K = M.K
    ridge = 1.0 if M.rescaled else P.lam
    C, Mm = M.K1 @ M.R @ M.K1, M.R * M.Ks
    Bb = M.B_blocks(np.array([M.Delta[0, 0], M.Delta[-1, -1]]), np.array([C[0, 0], C[-1, -1]]))
    h1 = Mm[-1, -1] + Bb[1]
    fi = FullInner(M, math.sqrt((ridge + Mm[0, 0] + Bb[0]) / h1) if (K > 1 and h1 > 0) else 1.0)
    Z = np.zeros((K, K))
    D = fi.solve(C, Mm, Z, ridge, M.Delta)
    mu, mt = M.spec.mu, M.spec.mu_t
    worst = 0.0
    lines = []

    def cmp(name, a, b):
        nonlocal worst
        scale = max(np.max(np.abs(b)), 1e-300)
        d = np.max(np.abs(a - b)) / scale
        worst = max(worst, d)
        lines.append(f"  {name:<28} rel. diff {d:.1e}  (scale {scale:.3e})")

    cmp("Delta (full vs block)", D, M.Delta)
    cmp("Gamma", fi.Gam(D, C, Z, mu, 1), M.Gamma)
    cmp("Gamma_t", fi.Gam(D, C, Z, mt, 1), M.Gamma_t)
    cmp("Gamma_tE", fi.Gam(D, C, Z, mt, 0), M.Gamma_tE)
    step = h * max(np.max(np.abs(C)), np.max(np.abs(Mm)))
    ga = P.gamma / P.alpha

    def fd(XC, XM, Y):
        out = []
        for sgn in (1, -1):
            Dp = fi.solve(C + sgn * step * XC, Mm + sgn * step * XM, sgn * step * Y, ridge, D)
            Cp = C + sgn * step * XC
            out.append((Dp, fi.Gam(Dp, Cp, sgn * step * Y, mu, 1), fi.Gam(Dp, Cp, sgn * step * Y, mt, 1)))
        DX = (out[0][0] - out[1][0]) / (2 * step)
        GX = (out[0][1] - out[1][1]) / (2 * step)
        GtX = (out[0][2] - out[1][2]) / (2 * step)
        return GX, GtX, ga * (M.K1 @ GX @ M.K1 + M.Ks * DX)

    for (a, b), (GX, GtX, VX) in M.resp.items():
        if a > b:
            continue
        E = np.zeros((K, K))
        E[a, b] += 0.5
        E[b, a] += 0.5
        XC, XM = M.K1[a, a] * M.K1[b, b] * E, M.Ks[a, b] * E
        if np.max(np.abs(XC)) + np.max(np.abs(XM)) == 0:
            continue
        f = fd(XC, XM, Z)
        cmp(f"Gamma^X  block ({a},{b})", GX, f[0])
        cmp(f"Gamma_t^X block ({a},{b})", GtX, f[1])
        cmp(f"V^X      block ({a},{b})", VX, f[2])
    E00 = np.zeros((K, K))
    E00[0, 0] = 1
    for name, resp, args in (("P_Sigma", M.resp_P, (E00, Z, Z)), ("I", M.resp_I, (Z, E00, Z)),
                             ("P (row weights)", M.resp_E, (Z, Z, E00))):
        f = fd(*args)
        cmp(f"Gamma^X  {name}", resp[0], f[0])
        cmp(f"Gamma_t^X {name}", resp[1], f[1])
        cmp(f"V^X      {name}", resp[2], f[2])
    if verbose:
        print(f"fd_check {P.spectrum} b={P.b} k={P.k} sigma={P.sigma}:")
        print("\n".join(lines))
    return worst


# ----------------------------------------------------------------------------------------------
# Cross-check 2: the traces on one sampled matrix [S.3]-[S.6]
# ----------------------------------------------------------------------------------------------
def sampled_spectrum(name, d):
    """The finite-d spectrum of the simulation (docs: MODEL.md "Structured inputs"), mean 1."""
    kind, _, arg = name.partition(":")
    if kind == "isotropic":
        s = np.ones(d)
    elif kind == "powerlaw":
        a = float(arg)
        s = ((np.arange(1, d + 1) - 0.5) / d) ** (-a)
    elif kind == "twolevel":
        f, r = (float(v) for v in arg.split(","))
        s = np.ones(d)
        s[: int(math.ceil(f * d))] = r
    elif kind == "discrete":
        v = np.array([float(x) for x in arg.split(",")])
        s = np.resize(v, d)  # the listed values, repeated cyclically
    elif kind == "file":
        v = np.loadtxt(arg, ndmin=1).astype(float)
        s = np.resize(v, d)
    else:
        raise ValueError(name)
    return s / s.mean()


def trace_check(P: Params, p=1500, seed=1, n_teacher=40):
    """At the level-1 solution (C, M), the traces on one sampled matrix
    G = (lam + D_M + sum_ab C_ab D_a P_Sigma D_b)^-1 of size p: Delta_ab = (1/d) tr(G D_a D_b),
    Gamma_ab = (1/d) tr(G D_a P_Sigma D_b), u^T D_a G D_b u (-> Gamma_t), u_E^T G D_a u (-> Gamma_tE),
    and the quadratic forms u^T D_a G P G D_b u (-> -Gamma_t^Y), u^T D_a G P_Sigma G D_b u.
    The sampled spectrum is the finite-d one; the theory is evaluated at its empirical law."""
    rng = np.random.default_rng(seed)
    d = int(round(P.gamma * p))
    s = sampled_spectrum(P.spectrum, d)
    spec = Spectrum.from_atoms(s, P.b)
    M = Model(dataclasses.replace(P, spec=spec))
    V = M.level1()
    M.prepare_level2(V)
    K, k = M.K, M.k
    Th = rng.standard_normal((d, p))
    zeta = rng.standard_normal((p, k))
    PS = (Th.T * s) @ Th / d
    Pe = Th.T @ Th / d
    Dg = [np.ones(p)] + [zeta[:, m] for m in range(k)]
    C, Mm = M.K1 @ M.R @ M.K1, M.R * M.Ks
    ridge = 1.0 if M.rescaled else P.lam
    A = np.diag(ridge + sum(Mm[a, b] * Dg[a] * Dg[b] for a in range(K) for b in range(K)))
    for a in range(K):
        for b in range(K):
            if C[a, b] != 0:
                A += C[a, b] * (Dg[a][:, None] * PS * Dg[b][None, :])
    G = np.linalg.inv(A)
    Delta = np.array([[np.sum(np.diag(G) * Dg[a] * Dg[b]) / d for b in range(K)] for a in range(K)])
    Gam = np.array([[np.sum(G * (Dg[a][:, None] * PS * Dg[b][None, :]).T) / d for b in range(K)] for a in range(K)])
    # the teacher quadratic forms, averaged over n_teacher draws of theta0 (g ~ N(0, I_d))
    Gt, GtE, uPu, uPSu = 0.0, 0.0, 0.0, 0.0
    for _ in range(n_teacher):
        g0 = rng.standard_normal(d) * np.sqrt(s ** P.b)
        th0 = g0 / math.sqrt(np.sum(s * g0 * g0))
        u = Th.T @ (s * th0) / math.sqrt(d)
        uE = Th.T @ th0 / math.sqrt(d)
        Du = [Dg[a] * u for a in range(K)]
        Gt = Gt + np.array([[Du[a] @ G @ Du[b] for b in range(K)] for a in range(K)]) / n_teacher
        GtE = GtE + np.array([uE @ G @ Du[a] for a in range(K)]) / n_teacher
        GDu0 = G @ Du[0]
        uPu += GDu0 @ Pe @ GDu0 / n_teacher
        uPSu += GDu0 @ PS @ GDu0 / n_teacher
    print(f"trace_check {P.spectrum} b={P.b} k={k} p={p} d={d}, {n_teacher} teachers (theory at the sampled spectrum's law):")
    print(f"  Delta diag  sampled {np.diag(Delta)}  theory {np.diag(M.Delta)}")
    print(f"  Gamma diag  sampled {np.diag(Gam)}  theory {np.diag(M.Gamma)}")
    print(f"  u^T D G D u diag sampled {np.diag(Gt)}  theory Gamma_t {np.diag(M.Gamma_t)}")
    print(f"  u_E^T G u   sampled {GtE[0]:.6f}  theory Gamma_tE_00 {M.Gamma_tE[0, 0]:.6f}")
    print(f"  u^T G P G u sampled {uPu:.6f}  theory -Gamma_t^Y_00 {-M.resp_E[1][0, 0]:.6f}")
    print(f"  u^T G P_S G u sampled {uPSu:.6f}  theory -Gamma_t^X_00 {-M.resp_P[1][0, 0]:.6f}")
    print(f"  (isotropic-formula values: Gamma_t would be {np.diag(M.Gamma)})")


# ----------------------------------------------------------------------------------------------
# Checks and the command line
# ----------------------------------------------------------------------------------------------
def selfcheck():
    """Quadratures: radial rule vs scipy quad; powerlaw moments vs closed forms."""
    worst = 0.0
    for k in (1, 2, 3):
        for s0 in (1e-8, 1e-4, 1e-2, 1.0, 50.0):
            for h in (1.0,):
                q1, q2 = radial_moments(s0, h, k)
                dens = lambda r: math.exp(_chi_log_density(r, k)) if r > 0 else (math.sqrt(2 / math.pi) if k == 1 else 0.0)
                r0 = math.sqrt(s0 / h)
                cuts = sorted({0.0, RMAX, *[c for c in (r0 * 10.0 ** e for e in range(-2, 12)) if c < RMAX]})
                for j, m, v in ((0, 1, q1[0]), (1, 1, q1[1]), (0, 2, q2[0]), (1, 2, q2[1]), (2, 2, q2[2])):
                    f = lambda r: r ** (2 * j) / (s0 + h * r * r) ** m * dens(r)
                    ref = sum(integrate.quad(f, lo, hi, epsabs=0, epsrel=1e-13, limit=200)[0]
                              for lo, hi in zip(cuts[:-1], cuts[1:]))
                    worst = max(worst, abs(v / ref - 1))
    print(f"radial rule vs quad (k=1,2,3, s/h in [1e-8, 50], 5 moments): largest rel. diff {worst:.1e}")
    for a in (0.3, 0.6):
        for b in (-1.0, 0.0) + ((1.0,) if a * 2 < 1 else ()):
            sp = Spectrum(f"powerlaw:{a}", b)
            e1 = abs(sp.mu.E(sp.mu.s) - 1)
            m2 = sp.mu.E(sp.mu.s ** 0.5)
            ex = (1 - a) ** 0.5 / (1 - 0.5 * a)
            et = sp.mu_t.E(sp.mu_t.s ** -1.0)  # E_t[s^-1] = E[s^b]/E[s^(b+1)] = tau^2
            print(f"powerlaw:{a} b={b}: |E s - 1| = {e1:.1e}, E s^0.5 rel. err {abs(m2 / ex - 1):.1e}, "
                  f"E_t[1/s] vs tau^2 rel. err {abs(et / sp.tau2 - 1):.1e}")


ISO_POINTS = [  # (sigma, teacher, p/n, gamma, lambda, k, varpi, beta, Df, Dg, rho)
    ("tanh", "tanh", 2.0, 0.8, 1e-2, 1, [0.7], 1.0, 0.0, 0.0, 0.0),
    ("relu", "tanh", 1.5, 0.5, 1e-2, 0, [], 1.0, 0.1, 0.0, 0.0),
    ("tanh", "tanh", 0.7, 1.6, 1e-3, 0, [], 1.0, 0.0, 0.0, 0.0),
    ("tanh", "relu", 3.0, 0.8, 1e-2, 1, [1.5], 0.7, 0.1, 0.2, 0.5),
    ("erf", "tanh", 1.0, 1.2, 1e-1, 2, [0.6, -1.1], 1.0, 0.0, 0.05, 0.3),
    ("relu", "relu", 2.5, 0.8, 1e-3, 2, [1.0, 0.5], 1.0, 0.1, 0.1, 0.0),
    ("softplus", "erf", 0.5, 1.0, 1e-2, 1, [-0.4], 2.0, 0.0, 0.1, 0.0),
    ("relu", "tanh", 3.0, 0.8, 0.0, 1, [0.8], 1.0, 0.1, 0.1, 0.0),   # lambda = 0, above the threshold
    ("relu", "tanh", 1.2, 0.8, 0.0, 1, [0.8], 1.0, 0.1, 0.1, 0.0),   # lambda = 0, below
    ("tanh", "tanh", 2.0, 0.8, 1e-2, 2, [0.7, 0.2], 0.0, 0.0, 0.0, 0.0),  # beta = 0: gen_g = its mean [S.9]
    ("relu", "relu", 1.5, 0.8, 1e-2, 1, [1.2], 0.0, 0.1, 0.1, 0.0),
]

STRUCT_POINTS = [  # (sigma, teacher, p/n, gamma, lambda, k, varpi, spectrum, b)
    ("relu", "tanh", 2.0, 0.8, 1e-2, 1, [0.7], "powerlaw:0.3", 1.0),
    ("tanh", "tanh", 0.5, 0.8, 1e-2, 0, [], "powerlaw:0.6", 0.0),
    ("relu", "relu", 3.0, 0.8, 1e-2, 1, [1.0], "twolevel:0.05,20", 0.0),
    ("relu", "tanh", 2.0, 0.8, 1e-2, 2, [0.5, -0.8], "twolevel:0.05,20", 1.0),
    ("erf", "tanh", 1.0, 1.5, 1e-2, 1, [0.5], "discrete:0.2,1,3", -1.0),
]


def run_binary(exe, P, extra=()):
    flags = ["--sigma", P.sigma, "--teacher", P.teacher, "--p-over-n", repr(P.p_over_n), "--gamma",
             repr(P.gamma), "--lambda", repr(P.lam), "--k", str(P.k), "--beta", repr(P.beta), "--delta-f",
             repr(P.delta_f), "--delta-g", repr(P.delta_g), "--rho", repr(P.rho)]
    if P.k:
        flags += ["--varpi", ",".join(repr(v) for v in P.varpi)]
    r = subprocess.run([exe, "theory", *flags, *extra, "--format", "json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stdout + r.stderr)
    return json.loads(r.stdout), " ".join(flags)


def compare_binary(exe, tol):
    worst = 0.0
    print("Isotropic points: this reference vs `sobolev-rf theory` (relative differences)")
    for pt in ISO_POINTS:
        P = Params(*pt)
        mine = solve(P)
        j, flags = run_binary(exe, P)
        jl, _ = run_binary(exe, P, ("--varpi-average",))
        print("point: " + flags)
        ref = {**{q: j[q] for q in ERRORS}, **j["order_parameters"]}
        ours = {**mine["errors"], **mine["order"]}
        ours.pop("m_E"), ours.pop("q_E")  # isotropic: equal to m, q_s (checked below)
        for name in ref:
            if name not in ours:
                continue
            rv, v = ref[name], ours[name]
            if rv is None:  # train_g at beta = 0: no number in either
                assert math.isnan(v)
                print(f"  {name:<15} {'nan':>18}   sobolev-rf {'null':>18}")
                continue
            rel = abs(v - rv) / abs(rv) if abs(rv) > 1e-12 else abs(v - rv)
            worst = max(worst, rel)
            print(f"  {name:<15} {v:18.11g}   sobolev-rf {rv:18.11g}   rel. diff {rel:.1e}")
        for a, b in (("m", "m_E"), ("q_s", "q_E")):
            rel = abs(mine["order"][a] - mine["order"][b]) / max(abs(mine["order"][a]), 1e-300)
            worst = max(worst, rel)
            print(f"  {b:<15} equals {a} at isotropic: rel. diff {rel:.1e}")
        if P.k:
            for q in ERRORS:
                for key in ("A0", "A2", "mean", "std"):
                    rv, v = jl[q][key], mine["law"][q][key]
                    if rv is None:
                        continue
                    rel = abs(v - rv) / abs(rv) if abs(rv) > 1e-12 else abs(v - rv)
                    worst = max(worst, rel)
            print(f"  varpi law (A0, A2, mean, std of all errors) checked")
    print(f"largest relative difference: {worst:.1e} (tolerance {tol:g})")
    return worst


def structured_table():
    print("\nStructured points (limit law):")
    hdr = ["point", "tau2"] + list(ERRORS) + ["m", "m_E", "q_s", "q_E", "q_w"]
    print(" | ".join(hdr))
    for (sig, tea, pn, gam, lam, k, vp, spc, b) in STRUCT_POINTS:
        P = Params(sig, tea, pn, gam, lam, k, vp, spectrum=spc, b=b)
        r = solve(P)
        cells = [f"{sig}/{tea} p/n={pn} g={gam} lam={lam} k={k} vp={vp} {spc} b={b}", f"{r['tau2']:.4f}"]
        cells += [f"{r['errors'][q]:.6g}" for q in ERRORS]
        cells += [f"{r['order'][q]:.6g}" for q in ("m", "m_E", "q_s", "q_E", "q_w")]
        print(" | ".join(cells))


def threshold_table():
    """[S.10]: the ridgeless limit on both sides of p/n = k + 1 for structured spectra."""
    print("\nRidgeless (lambda = 0) gen_f near p/n = k + 1 (relu/tanh, gamma = 0.8, Df = Dg = 0.1, varpi = 0.5 each):")
    for spc, b in (("twolevel:0.05,20", 1.0), ("powerlaw:0.6", 0.0), ("discrete:0,2", 0.0), ("isotropic", 0.0)):
        for k in (0, 1, 2):
            row = []
            for eps in (-0.1, -0.01, -0.001, 0.001, 0.01, 0.1):
                pn = (k + 1) * (1 + eps)
                P = Params("relu", "tanh", pn, 0.8, 0.0, k, [0.5] * k, 1.0, 0.1, 0.1, 0.0, spectrum=spc, b=b)
                try:
                    g = solve(P)["errors"]["gen_f"]
                    row.append(f"{g * abs(pn - (k + 1)):.4f}")
                except RuntimeError as e:
                    row.append("fail")
            print(f"  {spc} b={b} k={k}: gen_f*|p/n-(k+1)| at p/n=(k+1)(1+eps), eps=-0.1..0.1: " + ", ".join(row))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", help="sobolev-rf binary: compare at isotropic points")
    ap.add_argument("--tol", type=float, default=1e-8)
    ap.add_argument("--selfcheck", action="store_true", help="quadrature checks")
    ap.add_argument("--fd-check", action="store_true", help="level 2 vs finite differences of a full-matrix solve")
    ap.add_argument("--trace-check", action="store_true", help="traces on one sampled matrix")
    ap.add_argument("--threshold", action="store_true", help="ridgeless errors near p/n = k + 1")
    a = ap.parse_args()
    if a.selfcheck:
        selfcheck()
        return 0
    if a.fd_check:
        worst = 0.0
        for (sig, tea, pn, gam, lam, k, vp, spc, b) in STRUCT_POINTS:
            worst = max(worst, fd_check(Params(sig, tea, pn, gam, lam, k, vp, spectrum=spc, b=b)))
        print(f"largest relative difference: {worst:.1e}")
        return 0
    if a.trace_check:
        for (sig, tea, pn, gam, lam, k, vp, spc, b) in STRUCT_POINTS:
            trace_check(Params(sig, tea, pn, gam, lam, k, vp, spectrum=spc, b=b))
        return 0
    if a.threshold:
        threshold_table()
        return 0
    rc = 0
    if a.exe:
        worst = compare_binary(a.exe, a.tol)
        rc = 0 if worst <= a.tol else 1
    structured_table()
    return rc


if __name__ == "__main__":
    sys.exit(main())
