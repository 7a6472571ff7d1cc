"""Sound under message control, offline, where every sample can be checked:
voices, parameters at an exact frame, ramps, pan, late and dropped
commands, determinism, and the argument checks."""
import math

import pytest

from conftest import optional_module

import ringengine
from ringengine import AudioEngine, InvalidArgumentError, RingFullError, UnsupportedError

np = optional_module("numpy")  # PyPy: the tests that need it skip

RATE = 48000


@pytest.fixture
def engine():
    with AudioEngine(backend="offline", voices=4) as e:
        yield e


def crossings(x):
    """Upward zero crossings."""
    return int(np.sum((x[:-1] < 0) & (x[1:] >= 0)))


def test_a_voice_is_silent_until_its_freq_is_set(engine):
    assert not engine.render(1024).any(), "freq 0 is the default: silence"
    engine.set_param(0, "freq", 440.0)
    out = engine.render(RATE)
    assert out.shape == (RATE, 2) and out.dtype == np.float32
    assert crossings(out[:, 0]) in (439, 440), "440 Hz for one second"
    assert abs(np.abs(out).max() - 1.0) < 1e-3, "gain 1 by default: the peak is 1"
    assert np.array_equal(out[:, 0], out[:, 1]), "centre pan: both channels in full"


def test_a_change_takes_effect_at_exactly_the_frame_asked_mid_block(engine):
    at = 1000  # block 3 of 256, 232 frames in
    engine.set_param(0, "freq", 1000.0, at=at)
    out = engine.render(4096)[:, 0]
    assert not out[:at].any(), "silence before the frame"
    assert out[at] == 0.0 and out[at + 1] > 0, "the sine starts at phase 0 on that very sample"
    expected = np.sin(2 * np.pi * 1000.0 * np.arange(64) / RATE).astype(np.float32)
    assert np.allclose(out[at:at + 64], expected, atol=2e-6)
    assert engine.frame == 4096


def test_frequency_is_exact_by_zero_crossings_and_the_peak_equals_the_gain(engine):
    engine.set_param(1, "freq", 1234.0)
    engine.set_param(1, "gain", 0.25)
    out = engine.render(RATE * 2)[:, 0]
    assert crossings(out) in (2467, 2468)
    assert abs(np.abs(out).max() - 0.25) < 0.25 * 1e-3


def test_gain_ramp_is_linear_from_its_start_frame(engine):
    engine.set_param(0, "freq", 12000.0)  # a quarter of the rate: samples 0, 1, 0, -1, ...
    out = engine.render(256)
    engine.set_param(0, "gain", 0.0, at=512, ramp=1000)
    out = engine.render(2048)[:, 0]
    peaks = out[1::4]  # the +1 samples of the 12 kHz wave, 256 + 1 + 4k
    frames = 256 + 1 + 4 * np.arange(len(peaks))
    expected = np.clip(1.0 - (frames - 512) / 1000.0, 0.0, 1.0)
    assert np.allclose(peaks, expected, atol=1e-4)
    assert not out[512 + 1000 - 256:].any(), "at the ramp's end the gain is 0"


def test_pan_is_a_balance(engine):
    engine.set_param(0, "freq", 12000.0)
    engine.set_param(0, "pan", -1.0)
    left_only = engine.render(256)
    assert np.abs(left_only[:, 0]).max() > 0.99 and not left_only[:, 1].any()
    engine.set_param(0, "pan", 0.5)
    half_left = engine.render(256)
    assert abs(np.abs(half_left[:, 0]).max() - 0.5) < 1e-3
    assert abs(np.abs(half_left[:, 1]).max() - 1.0) < 1e-3


def test_mono_ignores_pan_and_extra_channels_carry_the_voice_in_full():
    with AudioEngine(backend="offline", channels=1) as mono:
        mono.set_param(0, "freq", 12000.0)
        mono.set_param(0, "pan", 1.0)
        assert abs(np.abs(mono.render(256)).max() - 1.0) < 1e-3
    with AudioEngine(backend="offline", channels=4) as quad:
        quad.set_param(0, "freq", 12000.0)
        quad.set_param(0, "pan", 1.0)
        out = quad.render(256)
        assert not out[:, 0].any()
        assert all(abs(np.abs(out[:, c]).max() - 1.0) < 1e-3 for c in (1, 2, 3))


def test_voices_are_summed_without_clipping(engine):
    for v in range(3):
        engine.set_param(v, "freq", 12000.0)
    out = engine.render(256)
    assert abs(out.max() - 3.0) < 1e-3, "three voices in phase: a peak of 3, not clipped to 1"


def test_a_late_command_applies_at_the_next_block_start_and_is_counted(engine):
    engine.render(1024)
    engine.set_param(0, "freq", 12000.0, at=100)  # long past
    out = engine.render(256)[:, 0]
    assert out[1] > 0.99, "applied from the block's first frame"
    assert engine.stats.late == 1
    engine.set_param(0, "gain", 0.5, at=engine.frame)  # exactly now: on time
    engine.render(256)
    assert engine.stats.late == 1


def test_commands_beyond_the_schedule_are_dropped_and_counted():
    with AudioEngine(backend="offline", schedule=4) as e:
        for i in range(6):
            e.set_param(0, "gain", 0.5, at=10_000 + i)
        e.render(256)
        s = e.stats
        assert (s.commands_sent, s.dropped, s.late, s.unhandled) == (6, 2, 0, 0)


def test_a_full_command_ring_raises_and_counts():
    with AudioEngine(backend="offline", capacity=2) as e:
        e.set_param(0, "freq", 100.0)
        e.set_param(0, "freq", 200.0)
        with pytest.raises(RingFullError):
            e.set_param(0, "freq", 300.0)
        assert (e.stats.commands_sent, e.stats.commands_rejected) == (2, 1)


def test_render_is_bit_for_bit_deterministic():
    def run():
        with AudioEngine(backend="offline", block_frames=100) as e:
            e.set_param(0, "freq", 431.7)
            e.set_param(1, "freq", 97.0, at=333)
            e.set_param(1, "pan", -0.7, at=500, ramp=2000)
            e.set_param(0, "gain", 0.2, at=1234, ramp=777)
            e.set_param(0, "freq", 880.0, at=3000, ramp=500)
            return e.render(10_000)
    a, b = run(), run()
    assert a.tobytes() == b.tobytes()
    assert a.any()


def test_render_writes_blocks_of_block_frames_and_a_shorter_last_one():
    with AudioEngine(backend="offline", block_frames=100) as e:
        e.render(250)
        assert (e.stats.callbacks, e.frame) == (3, 250)


def test_pings_and_parameters_share_one_ring_in_order(engine):
    seq = engine.send_ping()
    engine.set_param(0, "freq", 440.0)
    engine.render(256)
    assert engine.try_recv() == ringengine.Pong(seq, 0)
    assert engine.stats.commands_sent == 2


@pytest.mark.parametrize("args, match", [
    ((99, "freq", 440.0), "no such voice"),
    ((0, "volume", 1.0), "name must be one of freq, gain, pan"),
    ((0, "freq", float("nan")), "freq must be 0 .. sample_rate / 2"),
    ((0, "freq", 24001.0), "freq must be 0 .. sample_rate / 2"),
    ((0, "freq", -1.0), "freq must be"),
    ((0, "gain", float("inf")), "gain must be 0 .. 16"),
    ((0, "gain", 1e300), "gain must be 0 .. 16"),
    ((0, "pan", 1.5), "pan must be -1 .. 1"),
    ((0, "pan", "left"), "value must be a number"),
    ((-1, "freq", 1.0), "voice must be"),
])
def test_bad_parameters_are_refused_clearly_and_send_nothing(engine, args, match):
    with pytest.raises(InvalidArgumentError, match=match):
        engine.set_param(*args)
    assert engine.stats.commands_sent == 0


@pytest.mark.parametrize("kwargs, match", [
    ({"at": -5}, "at must be None or a frame"),
    ({"at": 1.5}, "at must be None or a frame"),
    ({"ramp": -1}, "ramp must be"),
    ({"ramp": 2**32}, "ramp must be"),
])
def test_bad_timing_is_refused(engine, kwargs, match):
    with pytest.raises(InvalidArgumentError, match=match):
        engine.set_param(0, "freq", 440.0, **kwargs)


def test_render_needs_the_offline_backend_and_a_frame_count(null):
    with pytest.raises(UnsupportedError):
        null.render(256)
    with AudioEngine(backend="offline") as e:
        with pytest.raises(InvalidArgumentError):
            e.render(-1)
        assert e.render(0).shape == (0, 2)


def test_render_and_frame_on_a_closed_engine_raise(engine):
    engine.close()
    with pytest.raises(ringengine.EngineClosedError):
        engine.render(10)
    with pytest.raises(ringengine.EngineClosedError):
        engine.frame
    with pytest.raises(ringengine.EngineClosedError):
        engine.set_param(0, "freq", 1.0)


def test_a_voice_pool_of_zero_takes_no_voice_commands():
    with AudioEngine(backend="offline", voices=0) as e:
        assert e.voices == 0
        with pytest.raises(InvalidArgumentError, match="no such voice"):
            e.set_param(0, "freq", 1.0)
        assert not e.render(256).any()


def test_the_null_backend_sounds_too(null):
    """On a real audio thread the voices run; the position moves with it."""
    null.set_param(0, "freq", 440.0)
    before = null.frame
    deadline = ringengine._engine.time.monotonic() + 2
    while null.frame < before + 4 * null.block_frames:
        assert ringengine._engine.time.monotonic() < deadline
        ringengine._engine.time.sleep(0.005)
    assert null.stats.commands_sent == 1 and null.stats.late == 0


def test_sine_is_accurate_to_float_precision(engine):
    engine.set_param(0, "freq", 997.0)
    out = engine.render(RATE)[:, 0].astype(np.float64)
    n = np.arange(RATE)
    exact = np.sin(2 * math.pi * 997.0 * n / RATE)
    assert np.abs(out - exact).max() < 1e-5
