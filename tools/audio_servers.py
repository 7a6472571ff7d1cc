"""Real audio servers for the tests and the benchmarks, in one place.

    jack      jackd with its dummy driver, 48 kHz, 256 frames
    jack-rt   the same with real-time scheduling (SCHED_FIFO), for soaks
    pulse     PulseAudio with a null sink
    pipewire  PipeWire, WirePlumber and pipewire-pulse, with a private
              XDG_RUNTIME_DIR and a private session bus (WirePlumber leaves
              without one); its JACK layer through pw-jack

Each is started, waited for until its own tool says it is ready (jack_lsp;
pactl info; pactl listing the auto_null sink), and stopped by PID (the whole
process group). pytest's fixtures (tests/python/conftest.py) use the class;
Meson's real-time test and tools/bench.sh use the command:

    audio_servers.py run SERVER[,SERVER...] -- COMMAND [ARGS...]

starts the servers, runs COMMAND with the environment they need, stops them,
and exits with COMMAND's status. A server that is not installed is left out,
with a line on stderr; COMMAND then skips what needs it.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def system_env():
    """The environment for servers and their tools: without a sanitizer
    runtime preloaded (tools/sanitize.sh preloads one for Python; pactl
    deadlocks at start-up under ASan's)."""
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}


class AudioServer:
    """One server: `start()` (ready when its probe says so), `kill(sig)`,
    `start()` again. `env` is what a client needs to reach it."""

    def __init__(self, name, cmd, probe, programs, ready=lambda out: True, runtime_dir=None):
        self.name, self.cmd, self.probe, self.programs = name, cmd, probe, programs
        self.ready, self.runtime_dir, self.process = ready, runtime_dir, None

    def missing(self):
        """The first program this server needs that is not installed, or None."""
        return next((p for p in self.programs if shutil.which(p) is None), None)

    @property
    def env(self):
        env = system_env()
        if self.runtime_dir is not None:
            env["XDG_RUNTIME_DIR"] = self.runtime_dir
        return env

    def answers(self):
        try:
            probe = subprocess.run(self.probe, capture_output=True, text=True, env=self.env,
                                   timeout=30)
        except subprocess.TimeoutExpired:
            return False
        return probe.returncode == 0 and self.ready(probe.stdout)

    def start(self, timeout=15, attempts=2):
        """Starts the server and waits until its probe answers. One still
        going away (the previous test's, stopped a moment ago) is waited for,
        10 s at most; a start that fails (the server exits before it answers,
        or never answers) is tried once more, and said on stderr."""
        gone = time.monotonic() + 10
        while self.answers():
            if time.monotonic() > gone:
                raise RuntimeError("%s is already running; stop it first" % self.name)
            time.sleep(0.2)
        for attempt in range(1, attempts + 1):
            try:
                return self._spawn(timeout)
            except RuntimeError as failed:
                if attempt == attempts:
                    raise
                print("audio_servers: %s; starting it again" % failed, file=sys.stderr)
        raise AssertionError("unreachable")

    def _spawn(self, timeout):
        # setpriv (util-linux): the server gets SIGTERM if the process that
        # started it dies first, so a test run that crashed (a sanitizer's
        # halt) leaves no server behind for the next suite to trip on.
        cmd = self.cmd
        if shutil.which("setpriv") is not None:
            cmd = ["setpriv", "--pdeathsig", "TERM", "--"] + cmd
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env=self.env,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None:
                returncode = self.process.returncode
                self.kill()  # what it left behind
                raise RuntimeError("%s exited with %s before it was ready"
                                   % (self.name, returncode))
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("%s did not answer within %d s" % (self.name, timeout))
            time.sleep(0.1)
        return self

    def kill(self, sig=signal.SIGTERM):
        """Stops the server (its whole process group) with `sig`, and waits
        until it no longer answers, so the next one can start."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process is not None:
            try:  # what the group leader left behind
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while self.answers() and time.monotonic() < deadline:
            time.sleep(0.1)


def jack(realtime=False):
    """JACK's dummy driver; with `realtime`, jackd and its clients' process
    threads run SCHED_FIFO (which needs the right to: root, or rtprio in
    limits.conf)."""
    priority = ["--realtime"] if realtime else ["--no-realtime"]
    return AudioServer("jack", ["jackd"] + priority + ["-d", "dummy", "-r", "48000",
                                                       "-p", "256"],
                       ["jack_lsp"], ["jackd", "jack_lsp"])


def pulse():
    return AudioServer("pulse", ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
                                 "-L", "module-null-sink sink_name=null",
                                 "-L", "module-native-protocol-unix"],
                       ["pactl", "info"], ["pulseaudio", "pactl"])


def pipewire(runtime_dir=None):
    script = "pipewire & sleep 0.5; wireplumber & sleep 0.5; pipewire-pulse & wait"
    return AudioServer("pipewire", ["dbus-run-session", "--", "sh", "-c", script],
                       ["pactl", "list", "short", "sinks"],
                       ["pipewire", "wireplumber", "pipewire-pulse", "dbus-run-session",
                        "pactl"],
                       ready=lambda out: "auto_null" in out,
                       runtime_dir=runtime_dir or tempfile.mkdtemp(prefix="ringengine-pw-"))


SERVERS = {"jack": jack, "jack-rt": lambda: jack(realtime=True), "pulse": pulse,
           "pipewire": pipewire}


def run(names, command):
    servers, env = [], dict(os.environ)
    try:
        for name in names:
            server = SERVERS[name]()
            missing = server.missing()
            if missing is not None:
                print("audio_servers: %s left out: %s is not installed" % (name, missing),
                      file=sys.stderr)
                continue
            servers.append(server.start())
            if server.runtime_dir is not None:
                env["XDG_RUNTIME_DIR"] = server.runtime_dir
        return subprocess.run(command, env=env).returncode
    finally:
        for server in reversed(servers):
            server.kill()
            if server.runtime_dir is not None:
                shutil.rmtree(server.runtime_dir, ignore_errors=True)


def main(argv):
    if len(argv) < 4 or argv[1] != "run" or "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    names = argv[2].split(",")
    unknown = [n for n in names if n not in SERVERS]
    if unknown:
        print("audio_servers: no server named %s; there are %s"
              % (", ".join(unknown), ", ".join(SERVERS)), file=sys.stderr)
        return 2
    return run(names, argv[argv.index("--") + 1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
