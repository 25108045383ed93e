"""Engineering test functions with analytic gradients, for benchmarking regression on function
values and gradients ("Sobolev training").

The first four are the classical simulator surrogates as catalogued in the Virtual Library of
Simulation Experiments (test functions and datasets) by Sonja Surjanovic and Derek Bingham, Simon
Fraser University, written here from their published formulas; the gradients are derived by hand
(chain rule) and checked against central finite differences in tests/python/test_bench_functions.py.
The fifth is a single-index ("ridge") function in d = 100 designed for this benchmark.

Every function is a `BenchFunction` with

    f(X)        values, X of shape (n, d) in the ORIGINAL units, returns shape (n,)
    grad_f(X)   gradient with respect to the original-unit inputs, shape (n, d)
    lower, upper  arrays of shape (d,): the input box
    sample(n, rng)  n points uniform on the box (rng: a numpy Generator or a seed)
    input_names   names of the inputs, in column order

and `REGISTRY` maps a name to its object. A 1-D X of shape (d,) is taken as one point.

Gradients are in original units, so they are badly scaled across coordinates (for the borehole
function dF/dr ~ 1e-4 while dF/drw ~ 1e3); a learner that maps inputs to the unit cube with
u = (x - lower) / (upper - lower) must multiply the gradient by (upper - lower) (`to_unit`,
`grad_to_unit` do this).

Functions (column order as listed):

borehole (d = 8): water flow rate through a borehole, m^3/yr.
    f = 2 pi T_u (H_u - H_l) / ( ln(r/r_w) [1 + 2 L T_u / (ln(r/r_w) r_w^2 K_w) + T_u/T_l] )
    r_w in [0.05, 0.15] m (borehole radius), r in [100, 50000] m (radius of influence),
    T_u in [63070, 115600] m^2/yr (transmissivity, upper aquifer), H_u in [990, 1110] m (potentiometric
    head, upper aquifer), T_l in [63.1, 116] m^2/yr (transmissivity, lower aquifer),
    H_l in [700, 820] m (head, lower aquifer), L in [1120, 1680] m (borehole length),
    K_w in [9855, 12045] m/yr (hydraulic conductivity of the borehole).

otl_circuit (d = 6): midpoint voltage of an output transformerless push-pull circuit, volts.
    V_b1 = 12 R_b2 / (R_b1 + R_b2),  B = beta (R_c2 + 9)
    V_m = (V_b1 + 0.74) B / (B + R_f) + 11.35 R_f / (B + R_f) + 0.74 R_f B / ((B + R_f) R_c1)
    R_b1 in [50, 150], R_b2 in [25, 70], R_f in [0.5, 3], R_c1 in [1.2, 2.5], R_c2 in [0.25, 1.2]
    (resistances, kOhm), beta in [50, 300] (current gain, amperes/amperes).

piston (d = 7): cycle time of a piston in a cylinder, seconds.
    A = P_0 S + 19.62 M - k V_0 / S
    V = S / (2k) ( sqrt(A^2 + 4 k (P_0 V_0 / T_0) T_a) - A )
    C = 2 pi sqrt( M / (k + S^2 (P_0 V_0 / T_0) (T_a / V^2)) )
    M in [30, 60] kg (piston weight), S in [0.005, 0.020] m^2 (piston surface area),
    V_0 in [0.002, 0.010] m^3 (initial gas volume), k in [1000, 5000] N/m (spring coefficient),
    P_0 in [90000, 110000] N/m^2 (atmospheric pressure), T_a in [290, 296] K (ambient temperature),
    T_0 in [340, 360] K (filling gas temperature).
    V (the gas volume at equilibrium) is the positive root of k V^2/S^2 + A V/S - P_0 V_0 T_a/T_0 = 0;
    C depends on the inputs both directly and through A and V, and the gradient carries all paths.

wing_weight (d = 10): weight of a light aircraft wing, lb.
    f = 0.036 S_w^0.758 W_fw^0.0035 (A / cos^2 Lambda)^0.6 q^0.006 lambda^0.04
        (100 t_c / cos Lambda)^(-0.3) (N_z W_dg)^0.49 + S_w W_p
    S_w in [150, 200] ft^2 (wing area), W_fw in [220, 300] lb (fuel weight in the wing),
    A in [6, 10] (aspect ratio), Lambda in [-10, 10] DEGREES (quarter-chord sweep),
    q in [16, 45] lb/ft^2 (dynamic pressure at cruise), lambda in [0.5, 1] (taper ratio),
    t_c in [0.08, 0.18] (aerofoil thickness to chord ratio), N_z in [2.5, 6] (ultimate load factor),
    W_dg in [1700, 2500] lb (flight design gross weight), W_p in [0.025, 0.08] lb/ft^2 (paint weight).
    The sweep is an input in degrees, so its gradient is per degree: the derivative in radians times
    pi/180 (the first term is proportional to cos(Lambda)^(-0.9), whose derivative per radian is
    0.9 tan(Lambda) times the term).

single_index_100 (d = 100): see `SingleIndex`.

friedman1 (d = 10), rosenbrock (d = 6), two_index_50 (d = 50): see `Friedman1`, `Rosenbrock`,
`TwoIndex` (the last with a non-axis-aligned two-dimensional active subspace).
    x ~ U[-1, 1]^100, t = w . x with w = sqrt(3) theta / |theta|, theta_i = sin(i + 1) (i = 0..99),
    f = tanh(2 t), grad f = 2 (1 - tanh(2t)^2) w.
"""
import math

import numpy as np

__all__ = ["BenchFunction", "Borehole", "OTLCircuit", "Piston", "WingWeight", "SingleIndex", "Friedman1", "Rosenbrock",
           "TwoIndex", "REGISTRY",
           "get"]


class BenchFunction:
    """Base class: a scalar function on a box in R^d with an analytic gradient.

    Subclasses define `name`, `input_names`, `lower`, `upper` and `_f(X)`, `_grad(X)` on a
    validated float array of shape (n, d)."""

    name = None
    input_names = ()
    lower = None
    upper = None
    units = ""

    @property
    def d(self):
        return len(self.lower)

    def _check(self, X):
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.d:
            raise ValueError(f"{self.name}: X must have shape (n, {self.d}), got {X.shape}")
        return X

    def f(self, X):
        """Values at the rows of X (original units), shape (n,)."""
        return self._f(self._check(X))

    def grad_f(self, X):
        """Gradient with respect to the original-unit inputs at the rows of X, shape (n, d)."""
        return self._grad(self._check(X))

    __call__ = f

    def value_and_grad(self, X):
        X = self._check(X)
        return self._f(X), self._grad(X)

    def sample(self, n, rng=None):
        """n points uniform on the box [lower, upper], shape (n, d). rng: a numpy Generator or a seed
        (deterministic given the seed)."""
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        return self.lower + (self.upper - self.lower) * rng.random((int(n), self.d))

    @property
    def midpoint(self):
        return 0.5 * (self.lower + self.upper)

    def to_unit(self, X):
        """Maps original-unit inputs to [0, 1]^d."""
        return (self._check(X) - self.lower) / (self.upper - self.lower)

    def from_unit(self, U):
        return self.lower + np.asarray(U, dtype=float) * (self.upper - self.lower)

    def grad_to_unit(self, G):
        """Original-unit gradient -> gradient with respect to the unit-cube inputs (chain rule)."""
        return np.asarray(G, dtype=float) * (self.upper - self.lower)

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r} d={self.d}>"


class Borehole(BenchFunction):
    """Borehole function (d = 8), water flow rate in m^3/yr.

        f = 2 pi T_u (H_u - H_l) / ( ln(r/r_w) [1 + 2 L T_u / (ln(r/r_w) r_w^2 K_w) + T_u/T_l] )

    Inputs (r_w, r, T_u, H_u, T_l, H_l, L, K_w) on
    [0.05,0.15] x [100,50000] x [63070,115600] x [990,1110] x [63.1,116] x [700,820] x [1120,1680]
    x [9855,12045]. Writing lg = ln(r/r_w), the denominator is
        D = lg (1 + T_u/T_l) + 2 L T_u / (r_w^2 K_w),  numerator N = 2 pi T_u (H_u - H_l),
    and grad f = grad N / D - N grad D / D^2."""

    name = "borehole"
    units = "m^3/yr"
    input_names = ("r_w", "r", "T_u", "H_u", "T_l", "H_l", "L", "K_w")
    lower = np.array([0.05, 100.0, 63070.0, 990.0, 63.1, 700.0, 1120.0, 9855.0])
    upper = np.array([0.15, 50000.0, 115600.0, 1110.0, 116.0, 820.0, 1680.0, 12045.0])

    @staticmethod
    def _parts(X):
        rw, r, Tu, Hu, Tl, Hl, L, Kw = X.T
        lg = np.log(r / rw)
        N = 2.0 * np.pi * Tu * (Hu - Hl)
        D = lg * (1.0 + Tu / Tl) + 2.0 * L * Tu / (rw ** 2 * Kw)
        return rw, r, Tu, Hu, Tl, Hl, L, Kw, lg, N, D

    def _f(self, X):
        *_, N, D = self._parts(X)
        return N / D

    def _grad(self, X):
        rw, r, Tu, Hu, Tl, Hl, L, Kw, lg, N, D = self._parts(X)
        c = 1.0 + Tu / Tl
        q = 2.0 * L * Tu / (rw ** 2 * Kw)           # the L-term of D
        dN = np.zeros_like(X)
        dD = np.zeros_like(X)
        dD[:, 0] = -c / rw - 2.0 * q / rw            # d/dr_w: lg' = -1/r_w; q ~ r_w^-2
        dD[:, 1] = c / r                             # d/dr
        dN[:, 2] = 2.0 * np.pi * (Hu - Hl)           # d/dT_u
        dD[:, 2] = lg / Tl + q / Tu
        dN[:, 3] = 2.0 * np.pi * Tu                  # d/dH_u
        dD[:, 4] = -lg * Tu / Tl ** 2                # d/dT_l
        dN[:, 5] = -2.0 * np.pi * Tu                 # d/dH_l
        dD[:, 6] = q / L                             # d/dL
        dD[:, 7] = -q / Kw                           # d/dK_w
        return dN / D[:, None] - (N / D ** 2)[:, None] * dD


class OTLCircuit(BenchFunction):
    """OTL circuit function (d = 6), midpoint voltage in volts.

        V_b1 = 12 R_b2 / (R_b1 + R_b2),  B = beta (R_c2 + 9),  E = B + R_f
        V_m = (V_b1 + 0.74) B / E + 11.35 R_f / E + 0.74 R_f B / (E R_c1)

    Inputs (R_b1, R_b2, R_f, R_c1, R_c2, beta) on
    [50,150] x [25,70] x [0.5,3] x [1.2,2.5] x [0.25,1.2] x [50,300].
    With V_m = P / E, P = (V_b1 + 0.74) B + 11.35 R_f + 0.74 R_f B / R_c1:
    dV_m/dR_f = (11.35 + 0.74 B/R_c1 - V_m) / E, dV_m/dB = (V_b1 + 0.74 + 0.74 R_f/R_c1 - V_m) / E,
    dB/dR_c2 = beta, dB/dbeta = R_c2 + 9."""

    name = "otl_circuit"
    units = "V"
    input_names = ("R_b1", "R_b2", "R_f", "R_c1", "R_c2", "beta")
    lower = np.array([50.0, 25.0, 0.5, 1.2, 0.25, 50.0])
    upper = np.array([150.0, 70.0, 3.0, 2.5, 1.2, 300.0])

    def _f(self, X):
        Rb1, Rb2, Rf, Rc1, Rc2, beta = X.T
        Vb1 = 12.0 * Rb2 / (Rb1 + Rb2)
        B = beta * (Rc2 + 9.0)
        E = B + Rf
        return (Vb1 + 0.74) * B / E + 11.35 * Rf / E + 0.74 * Rf * B / (E * Rc1)

    def _grad(self, X):
        Rb1, Rb2, Rf, Rc1, Rc2, beta = X.T
        s = Rb1 + Rb2
        Vb1 = 12.0 * Rb2 / s
        B = beta * (Rc2 + 9.0)
        E = B + Rf
        Vm = self._f(X)
        dVm_dB = (Vb1 + 0.74 + 0.74 * Rf / Rc1 - Vm) / E
        G = np.empty_like(X)
        G[:, 0] = (B / E) * (-12.0 * Rb2 / s ** 2)
        G[:, 1] = (B / E) * (12.0 * Rb1 / s ** 2)
        G[:, 2] = (11.35 + 0.74 * B / Rc1 - Vm) / E
        G[:, 3] = -0.74 * Rf * B / (E * Rc1 ** 2)
        G[:, 4] = dVm_dB * beta
        G[:, 5] = dVm_dB * (Rc2 + 9.0)
        return G


class Piston(BenchFunction):
    """Piston simulation function (d = 7), cycle time in seconds.

        A = P_0 S + 19.62 M - k V_0 / S
        V = S / (2k) ( sqrt(A^2 + 4 k (P_0 V_0 / T_0) T_a) - A )
        C = 2 pi sqrt( M / (k + S^2 (P_0 V_0 / T_0) (T_a / V^2)) )

    Inputs (M, S, V_0, k, P_0, T_a, T_0) on
    [30,60] x [0.005,0.020] x [0.002,0.010] x [1000,5000] x [90000,110000] x [290,296] x [340,360].

    Gradient: with G = P_0 V_0 T_a / T_0, R = sqrt(A^2 + 4 k G), W = k + S^2 G / V^2, C = 2 pi sqrt(M/W):
        dC = C (dM / (2M) - dW / (2W)),
        dW = dk + (2 S G / V^2) dS + (S^2 / V^2) dG - (2 S^2 G / V^3) dV,
        dV = (R - A)/(2k) dS - S (R - A)/(2 k^2) dk + S/(2k) (dR - dA),
        dR = (A dA + 2 G dk + 2 k dG) / R,
        dA = S dP_0 + (P_0 + k V_0 / S^2) dS + 19.62 dM - (V_0 / S) dk - (k / S) dV_0,
        dG = G (dP_0/P_0 + dV_0/V_0 + dT_a/T_a - dT_0/T_0)."""

    name = "piston"
    units = "s"
    input_names = ("M", "S", "V_0", "k", "P_0", "T_a", "T_0")
    lower = np.array([30.0, 0.005, 0.002, 1000.0, 90000.0, 290.0, 340.0])
    upper = np.array([60.0, 0.020, 0.010, 5000.0, 110000.0, 296.0, 360.0])

    @staticmethod
    def _parts(X):
        M, S, V0, k, P0, Ta, T0 = X.T
        A = P0 * S + 19.62 * M - k * V0 / S
        G = P0 * V0 * Ta / T0
        R = np.sqrt(A ** 2 + 4.0 * k * G)
        V = S / (2.0 * k) * (R - A)
        W = k + S ** 2 * G / V ** 2
        C = 2.0 * np.pi * np.sqrt(M / W)
        return M, S, V0, k, P0, Ta, T0, A, G, R, V, W, C

    def gas_volume(self, X):
        """V, the gas volume at equilibrium (the intermediate quantity), shape (n,)."""
        return self._parts(self._check(X))[10]

    def _f(self, X):
        return self._parts(X)[-1]

    def _grad(self, X):
        M, S, V0, k, P0, Ta, T0, A, G, R, V, W, C = self._parts(X)
        n = X.shape[0]
        iM, iS, iV0, ik, iP0, iTa, iT0 = range(7)
        # Partial derivatives of the intermediates with respect to each input (columns).
        dA = np.zeros((n, 7))
        dA[:, iP0] = S
        dA[:, iS] = P0 + k * V0 / S ** 2
        dA[:, iM] = 19.62
        dA[:, ik] = -V0 / S
        dA[:, iV0] = -k / S
        dG = np.zeros((n, 7))
        dG[:, iP0] = G / P0
        dG[:, iV0] = G / V0
        dG[:, iTa] = G / Ta
        dG[:, iT0] = -G / T0
        dk = np.zeros((n, 7))
        dk[:, ik] = 1.0
        dS = np.zeros((n, 7))
        dS[:, iS] = 1.0
        dM = np.zeros((n, 7))
        dM[:, iM] = 1.0
        c = lambda v: v[:, None]  # noqa: E731  (column broadcast)
        dR = (c(A) * dA + 2.0 * c(G) * dk + 2.0 * c(k) * dG) / c(R)
        dV = c((R - A) / (2.0 * k)) * dS - c(S * (R - A) / (2.0 * k ** 2)) * dk + c(S / (2.0 * k)) * (dR - dA)
        dW = dk + c(2.0 * S * G / V ** 2) * dS + c(S ** 2 / V ** 2) * dG - c(2.0 * S ** 2 * G / V ** 3) * dV
        return c(C) * (dM / c(2.0 * M) - dW / c(2.0 * W))


class WingWeight(BenchFunction):
    """Wing weight function (d = 10), weight in lb.

        f = 0.036 S_w^0.758 W_fw^0.0035 (A / cos^2 Lambda)^0.6 q^0.006 lambda^0.04
            (100 t_c / cos Lambda)^(-0.3) (N_z W_dg)^0.49 + S_w W_p

    Inputs (S_w, W_fw, A, Lambda [degrees], q, lambda, t_c, N_z, W_dg, W_p) on
    [150,200] x [220,300] x [6,10] x [-10,10] x [16,45] x [0.5,1] x [0.08,0.18] x [2.5,6]
    x [1700,2500] x [0.025,0.08].
    The power-law term T has d ln T / d ln x_j = its exponent for every input but Lambda; in Lambda,
    T ~ cos(Lambda)^(-1.2 + 0.3) = cos^(-0.9), so dT/dLambda = 0.9 tan(Lambda) T per radian, times
    pi/180 per degree; the paint term adds W_p to d/dS_w and S_w to d/dW_p."""

    name = "wing_weight"
    units = "lb"
    input_names = ("S_w", "W_fw", "A", "Lambda_deg", "q", "lambda", "t_c", "N_z", "W_dg", "W_p")
    lower = np.array([150.0, 220.0, 6.0, -10.0, 16.0, 0.5, 0.08, 2.5, 1700.0, 0.025])
    upper = np.array([200.0, 300.0, 10.0, 10.0, 45.0, 1.0, 0.18, 6.0, 2500.0, 0.08])

    @staticmethod
    def _term(X):
        Sw, Wfw, A, Ldeg, q, lam, tc, Nz, Wdg, Wp = X.T
        cL = np.cos(np.deg2rad(Ldeg))
        return (0.036 * Sw ** 0.758 * Wfw ** 0.0035 * (A / cL ** 2) ** 0.6 * q ** 0.006 * lam ** 0.04
                * (100.0 * tc / cL) ** (-0.3) * (Nz * Wdg) ** 0.49)

    def _f(self, X):
        return self._term(X) + X[:, 0] * X[:, 9]

    def _grad(self, X):
        T = self._term(X)
        expo = np.array([0.758, 0.0035, 0.6, 0.0, 0.006, 0.04, -0.3, 0.49, 0.49, 0.0])
        Xd = X.copy()
        Xd[:, 3] = 1.0                       # the sweep column is not a power law (set below)
        G = T[:, None] * expo / Xd
        G[:, 3] = T * 0.9 * np.tan(np.deg2rad(X[:, 3])) * (np.pi / 180.0)
        G[:, 9] = X[:, 0]
        G[:, 0] += X[:, 9]
        return G


class SingleIndex(BenchFunction):
    """Single-index (ridge) function in d dimensions (default d = 100), on x ~ U[-1, 1]^d:

        t = w . x,  w = sqrt(3) theta / |theta|,  theta_i = sin(i + 1) for i = 0..d-1,
        f(x) = tanh(2 t),  grad f(x) = 2 (1 - tanh(2 t)^2) w.

    Why this choice:
    * the input law U[-1, 1]^d is a box, like the other functions, so `sample` is uniform on it;
    * Var(x_i) = 1/3, so with |w| = sqrt(3) the index t has mean 0 and variance exactly 1 and, by the
      central limit theorem over 100 dense coordinates, is close to N(0, 1): the data sit where the
      link bends (neither the near-linear regime of a small index nor the saturated plateaus of a
      large one). sd(f) is about 0.8;
    * tanh(2 t) has slope 2 at 0 and saturates for |t| > ~1.5 (about 13% of the points): a smooth,
      sigmoid ridge, infinitely differentiable, with non-trivial curvature;
    * the function has effective dimension 1 in d = 100: every gradient points along w, so gradient
      data reveal the relevant direction that values alone must estimate from many samples, the
      regime where training on gradients should help most. An exact gradient-enhanced GP with a
      joint-system cap of 10^4 can use at most n = 99 points here (n (d + 1) <= 10^4);
    * theta_i = sin(i + 1) is a fixed, dense, mixed-sign direction defined in closed form (no random
      number generator, hence the same in every numpy version), not aligned with any axis."""

    units = "1"

    def __init__(self, d=100, scale=2.0):
        self.name = f"single_index_{d}"
        self.input_names = tuple(f"x{i + 1}" for i in range(d))
        self.lower = -np.ones(d)
        self.upper = np.ones(d)
        self.scale = float(scale)
        theta = np.sin(np.arange(1, d + 1, dtype=float))
        self.w = math.sqrt(3.0) * theta / np.linalg.norm(theta)

    def index(self, X):
        return self._check(X) @ self.w

    def _f(self, X):
        return np.tanh(self.scale * (X @ self.w))

    def _grad(self, X):
        th = np.tanh(self.scale * (X @ self.w))
        return (self.scale * (1.0 - th ** 2))[:, None] * self.w[None, :]


class Friedman1(BenchFunction):
    """Friedman #1 (d = 10; Friedman 1991, noise-free) on [0, 1]^10:

        f = 10 sin(pi x1 x2) + 20 (x3 - 1/2)^2 + 10 x4 + 5 x5,

    inputs x6..x10 are inert: gradient data show it at once (their derivatives are exactly 0)."""

    name = "friedman1"
    units = "1"

    def __init__(self):
        self.input_names = tuple(f"x{i + 1}" for i in range(10))
        self.lower, self.upper = np.zeros(10), np.ones(10)

    def _f(self, X):
        return (10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2 + 10 * X[:, 3]
                + 5 * X[:, 4])

    def _grad(self, X):
        G = np.zeros_like(X)
        c = 10 * np.pi * np.cos(np.pi * X[:, 0] * X[:, 1])
        G[:, 0], G[:, 1] = c * X[:, 1], c * X[:, 0]
        G[:, 2] = 40 * (X[:, 2] - 0.5)
        G[:, 3], G[:, 4] = 10.0, 5.0
        return G


class Rosenbrock(BenchFunction):
    """Rosenbrock function (d = 6) on [-2.048, 2.048]^6:

        f = sum_{i=1}^{d-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2,

    a quartic polynomial with a curved valley; values span five orders of magnitude on the box."""

    name = "rosenbrock"
    units = "1"

    def __init__(self, d=6):
        self.input_names = tuple(f"x{i + 1}" for i in range(d))
        self.lower, self.upper = np.full(d, -2.048), np.full(d, 2.048)

    def _f(self, X):
        x, xn = X[:, :-1], X[:, 1:]
        return np.sum(100 * (xn - x ** 2) ** 2 + (1 - x) ** 2, axis=1)

    def _grad(self, X):
        x, xn = X[:, :-1], X[:, 1:]
        G = np.zeros_like(X)
        G[:, :-1] += -400 * x * (xn - x ** 2) - 2 * (1 - x)
        G[:, 1:] += 200 * (xn - x ** 2)
        return G


class TwoIndex(BenchFunction):
    """A two-index function in d dimensions (default d = 50) on U[-1, 1]^d whose active subspace is
    not aligned with any axis:

        t1 = w1 . x,  t2 = w2 . x,  f = sin(2 t1 + t2) + t2^2 / 2,
        grad f = 2 cos(2 t1 + t2) w1 + (cos(2 t1 + t2) + t2) w2,

    w1, w2 orthogonal with |w| = sqrt(3) (so t1, t2 have variance 1), from theta1_i = sin(i + 1) and
    theta2_i = cos(2 (i + 1)) by Gram-Schmidt: dense, mixed-sign, in closed form."""

    units = "1"

    def __init__(self, d=50):
        self.name = f"two_index_{d}"
        self.input_names = tuple(f"x{i + 1}" for i in range(d))
        self.lower, self.upper = -np.ones(d), np.ones(d)
        i = np.arange(1, d + 1, dtype=float)
        a, b = np.sin(i), np.cos(2 * i)
        a = a / np.linalg.norm(a)
        b = b - (b @ a) * a
        b = b / np.linalg.norm(b)
        self.w1, self.w2 = math.sqrt(3.0) * a, math.sqrt(3.0) * b

    def _f(self, X):
        t1, t2 = X @ self.w1, X @ self.w2
        return np.sin(2 * t1 + t2) + 0.5 * t2 ** 2

    def _grad(self, X):
        t1, t2 = X @ self.w1, X @ self.w2
        c = np.cos(2 * t1 + t2)
        return (2 * c)[:, None] * self.w1[None, :] + (c + t2)[:, None] * self.w2[None, :]


REGISTRY = {fn.name: fn for fn in (Borehole(), OTLCircuit(), Piston(), WingWeight(), SingleIndex(100), Friedman1(),
                                   Rosenbrock(), TwoIndex(50))}


def get(name):
    """The registered function `name` (KeyError listing the names otherwise)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown test function {name!r}; known: {sorted(REGISTRY)}") from None
