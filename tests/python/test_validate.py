"""sobolev_rf.validate: the comparison table `sobolev-rf validate --output` writes, as a DataFrame."""
import csv
import json
import math

import pandas as pd
import pytest

import sobolev_rf as srf
from conftest import cli_error, python_message, run_cli, same_version

FLAGS = ["--sweep", "p_over_n=0.5:2:2", "--k", "1", "--varpi", "1", "--lambda", "1e-2", "--p", "80", "--seeds", "4"]


def test_validate_equals_cli_output_csv(tmp_path):
    out = tmp_path / "validate.csv"
    r = run_cli("validate", *FLAGS, "--output", out, check=False)
    assert r.returncode in (0, 1), r.stderr
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    py = srf.validate(sweep="p_over_n=0.5:2:2", k=1, varpi=1, lam=1e-2, p=80, seeds=4)
    assert isinstance(py, srf.Validation)
    table = py.table
    assert len(table) == len(body)
    for j, column in enumerate(header):
        name = "lam" if column == "lambda" else column
        for i, row in enumerate(body):
            if name == "varpi":
                got = ";".join(f"{table[f'varpi_{m + 1}'][i]:.10g}" for m in range(int(table["k"][i])))
            else:
                v = table[name][i]
                if isinstance(v, str):
                    got = v
                elif isinstance(v, (bool,)) or str(table[name].dtype) == "bool":
                    got = "1" if v else "0"
                elif str(table[name].dtype).startswith("int"):
                    got = str(int(v))
                else:
                    got = "" if math.isnan(v) else f"{v:.10g}"
            assert got == row[j], (column, i, got, row[j])
    assert py.p == 80 and py.p_large == 160
    assert py.comparisons == 2 * 6  # k = 1: six quantities per point
    assert py.agree == (r.returncode == 0)
    # The same metadata as the CLI's sidecar validate.meta.json.
    meta = json.loads((tmp_path / "validate.meta.json").read_text())
    assert (py.seeds, py.base_seed) == (meta["seeds"], meta["base_seed"])
    same_version(py.version, meta["version"])


def test_validate_points_from_arrays_equal_the_sweep():
    a = srf.validate(sweep="p_over_n=0.5:2:2", k=1, varpi=1, lam=1e-2, p=60, seeds=3)
    b = srf.validate(p_over_n=[0.5, 2.0], k=1, varpi=1, lam=1e-2, p=60, seeds=3)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.summary == b.summary


def test_validate_rejects_what_the_cli_rejects():
    for kwargs, flags in [(dict(seeds=1), ["--seeds", "1"]), (dict(p_large=10, p=100), ["--p-large", "10"]),
                          (dict(z_threshold=0), ["--z-threshold", "0"])]:
        with pytest.raises(ValueError) as e:
            srf.validate(**kwargs)
        assert "--" not in str(e.value)
        assert str(e.value) == python_message(
            cli_error("validate", *flags, *(["--p", "100"] if "p" in kwargs else [])))


def test_validate_theory_finite_d_has_a_theory_per_size():
    """theory='finite-d' (docs/theory/structured.md [S.15]): the finite-d theory at each size's own d; the limit's
    theory_large is its theory."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the limit warns near the edge: expected
        fin = srf.validate(spectrum="powerlaw:0.6", alignment=0.5, p=40, seeds=2, theory="finite-d", z_threshold=1e9)
        lim = srf.validate(spectrum="powerlaw:0.6", alignment=0.5, p=40, seeds=2, z_threshold=1e9)
    assert (fin.table["theory"] != fin.table["theory_large"]).all()
    assert fin.table["theory_status"].str.contains("finite-d theory at d = 32 and 64").all()
    assert (lim.table["theory"] == lim.table["theory_large"]).all()
    with pytest.raises(ValueError, match="theory"):
        srf.validate(p=40, seeds=2, theory="nonsense")
