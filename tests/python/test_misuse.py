"""Misuse that must neither crash nor hang: exit with the audio running,
Ctrl-C in recv(), and many threads at full rate with the books balanced."""
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from conftest import python_env, run_python
from ringengine import AudioEngine, EngineTimeoutError, EventsLost, Pong, RingFullError


@pytest.mark.parametrize("backend", ["null", "offline"])
def test_interpreter_exit_while_the_engine_runs(backend):
    """Exit without close(), with pings in flight: no crash, no hang."""
    child = run_python("""
        import ringengine
        engine = ringengine.AudioEngine(backend=%r)
        for _ in range(100):
            engine.send_ping()
        keep = [ringengine.AudioEngine(backend="null") for _ in range(3)]
        print("exiting")
    """ % backend)
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "exiting"
    assert child.stderr == ""


def test_interpreter_exit_from_a_thread_inside_recv():
    """A daemon thread waiting in recv() does not keep the process alive."""
    child = run_python("""
        import threading, ringengine
        engine = ringengine.AudioEngine(backend="null")
        t = threading.Thread(target=engine.recv, daemon=True)
        t.start()
        print("exiting")
    """)
    assert child.returncode == 0, child.stderr


def test_ctrl_c_interrupts_recv_promptly():
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys, time, ringengine
            engine = ringengine.AudioEngine(backend="offline")
            print("waiting", flush=True)
            t0 = time.monotonic()
            try:
                engine.recv()              # nothing will ever come
            except KeyboardInterrupt:
                print("interrupted after %.3f s" % (time.monotonic() - t0), flush=True)
                engine.close()
                sys.exit(0)
            sys.exit(1)
        """)], env=python_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "waiting"
        time.sleep(0.3)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert out.startswith("interrupted after")
    assert took < 5, "recv() took %.1f s to notice Ctrl-C" % took


def test_eight_senders_four_receivers_ten_seconds_books_balance():
    """Every accepted ping is answered by exactly one received pong or counted
    as a dropped pong; every rejected ping raised RingFullError."""
    seconds, senders, receivers = 10.0, 8, 4
    with AudioEngine(backend="null", capacity=512) as engine:
        stop = threading.Event()
        accepted = [[] for _ in range(senders)]
        refused = [0] * senders
        received = [[] for _ in range(receivers)]
        told = [0] * receivers

        def send(i):
            while not stop.is_set():
                try:
                    accepted[i].append(engine.send_ping())
                except RingFullError:
                    refused[i] += 1
                    time.sleep(0.0005)

        def receive(i):
            while True:
                try:
                    reply = engine.recv(timeout=0.05)
                except EngineTimeoutError:
                    if stop.is_set():
                        return
                    continue
                if isinstance(reply, EventsLost):
                    told[i] += reply.dropped
                else:
                    received[i].append(reply.seq)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(senders)]
        threads += [threading.Thread(target=receive, args=(i,)) for i in range(receivers)]
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads[:senders]:
            t.join()
        # Let the audio thread answer what is still queued, then drain.
        deadline = time.monotonic() + 10
        while engine.stats.pings_handled < engine.stats.pings_sent and time.monotonic() < deadline:
            time.sleep(0.01)
        for t in threads[senders:]:
            t.join(timeout=30)
            assert not t.is_alive(), "a receiver hung"
        rest = engine.recv_many(1 << 20)
        leftover = [p.seq for p in rest if isinstance(p, Pong)]
        told.append(sum(p.dropped for p in rest if isinstance(p, EventsLost)))
        stats = engine.stats

    sent = [s for part in accepted for s in part]
    got = [s for part in received for s in part] + leftover
    assert len(sent) > 1000, "the test must actually exercise the engine"
    assert len(set(sent)) == len(sent)
    assert stats.pings_sent == len(sent)
    assert stats.pings_rejected == sum(refused)
    assert stats.pings_handled == len(sent)
    assert len(set(got)) == len(got), "a pong was received twice"
    assert stats.pongs_received == len(got)
    assert len(got) + stats.pongs_dropped == len(sent)
    assert set(got) <= set(sent)
    # Each loss a receiver was told of happened; the last may wait for a reply.
    assert sum(told) <= stats.pongs_dropped
