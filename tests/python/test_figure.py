"""sobolev_rf.figure: the same tables as `sobolev-rf figure`, drawn by matplotlib (or gnuplot)."""
import csv
import os
import shutil

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


def read_table(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    return {name: [r[j] if j < len(r) else "" for r in rows[1:]] for j, name in enumerate(rows[0])}


def test_matplotlib_figure_has_the_cli_tables_and_a_png(tmp_path):
    from matplotlib.figure import Figure

    spec = write_spec(tmp_path)
    py_dir, cli_dir = tmp_path / "py", tmp_path / "cli"
    fig = srf.figure(spec, py_dir, backend="matplotlib")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    run_cli("figure", spec, "--out-dir", cli_dir, "--csv-only")
    cli_data = cli_dir / "pyfig" / "data"
    names = sorted(p.name for p in cli_data.glob("*.csv"))
    assert sorted(os.path.basename(p) for p in fig.sobolev_rf["csv"]) == names and len(names) == 5
    # Same tables, except the simulation's wall time.
    for name in names:
        py, cli = read_table(py_dir / "pyfig" / "data" / name), read_table(cli_data / name)
        assert list(py) == list(cli)
        for col in py:
            if col != "wall_seconds":
                assert py[col] == cli[col], (name, col)
    for fmt in ("png", "pdf"):
        assert os.path.getsize(fig.sobolev_rf[fmt]) > 10000
        assert fig.sobolev_rf[fmt] == str(py_dir / "pyfig" / f"pyfig.{fmt}")
    # The CLI's tables drawn again without computing anything.
    again = render_csvs(spec, cli_dir / "pyfig", formats=("png",))
    assert os.path.getsize(again["png"]) > 10000


def test_matplotlib_figure_without_out_dir_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = write_spec(tmp_path)
    fig = srf.figure(spec, backend="matplotlib", markers="none")
    assert len(fig.axes) == 2 and sorted(os.listdir(tmp_path)) == ["pyfig.toml"]


def test_legendre_figure_renders_with_matplotlib(tmp_path):
    fig = srf.figure(os.path.join(SOURCE_DIR, "figures", "fig8_legendre.toml"), tmp_path, backend="matplotlib",
                     formats=("png",))
    assert os.path.getsize(fig.sobolev_rf["png"]) > 10000 and fig.sobolev_rf["failed_points"] == 0


GAIN_SPEC = """
title = "gain"
output = "gain"
[defaults]
k = 1
[[panel]]
title = "gen_f"
x = "p_over_n"
y = "d_over_n"
  [[panel.curve]]
  kind = "gradient_gain"
  sweep = "p_over_n=0.5:3:3"
  sweep_y = "d_over_n=0.5:2:2"
  optimise = "gen_f"
  gain = "equal_samples"
  varpi_average = true
"""


def test_gradient_gain_figure_renders_with_matplotlib(tmp_path):
    spec = tmp_path / "gain.toml"
    spec.write_text(GAIN_SPEC)
    fig = srf.figure(spec, tmp_path, backend="matplotlib", formats=("png",))
    assert os.path.getsize(fig.sobolev_rf["png"]) > 5000 and fig.axes[0].collections


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
