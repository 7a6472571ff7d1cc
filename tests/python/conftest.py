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


class PipeWire(AudioServer):
    """A headless PipeWire with WirePlumber and its Pulse layer, in a private
    XDG_RUNTIME_DIR and a private session bus (WirePlumber leaves without
    one). The test process talks to it through PULSE_SERVER and
    PIPEWIRE_RUNTIME_DIR, set for the fixture's lifetime only."""

    SCRIPT = "pipewire & sleep 0.5; wireplumber & sleep 0.5; pipewire-pulse & wait"

    def __init__(self, runtime_dir):
        super().__init__(["dbus-run-session", "--", "sh", "-c", self.SCRIPT],
                         ["pactl", "list", "short", "sinks"])
        self.runtime_dir = str(runtime_dir)

    def env(self):
        env = system_env()
        env["XDG_RUNTIME_DIR"] = self.runtime_dir
        return env

    def start(self, timeout=15):
        self.process = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env=self.env(),
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            probe = subprocess.run(self.probe, capture_output=True, text=True, env=self.env())
            if "auto_null" in probe.stdout:
                return self
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("PipeWire did not offer auto_null within %d s" % timeout)
            time.sleep(0.2)

    def kill(self, sig=signal.SIGTERM):
        # The whole session: dbus-daemon, pipewire, wireplumber, pipewire-pulse.
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def pipewire_server(tmp_path, monkeypatch):
    """A PipeWire server (auto_null sink) for one test, reached through the
    environment of this test only."""
    for program in ("pipewire", "wireplumber", "pipewire-pulse", "dbus-run-session", "pactl"):
        if shutil.which(program) is None:
            pytest.skip("%s is not installed" % program)
    if answers(["pactl", "info"]):
        pytest.skip("another Pulse server is running here")
    server = PipeWire(tmp_path).start()
    monkeypatch.setenv("XDG_RUNTIME_DIR", server.runtime_dir)
    try:
        yield server
    finally:
        server.kill()
