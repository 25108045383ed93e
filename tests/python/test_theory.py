"""sobolev_rf.theory and optimal_lambda: the CLI's `theory --format json`, key for key and number
for number (JSON round-trips doubles exactly); bad input as the CLI's one-line message; a point
that does not converge reported, not raised."""
import math

import pytest

import sobolev_rf as srf
from conftest import cli_error, cli_json, run_cli, same


def test_theory_default_point_equals_cli_json():
    same(srf.theory(), cli_json("theory", "--format", "json"))


def test_theory_sobolev_point_equals_cli_json():
    py = srf.theory(sigma="relu", teacher="erf", p_over_n=2, gamma=0.5, lam=1e-2, k=1, varpi=[0.7], beta=0.5,
                    delta_f=0.1, delta_g=0.05, rho=-0.3)
    cli = cli_json("theory", "--sigma", "relu", "--teacher", "erf", "--p-over-n", "2", "--gamma", "0.5", "--lambda",
                   "1e-2", "--k", "1", "--varpi", "0.7", "--beta", "0.5", "--delta-f", "0.1", "--delta-g", "0.05",
                   "--rho=-0.3")
    assert py["converged"] is True
    same(py, cli)


def test_theory_informed_point_equals_cli_json():
    py = srf.theory(sigma="relu", teacher="tanh", p_over_n=0.5, lam=0.1, k=1, varpi=0.5, informed="estimated",
                    beta_inf=2, alpha_u=2, delta_u=0.3)
    cli = cli_json("theory", "--sigma", "relu", "--teacher", "tanh", "--p-over-n", "0.5", "--lambda", "0.1", "--k", "1",
                   "--varpi", "0.5", "--informed", "estimated", "--beta-inf", "2", "--alpha-u", "2", "--delta-u", "0.3")
    assert py["informed"] == "estimated" and py["gen_inf"] > 0
    same(py, cli)


def test_theory_varpi_average_equals_cli_json():
    py = srf.theory(k=2, varpi=[1, -0.5], varpi_average=True)
    same(py, cli_json("theory", "--k", "2", "--varpi", "1,-0.5", "--varpi-average"))
    assert set(py["gen_f"]) == {"mean", "std", "q05", "q50", "q95", "A0", "A2"}


def test_theory_solver_options_are_the_cli_flags():
    py = srf.theory(k=1, varpi=0.5, traces="sampled", trace_size=200, trace_seed=3, tolerance=1e-10)
    same(py, cli_json("theory", "--k", "1", "--varpi", "0.5", "--traces", "sampled", "--trace-size", "200",
                      "--trace-seed", "3", "--tolerance", "1e-10"))


@pytest.mark.parametrize("kwargs, flags", [
    (dict(lam=-1), ["--lambda", "-1"]),
    (dict(gamma=-1), ["--gamma=-1"]),
    (dict(k=1), ["--k", "1"]),  # varpi missing
    (dict(k=1, varpi=[1, 2]), ["--k", "1", "--varpi", "1,2"]),
    (dict(sigma="cosh"), ["--sigma", "cosh"]),
    (dict(alpha=0.5, p_over_n=2), ["--alpha", "0.5", "--p-over-n", "2"]),
    (dict(max_iterations=0), ["--max-iterations", "0"]),
    (dict(traces="exact"), ["--traces", "exact"]),
    (dict(informed="random"), ["--informed", "random"]),
    (dict(informed="oracle", beta_inf=-1), ["--informed", "oracle", "--beta-inf=-1"]),
    (dict(rho=0.9, k=2, varpi=[0, 0]), ["--rho", "0.9", "--k", "2", "--varpi", "0,0"]),
])
def test_bad_input_raises_value_error_with_the_cli_message(kwargs, flags):
    message = cli_error("theory", *flags)
    with pytest.raises(ValueError) as e:
        srf.theory(**kwargs)
    assert str(e.value) == message


def test_unknown_keyword_is_rejected():
    with pytest.raises(ValueError, match="--lamda"):
        srf.theory(lamda=1e-3)


def test_point_that_does_not_converge_returns_nan_errors_not_an_exception():
    # One Newton iteration and no continuation cannot reach the 1e-12 stopping rule at a small lambda.
    args = dict(p_over_n=1.0, lam=1e-6, max_iterations=1, max_continuation_stages=0)
    py = srf.theory(**args)
    assert py["converged"] is False
    assert py["termination"] != "converged" and py["message"]
    assert all(math.isnan(py[name]) for name in ("train_f", "gen_f", "gen_h1", "gen_grad"))
    r = run_cli("theory", "--p-over-n", "1", "--lambda", "1e-6", "--max-iterations", "1",
                "--max-continuation-stages", "0", check=False)
    assert r.returncode == 3  # the CLI's status for a point that did not converge
    import json
    same(py, json.loads(r.stdout))


def test_optimal_lambda_is_a_minimum_of_the_objective():
    r = srf.optimal_lambda(objective="gen_f", p_over_n=1.2, gamma=0.8, delta_f=0.2)
    assert r["converged"] and not r["on_boundary"]
    lam = r["lambda"]
    assert r["value"] == r["theory"]["gen_f"]
    # Solved again from a cold start: the same value to the solver's tolerance.
    assert srf.theory(p_over_n=1.2, gamma=0.8, delta_f=0.2, lam=lam)["gen_f"] == pytest.approx(r["value"], rel=1e-9)
    for factor in (0.9, 1.1):  # an independent check: theory() on both sides is not lower
        assert srf.theory(p_over_n=1.2, gamma=0.8, delta_f=0.2, lam=lam * factor)["gen_f"] > r["value"]
    with pytest.raises(ValueError, match="lambda_min"):
        srf.optimal_lambda(lambda_min=-1)


def test_varpi_average_needs_no_varpi_as_in_the_cli():
    same(srf.theory(k=1, varpi_average=True), cli_json("theory", "--k", "1", "--varpi-average"))
