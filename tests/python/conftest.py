"""pytest set-up: import the package from this checkout's source tree.

The package finds the library itself ($RINGENGINE_LIBRARY, else the build
tree); tools/test.sh builds it first.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

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


def run_ringengine(*args, **extra_env):
    """Runs `python3 -m ringengine ARGS` from this checkout; the finished process."""
    return subprocess.run([sys.executable, "-m", "ringengine", *args],
                          env=python_env(**extra_env), capture_output=True, text=True,
                          timeout=120)


# -- real audio servers ------------------------------------------------------

JACK_CMD = ["jackd", "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "256"]
PULSE_CMD = ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
             "-L", "module-null-sink sink_name=null", "-L", "module-native-protocol-unix"]


def system_env():
    """The environment for the servers and their tools: not preloaded with a
    sanitizer runtime (tools/sanitize.sh preloads one for Python; pactl
    deadlocks at start-up under ASan's)."""
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}


def answers(probe):
    return subprocess.run(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          env=system_env(), timeout=30).returncode == 0


class AudioServer:
    """A server started for a test: ready when `probe` succeeds, stopped by PID."""

    def __init__(self, cmd, probe):
        self.cmd, self.probe, self.process = cmd, probe, None

    def start(self, timeout=15):
        if answers(self.probe):
            raise RuntimeError("%s is already running; stop it first" % self.cmd[0])
        self.process = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env=system_env())
        deadline = time.monotonic() + timeout
        while not answers(self.probe):
            if self.process.poll() is not None:
                raise RuntimeError("%s exited with %s before it was ready"
                                   % (self.cmd[0], self.process.returncode))
            if time.monotonic() > deadline:
                raise RuntimeError("%s did not answer within %d s" % (self.cmd[0], timeout))
            time.sleep(0.1)
        return self

    def kill(self, sig=signal.SIGTERM):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Wait until the server is really gone, so the next one can start.
        deadline = time.monotonic() + 10
        while answers(self.probe) and time.monotonic() < deadline:
            time.sleep(0.1)


def server_fixture(cmd, probe):
    if shutil.which(cmd[0]) is None or shutil.which(probe[0]) is None:
        pytest.skip("%s is not installed" % cmd[0])
    server = AudioServer(cmd, probe).start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def jack_server():
    """A JACK server (dummy driver, 48 kHz, 256 frames) for one test."""
    yield from server_fixture(JACK_CMD, ["jack_lsp"])


@pytest.fixture
def pulse_server():
    """A PulseAudio server (null sink) for one test."""
    yield from server_fixture(PULSE_CMD, ["pactl", "info"])
