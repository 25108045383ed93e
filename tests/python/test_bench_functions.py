"""The benchmark's engineering test functions (bench/estimator/test_functions.py) and its exact
gradient-enhanced GP (bench/estimator/gradient_gp.py): analytic gradients against central finite
differences, reference values, the joint kernel's derivative blocks, interpolation of values and
gradients, the gain over the same GP without gradients, and the size cap.

bench/ is not a package: the modules are imported by path. Run with /usr/bin/python3 -m pytest."""
import math
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "estimator"))
import gradient_gp as ggp  # noqa: E402
import test_functions as bf  # noqa: E402

NAMES = sorted(bf.REGISTRY)


# ----------------------------------------------------------------------------- test functions
def central_difference_gradient(fn, X):
    """Richardson-extrapolated central differences, (4 D(h/2) - D(h)) / 3 with
    D(h) = (f(x + h e_j) - f(x - h e_j)) / 2h and h_j = 1e-3 max(|x_j|, range_j / 100): truncation
    error O(h^4), so the comparison is limited by rounding only."""
    G = np.empty_like(X)
    for j in range(fn.d):
        h = 1e-3 * np.maximum(np.abs(X[:, j]), 0.01 * (fn.upper[j] - fn.lower[j]))

        def D(step):
            Xp, Xm = X.copy(), X.copy()
            Xp[:, j] += step
            Xm[:, j] -= step
            return (fn.f(Xp) - fn.f(Xm)) / (2.0 * step)

        G[:, j] = (4.0 * D(h / 2.0) - D(h)) / 3.0
    return G


@pytest.mark.parametrize("name", NAMES)
def test_analytic_gradient_equals_central_differences(name):
    fn = bf.REGISTRY[name]
    X = fn.sample(25, np.random.default_rng(12345))
    G = fn.grad_f(X)
    fd = central_difference_gradient(fn, X)
    assert G.shape == X.shape and np.all(np.isfinite(G))
    # 1e-6 relative per component; the absolute floor (a change of 1e-10 of max|f| across the
    # input's range) only matters for components that are zero or nearly so.
    floor = 1e-10 * np.max(np.abs(fn.f(X))) / (fn.upper - fn.lower)
    err = np.abs(fd - G)
    bad = err > 1e-6 * np.abs(G) + floor
    assert not bad.any(), (name, np.argwhere(bad)[:5], (err / np.abs(G))[bad][:5])


@pytest.mark.parametrize("name", NAMES)
def test_shapes_sampler_and_box(name):
    fn = bf.REGISTRY[name]
    assert fn.lower.shape == fn.upper.shape == (fn.d,) and np.all(fn.lower < fn.upper)
    assert len(fn.input_names) == fn.d
    X = fn.sample(200, 7)
    assert X.shape == (200, fn.d)
    assert np.all(X >= fn.lower) and np.all(X <= fn.upper)
    assert np.array_equal(X, fn.sample(200, np.random.default_rng(7)))   # deterministic given the seed
    y, G = fn.f(X), fn.grad_f(X)
    assert y.shape == (200,) and G.shape == (200, fn.d) and np.all(np.isfinite(y))
    assert fn.f(X[0]).shape == (1,)                                   # one point as a 1-D array
    corners = np.vstack([fn.lower, fn.upper])
    assert np.all(np.isfinite(fn.f(corners))) and np.all(np.isfinite(fn.grad_f(corners)))
    assert np.allclose(fn.from_unit(fn.to_unit(X)), X)
    with pytest.raises(ValueError):
        fn.f(np.zeros((3, fn.d + 1)))


def test_dimensions():
    assert {name: fn.d for name, fn in bf.REGISTRY.items()} == {
        "borehole": 8, "otl_circuit": 6, "piston": 7, "wing_weight": 10, "single_index_100": 100, "friedman1": 10,
        "rosenbrock": 6, "two_index_50": 50}


# Scalar transcriptions of the published formulas, written independently of the vectorised code
# (plain math, inputs by name), for the internal-consistency check at reference points.
def borehole_scalar(rw, r, Tu, Hu, Tl, Hl, L, Kw):
    lg = math.log(r / rw)
    return 2 * math.pi * Tu * (Hu - Hl) / (lg * (1 + 2 * L * Tu / (lg * rw ** 2 * Kw) + Tu / Tl))


def otl_scalar(Rb1, Rb2, Rf, Rc1, Rc2, beta):
    Vb1 = 12 * Rb2 / (Rb1 + Rb2)
    den = beta * (Rc2 + 9) + Rf
    return ((Vb1 + 0.74) * beta * (Rc2 + 9) / den + 11.35 * Rf / den
            + 0.74 * Rf * beta * (Rc2 + 9) / (den * Rc1))


def piston_scalar(M, S, V0, k, P0, Ta, T0):
    A = P0 * S + 19.62 * M - k * V0 / S
    V = S / (2 * k) * (math.sqrt(A ** 2 + 4 * k * P0 * V0 / T0 * Ta) - A)
    return 2 * math.pi * math.sqrt(M / (k + S ** 2 * P0 * V0 / T0 * Ta / V ** 2))


def wing_scalar(Sw, Wfw, A, Ldeg, q, lam, tc, Nz, Wdg, Wp):
    c = math.cos(math.radians(Ldeg))
    return (0.036 * Sw ** 0.758 * Wfw ** 0.0035 * (A / c ** 2) ** 0.6 * q ** 0.006 * lam ** 0.04
            * (100 * tc / c) ** -0.3 * (Nz * Wdg) ** 0.49 + Sw * Wp)


SCALAR = {"borehole": borehole_scalar, "otl_circuit": otl_scalar, "piston": piston_scalar,
          "wing_weight": wing_scalar}

# Values at the midpoint of the input box, computed with this implementation (and the scalar
# transcription above). They are regression pins, NOT published numbers: no published value at these
# points is asserted, as none is known here with certainty.
MIDPOINT_VALUES = {"borehole": 70.87291264, "otl_circuit": 5.31061694, "piston": 0.46439702,
                   "wing_weight": 267.62469257}


@pytest.mark.parametrize("name", sorted(SCALAR))
def test_values_at_reference_points(name):
    fn = bf.REGISTRY[name]
    rng = np.random.default_rng(3)
    points = np.vstack([fn.midpoint, fn.lower, fn.upper, fn.sample(5, rng)])
    scalar = np.array([SCALAR[name](*p) for p in points])
    assert np.allclose(fn.f(points), scalar, rtol=1e-13, atol=0)
    assert fn.f(fn.midpoint)[0] == pytest.approx(MIDPOINT_VALUES[name], rel=1e-8)


def test_physical_signs_and_ranges():
    # Borehole: flow rises with the borehole radius, upper head, conductivity and both transmissivities,
    # falls with the lower head, the borehole length and the radius of influence (everywhere on the box,
    # from f = 2 pi (H_u - H_l) / (ln(r/r_w) (1/T_u + 1/T_l) + 2 L / (r_w^2 K_w))).
    fn = bf.REGISTRY["borehole"]
    G = fn.grad_f(fn.sample(500, 1))
    names = fn.input_names
    for pos in ("r_w", "H_u", "K_w", "T_l", "T_u"):
        assert np.all(G[:, names.index(pos)] > 0), pos
    for neg in ("H_l", "L", "r"):
        assert np.all(G[:, names.index(neg)] < 0), neg
    # Wing weight: heavier with area, aspect ratio, load factor, gross weight, paint; lighter with t_c;
    # symmetric in the sweep angle (cos), with zero derivative at Lambda = 0.
    fn = bf.REGISTRY["wing_weight"]
    X = fn.sample(500, 2)
    G = fn.grad_f(X)
    names = fn.input_names
    for pos in ("S_w", "A", "N_z", "W_dg", "W_p", "W_fw", "q", "lambda"):
        assert np.all(G[:, names.index(pos)] > 0), pos
    assert np.all(G[:, names.index("t_c")] < 0)
    Xm = X.copy()
    Xm[:, 3] *= -1
    assert np.allclose(fn.f(Xm), fn.f(X), rtol=1e-14)
    assert fn.grad_f(fn.midpoint)[0, 3] == 0.0
    # Piston: the gas volume V solves k V^2/S^2 + A V/S - P0 V0 Ta / T0 = 0 and lies in (0, V0 ...).
    fn = bf.REGISTRY["piston"]
    X = fn.sample(500, 3)
    M, S, V0, k, P0, Ta, T0 = X.T
    A = P0 * S + 19.62 * M - k * V0 / S
    V = fn.gas_volume(X)
    G0 = P0 * V0 * Ta / T0
    assert np.all(V > 0)
    assert np.allclose(k * V ** 2 / S ** 2 + A * V / S, G0, rtol=1e-10)
    C = fn.f(X)
    assert np.all((C > 0.1) & (C < 1.5))       # a cycle time of a fraction of a second
    # OTL: the midpoint voltage stays inside the supply range (a few volts).
    y = bf.REGISTRY["otl_circuit"].f(bf.REGISTRY["otl_circuit"].sample(500, 4))
    assert np.all((y > 0) & (y < 12))


def test_single_index_design():
    fn = bf.REGISTRY["single_index_100"]
    assert fn.d == 100 and np.all(fn.lower == -1) and np.all(fn.upper == 1)
    assert fn.w @ fn.w == pytest.approx(3.0, rel=1e-14)     # Var(w.x) = |w|^2 / 3 = 1 under U[-1,1]^d
    X = fn.sample(4000, 5)
    t = fn.index(X)
    assert abs(t.mean()) < 0.1 and abs(t.var() - 1.0) < 0.1
    G = fn.grad_f(X)
    # every gradient is parallel to w, with magnitude 2 (1 - tanh(2t)^2) |w|
    assert np.allclose(G, np.outer(2.0 * (1.0 - np.tanh(2.0 * t) ** 2), fn.w))
    assert np.all(np.abs(fn.f(X)) < 1)


# ----------------------------------------------------------------------------- gradient-enhanced GP
def _scalar_k(z1, z2, s2, ell):
    return ggp.joint_rbf_kernel(z1[None, :], z2[None, :], s2, ell, False, False)[0, 0]


def test_joint_kernel_blocks_equal_finite_differences_of_the_kernel():
    rng = np.random.default_rng(0)
    n1, n2, d = 3, 4, 3
    Z1, Z2 = rng.normal(size=(n1, d)), rng.normal(size=(n2, d))
    s2, ell = 1.7, np.array([0.7, 1.3, 2.0])
    K = ggp.joint_rbf_kernel(Z1, Z2, s2, ell)
    assert K.shape == (n1 * (d + 1), n2 * (d + 1))
    h = 1e-4
    E = np.eye(d) * h
    for a in range(n1):
        for b in range(n2):
            z, zp = Z1[a], Z2[b]
            assert K[a, b] == pytest.approx(_scalar_k(z, zp, s2, ell), rel=1e-14)
            for j in range(d):
                # dk/dz'_j: block (0, j)
                fd = (_scalar_k(z, zp + E[j], s2, ell) - _scalar_k(z, zp - E[j], s2, ell)) / (2 * h)
                assert K[a, (j + 1) * n2 + b] == pytest.approx(fd, abs=1e-8)
                # dk/dz_j: block (j, 0)
                fd = (_scalar_k(z + E[j], zp, s2, ell) - _scalar_k(z - E[j], zp, s2, ell)) / (2 * h)
                assert K[(j + 1) * n1 + a, b] == pytest.approx(fd, abs=1e-8)
            for i in range(d):
                for j in range(d):
                    # d2k/dz_i dz'_j: block (i, j), mixed central difference
                    fd = (_scalar_k(z + E[i], zp + E[j], s2, ell) - _scalar_k(z + E[i], zp - E[j], s2, ell)
                          - _scalar_k(z - E[i], zp + E[j], s2, ell)
                          + _scalar_k(z - E[i], zp - E[j], s2, ell)) / (4 * h * h)
                    assert K[(i + 1) * n1 + a, (j + 1) * n2 + b] == pytest.approx(fd, abs=1e-6)
    # On one set of points the joint matrix is symmetric positive definite.
    Kzz = ggp.joint_rbf_kernel(Z1, Z1, s2, ell)
    assert np.allclose(Kzz, Kzz.T, rtol=0, atol=1e-15)
    np.linalg.cholesky(Kzz + 1e-10 * np.eye(len(Kzz)))


@pytest.mark.parametrize("with_gradients", [True, False])
def test_log_marginal_likelihood_gradient_equals_finite_differences(with_gradients):
    rng = np.random.default_rng(1)
    n, d = 7, 3
    X, y, G = rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=(n, d))
    gp = ggp.GradientEnhancedGP(optimize=False).fit(X, y, G if with_gradients else None)
    theta = np.array([0.3, 0.1, -0.2, 0.5, math.log(1e-2)])
    lml, grad = gp.log_marginal_likelihood(theta, eval_gradient=True)
    h = 1e-6
    fd = np.array([(gp.log_marginal_likelihood(theta + e) - gp.log_marginal_likelihood(theta - e)) / (2 * h)
                   for e in h * np.eye(len(theta))])
    assert np.allclose(grad, fd, rtol=1e-6, atol=1e-6 * abs(lml)), (grad, fd)


def test_values_only_likelihood_equals_scikit_learn():
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, (12, 2))
    y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
    gp = ggp.GradientEnhancedGP(optimize=False).fit(X, y)
    theta = np.array([0.4, -0.3, 0.2, math.log(1e-3)])
    Z = (X - gp.x_mean_) / gp.x_scale_
    ys = (y - gp.y_mean_) / gp.y_scale_
    kernel = ConstantKernel(1.0) * RBF([1.0, 1.0]) + WhiteKernel(1e-3)
    sk = GaussianProcessRegressor(kernel, alpha=0.0, optimizer=None).fit(Z, ys)
    # scikit-learn's theta is (log s2, log l_1, log l_2, log noise), the same parametrisation
    assert gp.log_marginal_likelihood(theta) == pytest.approx(sk.log_marginal_likelihood(theta), rel=1e-10)


def _smooth2d(X):
    x, y = X[:, 0], X[:, 1]
    f = np.sin(2 * x) * np.cos(1.5 * y) + 0.5 * x ** 2
    g = np.column_stack([2 * np.cos(2 * x) * np.cos(1.5 * y) + x, -1.5 * np.sin(2 * x) * np.sin(1.5 * y)])
    return f, g


def test_gek_interpolates_values_and_gradients_and_beats_values_only():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (10, 2))
    y, G = _smooth2d(X)
    Xt = rng.uniform(-1, 1, (500, 2))
    yt, Gt = _smooth2d(Xt)
    kw = dict(random_state=0, noise_bounds=(1e-10, 1e-6))
    gek = ggp.GradientEnhancedGP(**kw).fit(X, y, G)
    assert gek.with_gradients_ and np.isfinite(gek.log_marginal_likelihood_)
    # interpolation at the training points (nugget <= 1e-6 of the standardised variance)
    assert np.max(np.abs(gek.predict(X) - y)) < 1e-4 * np.std(y)
    assert np.max(np.abs(gek.predict_gradient(X) - G)) < 1e-3 * np.std(G)
    mean, std = gek.predict(X, return_std=True)
    assert np.all(std < 1e-2 * np.std(y))
    # the same GP (kernel, mean, standardisation, optimiser) on the values alone
    vals = ggp.GradientEnhancedGP(**kw).fit(X, y)
    rmse = lambda p, t: float(np.sqrt(np.mean((p - t) ** 2)))  # noqa: E731
    e_gek, e_vals = rmse(gek.predict(Xt), yt), rmse(vals.predict(Xt), yt)
    assert e_gek < 0.2 * e_vals, (e_gek, e_vals)
    assert rmse(gek.predict_gradient(Xt), Gt) < 0.2 * rmse(vals.predict_gradient(Xt), Gt)
    # and the values-only fit agrees with scikit-learn's optimised GP on the same data
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel
    sk = GaussianProcessRegressor(ConstantKernel() * RBF([1.0, 1.0]), normalize_y=True, n_restarts_optimizer=2,
                                  random_state=0).fit(X, y)
    assert abs(e_vals - rmse(sk.predict(Xt), yt)) < 0.05 * e_vals


def test_gek_original_units_and_determinism():
    # Inputs on very different scales (as in the engineering functions): the chain rule inside.
    fn = bf.REGISTRY["otl_circuit"]
    X = fn.sample(12, 0)
    y, G = fn.f(X), fn.grad_f(X)
    a = ggp.GradientEnhancedGP(random_state=5, n_restarts=1).fit(X, y, G)
    b = ggp.GradientEnhancedGP(random_state=5, n_restarts=1).fit(X, y, G)
    assert np.array_equal(a.theta_, b.theta_)
    Xt = fn.sample(50, 1)
    assert np.array_equal(a.predict(Xt), b.predict(Xt))
    assert np.allclose(a.predict(X), y, rtol=1e-4)
    assert np.allclose(a.predict_gradient(X), G, rtol=1e-2, atol=1e-3 * np.abs(G).max(axis=0))
    assert a.length_scales_.shape == (6,) and a.n_lml_evals_ > 0 and a.fit_seconds_ > 0


def test_cap_raises_value_error_before_any_work():
    d = 8
    n = ggp.DEFAULT_MAX_JOINT_SIZE // (d + 1) + 1          # 1112 points: n (d+1) = 10008 > 10^4
    X, y, G = np.zeros((n, d)), np.zeros(n), np.zeros((n, d))
    with pytest.raises(ValueError, match="capped") as info:
        ggp.GradientEnhancedGP().fit(X, y, G)
    assert isinstance(info.value, ggp.GEKCapExceeded) and "10008" in str(info.value)
    # at the cap it fits, one above it refuses (n = 20, d = 2: N = 60)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (20, 2))
    y, G = _smooth2d(X)
    ggp.GradientEnhancedGP(max_joint_size=60, optimize=False).fit(X, y, G)
    with pytest.raises(ggp.GEKCapExceeded):
        ggp.GradientEnhancedGP(max_joint_size=59).fit(X, y, G)
    # single index in d = 100: at most 99 points under the default cap
    fn = bf.REGISTRY["single_index_100"]
    X = fn.sample(100, 0)
    with pytest.raises(ValueError, match="capped"):
        ggp.GradientEnhancedGP().fit(X, fn.f(X), fn.grad_f(X))


def test_bad_input_is_refused():
    gp = ggp.GradientEnhancedGP(optimize=False)
    X = np.random.default_rng(0).normal(size=(5, 2))
    y = X[:, 0].copy()
    y[2] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        gp.fit(X, y, np.zeros((5, 2)))
    with pytest.raises(ValueError, match="shape"):
        gp.fit(X, X[:, 0], np.zeros((5, 3)))
