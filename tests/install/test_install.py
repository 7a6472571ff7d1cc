"""`meson install` into a fresh prefix gives a library, a header, a
pkg-config file and a Python package that work from there: pkg-config
builds the C example, the package loads the installed library with no
environment variable, and ctypes drives the same ABI.

Slow (it configures and builds a second tree): run by tools/test.sh.
"""
import os
import subprocess
import sys

import pytest

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
PYTHON = "/usr/bin/python3"


def run(*args, env=None, cwd=None):
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, "%s failed:\n%s\n%s" % (" ".join(args), result.stdout,
                                                         result.stderr)
    return result.stdout


def clean_env(**extra):
    """The environment minus anything that could point at another library."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("RINGENGINE_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH", "LD_PRELOAD")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("install")
    prefix = tmp / "prefix"
    # Unoptimized (-Dbuildtype=plain): what is checked is what is installed
    # where, and an -O3 build of the library takes minutes of CI's time.
    run("meson", "setup", str(tmp / "build"), "--prefix", str(prefix),
        "-Dtests=false", "-Dbenchmarks=disabled", "-Dbuildtype=plain", cwd=ROOT,
        env=clean_env())
    run("meson", "install", "-C", str(tmp / "build"), env=clean_env())
    return prefix


def libdir(prefix):
    (path,) = [os.path.join(d, f) for d, _, fs in os.walk(prefix) for f in fs
               if f == "ringengine.pc"]
    return os.path.dirname(os.path.dirname(path))


def purelib(prefix):
    (path,) = [d for d, _, fs in os.walk(prefix) if "_install.py" in fs]
    return os.path.dirname(path)


def test_installs_the_versioned_library_header_and_pc_file(prefix):
    lib = libdir(prefix)
    names = sorted(os.listdir(lib))
    assert "libringengine.so.1" in names and "libringengine.so" in names
    assert any(n.startswith("libringengine.so.1.") for n in names)
    assert os.path.isfile(os.path.join(prefix, "include", "ringengine.h"))
    soname = run("readelf", "-d", os.path.join(lib, "libringengine.so"))
    assert "[libringengine.so.1]" in soname


def test_installs_the_license_the_metadata_declares(prefix):
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, os.pardir, os.pardir, "LICENSE")) as f:
        license_text = f.read()
    assert license_text.startswith("MIT License")
    for place in (os.path.join(prefix, "share", "doc", "ringengine", "LICENSE"),
                  os.path.join(purelib(prefix), "ringengine", "LICENSE")):
        with open(place) as f:
            assert f.read() == license_text, place


def test_pkg_config_gives_flags_that_build_and_run_the_c_example(prefix, tmp_path):
    env = clean_env(PKG_CONFIG_PATH=os.path.join(libdir(prefix), "pkgconfig"))
    flags = run("pkg-config", "--cflags", "--libs", "ringengine", env=env).split()
    assert "-lringengine" in flags
    assert "-I%s" % os.path.join(prefix, "include") in flags
    exe = tmp_path / "ping"
    run("cc", "-std=c99", "-Wall", "-Werror", os.path.join(ROOT, "examples", "ping.c"),
        "-o", str(exe), *flags, "-Wl,-rpath," + libdir(prefix), env=env)
    out = run(str(exe), "offline", env=clean_env())
    assert "backend offline" in out
    assert out.count("-> pong") == 10


def test_the_installed_package_loads_the_installed_library(prefix):
    code = ("import sys; sys.path.insert(0, %r); import ringengine; "
            "print(ringengine.library_path); print(ringengine.__file__); "
            "e = ringengine.AudioEngine(backend='offline'); s = e.send_ping(); e.process(); "
            "print(e.try_recv())" % purelib(prefix))
    out = run(PYTHON, "-c", code, env=clean_env(), cwd="/").splitlines()
    assert out[0] == os.path.join(libdir(prefix), "libringengine.so.1")
    assert out[1].startswith(str(prefix))
    assert out[2] == "Pong(seq=0, frame=0)"


def test_the_installed_command_line_runs(prefix):
    env = clean_env(PYTHONPATH=purelib(prefix))
    out = run(PYTHON, "-m", "ringengine", "ping", "--backend", "offline", "--count", "10",
              env=env, cwd="/")
    assert "10 pongs received" in out


def test_ctypes_drives_the_same_abi(prefix):
    out = run(PYTHON, os.path.join(ROOT, "examples", "ping_ctypes.py"),
              os.path.join(libdir(prefix), "libringengine.so.1"), env=clean_env())
    assert out.count("-> pong") == 10


def test_the_python_example_runs(prefix):
    out = run(PYTHON, os.path.join(ROOT, "examples", "ping.py"), "offline",
              env=clean_env(PYTHONPATH=purelib(prefix)), cwd="/")
    assert out.count("-> pong") == 10
