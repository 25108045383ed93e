"""Builds the Python package sobolev_rf with the project's CMake build (see pyproject.toml): the
CMake target sobolev_rf_python compiles the extension _core and assembles the package in
BUILD/python/sobolev_rf, which is copied into the wheel. BUILD is $SRF_CMAKE_BUILD_DIR, or
build-pip/ (configured here, Release, without tests, when it has no CMakeCache.txt)."""
import os
import re
import shutil
import subprocess

from setuptools import Distribution, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.abspath(os.environ.get("SRF_CMAKE_BUILD_DIR") or os.path.join(ROOT, "build-pip"))


def version():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as fh:
        return re.search(r"project\(sobolev_rf VERSION ([0-9.]+)", fh.read()).group(1)


class BinaryDistribution(Distribution):
    """The wheel holds a compiled extension: tag it for this interpreter and platform."""

    def has_ext_modules(self):
        return True


class CMakeBuildExt(build_ext):
    def run(self):
        if not os.path.exists(os.path.join(BUILD, "CMakeCache.txt")):
            subprocess.check_call(["cmake", "-S", ROOT, "-B", BUILD, "-DCMAKE_BUILD_TYPE=Release",
                                   "-DBUILD_TESTING=OFF", "-DSRF_PYTHON=ON"])
        subprocess.check_call(["cmake", "--build", BUILD, "--target", "sobolev_rf_python", "-j", str(os.cpu_count() or 1)])
        package = os.path.join(BUILD, "python", "sobolev_rf")
        target = os.path.join(self.build_lib, "sobolev_rf")
        os.makedirs(target, exist_ok=True)
        for name in os.listdir(package):
            if name.endswith(".py") or (name.startswith("_core") and name.endswith(".so")):
                shutil.copy2(os.path.join(package, name), target)


os.makedirs(os.path.join(BUILD, "setuptools"), exist_ok=True)
setup(version=version(), packages=[], distclass=BinaryDistribution, cmdclass={"build_ext": CMakeBuildExt},
      options={"build": {"build_base": os.path.join(BUILD, "setuptools")},
               "egg_info": {"egg_base": os.path.join(BUILD, "setuptools")}})
