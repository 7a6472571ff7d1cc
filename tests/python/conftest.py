"""pytest set-up: import the package from this checkout's source tree.

The package finds the library itself ($RINGENGINE_LIBRARY, else the build
tree); tools/test.sh builds it first.
"""
import importlib
import os
import subprocess
import sys
import textwrap

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


def run_python(code, *args, timeout=60):
    """Runs `code` (dedented) in a child Python that imports this checkout's
    package, with the tests' directory and `args` as its arguments; the
    finished process. A crash in it is a failure of the test, not the end of
    pytest; a child that hangs fails the test with what it printed so far."""
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code), here, *args],
                              env=python_env(), capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as hung:
        def text(out):  # what it caught so far, which subprocess leaves as bytes
            return out.decode(errors="replace") if isinstance(out, bytes) else out or ""
        pytest.fail("the child hung for %d s; it printed:\n%s\n%s"
                    % (timeout, text(hung.stdout), text(hung.stderr)))


def run_ringengine(*args, **extra_env):
    """Runs `python3 -m ringengine ARGS` from this checkout; the finished process."""
    return subprocess.run([sys.executable, "-m", "ringengine", *args],
                          env=python_env(**extra_env), capture_output=True, text=True,
                          timeout=120)


# -- real audio servers ------------------------------------------------------
# One helper for the tests and the benchmarks: tools/audio_servers.py.

sys.path.insert(0, os.path.join(ROOT, "tools"))
import audio_servers  # noqa: E402
from audio_servers import system_env  # noqa: E402,F401  (tests import it from here)


def answers(probe):
    return subprocess.run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          env=system_env(), timeout=30).returncode == 0


def server_fixture(server):
    missing = server.missing()
    if missing is not None:
        pytest.skip("%s is not installed" % missing)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def jack_server():
    """A JACK server (dummy driver, 48 kHz, 256 frames) for one test."""
    yield from server_fixture(audio_servers.jack())


@pytest.fixture
def pulse_server():
    """A PulseAudio server (null sink) for one test."""
    yield from server_fixture(audio_servers.pulse())


@pytest.fixture
def pipewire_server(tmp_path, monkeypatch):
    """A PipeWire server (auto_null sink, Pulse and JACK layers) for one test,
    reached through this test's XDG_RUNTIME_DIR."""
    if answers(["pactl", "info"]):
        pytest.skip("another Pulse server is running here")
    server = audio_servers.pipewire(str(tmp_path))
    monkeypatch.setenv("XDG_RUNTIME_DIR", server.runtime_dir)
    yield from server_fixture(server)


# ---- Modules this Python may lack (PyPy has no numpy) ----
# A test file imports them with optional_module() instead of skipping as a
# whole: every test of it runs, and one that needs a missing module is
# reported skipped by itself, naming the module. In a test, any use of a
# missing module raises ModuleNotFoundError (so does the package's own
# `import numpy` in render()), which makes that test a skip; a value made
# from it while the file is collected (a parameter) is a placeholder, and
# each case given one is skipped.
OPTIONAL_MODULES = ("numpy", "soundfile", "scipy", "hypothesis")
_collected = [False]  # collection is over: a use now is in a test


class Unavailable:
    """What a missing module's names give while a file is collected."""

    def __init__(self, module):
        self.module = module

    def __getattr__(self, attr):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __neg__(self):
        return self

    def __repr__(self):
        return "<needs %s>" % self.module


class MissingModule:
    """Stands for a module that is not installed."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        if not _collected[0]:
            return Unavailable(self._name)
        raise ModuleNotFoundError("No module named %r" % self._name, name=self._name)

    def __bool__(self):
        return False


def optional_module(name):
    """The module `name`, or a MissingModule standing for it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return MissingModule(name)


def _unavailable_in(value):
    """The missing module a parameter value was made from, or None."""
    if isinstance(value, Unavailable):
        return value.module
    if isinstance(value, (list, tuple, set)):
        for v in value:
            found = _unavailable_in(v)
            if found:
                return found
    if isinstance(value, dict):
        return _unavailable_in(list(value.values()))
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        spec = getattr(item, "callspec", None)
        missing = _unavailable_in(list(spec.params.values())) if spec is not None else None
        if missing:
            item.add_marker(pytest.mark.skip(reason="needs %s, which this Python lacks" % missing))


def pytest_collection_finish(session):
    _collected[0] = True


def _missing_optional(exc):
    """The optional module whose absence `exc` is (an ImportError naming
    it, or caused by one: numpy found but its C part not loadable is
    missing too), or None."""
    seen = 0
    while isinstance(exc, ImportError) and seen < 5:
        top = (exc.name or "").split(".")[0]
        if top in OPTIONAL_MODULES:
            try:
                importlib.import_module(top)
                return None  # installed: a real failure
            except ImportError:
                return top
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if call.when in ("setup", "call") and call.excinfo is not None:
        missing = _missing_optional(call.excinfo.value)
        if missing is not None:
            report.outcome = "skipped"
            path, line, _ = item.reportinfo()
            report.longrepr = (str(path), (line or 0) + 1,
                               "Skipped: needs %s, which this Python lacks" % missing)
