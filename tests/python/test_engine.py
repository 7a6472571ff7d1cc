"""AudioEngine: rings, ping/pong, full and empty rings, errors, life cycle."""
import gc
import os
import threading
import time

import pytest

import ringengine
from ringengine import (AudioEngine, EngineClosedError, EngineError, EngineTimeoutError,
                        InvalidArgumentError, Pong, RingFullError, UnsupportedError, lib)


def drain(engine):
    out = []
    pong = engine.try_recv()
    while pong is not None:
        out.append(pong)
        pong = engine.try_recv()
    return out


# -- 1. rings -------------------------------------------------------------

def test_command_ring_holds_exactly_1024_by_default(offline):
    assert offline.capacity == 1024
    for i in range(1024):
        assert offline.send_ping() == i
    with pytest.raises(RingFullError):
        offline.send_ping()
    assert offline.stats.pings_rejected == 1


def test_reply_ring_has_the_same_capacity():
    with AudioEngine(backend="offline", capacity=8) as engine:
        for _ in range(8):
            engine.send_ping()
        engine.process()          # 8 pongs fill the reply ring exactly
        engine.send_ping()
        engine.process()          # no room: this pong is dropped
        stats = engine.stats
        assert (stats.pongs_sent, stats.pongs_dropped) == (8, 1)
        assert [p.seq for p in drain(engine)] == list(range(8))


@pytest.mark.parametrize("capacity", [1, 3, 1000, 4096])
def test_capacity_is_configurable_and_exact(capacity):
    with AudioEngine(backend="offline", capacity=capacity) as engine:
        first, sent = engine.send_pings(capacity + 5)
        assert (first, sent) == (0, capacity)
        assert engine.stats.pings_rejected == 5
        with pytest.raises(RingFullError):
            engine.send_ping()


# -- 3, 4. ping and pong ----------------------------------------------------

def test_send_ping_returns_consecutive_sequence_numbers(offline):
    assert [offline.send_ping() for _ in range(5)] == [0, 1, 2, 3, 4]


def test_pong_carries_the_seq_and_the_sample_position(offline):
    offline.process(100)
    offline.process(28)
    seq = offline.send_ping()
    assert offline.try_recv() is None, "no pong before the audio thread runs"
    offline.process(64)
    pong = offline.try_recv()
    assert isinstance(pong, Pong)
    assert (pong.seq, pong.frame) == (seq, 128)
    assert pong == Pong(seq=seq, frame=128)


def test_every_ping_is_answered_once_in_order(offline):
    seqs = [offline.send_ping() for _ in range(300)]
    offline.process()
    assert [p.seq for p in drain(offline)] == seqs
    stats = offline.stats
    assert stats.pings_sent == stats.pings_handled == stats.pongs_sent == 300
    assert stats.pongs_received == 300


def test_recv_many_takes_pongs_in_bulk(offline):
    offline.process(77)
    offline.send_pings(500)
    offline.process()
    first = offline.recv_many(300)
    rest = offline.recv_many(5000)
    assert all(isinstance(p, Pong) for p in first + rest)
    assert [p.seq for p in first + rest] == list(range(500))
    assert {p.frame for p in first + rest} == {77}
    assert offline.recv_many() == []
    assert offline.stats.pongs_received == 500


def test_recv_many_columns_gives_the_same_pongs_as_columns(offline):
    offline.process(5)
    offline.send_pings(700)
    offline.process(11)
    offline.send_pings(300)
    offline.process()
    seqs, frames = offline.recv_many_columns(2000)
    assert seqs == list(range(1000))
    assert frames == [5] * 700 + [16] * 300
    assert offline.recv_many_columns() == ([], [])


def test_null_backend_answers_from_its_own_thread(null):
    assert null.backend == "null"
    seqs = [null.send_ping() for _ in range(100)]
    pongs = [null.recv(timeout=10) for _ in seqs]
    assert [p.seq for p in pongs] == seqs
    frames = [p.frame for p in pongs]
    assert frames == sorted(frames)
    assert all(f % null.block_frames == 0 for f in frames)
    assert null.stats.callbacks > 0


def test_auto_opens_a_backend_and_says_which_and_why():
    with AudioEngine() as engine:
        assert engine.backend in ("jack", "pulse", "rtaudio", "null")
        if engine.backend == "null":
            assert "no audio server answered (Jack: " in engine.note
        assert engine.device


# -- 6. full command ring ---------------------------------------------------

def test_full_ring_raises_a_specific_error_with_the_code_and_counts(offline):
    offline.send_pings(1024)
    with pytest.raises(RingFullError) as info:
        offline.send_ping()
    assert isinstance(info.value, EngineError)
    assert info.value.code == lib.ENGINE_ERR_FULL
    assert "full" in str(info.value)
    offline.process()                      # the ring empties; nothing was lost
    assert offline.send_ping() == 1024
    assert offline.stats.pings_rejected == 1


# -- 7. empty ring ----------------------------------------------------------

def test_try_recv_on_an_empty_ring_returns_none_at_once(offline):
    assert offline.try_recv() is None
    offline.process()
    assert offline.try_recv() is None
    assert offline.stats.callbacks == 1


def test_recv_times_out_with_a_timeout_error(offline):
    with pytest.raises(TimeoutError) as info:
        offline.recv(timeout=0.01)
    assert isinstance(info.value, EngineTimeoutError)
    assert info.value.code == lib.ENGINE_ERR_TIMEOUT
    with pytest.raises(EngineTimeoutError):
        offline.recv(timeout=0)


def test_recv_sleeps_instead_of_spinning(offline):
    """A thread waiting in recv() uses a small part of a core."""
    cpu = []

    def wait():
        t0 = time.thread_time()
        with pytest.raises(EngineTimeoutError):
            offline.recv(timeout=0.5)
        cpu.append(time.thread_time() - t0)

    waiter = threading.Thread(target=wait)
    waiter.start()
    waiter.join()
    assert cpu[0] < 0.5 * 0.25, "recv() burned %.3f s of CPU in 0.5 s" % cpu[0]


def test_recv_returns_a_pong_that_arrives_while_waiting(offline):
    got = []
    waiter = threading.Thread(target=lambda: got.append(offline.recv(timeout=10)))
    waiter.start()
    time.sleep(0.05)
    seq = offline.send_ping()
    offline.process()
    waiter.join()
    assert got[0].seq == seq


# -- 8. full reply ring -----------------------------------------------------

def test_full_reply_ring_drops_pongs_and_counts_them():
    with AudioEngine(backend="null", capacity=16) as engine:
        deadline = time.monotonic() + 10
        sent = 0
        while engine.stats.pongs_dropped == 0 and time.monotonic() < deadline:
            try:
                engine.send_ping()
                sent += 1
            except RingFullError:
                time.sleep(0.001)
        stats = engine.stats
        assert stats.pongs_dropped > 0, "nobody drained the replies, so pongs must drop"
        assert stats.pongs_sent == 16
        assert len(drain(engine)) == 16
        # The audio thread never waited: it kept running blocks.
        callbacks = engine.stats.callbacks
        time.sleep(0.05)
        assert engine.stats.callbacks > callbacks


# -- the GIL ----------------------------------------------------------------

def test_audio_thread_answers_while_python_holds_the_gil(null):
    seqs = [null.send_ping() for _ in range(20)]
    callbacks = null.stats.callbacks

    def busy():                  # pure Python: holds the GIL for a second
        end = time.perf_counter() + 1.0
        while time.perf_counter() < end:
            pass

    spinner = threading.Thread(target=busy)
    spinner.start()
    spinner.join()
    # No waiting now: the pongs were pushed while Python was busy.
    assert [p.seq for p in drain(null)] == seqs
    assert null.stats.callbacks > callbacks


# -- process() --------------------------------------------------------------

def test_process_is_only_for_the_offline_backend(null):
    with pytest.raises(UnsupportedError) as info:
        null.process()
    assert info.value.code == lib.ENGINE_ERR_UNSUPPORTED


def test_process_rejects_bad_frame_counts(offline):
    for frames in (0, -1, 2**32, 1.5, "64"):
        with pytest.raises(InvalidArgumentError):
            offline.process(frames)
    with pytest.raises(InvalidArgumentError):
        offline.process(65537)


# -- stats ------------------------------------------------------------------

def test_stats_have_the_counters_named_as_in_c(offline):
    assert ringengine.Stats._fields == (
        "callbacks", "frames", "pings_sent", "pings_rejected", "pings_handled",
        "pongs_sent", "pongs_dropped", "pongs_received", "xruns", "max_callback_ns",
        "commands_sent", "commands_rejected", "late", "dropped", "unhandled",
        "events_dropped", "buffers_live", "warnings", "warnings_dropped",
        "params_set", "params_applied", "commands_handled", "cancelled",
        "meter_events_dropped", "input_nonfinite")
    offline.send_ping()
    offline.process(64)
    s = offline.stats
    assert (s.callbacks, s.frames, s.pings_handled, s.xruns) == (1, 64, 1, 0)
    assert s.max_callback_ns > 0
    assert (s.warnings, s.warnings_dropped) == (0, 0)


def test_pop_warnings_is_empty_without_an_audio_library_and_works_after_close():
    # What RtAudio says is tested on a real server in test_servers.py.
    engine = AudioEngine(backend="null")
    assert engine.pop_warnings() == []
    engine.close()
    assert engine.pop_warnings() == []


# -- life cycle -------------------------------------------------------------

def test_close_may_be_called_twice_and_with_closes():
    with AudioEngine(backend="offline") as engine:
        assert not engine.closed
    assert engine.closed
    engine.close()
    assert "closed" in repr(engine)


@pytest.mark.parametrize("call", [
    lambda e: e.send_ping(),
    lambda e: e.send_pings(3),
    lambda e: e.try_recv(),
    lambda e: e.recv(timeout=1),
    lambda e: e.recv_many(),
    lambda e: e.process(),
    lambda e: e.stats,
    lambda e: e.__enter__(),
])
def test_every_call_on_a_closed_engine_raises_a_clear_error(call):
    engine = AudioEngine(backend="offline")
    engine.close()
    with pytest.raises(EngineClosedError, match="closed") as info:
        call(engine)
    assert isinstance(info.value, EngineError)


def audio_threads():
    """Names of this process's threads that are a null backend's audio thread."""
    names = []
    for task in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/comm" % task) as f:
                names.append(f.read().strip())
        except OSError:
            pass                 # the thread ended while we looked
    return [n for n in names if n == "ringengine-null"]


def test_close_stops_the_audio_thread():
    before = len(audio_threads())
    engine = AudioEngine(backend="null")
    assert len(audio_threads()) == before + 1
    engine.close()
    # close() has joined the thread; /proc lists a thread until the kernel
    # has released it, which may come a moment after the join returned
    # (seen once, on a loaded machine). A second is far more than that.
    deadline = time.monotonic() + 1.0
    while len(audio_threads()) != before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(audio_threads()) == before
    with pytest.raises(EngineClosedError):
        engine.stats


def test_an_engine_dropped_without_close_is_freed():
    engine = AudioEngine(backend="null")
    engine.send_ping()
    del engine
    gc.collect()
    # The library is still usable afterwards.
    with AudioEngine(backend="offline") as again:
        assert again.send_ping() == 0


def test_close_from_another_thread_wakes_a_waiting_recv(offline):
    errors = []

    def wait():
        try:
            offline.recv(timeout=30)
        except EngineError as e:
            errors.append(e)

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.05)
    offline.close()
    waiter.join(timeout=10)
    assert not waiter.is_alive()
    assert isinstance(errors[0], EngineClosedError)


# -- bad input --------------------------------------------------------------

@pytest.mark.parametrize("kwargs, word", [
    (dict(backend="nope"), "backend"),
    (dict(capacity=0), "capacity"),
    (dict(capacity=2**20 + 1), "capacity"),
    (dict(capacity="1024"), "capacity"),
    (dict(capacity=True), "capacity"),
    (dict(sample_rate=-1), "sample_rate"),
    (dict(sample_rate=10), "sample_rate"),
    (dict(block_frames=0), "block_frames"),
    (dict(channels=65), "channels"),
    (dict(device="x" * 300), "device"),
])
def test_bad_arguments_raise_value_errors_naming_the_argument(kwargs, word):
    kwargs.setdefault("backend", "offline")
    with pytest.raises(InvalidArgumentError, match=word) as info:
        AudioEngine(**kwargs)
    assert isinstance(info.value, ValueError)
    assert info.value.code == lib.ENGINE_ERR_INVALID


def test_unknown_device_is_an_error_that_says_why():
    with pytest.raises(EngineError) as info:
        AudioEngine(backend="rtaudio", device="no such device 0x5eed")
    assert isinstance(info.value, (ringengine.DeviceNotFoundError, ringengine.BackendError))
    assert str(info.value).startswith("engine_create: ")
    assert len(str(info.value)) > len("engine_create: ")


def test_send_pings_rejects_bad_counts(offline):
    for count in (-1, 2**32, "3"):
        with pytest.raises(InvalidArgumentError):
            offline.send_pings(count)
    assert offline.send_pings(0) == (0, 0)


def test_recv_many_columns_leaves_out_what_is_not_a_pong():
    with AudioEngine(backend="offline", reply_capacity=4) as e:
        e.send_pings(6)
        e.process()          # 4 pongs fit, 2 are dropped
        e.recv_many()
        e.send_pings(2)
        e.process()          # EventsLost(2), then 2 pongs
        seqs, frames = e.recv_many_columns()
        assert seqs == [6, 7] and frames == [256, 256]
