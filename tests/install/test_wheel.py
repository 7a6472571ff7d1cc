"""pip: a wheel built by meson-python from the same meson.build, with the
library inside the package, installed into a fresh virtual environment,
imports from any directory with no environment variable and runs the main
job. Slow (it builds the library again)."""
import os
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
PYTHON = "/usr/bin/python3"


def clean_env():
    return {k: v for k, v in os.environ.items()
            if k not in ("RINGENGINE_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH", "LD_PRELOAD")}


def run(*args, cwd=None):
    result = subprocess.run(args, env=clean_env(), cwd=cwd, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, "%s failed:\n%s\n%s" % (" ".join(args), result.stdout,
                                                         result.stderr)
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    for module in ("build", "mesonpy", "venv"):
        if subprocess.run([PYTHON, "-c", "import " + module]).returncode != 0:
            pytest.skip("python3 module %s is not installed" % module)
    out = tmp_path_factory.mktemp("wheel")
    # Unoptimized (-Dbuildtype=plain): what is checked is the wheel's
    # layout and that it runs, and an -O3 build of the library takes
    # minutes of CI's time; a user's pip install builds as pyproject.toml says.
    run(PYTHON, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
        "-Csetup-args=-Dbuildtype=plain", ROOT)
    wheels = [name for name in os.listdir(out) if name.endswith(".whl")]
    assert len(wheels) == 1, wheels
    return out / wheels[0]


def test_the_wheel_carries_the_library_as_its_only_native_file(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    native = [n for n in names if n.endswith(".so") or ".so." in n]
    assert native == ["ringengine/libringengine.so"], native
    assert "ringengine/py.typed" in names and "ringengine/_engine.py" in names
    assert not any(n.endswith("_install.py") for n in names)
    assert "ringengine/LICENSE" in names, "the MIT license the metadata declares"


def test_pip_installs_it_into_a_venv_that_runs_the_main_job(wheel, tmp_path):
    venv = tmp_path / "v"
    run(PYTHON, "-m", "venv", "--system-site-packages", str(venv))
    python = str(venv / "bin" / "python")
    run(python, "-m", "pip", "install", "--no-index", "--no-deps", str(wheel))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run(python, "-c", "import ringengine; print(ringengine.library_path)",
                cwd=str(elsewhere)).strip()
    assert where.startswith(str(venv)), where
    out = run(python, "-m", "ringengine", "ping", "--backend", "null", "--count", "50",
              cwd=str(elsewhere))
    assert "50 pings sent at 1000/s, 50 pongs received" in out


def test_pip_install_of_the_source_tree_works_as_the_readme_says(tmp_path):
    """`pip install --no-build-isolation .` from the checkout, as the README
    shows."""
    if subprocess.run([PYTHON, "-c", "import mesonpy, venv"]).returncode != 0:
        pytest.skip("python3-mesonpy is not installed")
    venv = tmp_path / "v"
    run(PYTHON, "-m", "venv", "--system-site-packages", str(venv))
    run(str(venv / "bin" / "pip"), "install", "--no-build-isolation", "--no-index", ".", cwd=ROOT)
    out = run(str(venv / "bin" / "python"), "-c",
              "import ringengine as r; e = r.AudioEngine(backend='offline'); "
              "s = e.send_ping(); e.process(); print(e.recv(timeout=1), r.library_path)",
              cwd=str(tmp_path))
    assert out.startswith("Pong(seq=0, frame=0) " + str(venv)), out
