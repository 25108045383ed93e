"""cmake --install puts an importable package under the prefix (component "python")."""
import glob
import os
import subprocess
import sys

from conftest import BUILD_DIR


def test_installed_package_imports_and_computes(tmp_path):
    r = subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", str(tmp_path), "--component", "python"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    [package] = glob.glob(str(tmp_path / "lib" / "python3" / "dist-packages" / "sobolev_rf"))
    assert glob.glob(os.path.join(package, "_core*.so")) and os.path.exists(os.path.join(package, "plotting.py"))
    code = ("import sobolev_rf; r = sobolev_rf.theory(p_over_n=[0.5, 1, 2], k=1, varpi=[0.7]); "
            "print(sobolev_rf.__file__); print(len(r) == 3 and bool(r['converged'].all()))")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(package))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    where, converged = r.stdout.split()
    assert where.startswith(package) and converged == "True"


def test_pip_install_into_a_venv_works_offline(tmp_path):
    """pyproject.toml + setup.py: `pip install --no-build-isolation .` into a venv made with
    --system-site-packages (Debian's numpy and pandas), offline, reusing this build folder
    (SRF_CMAKE_BUILD_DIR; a fresh install builds in build-pip/)."""
    venv = tmp_path / "venv"
    r = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], capture_output=True, text=True)
    if r.returncode != 0 and "ensurepip" in (r.stdout + r.stderr):
        import pytest
        pytest.skip("python3-venv is not installed")
    assert r.returncode == 0, r.stderr
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, SRF_CMAKE_BUILD_DIR=os.path.abspath(BUILD_DIR), PIP_NO_INDEX="1")
    env.pop("PYTHONPATH", None)
    r = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-build-isolation", "--no-index", root],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    code = ("import sobolev_rf; r = sobolev_rf.theory(p_over_n=[0.5, 1, 2], k=1, varpi=[0.7]); "
            "print(sobolev_rf.__file__); print(len(r) == 3 and bool(r['converged'].all()))")
    r = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    where, converged = r.stdout.split()
    assert where.startswith(str(venv)) and converged == "True"
