"""sobolev_rf.curve: the table `sobolev-rf curve` writes, as a DataFrame with the full doubles (the
CSV's cells are those numbers at the CSV's precision); one sweep or two (a grid), from arrays or
range texts; a point that does not converge is a row with converged False and NaN errors."""
import csv
import io
import math

import numpy as np
import pandas as pd
import pytest

import sobolev_rf as srf
from conftest import cli_error, python_message, run_cli


def cli_rows(*args):
    rows = list(csv.reader(io.StringIO(run_cli("curve", *args).stdout)))
    return rows[0], rows[1:]


def cell(value, column):
    """A DataFrame value written as the CLI writes that column's cell."""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if math.isnan(value):
        return ""
    return f"{value:.3e}" if column == "residual" else f"{value:.10g}"


def assert_equals_cli(frame, *args):
    """Every cell of the CLI's CSV equals the frame's number written at the CSV's precision."""
    header, rows = cli_rows(*args)
    assert len(rows) == len(frame)
    for j, column in enumerate(header):
        name = "lam" if column == "lambda" else column
        for i, row in enumerate(rows):
            if name == "varpi":  # the CLI's "1;-0.5": the frame's varpi_1, varpi_2 columns
                k = int(frame["k"][i])
                got = ";".join(cell(frame[f"varpi_{m + 1}"][i], name) for m in range(k))
            else:
                got = cell(frame[name][i], name)
            assert got == row[j], (column, i, got, row[j])


def test_curve_equals_cli_csv():
    df = srf.curve(sweep="p_over_n=0.1:5:40", lam=1e-3)
    assert_equals_cli(df, "--sweep", "p_over_n=0.1:5:40", "--lambda", "1e-3")
    assert len(df) == 40 and df["converged"].all()
    assert df["p_over_n"][0] == 0.1 and df["p_over_n"].iloc[-1] == 5
    assert df.attrs["sweeps"][0][0] == "p_over_n" and df.attrs["shape"] == (40,)


def test_curve_with_varpi_average_equals_cli_csv():
    df = srf.curve(sweep="lambda=1e-4:1:12:log", k=2, varpi=[1, -0.5], p_over_n=2, varpi_average=True)
    assert_equals_cli(df, "--sweep", "lambda=1e-4:1:12:log", "--k", "2", "--varpi", "1,-0.5", "--p-over-n", "2",
                      "--varpi-average")
    assert "gen_h1_q95" in df and df["varpi_1"][0] == 1.0 and df["varpi_2"][0] == -0.5
    assert df["varpi_1"].dtype == np.float64


def test_a_grid_of_two_sweeps_equals_cli_csv():
    # (The CLI spells a range lo + i (hi - lo) / (count - 1), which can differ from numpy.linspace in the
    # last bit: range texts here.)
    df = srf.curve(sweep=["gamma=0.5:1.5:3", "p_over_n=0.5:3:4"], k=1, varpi=[1])
    assert_equals_cli(df, "--sweep", "gamma=0.5:1.5:3", "--sweep", "p_over_n=0.5:3:4", "--k", "1", "--varpi", "1")
    assert len(df) == 12 and df.attrs["shape"] == (3, 4)
    arrays = srf.curve(gamma=df["gamma"].unique(), p_over_n=df["p_over_n"][:4].to_numpy(), k=1, varpi=[1])
    pd.testing.assert_frame_equal(arrays, df, check_like=False)


def test_a_grid_at_the_optimum_per_point_equals_cli_csv():
    df = srf.curve(sweep=["gamma=0.5:1:2", "p_over_n=0.5:2:3"], optimize="lambda", k=1, varpi=[1], grid_points=9)
    assert_equals_cli(df, "--sweep", "gamma=0.5:1:2", "--sweep", "p_over_n=0.5:2:3", "--k", "1", "--varpi", "1",
                      "--optimize", "lambda", "--grid-points", "9")
    assert df["lambda_opt"].notna().all()


def test_array_sweep_values_equal_the_range_they_spell():
    values = np.linspace(0.5, 3, 6)
    pd.testing.assert_frame_equal(srf.curve(p_over_n=values, k=1, varpi=0.7).drop(columns=[]),
                                  srf.curve(sweep={"p_over_n": "0.5:3:6"}, k=1, varpi=0.7), check_like=False)


def test_rows_that_do_not_converge_have_nan_errors():
    df = srf.curve(lam=[1e-1, 1e-7], p_over_n=1.0, max_iterations=1, max_continuation_stages=0)
    assert_equals_cli(df, "--sweep", "lambda=1e-1:1e-7:2", "--p-over-n", "1", "--max-iterations", "1",
                      "--max-continuation-stages", "0")
    bad = ~df["converged"]
    assert bad.any()
    for name in ("train_f", "gen_f", "gen_h1"):
        assert df.loc[bad, name].isna().all()


def test_bad_sweeps_raise_value_errors_naming_python_keywords():
    for sweep, flags in [("p_over_n=1:2:0", "p_over_n=1:2:0"), ({"gamma": "-1:1:3"}, "gamma=-1:1:3")]:
        with pytest.raises(ValueError) as e:
            srf.curve(sweep=sweep)
        assert "--" not in str(e.value)
        cli = python_message(cli_error("curve", "--sweep", flags))
        assert str(e.value).replace("curve(): ", "") == cli or "gamma" in str(e.value), (str(e.value), cli)
    with pytest.raises(ValueError, match="alphabet"):
        srf.curve(sweep="alphabet=1:2:3")
    with pytest.raises(ValueError, match="one sweep"):
        srf.curve(p_over_n=[1, 2], gamma=[1, 2], lam=[1e-3, 1e-2])
    with pytest.raises(ValueError, match="one sweep"):
        srf.curve()
    with pytest.raises(ValueError, match="cannot sweep lam and optimise it"):
        srf.curve(lam=[1e-3, 1e-2], optimize="lambda")
    with pytest.raises(TypeError, match="lamda"):
        srf.curve(p_over_n=[1, 2], lamda=1)


def test_a_model_as_the_first_argument():
    m = srf.Model(k=1, varpi=[0.7], lam=1e-2)
    pd.testing.assert_frame_equal(srf.curve(m, p_over_n=[1.0, 2.0]), srf.curve(p_over_n=[1.0, 2.0], model=m))
    assert srf.curve(m, p_over_n=[1.0, 2.0])["lam"].tolist() == [1e-2, 1e-2]
