"""sobolev_rf.optimize and sobolev_rf.compare: the CLI's `optimize` and `compare --format json`, key
for key and number for number (the same library call and the same report builder)."""
import math

import pytest

import sobolev_rf as srf
from conftest import cli_error, cli_json, same


def test_optimize_over_lambda_equals_cli_json():
    py = srf.optimize(objective="gen_f", p_over_n=2, k=1, varpi=1.0)
    same(py, cli_json("optimize", "--objective", "gen_f", "--p-over-n", "2", "--k", "1", "--varpi", "1"))
    assert py["converged"] is True and py["value"] == py["gen_f"] and py["lambda_opt"] == py["lambda"]


def test_optimize_over_both_equals_cli_json():
    py = srf.optimize(over="both", objective="gen_h1", p_over_n=3, k=1, varpi=0.5, grid_points=9)
    same(py, cli_json("optimize", "--over", "both", "--objective", "gen_h1", "--p-over-n", "3", "--k", "1",
                      "--varpi", "0.5", "--grid-points", "9"))
    assert "beta_opt" in py and "lambda_opt" in py


def test_compare_equals_cli_json_and_the_gain_is_the_ratio_of_the_optima():
    py = srf.compare(p_over_n=2, k=1, varpi_average=True, delta_f=0.1)
    same(py, cli_json("compare", "--p-over-n", "2", "--k", "1", "--varpi-average", "--delta-f", "0.1", "--format",
                      "json"))
    ratio = py["l2_equal_samples"]["value"] / py["sobolev"]["value"]
    assert math.isclose(py["gain_equal_samples"], ratio, rel_tol=4e-16)


def test_bad_research_input_raises_the_cli_message():
    with pytest.raises(ValueError) as e:
        srf.optimize(over="beta", k=0)
    assert str(e.value) == cli_error("optimize", "--over", "beta", "--k", "0")
