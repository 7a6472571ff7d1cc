"""Every input a user can give: a clear error, or a documented result.
Each test is one row of what a new user tried (a sample-pad player on the
offline and null backends), and failed before its fix."""
import array
import math

import pytest

import ringengine
from ringengine import (AudioEngine, BufferTableFullError, EngineClosedError,
                        InvalidArgumentError, VoiceEnded)

np = pytest.importorskip("numpy", reason="the rows are about numpy input")


def test_a_voice_that_finishes_a_one_shot_buffer_falls_silent():
    with AudioEngine(backend="offline") as e:
        e.set_param(0, "freq", 440.0)
        e.render(256)
        e.play(0, e.load_buffer(np.full(100, 0.5, np.float32)))
        out = e.render(512)[:, 0]
        assert np.all(out[:100] == 0.5)
        assert not out[100:].any(), "the old sine came back after the buffer"


def test_numpy_scalars_are_taken_wherever_a_python_number_is():
    with AudioEngine(backend="offline", sample_rate=np.int64(44100),
                     voices=np.uint8(4)) as e:
        assert e.sample_rate == 44100 and e.voices == 4
        buf = e.load_buffer(np.ones(8, np.float32))
        e.play(np.int16(1), buf, at=np.int64(24000))
        e.set_param(np.int32(0), "gain", np.float32(0.5), at=np.uint64(10), ramp=np.int64(5))
        e.set_param_latest(np.int8(2), "pan", np.float64(-0.25))
        e.stop(np.int64(1), at=np.int64(30000))
        assert e.render(np.int64(256)).shape == (256, 2)
        e.process(np.int32(64))
        e.cancel(np.int64(1))
        with pytest.raises(InvalidArgumentError, match="at must be None or a frame"):
            e.play(0, buf, at=np.float64(3.0))
    with pytest.raises(InvalidArgumentError, match="sample_rate must be an integer"):
        AudioEngine(backend="offline", sample_rate=np.bool_(True))


def test_an_errors_text_is_about_the_call_that_raised_it():
    e = AudioEngine(backend="offline", buffers=1)
    with pytest.raises(InvalidArgumentError, match="no such voice"):
        e.set_param(99, "gain", 1)
    e.close()
    with pytest.raises(EngineClosedError, match="load_buffer: the engine is closed"):
        e.load_buffer(np.ones(4, np.float32))
    f = AudioEngine(backend="offline", buffers=1)
    f.load_buffer(np.ones(4, np.float32))
    with pytest.raises(BufferTableFullError, match="all 1 buffers"):
        f.load_buffer(np.ones(4, np.float32))
    with pytest.raises(InvalidArgumentError) as raised:
        f.set_param(0, "gain", 99.0)
    assert "buffers" not in str(raised.value) and "gain must be 0 .. 16, not 99" in str(raised.value)


@pytest.mark.parametrize("bad, what", [(np.nan, "NaN"), (np.inf, "infinite"), (-np.inf, "infinite")])
def test_nan_and_infinity_in_samples_are_refused_and_name_where(offline, bad, what):
    samples = np.array([[.1, .2], [.3, bad], [.5, .6]], np.float32)
    with pytest.raises(InvalidArgumentError, match="frame 1, channel 1 is " + what):
        offline.load_buffer(samples)
    assert offline.stats.buffers_live == 0
    with pytest.raises(InvalidArgumentError, match="finite"):
        offline.load_buffer(array.array("f", [0.0, math.nan]))


def test_integer_pcm_is_scaled_as_python_soundfile_reads_it(offline):
    sf = pytest.importorskip("soundfile")
    import io
    pcm = np.array([0, 16384, -32768, 32767, -1], np.int16)
    wav = io.BytesIO()
    sf.write(wav, pcm, 48000, subtype="PCM_16", format="WAV")
    wav.seek(0)
    expected = sf.read(wav, dtype="float32")[0]  # python-soundfile's own scaling
    buf = offline.load_buffer(pcm)
    offline.play(0, buf)
    assert np.array_equal(offline.render(5)[:, 0], expected)
    for dtype, value, scaled in [(np.int32, -2**31, -1.0), (np.int8, 64, 0.5),
                                 (np.uint8, 0, -1.0), (np.uint8, 192, 0.5)]:
        with AudioEngine(backend="offline", channels=1) as e:
            e.play(0, e.load_buffer(np.array([value], dtype)))
            assert e.render(1)[0, 0] == scaled, dtype
    for refused in (np.ones(3, complex), np.ones(3, bool), np.ones(3, np.int64)):
        with pytest.raises(InvalidArgumentError, match="samples must be"):
            offline.load_buffer(refused)


def test_late_counts_only_commands_that_came_late():
    with AudioEngine(backend="null") as e:
        for _ in range(10):
            e.send_ping()
            e.recv(timeout=2.0)
        assert e.stats.late == 0, "pings are for the next block, never late"
    with AudioEngine(backend="offline") as e:
        e.render(512)
        e.set_param(0, "gain", 0.5, at=100)
        e.process()
        assert e.stats.late == 1


def test_render_into_checks_the_shape(offline):
    with pytest.raises(InvalidArgumentError, match=r"shape \(10, 3\)"):
        offline.render_into(np.zeros((10, 3), np.float32))
    with pytest.raises(InvalidArgumentError, match="shape"):
        offline.render_into(np.zeros((4, 2, 2), np.float32))
    assert offline.render_into(np.zeros((10, 2), np.float32)) == 10
    assert offline.render_into(np.zeros(20, np.float32)) == 10


def test_out_of_range_calls_name_the_argument_the_value_and_the_range(offline):
    with pytest.raises(InvalidArgumentError, match=r"frames must be 1 \.\. 65536, not 65537"):
        offline.process(65537)
    with pytest.raises(InvalidArgumentError, match="frames must be 0 .. "):
        offline.render(2**64)
    assert offline.recv_many(2**32 - 1) == [], "no bare MemoryError: the ring holds 1024"
    with pytest.raises(InvalidArgumentError, match=r"no such voice 99 \(voices are 0 \.\. 31\)"):
        offline.set_param(99, "freq", 1.0)
    with pytest.raises(InvalidArgumentError, match=r"no such voice 40"):
        offline.voice_state(40)


def test_options_the_backend_has_no_use_for_are_refused():
    with pytest.raises(InvalidArgumentError, match="api"):
        AudioEngine(backend="null", api="bogus")
    with pytest.raises(InvalidArgumentError, match="device"):
        AudioEngine(backend="offline", device="x")
    with pytest.raises(InvalidArgumentError, match="device"):
        AudioEngine(backend="null", device="x")


def test_a_slot_freed_by_close_can_be_loaded_again_at_once():
    with AudioEngine(backend="offline", buffers=2) as e:
        a = e.load_buffer(np.ones(4, np.float32))
        b = e.load_buffer(np.ones(4, np.float32))
        a.close()
        c = e.load_buffer(np.ones(4, np.float32))  # before any block has run
        assert c.id not in (a.id, b.id)
        with pytest.raises(BufferTableFullError, match="open"):
            e.load_buffer(np.ones(4, np.float32))
        e.process()
        e.recv_many()
        assert e.stats.buffers_live == 2


def test_scheduled_commands_can_be_taken_back():
    with AudioEngine(backend="offline") as e:
        buf = e.load_buffer(np.ones(100, np.float32))
        e.play(0, buf, at=10000)
        e.play(1, buf, at=10000)
        e.stop(0, at=500)
        e.stop(0)
        e.cancel(0)
        out = e.render(12000)
        assert not out[:10000].any()
        assert np.all(out[10000:10100] == 1.0), "voice 1's play was not for voice 0: it stays"
        assert e.stats.cancelled == 2, "voice 0's play and its stop at 500"
        e.set_param(2, "freq", 100.0, at=20000)
        e.set_param(3, "freq", 200.0, at=20000)
        e.cancel()
        assert not e.render(10000).any()
        assert e.stats.cancelled == 4
        with pytest.raises(InvalidArgumentError, match="no such voice"):
            e.cancel(32)
        assert isinstance(e.recv(timeout=0.0), VoiceEnded)
