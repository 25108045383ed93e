"""sobolev_rf.theory and sobolev_rf.Model: a scalar call is the CLI's `theory --format json`, key for
key and number for number (to_dict(); JSON round-trips doubles exactly); arrays broadcast to a
DataFrame whose rows are the scalar calls; bad keywords raise TypeError, bad values ValueError
naming the Python keyword (the CLI's message with its flags spelt as keywords)."""
import importlib.util
import json
import math
import pickle

import numpy as np
import pandas as pd
import pytest

import sobolev_rf as srf
from conftest import cli_error, cli_json, python_message, run_cli, same


def test_theory_default_point_equals_cli_json():
    r = srf.theory()
    assert isinstance(r, srf.TheoryResult)
    same(r.to_dict(), cli_json("theory", "--format", "json"))


def test_theory_sobolev_point_equals_cli_json():
    py = srf.theory(sigma="relu", teacher="erf", p_over_n=2, gamma=0.5, lam=1e-2, k=1, varpi=[0.7], beta=0.5,
                    delta_f=0.1, delta_g=0.05, rho=-0.3)
    cli = cli_json("theory", "--sigma", "relu", "--teacher", "erf", "--p-over-n", "2", "--gamma", "0.5", "--lambda",
                   "1e-2", "--k", "1", "--varpi", "0.7", "--beta", "0.5", "--delta-f", "0.1", "--delta-g", "0.05",
                   "--rho=-0.3")
    assert py.converged is True and py["converged"] is True
    assert py.gen_f == cli["gen_f"] and py["gen_f"] == cli["gen_f"]
    same(py.to_dict(), cli)


def test_theory_informed_point_equals_cli_json():
    py = srf.theory(sigma="relu", teacher="tanh", p_over_n=0.5, lam=0.1, k=1, varpi=0.5, informed="estimated",
                    beta_inf=2, alpha_u=2, delta_u=0.3)
    cli = cli_json("theory", "--sigma", "relu", "--teacher", "tanh", "--p-over-n", "0.5", "--lambda", "0.1", "--k", "1",
                   "--varpi", "0.5", "--informed", "estimated", "--beta-inf", "2", "--alpha-u", "2", "--delta-u", "0.3")
    assert py["informed"] == "estimated" and py.gen_inf > 0
    same(py.to_dict(), cli)


def test_theory_informed_oracle_finite_d_equals_cli_json():
    py = srf.theory(p_over_n=3, lam=1e-3, informed="oracle", d=640)
    same(py.to_dict(), cli_json("theory", "--p-over-n", "3", "--lambda", "1e-3", "--informed", "oracle", "--d", "640"))
    assert py.variant == "finite-d"


def test_theory_informed_with_structured_inputs_equals_cli_json():
    # docs/theory/structured.md [S.13]: the oracle's t = |theta0| -> tau, so t2_inf = tau^2.
    py = srf.theory(p_over_n=1.5, lam=1e-2, informed="oracle", spectrum="twolevel:0.05,20", alignment=1)
    cli = cli_json("theory", "--p-over-n", "1.5", "--lambda", "1e-2", "--informed", "oracle", "--spectrum",
                   "twolevel:0.05,20", "--alignment", "1")
    same(py.to_dict(), cli)
    c = 1 / (0.05 * 20 + 0.95)  # the two levels are 20 c and c (mean 1)
    tau2 = (0.05 * 20 * c + 0.95 * c) / (0.05 * (20 * c) ** 2 + 0.95 * c ** 2)  # E[s] / E[s^2] at b = 1
    assert py.order_parameters["t2_inf"] == pytest.approx(tau2, rel=1e-12)



def test_theory_estimated_sigma_equals_cli_json_and_rejects_an_unbounded_spectrum():
    # docs/theory/structured.md [S.14]: gradient noise Delta_u Sigma; an unbounded spectrum has no outlier.
    py = srf.theory(p_over_n=0.7, lam=1e-2, informed="estimated_sigma", delta_u=0.01, spectrum="twolevel:0.05,20",
                    alignment=1)
    cli = cli_json("theory", "--p-over-n", "0.7", "--lambda", "1e-2", "--informed", "estimated_sigma", "--delta-u",
                   "0.01", "--spectrum", "twolevel:0.05,20", "--alignment", "1")
    same(py.to_dict(), cli)
    assert py.converged and 0 < py.order_parameters["t2_inf"] < srf.theory(
        p_over_n=0.7, lam=1e-2, informed="estimated", delta_u=0.01, spectrum="twolevel:0.05,20",
        alignment=1).order_parameters["t2_inf"]
    message = cli_error("theory", "--informed", "estimated_sigma", "--spectrum", "powerlaw:0.5")
    with pytest.raises(ValueError) as e:
        srf.theory(informed="estimated_sigma", spectrum="powerlaw:0.5")
    assert str(e.value) == python_message(message) and str(e.value).startswith("informed = estimated_sigma")

def test_theory_unit_sketch_at_finite_d_equals_cli_json():
    py = srf.theory(p_over_n=2, lam=1e-6, k=1, varpi=[1], sketch_scale="unit", d=640)
    same(py.to_dict(), cli_json("theory", "--p-over-n", "2", "--lambda", "1e-6", "--k", "1", "--varpi", "1",
                                "--sketch-scale", "unit", "--d", "640"))


def test_theory_sensitivities_equal_cli_json():
    py = srf.theory(p_over_n=2, k=1, varpi=[0.7], sensitivities=True)
    same(py.to_dict(), cli_json("theory", "--p-over-n", "2", "--k", "1", "--varpi", "0.7", "--sensitivities"))
    assert py.sensitivities["computed"] and math.isfinite(py.sensitivities["d_lambda"]["gen_f"])


def test_theory_varpi_average_equals_cli_json():
    py = srf.theory(k=2, varpi=[1, -0.5], varpi_average=True)
    same(py.to_dict(), cli_json("theory", "--k", "2", "--varpi", "1,-0.5", "--varpi-average"))
    assert set(py["gen_f"]) == {"mean", "std", "q05", "q50", "q95", "A0", "A2"}
    assert py.varpi_law["gen_f"]["mean"] == py["gen_f"]["mean"]


def test_theory_solver_options_are_keywords():
    py = srf.theory(k=1, varpi=0.5, traces="sampled", trace_size=200, trace_seed=3, tolerance=1e-10)
    same(py.to_dict(), cli_json("theory", "--k", "1", "--varpi", "0.5", "--traces", "sampled", "--trace-size", "200",
                                "--trace-seed", "3", "--tolerance", "1e-10"))


def test_varpi_average_needs_no_varpi_as_in_the_cli():
    same(srf.theory(k=1, varpi_average=True).to_dict(), cli_json("theory", "--k", "1", "--varpi-average"))


@pytest.mark.parametrize("kwargs, flags", [
    (dict(lam=-1), ["--lambda", "-1"]),
    (dict(gamma=-1), ["--gamma=-1"]),
    (dict(k=1), ["--k", "1"]),  # varpi missing
    (dict(sigma="cosh"), ["--sigma", "cosh"]),
    (dict(max_iterations=0), ["--max-iterations", "0"]),
    (dict(informed="random"), ["--informed", "random"]),
    (dict(informed="oracle", beta_inf=-1), ["--informed", "oracle", "--beta-inf=-1"]),
    (dict(rho=0.9, k=2, varpi=[0, 0]), ["--rho", "0.9", "--k", "2", "--varpi", "0,0"]),
])
def test_bad_values_raise_the_cli_message_with_python_keywords(kwargs, flags):
    message = python_message(cli_error("theory", *flags))
    with pytest.raises(ValueError) as e:
        srf.theory(**kwargs)
    assert str(e.value) == message
    assert "--" not in str(e.value)


@pytest.mark.parametrize("kwargs, names", [
    (dict(k=1, varpi=[1, 2]), ["varpi", "k"]),
    (dict(traces="exact"), ["traces", "exact"]),
    (dict(alpha=0.5, p_over_n=3), ["alpha", "p_over_n"]),
    (dict(lam=[1e-3, -1.0]), ["lam", "(1)"]),  # the point of an array that is bad
])
def test_bad_values_name_the_python_keyword(kwargs, names):
    with pytest.raises(ValueError) as e:
        srf.theory(**kwargs)
    for name in names:
        assert name in str(e.value)
    assert "--" not in str(e.value) and "lambda" not in str(e.value)


def test_unknown_keyword_is_a_type_error_with_a_suggestion():
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'lamda' \(did you mean 'lam'\?\)"):
        srf.theory(lamda=1e-3)
    with pytest.raises(TypeError, match="'lambda'.*'lam'"):
        srf.theory(**{"lambda": 1e-3})


@pytest.mark.parametrize("kwargs", [dict(k=True), dict(k=1.5), dict(lam="1e-3"), dict(sigma=1), dict(varpi="0.7"),
                                    dict(varpi_average=1), dict(lam=[[1, "a"]]), dict(k=np.array([1.5]))])
def test_wrong_types_are_type_errors_naming_the_keyword(kwargs):
    (name,) = kwargs
    with pytest.raises(TypeError, match=name):
        srf.theory(**kwargs)


def test_point_that_does_not_converge_returns_nan_errors_not_an_exception():
    # One Newton iteration and no continuation cannot reach the 1e-12 stopping rule at a small lambda.
    args = dict(p_over_n=1.0, lam=1e-6, max_iterations=1, max_continuation_stages=0)
    py = srf.theory(**args)
    assert py.converged is False
    assert py.termination != "converged" and py.message
    assert all(math.isnan(getattr(py, name)) for name in ("train_f", "gen_f", "gen_h1", "gen_grad"))
    r = run_cli("theory", "--p-over-n", "1", "--lambda", "1e-6", "--max-iterations", "1",
                "--max-continuation-stages", "0", check=False)
    assert r.returncode == 3  # the CLI's status for a point that did not converge
    same(py.to_dict(), json.loads(r.stdout))


# ---- broadcasting --------------------------------------------------------------------------------


def test_array_keywords_broadcast_to_a_dataframe():
    df = srf.theory(p_over_n=[0.5, 1, 2], k=1, varpi=[0.7])
    assert isinstance(df, pd.DataFrame) and len(df) == 3
    assert df["p_over_n"].tolist() == [0.5, 1.0, 2.0] and df["varpi_1"].tolist() == [0.7] * 3
    for name in ("train_f", "gen_f", "gen_g", "gen_h1", "gen_grad", "varpi_1", "residual", "lam", "alpha"):
        assert df[name].dtype == np.float64, name
    assert df["converged"].dtype == bool and df["converged"].all()
    assert set(df["termination"]) == {"converged"}
    assert df.attrs["shape"] == (3,) and df.attrs["broadcast"] == ["p_over_n"] and df.attrs["version"] == srf.__version__
    assert df.attrs["function"] == "theory" and "tolerance" in df.attrs["solver"]


def test_a_grid_of_two_arrays_and_varpi_rows():
    lam = np.logspace(-3, -1, 3)[:, None]
    df = srf.theory(lam=lam, p_over_n=[0.5, 2], k=2, varpi=np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert len(df) == 6 and df.attrs["shape"] == (3, 2)
    assert df["varpi_1"].tolist() == [1.0, 0.0] * 3 and df["varpi_2"].tolist() == [0.0, 1.0] * 3
    assert df["lam"].tolist() == np.repeat(lam.ravel(), 2).tolist()


def test_points_of_shape_n_by_1_equal_scalar_calls_exactly():
    # A row of the shape's last axis warm-starts along itself; rows of length 1 are cold starts.
    p_over_n = np.array([[0.3], [1.0], [1.7], [4.0]])
    df = srf.theory(p_over_n=p_over_n, k=1, varpi=[0.7], lam=1e-2, threads=2)
    for i, x in enumerate(p_over_n.ravel()):
        r = srf.theory(p_over_n=float(x), k=1, varpi=[0.7], lam=1e-2)
        for name in ("train_f", "gen_f", "gen_h1", "gen_grad"):
            assert df[name][i] == getattr(r, name), (i, name)


def test_results_do_not_depend_on_threads():
    kw = dict(p_over_n=np.linspace(0.2, 4, 600), lam=1e-3, k=1, varpi=[1.0])
    a, b = srf.theory(threads=1, **kw), srf.theory(threads=2, **kw)
    pd.testing.assert_frame_equal(a, b)


def test_varpi_average_columns_and_sensitivities_in_a_frame():
    df = srf.theory(k=1, p_over_n=[1, 2], varpi_average=True, sensitivities=True)
    for name in ("gen_f_mean", "gen_f_q95", "gen_f_A2", "d_lambda_gen_f", "d_beta_gen_f"):
        assert name in df and df[name].dtype == np.float64
    r = srf.theory(k=1, p_over_n=2, varpi_average=True)
    assert df["gen_f_mean"][1] == pytest.approx(r["gen_f"]["mean"], rel=1e-9)


def test_a_row_that_does_not_converge_has_nan_errors():
    df = srf.theory(lam=[1e-1, 1e-6], p_over_n=1.0, max_iterations=1, max_continuation_stages=0)
    assert not df["converged"].all()
    bad = ~df["converged"]
    assert df.loc[bad, "gen_f"].isna().all() and (df.loc[bad, "termination"] != "converged").all()


def test_mismatched_shapes_are_a_value_error():
    with pytest.raises(ValueError, match="broadcast"):
        srf.theory(lam=[1e-3, 1e-2], p_over_n=[1, 2, 3])
    with pytest.raises(ValueError, match="threads"):
        srf.theory(lam=[1e-3, 1e-2], threads=[1, 2])


# ---- Model ---------------------------------------------------------------------------------------


def test_model_is_a_bound_struct():
    m = srf.Model(lam=1e-2, k=1, varpi=[0.5], p_over_n=4)
    assert m.lam == 0.01 and m.k == 1 and m.varpi == [0.5] and m.alpha == 0.25 and m.sigma == "tanh"
    assert repr(m) == "Model(alpha=0.25, lam=0.01, k=1, varpi=[0.5])"
    assert eval(repr(m), {"Model": srf.Model}) == m
    assert srf.Model(**m.to_dict()) == m
    assert pickle.loads(pickle.dumps(m)) == m
    m2 = m.replace(lam=1e-3)
    assert m2.lam == 1e-3 and m.lam == 1e-2 and m2 != m
    assert "lam" in str(__import__("inspect").signature(srf.Model))
    with pytest.raises(AttributeError):
        m.lam = 3


def test_model_keywords_are_checked():
    with pytest.raises(TypeError, match="lamda"):
        srf.Model(lamda=1)
    with pytest.raises(TypeError, match="k = True"):
        srf.Model(k=True)
    with pytest.raises(ValueError, match="^lam = -1"):
        srf.Model(lam=-1)
    with pytest.raises(TypeError):
        srf.Model(lam=np.array([1e-3, 1e-2]))  # arrays broadcast in the computing functions, not here
    with pytest.raises(ValueError, match="lam"):
        srf.Model(k=1, varpi=[1]).replace(lam=-1)


def test_theory_of_a_model_with_overrides():
    m = srf.Model(p_over_n=2, k=1, varpi=[0.7], lam=1e-2)
    same(srf.theory(m).to_dict(), srf.theory(**m.to_dict()).to_dict())
    same(srf.theory(m, lam=1e-3).to_dict(), srf.theory(p_over_n=2, k=1, varpi=[0.7], lam=1e-3).to_dict())
    df = srf.theory(m, gamma=[0.5, 1.0])
    assert df["lam"].tolist() == [1e-2, 1e-2]
    with pytest.raises(TypeError, match="model"):
        srf.theory({"lam": 1})
    assert srf.theory(m).model == m


def test_signatures_and_help_show_the_keywords():
    import inspect

    sig = inspect.signature(srf.theory)
    assert list(sig.parameters)[0] == "model"
    for name in ("lam", "p_over_n", "varpi", "sketch_scale", "d", "sensitivities", "threads", "tolerance",
                 "progress"):
        assert name in sig.parameters, name
    assert sig.parameters["lam"].default == 1e-3 and sig.parameters["gamma"].default == 0.8
    assert "lam" in srf.theory.__doc__ and "sketch_scale" in srf.theory.__doc__
    for f in (srf.curve, srf.optimize, srf.compare, srf.simulate, srf.validate):
        assert "lam" in inspect.signature(f).parameters, f.__name__
    assert "objective" in inspect.signature(srf.optimize).parameters
    assert "seeds" in inspect.signature(srf.simulate).parameters


def test_importing_the_package_does_not_import_sklearn():
    import subprocess
    import sys

    code = "import sys, sobolev_rf; print('sklearn' in sys.modules); print(sobolev_rf.__version__)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    loaded, version = r.stdout.split()
    assert loaded == "False" and version == srf.__version__


def test_progress_bar_only_when_asked_or_interactive(monkeypatch):
    from sobolev_rf import api

    assert api._progress(None) is None  # pytest's stderr is no terminal: quiet, as in a pipe
    assert api._progress(False) is None and api._progress(True) is api._bar
    made = []

    class Bar:
        def __init__(self, total, label):
            self.total, self.label, self.done, self.closed = total, label, 0, False
            made.append(self)

        def update(self, n):
            self.done += n

        def close(self):
            self.closed = True

    monkeypatch.setattr(api, "_bar", Bar)
    # A call of about 1.5 s (a bar comes after half a second), sized on this machine's speed.
    import time

    start = time.monotonic()
    srf.theory(lam=np.logspace(-6, -3, 2000), k=2, varpi=[0.5, 0.5], progress=False)
    points = int(2000 * min(max(1.5 / (time.monotonic() - start), 1.0), 200.0))
    assert not made
    srf.theory(lam=np.logspace(-6, -3, points), k=2, varpi=[0.5, 0.5], progress=True)
    assert len(made) == 1 and made[0].label == "theory" and made[0].total == points
    assert made[0].closed and made[0].done == points
    if importlib.util.find_spec("tqdm"):
        monkeypatch.undo()
        b = api._bar(10, "x")
        b.update(3)
        b.close()


# ---- structured inputs at a finite d (docs/theory/structured.md [S.15]) ----------------------------------------

NEAR = dict(spectrum="powerlaw:0.4", alignment=1, p_over_n=0.7, gamma=1, lam=1e-2, k=1, varpi=[0.8])  # a(b+1) = 0.8
FAR = dict(spectrum="powerlaw:0.3", alignment=0, p_over_n=0.7, gamma=1, lam=1e-2, k=1, varpi=[0.8])   # 0.3


def test_structured_finite_d_equals_cli_json():
    py = srf.theory(d=1000, **NEAR)
    cli = cli_json("theory", "--spectrum", "powerlaw:0.4", "--alignment", "1", "--p-over-n", "0.7", "--gamma", "1",
                   "--lambda", "1e-2", "--k", "1", "--varpi", "0.8", "--d", "1000")
    same(py.to_dict(), cli)
    assert py.variant == "finite-d" and py["finite_d"] == 1000
    assert py.teacher_average["method"] == "exact"
    assert py.finite_size["d"] == 1000 and py.finite_size_warning == ""


def test_structured_teacher_draws_keyword_averages_over_draws_with_standard_errors():
    py = srf.theory(d=200, teacher_draws=50, teacher_seed=3, **NEAR)
    exact = srf.theory(d=200, **NEAR)
    t = py.teacher_average
    assert t["method"] == "draws" and t["draws"] == 50 and t["seed"] == 3
    assert abs(py.gen_f - exact.gen_f) < 4 * t["se"]["gen_f"]


def test_finite_size_warning_on_both_sides_of_five_percent(recwarn):
    with pytest.warns(UserWarning, match="d=D"):
        near = srf.theory(**NEAR)
    assert near.finite_size["correction"] > 0.05
    assert near.finite_size["regime_index"] == pytest.approx(0.8)
    recwarn.clear()
    far = srf.theory(**FAR)
    assert far.finite_size["correction"] < 0.05
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]
    srf.theory(d=1000, **NEAR)  # at the user's d: no warning
    srf.theory()                # isotropic: no estimate
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]
    # A DataFrame warns once for its rows, and carries the estimate's columns.
    with pytest.warns(UserWarning, match="of 3 points"):
        table = srf.theory(lam=np.array([1e-3, 1e-2, 1e-1]), **{k: v for k, v in NEAR.items() if k != "lam"})
    assert {"regime_index", "finite_size_d", "finite_size_correction"} <= set(table.columns)


def test_structured_bad_d_raises_value_error_naming_d():
    with pytest.raises(ValueError, match="d = 640.5"):
        srf.theory(d=640.5, **NEAR)
    with pytest.raises(ValueError, match="teacher_draws"):
        srf.theory(teacher_draws=10, **NEAR)
