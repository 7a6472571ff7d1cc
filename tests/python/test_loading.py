"""Finding the library: $RINGENGINE_LIBRARY, then the build tree, then the
installed library; when nothing loads, the error lists every place tried."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, python_env
from ringengine import _lib


def test_the_environment_variable_comes_first_and_alone():
    places = _lib.candidates({"RINGENGINE_LIBRARY": "/x/libringengine.so"})
    assert places == [("$RINGENGINE_LIBRARY", "/x/libringengine.so")]


def test_without_it_the_build_tree_comes_before_the_installed_library():
    places = _lib.candidates({})
    assert places[0] == ("build tree", os.path.join(ROOT, "build", "capi", "libringengine.so"))
    assert places[-1] == ("system loader", "libringengine.so.%d" % _lib.ABI_MAJOR)


def test_the_error_lists_every_place_tried(tmp_path):
    # A copy of the package with no build tree beside it, imported by a fresh
    # interpreter (this one has the library loaded, and the loader would hand
    # it back by its soname).
    shutil.copytree(os.path.join(ROOT, "pyffi", "ringengine"), tmp_path / "pkg" / "ringengine")
    env = python_env()
    env.pop("RINGENGINE_LIBRARY", None)
    env.pop("LD_LIBRARY_PATH", None)  # meson test points it at the build tree
    env["PYTHONPATH"] = str(tmp_path / "pkg")
    child = subprocess.run([sys.executable, "-c", "import ringengine"], env=env,
                           capture_output=True, text=True)
    assert child.returncode != 0
    assert "cannot load libringengine; tried:" in child.stderr
    assert "build tree: %s" % (tmp_path / "build" / "capi" / "libringengine.so") in child.stderr
    assert "system loader: libringengine.so.1" in child.stderr
    assert "RINGENGINE_LIBRARY" in child.stderr


def test_a_bad_environment_variable_fails_the_import_clearly():
    child = subprocess.run([sys.executable, "-c", "import ringengine"],
                           env=python_env(RINGENGINE_LIBRARY="/nonexistent/libringengine.so"),
                           capture_output=True, text=True)
    assert child.returncode != 0
    assert "$RINGENGINE_LIBRARY: /nonexistent/libringengine.so (no such file)" in child.stderr


def test_a_file_that_is_not_a_library_is_reported(tmp_path):
    bogus = tmp_path / "libringengine.so"
    bogus.write_text("not an ELF file")
    with pytest.raises(_lib.LibraryNotFoundError, match="RINGENGINE_LIBRARY"):
        _lib.load({"RINGENGINE_LIBRARY": str(bogus)})


def test_the_environment_variable_is_used():
    import ringengine
    child = subprocess.run(
        [sys.executable, "-c", "import ringengine; print(ringengine.library_path)"],
        env=python_env(RINGENGINE_LIBRARY=ringengine.library_path),
        capture_output=True, text=True, check=True)
    assert child.stdout.strip() == ringengine.library_path


def test_a_library_with_another_abi_is_refused_with_advice(tmp_path):
    cc = shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler to build a stand-in library")
    source = tmp_path / "fake.c"
    source.write_text("unsigned int engine_version_number(void) { return 90000; }\n")
    fake = tmp_path / "libringengine.so"
    subprocess.run([cc, "-shared", "-fPIC", str(source), "-o", str(fake)], check=True)
    child = subprocess.run([sys.executable, "-c", "import ringengine"],
                           env=python_env(RINGENGINE_LIBRARY=str(fake)),
                           capture_output=True, text=True)
    assert child.returncode != 0
    assert "ABI version 9, but this package needs 1" in child.stderr
    assert "rebuild the library or use the matching package" in child.stderr
