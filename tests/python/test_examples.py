"""examples/python runs and draws its figure."""
import os
import subprocess
import sys

import pytest

import sobolev_rf
from conftest import SOURCE_DIR


def test_quickstart_draws_a_png(tmp_path):
    out = tmp_path / "quickstart.png"
    r = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "examples", "python", "quickstart.py"), str(out)],
                       capture_output=True, text=True, cwd=tmp_path,
                       env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(sobolev_rf.__file__))))
    assert r.returncode == 0, r.stderr
    assert "gen_f = " in r.stdout
    assert os.path.getsize(out) > 10000


def test_quickstart_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    folder = os.path.join(SOURCE_DIR, "examples", "notebooks")
    with open(os.path.join(folder, "quickstart.ipynb")) as f:
        nb = nbformat.read(f, as_version=4)
    package_dir = os.path.dirname(os.path.dirname(sobolev_rf.__file__))
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = package_dir + (os.pathsep + old if old else "")
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                         resources={"metadata": {"path": folder}})
        client.execute()
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "gradients" in text or "ignore" in text or "train" in text
    assert any("image/png" in o.get("data", {}) for o in outputs)
