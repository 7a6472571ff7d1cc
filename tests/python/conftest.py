"""pytest set-up: import the package from this checkout's source tree.

The package finds the library itself ($RINGENGINE_LIBRARY, else the build
tree); tools/test.sh builds it first.
"""
import os
import sys

import pytest

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir))
sys.path.insert(0, os.path.join(ROOT, "pyffi"))

import ringengine  # noqa: E402  (after the path is set)


@pytest.fixture
def offline():
    """An engine on the offline backend: blocks run only when process() is called."""
    with ringengine.AudioEngine(backend="offline") as engine:
        yield engine


@pytest.fixture
def null():
    """An engine on the null backend: a real audio thread paced by the clock."""
    with ringengine.AudioEngine(backend="null") as engine:
        yield engine


def python_env(**extra):
    """The environment for a child Python that imports this checkout's package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(ROOT, "pyffi")
    env.update(extra)
    return env
