"""sobolev_rf.figure: the same tables as `sobolev-rf figure`, drawn by matplotlib (or gnuplot)."""
import os
import shutil

import numpy as np
import pytest

import sobolev_rf as srf
from sobolev_rf.plotting import mathtext, render_csvs
from conftest import SOURCE_DIR, run_cli

SPEC = """
title = "Test figure, k = 1 (λ = 10^{-3})"
output = "pyfig"
[defaults]
gamma = 0.8
lambda = 1e-3
[[panel]]
title = "L_2 test error"
x = "p_over_n"
log_y = true
  [[panel.curve]]
  label = "Sobolev, k = 1"
  k = 1
  varpi = 1.0
  sweep = "p_over_n=0.2:3:30"
  quantities = ["gen_f", "gen_h1"]
  markers = { at = [0.5, 2.0], p = 100, seeds = 2 }
  [[panel.curve]]
  label = "L_2"
  sweep = "p_over_n=0.2:3:30"
  quantities = ["gen_f"]
[[panel]]
title = "law over ϖ"
x = "error"
  [[panel.curve]]
  kind = "varpi_law"
  k = 1
  varpi = 0.0
  p_over_n = 2.0
  quantities = ["gen_f"]
  markers = { p = 60, seeds = 5 }
"""


def write_spec(tmp_path):
    path = tmp_path / "pyfig.toml"
    path.write_text(SPEC)
    return path


def read_all(folder, names):
    return {n: (folder / n).read_text() for n in names}


def test_matplotlib_figure_has_the_cli_tables_and_a_png(tmp_path):
    spec = write_spec(tmp_path)
    py_dir, cli_dir = tmp_path / "py", tmp_path / "cli"
    r = srf.figure(spec, py_dir, backend="matplotlib")
    run_cli("figure", spec, "--out-dir", cli_dir, "--csv-only")
    names = sorted(p.name for p in cli_dir.glob("*.csv"))
    assert sorted(os.path.basename(p) for p in r["csv"]) == names and len(names) == 5
    # Same tables, except the simulation's wall time.
    for name in names:
        py, cli = srf.Table.read_csv(py_dir / name), srf.Table.read_csv(cli_dir / name)
        assert list(py) == list(cli)
        for col in py:
            if col != "wall_seconds":
                assert py[col].tolist() == cli[col].tolist() or np.array_equal(py[col], cli[col], equal_nan=True), col
    for fmt in ("png", "pdf"):
        assert os.path.getsize(r[fmt]) > 10000
    # The CLI's tables drawn again without computing anything.
    again = render_csvs(spec, cli_dir, formats=("png",))
    assert os.path.getsize(again["png"]) > 10000


def test_legendre_figure_renders_with_matplotlib(tmp_path):
    r = srf.figure(os.path.join(SOURCE_DIR, "figures", "fig8_legendre.toml"), tmp_path, backend="matplotlib",
                   formats=("png",))
    assert os.path.getsize(r["png"]) > 10000 and r["failed_points"] == 0


@pytest.mark.skipif(shutil.which("gnuplot") is None, reason="gnuplot not installed")
def test_gnuplot_backend_as_the_cli(tmp_path):
    r = srf.figure(write_spec(tmp_path), tmp_path, markers="none")
    assert os.path.getsize(r["png"]) > 1000 and os.path.exists(r["pdf"]) and r["script"].endswith("pyfig.gp")


def test_bad_specs_raise_value_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SPEC.replace('x = "p_over_n"', 'x = "p_over_n"\ncolour = "red"'))
    with pytest.raises(ValueError, match="bad.toml:.*colour"):
        srf.figure(bad, tmp_path)
    with pytest.raises(ValueError, match="backend"):
        srf.figure(write_spec(tmp_path), tmp_path, backend="svg")


def test_gnuplot_notation_becomes_mathtext():
    assert mathtext("L_2 test error") == "L$_{2}$ test error"
    assert mathtext("λ = 10^{-4}") == "λ = 10$^{-4}$"
    assert mathtext("H^1 and V^T∇f") == "H$^{1}$ and V$^{T}$∇f"
    assert mathtext("plain") == "plain"
