"""Sample playback: buffers handed to the audio thread and safely back.
Offline, where every sample can be checked: bit-exact playback from a
mid-block frame, loops, stop at an exact frame, VoiceEnded's frame, the
release protocol (also with a reply ring too full for its event), memory
flat over 10,000 cycles, close from another thread while a real audio
thread plays."""
import array
import os
import threading
import time

import pytest

from conftest import optional_module

from ringengine import (AudioEngine, BufferReleased, BufferTableFullError, InvalidArgumentError,
                        Pong, RingFullError, VoiceEnded)

np = optional_module("numpy")  # PyPy: the tests that need it skip


def noise(frames, channels=1, seed=1):
    rng = np.random.default_rng(seed)
    shape = (frames,) if channels == 1 else (frames, channels)
    return rng.uniform(-1, 1, shape).astype(np.float32)


@pytest.fixture
def engine():
    with AudioEngine(backend="offline", voices=4) as e:
        yield e


def drain(engine):
    return engine.recv_many()


def test_a_mono_buffer_plays_bit_exact_on_every_channel_from_a_mid_block_frame(engine):
    x = noise(1000)
    buf = engine.load_buffer(x)
    engine.play(0, buf, at=300)  # block 2 of 256, 44 frames in
    out = engine.render(2048)
    assert not out[:300].any(), "silence before the frame"
    assert np.array_equal(out[300:1300, 0], x) and np.array_equal(out[300:1300, 1], x)
    assert not out[1300:].any(), "silence after the end"
    assert drain(engine) == [VoiceEnded(0, 1300)], "the frame just past the last sample"


def test_channels_map_onto_the_output_channels():
    stereo = noise(500, channels=2)
    with AudioEngine(backend="offline", channels=2) as e:
        e.play(0, e.load_buffer(stereo), at=10)
        out = e.render(600)
        assert np.array_equal(out[10:510], stereo)
    with AudioEngine(backend="offline", channels=1) as e:  # more channels than a mono output
        e.play(0, e.load_buffer(stereo), at=0)
        # Their average (since the mixer; before, the first channel alone).
        assert np.array_equal(e.render(500)[:, 0], (stereo[:, 0] + stereo[:, 1]) / np.float32(2))
    three = noise(500, channels=3)
    with AudioEngine(backend="offline", channels=2) as e:  # more than a stereo output
        e.play(0, e.load_buffer(three), at=0)
        assert np.array_equal(e.render(500), three[:, :2]), "channel c on output c, the rest left out"
    with AudioEngine(backend="offline", channels=4) as e:  # fewer: the rest get nothing
        e.play(0, e.load_buffer(stereo), at=0)
        out = e.render(500)
        assert np.array_equal(out[:, :2], stereo) and not out[:, 2:].any()


def test_the_caller_may_change_its_array_after_loading(engine):
    x = noise(300)
    buf = engine.load_buffer(x)
    expected = x.copy()
    x[:] = 0
    engine.play(0, buf, at=0)
    assert np.array_equal(engine.render(300)[:, 0], expected)


def test_a_looped_buffer_wraps_exactly_and_stop_silences_from_its_frame(engine):
    x = noise(100)
    engine.play(1, engine.load_buffer(x), at=50, loop=True)
    engine.stop(1, at=777, fade=0)  # a cut (the default fades: test_playback.py)
    out = engine.render(1024)[:, 0]
    played = out[50:777]
    assert np.array_equal(played, np.resize(x, len(played))), "every lap is the buffer"
    assert not out[777:].any()
    assert drain(engine) == [VoiceEnded(1, 777)]


def test_gain_and_pan_apply_to_a_buffer(engine):
    x = noise(256)
    engine.set_param(2, "gain", 0.5)
    engine.set_param(2, "pan", 1.0)
    engine.play(2, engine.load_buffer(x), at=0)
    out = engine.render(256)
    assert not out[:, 0].any() and np.array_equal(out[:, 1], x * np.float32(0.5))


def test_play_turns_a_sine_into_a_buffer_voice_and_freq_turns_it_back(engine):
    engine.set_param(0, "freq", 12000.0)
    engine.play(0, engine.load_buffer(np.zeros(10_000, np.float32)), at=256)
    out = engine.render(512)[:, 0]
    assert np.abs(out[:256]).max() > 0.99 and not out[256:].any()
    engine.set_param(0, "freq", 12000.0, at=700)
    out = engine.render(512)[:, 0]
    assert not out[:700 - 512].any() and np.abs(out[700 - 512:]).max() > 0.99
    assert drain(engine) == [VoiceEnded(0, 700)]


def test_close_stops_the_voices_next_block_then_the_memory_goes(engine):
    buf = engine.load_buffer(noise(10_000))
    engine.play(0, buf, at=0)
    engine.play(1, buf, at=0, loop=True)
    engine.render(256)
    assert engine.stats.buffers_live == 1
    buf.close()
    assert buf.closed
    out = engine.render(256)
    assert not out.any(), "the voices stop at the next block"
    replies = drain(engine)
    assert set(replies) == {VoiceEnded(0, 256), VoiceEnded(1, 256), BufferReleased(buf.id, 256)}
    assert engine.stats.buffers_live == 0
    with pytest.raises(InvalidArgumentError, match="closed"):
        engine.play(0, buf)
    buf.close()  # twice: nothing


def test_a_dropped_release_event_leaks_nothing():
    """Reply ring of one, already holding a pong: the BufferReleased event
    is dropped, yet the control side learns from the slot that the audio
    thread let go, and frees the buffer."""
    with AudioEngine(backend="offline", capacity=1) as e:
        buf = e.load_buffer(noise(100))
        e.send_ping()
        e.process()  # the pong fills the reply ring
        buf.close()
        e.process()  # the audio thread lets go; its event finds the ring full
        assert e.stats.events_dropped == 1
        assert e.try_recv() == Pong(0, 0)
        assert e.stats.buffers_live == 0, "freed without the event"


def test_a_play_sent_before_a_close_but_due_after_it_plays_nothing(engine):
    buf = engine.load_buffer(noise(100))
    engine.play(0, buf, at=1000)  # waits in the schedule
    buf.close()                   # the close is taken at the next block
    assert not engine.render(2048).any()
    assert engine.stats.unhandled == 1
    assert drain(engine) == [BufferReleased(buf.id, 0)]


def test_ten_thousand_load_play_close_cycles_keep_memory_flat():
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    x = noise(4096)  # 16 KiB each: 160 MiB in all if nothing were freed
    with AudioEngine(backend="offline", block_frames=64) as e:
        out = array.array("f", bytes(4 * 64 * e.channels))

        def cycle():
            buf = e.load_buffer(x)
            e.play(0, buf)
            e.render_into(out)
            buf.close()
            e.render_into(out)
            e.recv_many()

        for _ in range(500):
            cycle()
        before = rss()
        for _ in range(10_000):
            cycle()
        grown = rss() - before
        assert e.stats.buffers_live == 0
        if "libasan" in os.environ.get("LD_PRELOAD", ""):
            return  # ASan holds freed memory in quarantine: it checks the frees instead
        assert grown < 4 << 20, "resident memory grew by %d KiB" % (grown >> 10)


def test_close_from_another_thread_while_a_real_audio_thread_plays():
    with AudioEngine(backend="null", block_frames=64) as e:
        bufs = [e.load_buffer(noise(48_000, seed=i)) for i in range(8)]
        for v, buf in enumerate(bufs[:4]):
            e.play(v, buf, loop=True)
        time.sleep(0.05)
        closers = [threading.Thread(target=buf.close) for buf in bufs]
        for t in closers:
            t.start()
        for t in closers:
            t.join()
        deadline = time.monotonic() + 5
        released = set()
        while len(released) < 8 and time.monotonic() < deadline:
            for reply in e.recv_many():
                if isinstance(reply, BufferReleased):
                    released.add(reply.buffer_id)
            time.sleep(0.005)
        assert released == {b.id for b in bufs}
        assert e.stats.buffers_live == 0


@pytest.mark.parametrize("samples, match", [
    ([0.1, 0.2], "numpy array or a float32 buffer"),
    (array.array("d", [0.0] * 4), "float32"),
    (np.zeros(0, np.float32), "at least one frame"),
    (np.zeros((4, 65), np.float32), "1 to 64 channels"),
    (np.zeros((2, 2, 2), np.float32), "shape"),
])
def test_bad_samples_are_refused_clearly(engine, samples, match):
    with pytest.raises(InvalidArgumentError, match=match):
        engine.load_buffer(samples)
    assert engine.stats.buffers_live == 0


def test_loading_takes_any_numpy_dtype_and_refuses_past_the_table():
    with AudioEngine(backend="offline", buffers=2) as e:
        a = e.load_buffer(np.arange(4, dtype=np.float64))  # converted
        e.load_buffer(np.ones((3, 2), np.int16))
        with pytest.raises(BufferTableFullError, match="all 2 buffers"):
            e.load_buffer(np.ones(3, np.float32))
        a.close()
        e.process()
        e.try_recv()
        assert e.load_buffer(np.ones(3, np.float32)).frames == 3, "a freed slot is reused"


def test_a_buffer_belongs_to_its_engine(engine):
    with AudioEngine(backend="offline") as other:
        theirs = other.load_buffer(noise(10))
        with pytest.raises(InvalidArgumentError, match="Buffer of this engine"):
            engine.play(0, theirs)
    with pytest.raises(InvalidArgumentError, match="voice"):
        engine.play(99, engine.load_buffer(noise(10)))


def test_read_gives_the_samples_back_bit_for_bit_as_they_play():
    samples = noise(3000, 2, seed=7)
    with AudioEngine(backend="offline", channels=2) as e:
        buf = e.load_buffer(samples)
        back = buf.read()
        assert back.dtype == np.float32 and back.shape == (3000, 2)
        assert np.array_equal(back, samples)
        back[0, 0] = 5.0  # a copy: the buffer is not touched
        assert np.array_equal(buf.read(0, 1), samples[:1])
        assert np.array_equal(buf.read(1000, 500), samples[1000:1500])
        assert np.array_equal(buf.read(np.int64(2900)), samples[2900:]), "to the end"
        assert buf.read(2990, 100).shape == (10, 2), "fewer at the end"
        assert buf.read(3000).shape == (0, 2), "nothing from the end"
        e.play(0, buf)
        assert np.array_equal(e.render(3000), buf.read()), "what plays"


def test_read_of_a_file_is_what_its_voice_plays(tmp_path):
    sf = pytest.importorskip("soundfile")
    path = str(tmp_path / "x.wav")
    sf.write(path, noise(2000, 1, seed=3) * 0.5, 44100, subtype="PCM_24")
    with AudioEngine(backend="offline", channels=1, sample_rate=48000) as e:
        buf = e.load_file(path)
        back = buf.read()
        assert back.shape == (buf.frames, 1) and buf.source_rate == 44100
        e.play(0, buf)
        assert np.array_equal(e.render(buf.frames), back)


@pytest.mark.parametrize("args, match", [
    ((-1,), r"start must be 0 \.\. 100"), ((101,), r"start must be 0 \.\. 100"),
    ((0, -5), "frames must be 0 or more"), (("a",), "start must be an integer"),
    ((0, 1.5), "frames must be an integer"), ((np.float64(2.0),), "start must be an integer")])
def test_read_refuses_bad_arguments_clearly(engine, args, match):
    buf = engine.load_buffer(np.zeros(100, np.float32))
    with pytest.raises(InvalidArgumentError, match=match):
        buf.read(*args)


def test_read_of_a_closed_buffer_or_engine_is_refused():
    with AudioEngine(backend="offline") as e:
        buf = e.load_buffer(np.zeros(100, np.float32))
        other = e.load_buffer(np.zeros(100, np.float32))
        buf.close()
        with pytest.raises(InvalidArgumentError, match="closed"):
            buf.read()
    with pytest.raises(Exception, match="closed"):
        other.read()
