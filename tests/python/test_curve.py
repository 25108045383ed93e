"""sobolev_rf.curve: the table `sobolev-rf curve` writes, column for column and cell for cell; a
point that does not converge is a row with converged = 0 and NaN errors."""
import math

import numpy as np
import pytest

import sobolev_rf as srf
from conftest import cli_error, run_cli


def cli_table(*args):
    return srf.Table.from_csv_text(run_cli("curve", *args).stdout)


def assert_same_table(a, b):
    assert list(a) == list(b)  # the same columns in the same order
    for name in a:
        assert a[name].dtype.kind == b[name].dtype.kind, name
        if a[name].dtype.kind == "f":
            np.testing.assert_array_equal(a[name], b[name], err_msg=name)  # NaN == NaN here
        else:
            assert a[name].tolist() == b[name].tolist(), name


def test_curve_equals_cli_csv():
    py = srf.curve(sweep={"p_over_n": "0.1:5:40"}, lam=1e-3)
    assert_same_table(py, cli_table("--sweep", "p_over_n=0.1:5:40", "--lambda", "1e-3"))
    assert py.rows == 40 and py["converged"].tolist() == [1] * 40
    assert py["p_over_n"][0] == 0.1 and py["p_over_n"][-1] == 5


def test_curve_with_varpi_average_equals_cli_csv():
    py = srf.curve(sweep="lambda=1e-4:1:12:log", k=2, varpi=[1, -0.5], p_over_n=2, varpi_average=True)
    cli = cli_table("--sweep", "lambda=1e-4:1:12:log", "--k", "2", "--varpi", "1,-0.5", "--p-over-n", "2",
                    "--varpi-average")
    assert_same_table(py, cli)
    assert "gen_h1_q95" in py and py["varpi"][0] == "1;-0.5"


def test_explicit_sweep_values_equal_the_range_they_spell():
    values = np.linspace(0.5, 3, 6)
    assert_same_table(srf.curve(sweep={"p_over_n": values}, k=1, varpi=0.7),
                      srf.curve(sweep={"p_over_n": "0.5:3:6"}, k=1, varpi=0.7))


def test_rows_that_do_not_converge_have_nan_errors():
    py = srf.curve(sweep={"lambda": [1e-1, 1e-7]}, p_over_n=1.0, max_iterations=1, max_continuation_stages=0)
    cli = cli_table("--sweep", "lambda=1e-1:1e-7:2", "--p-over-n", "1", "--max-iterations", "1",
                    "--max-continuation-stages", "0")
    assert_same_table(py, cli)
    bad = py["converged"] == 0
    assert bad.any()
    for name in ("train_f", "gen_f", "gen_h1"):
        assert np.isnan(py[name][bad]).all()


def test_bad_sweeps_raise_the_cli_message():
    for sweep, flags in [("alphabet=1:2:3", "alphabet=1:2:3"), ("p_over_n=1:2:0", "p_over_n=1:2:0"),
                         ({"gamma": "-1:1:3"}, "gamma=-1:1:3")]:
        with pytest.raises(ValueError) as e:
            srf.curve(sweep=sweep)
        assert str(e.value) == cli_error("curve", "--sweep", flags)
    with pytest.raises(ValueError, match="--sweep"):
        srf.curve(sweep={"p_over_n": [1, 2], "gamma": [1]})


def test_table_to_frame():
    table = srf.curve(sweep={"p_over_n": [1.5, 2.5]})
    frame = table.to_frame()
    assert list(frame.columns) == list(table) and len(frame) == 2
    assert frame["gen_f"].tolist() == table["gen_f"].tolist()
    assert math.isfinite(frame["gen_f"][0])
