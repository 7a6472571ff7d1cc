"""Channels by traffic, from Python: the parameter path, the per-block
budget, EventsLost, and the snapshots read without a message."""
import array
import threading
import time

import pytest

from ringengine import (AudioEngine, EventsLost, InvalidArgumentError, Pong, RingFullError,
                        VoiceEnded)



def test_a_knob_turned_ten_thousand_times_leaves_the_command_ring_to_triggers():
    with AudioEngine(backend="offline", capacity=16) as e:
        for i in range(10_000):
            e.set_param_latest(0, "gain", (i % 100) / 100)
        for _ in range(16):
            e.stop(1)  # every trigger finds room
        with pytest.raises(RingFullError):
            e.stop(1)
        assert e.stats.params_set == 10_000 and e.stats.commands_rejected == 1


def test_only_the_last_value_is_applied_and_it_sounds_from_the_next_block():
    np = pytest.importorskip("numpy", reason="the sound is checked with numpy")
    with AudioEngine(backend="offline") as e:
        e.set_param(0, "freq", 1000.0)
        e.set_param_latest(0, "gain", 0.9)
        e.set_param_latest(0, "gain", 0.3)
        e.set_param_latest(0, "gain", 0.5)
        out = e.render(256)
        assert e.stats.params_applied == 1
        assert e.voice_state(0).gain == 0.5
        assert np.abs(out).max() == pytest.approx(0.5, abs=1e-3)
        # The same as the ordered path gives, sample for sample.
        with AudioEngine(backend="offline") as ref:
            ref.set_param(0, "freq", 1000.0)
            ref.set_param(0, "gain", 0.5)
            assert np.array_equal(ref.render(256), out)


def test_set_param_latest_refuses_what_set_param_refuses(offline):
    for args, match in [((99, "gain", 1.0), "no such voice"), ((0, "speed", 1.0), "name"),
                        ((0, "gain", float("nan")), "gain"), ((0, "pan", 2.0), "pan"),
                        ((0, "gain", "loud"), "number")]:
        with pytest.raises(InvalidArgumentError, match=match):
            offline.set_param_latest(*args)
    assert offline.stats.params_set == 0


def test_a_burst_larger_than_the_budget_is_spread_over_blocks_without_a_drop():
    with AudioEngine(backend="offline", messages_per_block=100) as e:
        first, sent = e.send_pings(250)
        assert sent == 250
        per_block = []
        for _ in range(4):
            e.process()
            per_block.append(len(e.recv_many()))
        assert per_block == [100, 100, 50, 0]
        s = e.stats
        assert s.pongs_dropped == s.pings_rejected == 0 and s.commands_handled == 250


def test_a_reader_learns_how_many_replies_a_full_ring_dropped():
    with AudioEngine(backend="offline", reply_capacity=8) as e:
        assert e.send_pings(20) == (0, 20)
        e.process()
        assert [p.seq for p in e.recv_many()] == list(range(8))
        e.send_ping()
        e.process()
        assert e.recv_many() == [EventsLost(12, 256), Pong(20, 256)]


def test_the_load_and_the_voice_state_are_read_while_the_audio_thread_runs(null):
    buf = null.load_buffer(array.array("f", bytes(4 * 48_000)))
    null.play(3, buf, loop=True)
    seen = []

    def read():  # until the audio thread has played the voice for a while
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            seen.append(null.voice_state(3))
            if seen[-1].playing and seen[-1].position > 4800:
                return

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    state = null.voice_state(3)
    assert state.playing and state.looping and state.buffer == buf.id
    assert all(s.frame <= state.frame for s in seen)
    load = null.load
    assert load.callbacks > 0 and 0 < load.last < 1 and load.active_voices == 1
    null.stop(3)
    while not isinstance(null.recv(timeout=2.0), VoiceEnded):
        pass
    with pytest.raises(InvalidArgumentError, match="no such voice"):
        null.voice_state(32)
