"""The engine on real audio servers (JACK, PulseAudio) started by fixtures:
pings answered from the server's callback, devices, API choice, faults."""
import json
import signal
import time

import pytest

from conftest import audio_servers, run_python
from conftest import run_ringengine as cli
from ringengine import (FEATURES, AudioEngine, BackendError, DeviceNotFoundError,
                        EngineClosedError, EngineTimeoutError, query_devices)


def no_reply_will_come(engine):
    """On an engine whose server went away: a ping is queued but recv()
    (with no timeout) raises instead of hanging, and close() is prompt."""
    engine.send_ping()
    t0 = time.monotonic()
    with pytest.raises(BackendError, match="the audio stopped"):
        engine.recv()
    assert time.monotonic() - t0 < 5
    t0 = time.monotonic()
    engine.close()
    assert time.monotonic() - t0 < 5


def ping_all(engine, count=2000):
    """count pings, at most one ring's worth in flight; the pongs' seqs."""
    got, sent = [], 0
    deadline = time.monotonic() + 60
    while len(got) < count and time.monotonic() < deadline:
        while sent < count and sent - len(got) < engine.capacity:
            engine.send_ping()
            sent += 1
        seqs, _ = engine.recv_many_columns()
        got += seqs
        time.sleep(0.001)
    return got


ON_SERVERS = [("jack", None, "jack_server", "Jack: system"),
              ("pulse", None, "pulse_server", "Pulse: Null Output"),
              ("rtaudio", "pulse", "pulse_server", "Pulse: Null Output")]


@pytest.mark.parametrize("backend, api, server, device", ON_SERVERS)
def test_pings_are_answered_from_the_servers_callback(backend, api, server, device, request):
    request.getfixturevalue(server)
    with AudioEngine(backend=backend, api=api) as engine:
        assert engine.backend == backend
        assert engine.device == device
        assert engine.block_frames == 256
        assert ping_all(engine) == list(range(2000))
        stats = engine.stats
        assert stats.callbacks >= 2
        assert stats.frames == stats.callbacks * 256, "every callback is one server period"
        assert engine.state == "running"
        assert engine.pop_warnings() == [], "connected, and nothing to warn about"


@pytest.mark.parametrize("backend, api, server, device", ON_SERVERS)
def test_ping_command_works_on_each_server(backend, api, server, device, request):
    request.getfixturevalue(server)
    run = cli("ping", "--backend", backend, *(("--api", api) if api else ()),
              "--count", "200", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert (report["backend"], report["device"]) == (backend, device)
    assert report["pongs_received"] == 200


def test_devices_are_listed_with_the_default_marked(jack_server, pulse_server):
    devices = query_devices()
    assert ("jack", "system") in [(d.api, d.name) for d in devices]
    assert ("pulse", "Null Output") in [(d.api, d.name) for d in devices]
    jack = [d for d in devices if d.api == "jack"]
    assert jack[0].output_channels == 2 and jack[0].is_default
    assert devices[0].api == "jack", "JACK comes first, as auto tries it first"
    out = cli("devices").stdout.splitlines()
    assert out[0].startswith(">") and "system, jack (2 out, default)" in out[0]
    assert any("Null Output, pulse" in line and not line.startswith(">") for line in out)


def test_devices_say_plainly_when_no_server_runs():
    devices = query_devices("jack")
    if devices:
        pytest.skip("a JACK server is running here")
    assert devices == [] and "no server running" in devices.notes
    run = cli("devices", "--api", "jack")
    assert run.returncode == 0
    assert run.stdout.startswith("no output devices found (Jack: no server running)")


def test_device_by_substring_and_an_unknown_one(pulse_server):
    with AudioEngine(backend="rtaudio", api="pulse", device="null out") as engine:
        assert engine.device == "Pulse: Null Output"
    with pytest.raises(DeviceNotFoundError) as info:
        AudioEngine(backend="rtaudio", api="pulse", device="no such device")
    assert "'Null Output'" in str(info.value), "the error names the devices that exist"


def test_environment_variable_chooses_the_api(jack_server, pulse_server):
    for api, device in (("pulse", "Pulse: Null Output"), ("jack", "Jack: system")):
        run = cli("ping", "--count", "20", "--json", RINGENGINE_API=api)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["device"] == device


def test_auto_opens_jack_first_and_says_why_it_falls_back(jack_server):
    with AudioEngine() as engine:
        assert (engine.backend, engine.device, engine.note) == ("jack", "Jack: system", "")
    jack_server.kill()
    with AudioEngine() as engine:
        if engine.backend == "null":
            assert "Jack: no server running" in engine.note


def test_killing_jack_mid_stream_is_noticed_and_nothing_hangs(jack_server):
    engine = AudioEngine(backend="jack")
    assert ping_all(engine, 100) == list(range(100))
    jack_server.kill(signal.SIGKILL)

    deadline = time.monotonic() + 10
    while engine.state == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert engine.state == "stopped"
    assert "shut the client down" in engine.stop_reason
    warnings = engine.pop_warnings()       # the server's own words, as in the reason
    assert warnings and warnings[-1] in engine.stop_reason

    no_reply_will_come(engine)
    assert engine.state == "closed"

    # With a server back, a new engine works.
    server = audio_servers.jack().start()
    try:
        with AudioEngine(backend="jack") as again:
            assert ping_all(again, 100) == list(range(100))
    finally:
        server.kill()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killing_pulse_mid_stream_stops_the_engine_and_keeps_rtaudios_warnings(
        pulse_server, sig, capfd):
    """RtAudio 5.2 only warns when PulseAudio goes away, then calls back again
    at once, forever; the engine takes its warning as the end of the stream."""
    engine = AudioEngine(backend="rtaudio", api="pulse")
    assert ping_all(engine, 100) == list(range(100))
    assert engine.pop_warnings() == []
    pulse_server.kill(sig)

    deadline = time.monotonic() + 10
    while engine.state == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert engine.state == "stopped"
    assert "audio write error" in engine.stop_reason
    callbacks = engine.stats.callbacks
    time.sleep(0.3)
    assert engine.stats.callbacks == callbacks, "the callback still runs"

    warnings = engine.pop_warnings()
    assert warnings[0].startswith("RtApiPulse::callbackEvent: audio write error")
    assert warnings[0] in engine.stop_reason
    assert engine.stats.warnings == len(warnings) + engine.stats.warnings_dropped
    assert engine.pop_warnings() == []      # each is given once

    no_reply_will_come(engine)
    assert capfd.readouterr() == ("", ""), "the library printed"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("delay", [0, 0.002, 0.02, 0.2])
def test_closing_at_any_moment_of_a_jack_shutdown_is_safe_and_quiet(sig, delay):
    """Close right as the server dies (SIGTERM and SIGKILL, at several delays):
    no crash, close() within 3 s (it waits for libjack at most 2 s), nothing
    printed. Each case in a process of its own: when the server dies in the
    middle of the teardown, libjack sometimes deadlocks in it for good, and
    then no JACK client can be opened in that process again (a later
    engine_create() fails after 10 s, saying so; docs/architecture.md)."""
    child = run_python("""
import signal, sys, time
sys.path.insert(0, sys.argv[1])
from conftest import audio_servers
import ringengine
sig, delay = signal.Signals(int(sys.argv[2])), float(sys.argv[3])
server = audio_servers.jack().start()
engine = ringengine.AudioEngine(backend="jack")
engine.send_ping()
engine.recv(timeout=5)
server.process.send_signal(sig)
time.sleep(delay)
t0 = time.monotonic()
engine.close()
print("%.3f" % (time.monotonic() - t0), flush=True)
del engine
server.kill()
""", str(int(sig)), str(delay), timeout=120)
    assert child.returncode == 0, "the child died: %s\n%s" % (child.returncode, child.stderr)
    assert float(child.stdout) < 3.0, child.stdout
    assert child.stderr == "", "the library printed: " + child.stderr


def test_closing_while_the_jack_server_is_frozen_returns_promptly():
    """A stopped server leaves libjack waiting for it for good (jack_deactivate
    blocks in read()). close() returns within 3 s anyway, the engine can be
    destroyed, and when the server wakes up, libjack's late callbacks touch
    nothing that is gone (the ASan and TSan builds run this too)."""
    child = run_python("""
import os, signal, sys, time
sys.path.insert(0, sys.argv[1])
from conftest import audio_servers
import ringengine
server = audio_servers.jack().start()
engine = ringengine.AudioEngine(backend="jack")
engine.send_ping()
engine.recv(timeout=5)
os.killpg(server.process.pid, signal.SIGSTOP)
t0 = time.monotonic()
engine.close()
print("%.3f" % (time.monotonic() - t0), flush=True)
del engine
os.killpg(server.process.pid, signal.SIGCONT)
time.sleep(1.0)                 # the server runs its cycles again
server.kill()
time.sleep(0.5)                 # libjack's thread sees it go
print("done", flush=True)
""", timeout=120)
    assert child.returncode == 0, "the child died: %s\n%s" % (child.returncode, child.stderr)
    lines = child.stdout.split()
    assert lines[-1] == "done", child.stdout
    assert float(lines[0]) < 3.0, "close() waited for a frozen server: " + child.stdout
    assert child.stderr == "", "the library printed: " + child.stderr


def test_xruns_that_jack_reports_are_counted(jack_server):
    """Freezing the server for longer than a period makes JACK report xruns
    to its clients; the engine counts them and keeps running."""
    with AudioEngine(backend="jack") as engine:
        assert ping_all(engine, 10) == list(range(10))
        before = engine.stats.xruns
        for _ in range(3):
            jack_server.process.send_signal(signal.SIGSTOP)
            time.sleep(0.1)                 # about 19 periods of 5.3 ms
            jack_server.process.send_signal(signal.SIGCONT)
            time.sleep(0.3)
        assert engine.stats.xruns > before
        assert engine.state == "running"
        assert ping_all(engine, 10) == list(range(10, 20))


def stopped_within(engine, seconds=10):
    deadline = time.monotonic() + seconds
    while engine.state == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    return engine.state == "stopped"


def survives_the_servers_death(engine, kill, capfd):
    """The server dies under a running engine: the engine says why, recv()
    raises instead of hanging, close() is prompt, nothing is printed."""
    assert ping_all(engine, 100) == list(range(100))
    kill()
    assert stopped_within(engine)
    assert engine.stop_reason.startswith("Pulse: the server closed the stream: ")
    callbacks = engine.stats.callbacks
    time.sleep(0.3)
    assert engine.stats.callbacks == callbacks, "the callback still runs"
    no_reply_will_come(engine)
    assert capfd.readouterr() == ("", ""), "the library printed"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killing_pulseaudio_under_the_pulse_backend_is_survived(pulse_server, sig, capfd):
    survives_the_servers_death(AudioEngine(backend="pulse"), lambda: pulse_server.kill(sig),
                               capfd)
    pulse_server.start()
    with AudioEngine(backend="pulse") as again:
        assert ping_all(again, 100) == list(range(100))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killing_pipewire_under_the_pulse_backend_is_survived(pipewire_server, sig, capfd):
    engine = AudioEngine()
    assert engine.backend == "pulse"
    survives_the_servers_death(engine, lambda: pipewire_server.kill(sig), capfd)
    pipewire_server.start()
    with AudioEngine() as again:
        assert again.backend == "pulse"
        assert ping_all(again, 100) == list(range(100))


CLOSING_ON = ON_SERVERS + [("pulse", None, "pipewire_server", "Pulse: Dummy Output")]


@pytest.mark.parametrize("backend, api, server, device", CLOSING_ON)
def test_closing_while_threads_wait_in_recv_and_poll_the_state(backend, api, server, device,
                                                                 request):
    """engine_close() stops the stream on one thread while others wait in
    recv() and read `state`: they learn the engine closed, nothing crashes
    and (in tools/sanitize.sh tsan) nothing races, since the state is read
    from the backend's own record, never from the audio library."""
    import threading
    request.getfixturevalue(server)
    engine = AudioEngine(backend=backend, api=api)
    assert engine.device == device
    outcomes, stop = [], threading.Event()

    def wait_in_recv():
        while True:
            try:
                engine.recv(timeout=0.05)
            except EngineTimeoutError:
                continue
            except EngineClosedError:
                outcomes.append("closed")
                return

    def poll_state():
        seen = set()
        while not stop.is_set():
            seen.add(engine.state)
            engine.stop_reason
        seen.add(engine.state)
        outcomes.append(seen)

    threads = [threading.Thread(target=f) for f in (wait_in_recv, wait_in_recv, poll_state,
                                                    poll_state)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    engine.close()
    stop.set()
    for t in threads:
        t.join(timeout=5)
        assert not t.is_alive()
    assert outcomes.count("closed") == 2
    assert all(seen <= {"running", "closed"} and "closed" in seen
               for seen in outcomes if seen != "closed")


def test_a_jack_server_without_playback_ports_runs_the_engine_unconnected_and_says_so():
    """No port to play to (not even a non-physical one): the client still
    runs, answering pings, and a warning says it is heard by no one."""
    server = audio_servers.AudioServer(
        "jack", audio_servers.jack().cmd + ["-P", "0"], ["jack_lsp"], ["jackd", "jack_lsp"])
    if server.missing() is not None:
        pytest.skip("%s is not installed" % server.missing())
    server.start()
    try:
        with AudioEngine(backend="jack") as engine:
            assert engine.device == "Jack: (unconnected)"
            assert ping_all(engine, 100) == list(range(100))
            assert engine.pop_warnings() == [
                "Jack: the server has no playback ports: the client runs unconnected"]
        with pytest.raises(DeviceNotFoundError, match="no playback ports"):
            AudioEngine(backend="jack", device="system")
    finally:
        server.kill()


OVERLOADED_ON_JACK = """
import array, json, sys, time
sys.path.insert(0, sys.argv[1])
from ringengine import AudioEngine
with AudioEngine(backend="jack", keylock_voices=16) as engine:
    noise = array.array("f", (((i * 7919) % 2001 - 1000) / 4000.0 for i in range(48000)))
    buffer = engine.load_buffer(noise)
    for v in range(16):
        engine.play(v, buffer, loop=True, keylock=True)
    time.sleep(1)
    period_ns = engine.block_frames * 1e9 / engine.sample_rate
    print(json.dumps({"periods": engine.stats.max_callback_ns / period_ns}))
"""


@pytest.mark.skipif("keylock" not in FEATURES, reason="a build without key lock")
def test_closing_a_jack_engine_whose_callbacks_outlast_the_period_is_safe(jack_server):
    """libjack stops a client's thread with an asynchronous cancel when the
    client deactivates. A thread still inside the engine's callback (here
    16 key-locked voices, more work than a period holds) was unwound into
    a noexcept frame of the engine's: std::terminate, an abort at close."""
    child = run_python(OVERLOADED_ON_JACK)
    assert child.returncode == 0, (child.returncode, child.stderr)
    periods = json.loads(child.stdout)["periods"]
    if periods < 1:
        pytest.skip("this machine kept up with 16 key-locked voices (%.2f periods)" % periods)
