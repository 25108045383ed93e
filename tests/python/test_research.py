"""sobolev_rf.optimize and sobolev_rf.compare: the CLI's `optimize` and `compare --format json`, key
for key and number for number (the same library call and the same report builder); arrays
broadcast to DataFrames."""
import math

import numpy as np
import pandas as pd
import pytest

import sobolev_rf as srf
from conftest import cli_error, cli_json, python_message, same


def test_optimize_over_lambda_equals_cli_json():
    py = srf.optimize(objective="gen_f", p_over_n=2, k=1, varpi=1.0)
    assert isinstance(py, srf.Optimum)
    same(py.to_dict(), cli_json("optimize", "--objective", "gen_f", "--p-over-n", "2", "--k", "1", "--varpi", "1"))
    assert py.converged is True and py.value == py.gen_f and py.lambda_opt == py["lambda"]
    assert py.result.gen_f == py.gen_f and py.model.lam == py.lambda_opt


def test_optimize_over_both_equals_cli_json():
    py = srf.optimize(over="both", objective="gen_h1", p_over_n=3, k=1, varpi=0.5, grid_points=9)
    same(py.to_dict(), cli_json("optimize", "--over", "both", "--objective", "gen_h1", "--p-over-n", "3", "--k", "1",
                                "--varpi", "0.5", "--grid-points", "9"))
    assert math.isfinite(py.beta_opt) and math.isfinite(py.lambda_opt)


def test_optimal_lambda_is_a_minimum_of_the_objective():
    r = srf.optimize(objective="gen_f", p_over_n=1.2, gamma=0.8, delta_f=0.2)
    assert r.converged and not r.lambda_on_boundary
    assert r.value == r.gen_f
    # Solved again from a cold start: the same value to the solver's tolerance.
    assert srf.theory(p_over_n=1.2, gamma=0.8, delta_f=0.2, lam=r.lambda_opt).gen_f == pytest.approx(r.value, rel=1e-9)
    for factor in (0.9, 1.1):  # an independent check: theory() on both sides is not lower
        assert srf.theory(p_over_n=1.2, gamma=0.8, delta_f=0.2, lam=r.lambda_opt * factor).gen_f > r.value


def test_optimize_broadcasts_over_points():
    df = srf.optimize(p_over_n=[[0.5], [2.0]], k=1, varpi=[1.0], grid_points=9)
    assert isinstance(df, pd.DataFrame) and len(df) == 2
    for i, x in enumerate((0.5, 2.0)):
        r = srf.optimize(p_over_n=x, k=1, varpi=[1.0], grid_points=9)
        assert df["lambda_opt"][i] == r.lambda_opt and df["value"][i] == r.value
    assert df["lambda_opt"].dtype == np.float64 and df.attrs["over"] == "lambda" and df.attrs["objective"] == "gen_f"


def test_compare_equals_cli_json_and_the_gain_is_the_ratio_of_the_optima():
    py = srf.compare(p_over_n=2, k=1, varpi_average=True, delta_f=0.1)
    assert isinstance(py, srf.Comparison)
    same(py.to_dict(), cli_json("compare", "--p-over-n", "2", "--k", "1", "--varpi-average", "--delta-f", "0.1",
                                "--format", "json"))
    rows = py.rows
    assert list(rows.index) == ["l2_equal_samples", "l2_equal_cost", "sobolev", "sobolev_beta1"]
    ratio = rows["value"]["l2_equal_samples"] / rows["value"]["sobolev"]
    assert math.isclose(py.gain_equal_samples, ratio, rel_tol=4e-16)
    assert py.row("sobolev").value == rows["value"]["sobolev"] and py.verdict == py["verdict"]


def test_compare_with_a_budget_equals_cli_json():
    py = srf.compare(p_over_n=2, k=1, varpi_average=True, budget_directions=2, gradient_cost=0.5, grid_points=9)
    same(py.to_dict(), cli_json("compare", "--p-over-n", "2", "--k", "1", "--varpi-average", "--budget-directions", "2",
                                "--gradient-cost", "0.5", "--grid-points", "9", "--format", "json"))
    assert py.budget is not None and len(py.budget) >= 2


def test_compare_broadcasts_over_points():
    df = srf.compare(p_over_n=[1.0, 3.0], k=1, varpi=[1.0], grid_points=9)
    assert len(df) == 2 and df["gain_equal_samples"].dtype == np.float64
    r = srf.compare(p_over_n=3.0, k=1, varpi=[1.0], grid_points=9)
    assert df["gain_equal_samples"][1] == r.gain_equal_samples and df["verdict"][1] == r.verdict


def test_bad_research_input_raises_value_errors_naming_python_keywords():
    with pytest.raises(ValueError) as e:
        srf.optimize(over="beta", k=0)
    assert str(e.value) == python_message(cli_error("optimize", "--over", "beta", "--k", "0"))
    with pytest.raises(ValueError) as e:
        srf.optimize(lambda_min=-1)
    assert str(e.value) == python_message(cli_error("optimize", "--lambda-min", "-1")) == "lambda_min = -1: must be finite and > 0"
    with pytest.raises(ValueError, match="objective"):
        srf.optimize(objective="gen_x")
    with pytest.raises(TypeError, match="grid_points"):
        srf.compare(grid_points=2.5)
    with pytest.raises(TypeError, match="unexpected keyword argument 'over'"):
        srf.compare(over="both")
