"""Key lock: a play that keeps its pitch while its rate changes, and shifts
its pitch without changing its tempo, through Rubber Band's real-time
stretcher (R3); the budget of key-locked voices; and, in a build without
Rubber Band (tools/test.sh's build-no-rubberband), a clear refusal."""
import math

import pytest

from conftest import optional_module

import ringengine
from ringengine import InvalidArgumentError

np = optional_module("numpy")  # PyPy: the tests that need it skip

RATE = 48000
HAVE = "keylock" in ringengine.FEATURES
needs_keylock = pytest.mark.skipif(not HAVE, reason="a build without key lock")


def peak_hz(x):
    """The strongest frequency of x, to a fraction of a Hz: a Hann window,
    zero padding 16-fold, and a parabola through the peak's bins (in dB)."""
    n = 16 * len(x)
    s = np.abs(np.fft.rfft(x * np.hanning(len(x)), n))
    k = int(np.argmax(s))
    a, b, c = (20 * np.log10(s[k + d]) for d in (-1, 0, 1))
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * RATE / n


def tone(hz, seconds):
    return (0.5 * np.sin(2 * np.pi * hz * np.arange(int(RATE * seconds)) / RATE)).astype(
        np.float32)


@needs_keylock
@pytest.mark.parametrize("rate", [0.8, 1.25])
def test_a_key_locked_440_hz_tone_keeps_its_pitch_at_another_rate(rate):
    with ringengine.AudioEngine(backend="offline", channels=1, keylock_voices=1) as e:
        e.set_param(0, "rate", rate)
        e.play(0, e.load_buffer(tone(440, 4)), loop=True, keylock=True)
        out = e.render(RATE * 2)[:, 0].astype(np.float64)
    assert peak_hz(out[RATE // 2:]) == pytest.approx(440, abs=1)


@needs_keylock
def test_the_tempo_follows_the_rate_and_the_plain_play_changes_pitch():
    with ringengine.AudioEngine(backend="offline", channels=1, keylock_voices=1) as e:
        b = e.load_buffer(tone(440, 10))
        e.set_param(0, "rate", 1.25)
        e.play(0, b, keylock=True)
        e.render(RATE)
        first = e.voice_state(0).position
        e.render(RATE)
        assert e.voice_state(0).position - first == pytest.approx(1.25 * RATE, rel=0.02)
        e.set_param(1, "rate", 1.25)
        e.play(1, b)  # not key-locked: the pitch moves with the rate
        e.set_param(0, "gain", 0.0)
        out = e.render(RATE)[:, 0].astype(np.float64)
    assert peak_hz(out) == pytest.approx(550, abs=1)


@needs_keylock
def test_pitch_shifts_without_changing_the_tempo():
    with ringengine.AudioEngine(backend="offline", channels=1, keylock_voices=2) as e:
        e.set_param(1, "pitch", 12.0)
        v = e.play(None, e.load_buffer(tone(440, 4)), loop=True, keylock=True)
        assert v == 0, "a free voice among those that can key-lock"
        e.set_param(0, "pitch", 12.0)
        out = e.render(RATE * 2)[:, 0].astype(np.float64)
        assert peak_hz(out[RATE // 2:]) == pytest.approx(880, abs=1)
        e.set_param(0, "pitch", -7.0)
        out = e.render(RATE * 2)[:, 0].astype(np.float64)
    assert peak_hz(out[RATE // 2:]) == pytest.approx(440 * 2 ** (-7 / 12), abs=1)


@needs_keylock
def test_the_budget_of_key_locked_voices_is_refused_clearly_past_it():
    with ringengine.AudioEngine(backend="offline", voices=4, keylock_voices=2) as e:
        b = e.load_buffer(tone(440, 0.1))
        with pytest.raises(InvalidArgumentError,
                           match=r"voice 2 cannot key-lock \(keylock_voices is 2: voices 0 \.\. 1\)"):
            e.play(2, b, keylock=True)
        assert e.play(3, b) == 3, "a voice past the budget plays, not key-locked"
        with pytest.raises(InvalidArgumentError, match="pitch must be -12 .. 12"):
            e.set_param(0, "pitch", 13.0)
    with pytest.raises(InvalidArgumentError, match="keylock_voices must be 0 .. voices"):
        ringengine.AudioEngine(backend="offline", voices=4, keylock_voices=5)
    with ringengine.AudioEngine(backend="offline") as e:
        with pytest.raises(InvalidArgumentError, match="make the engine with keylock_voices=N"):
            e.play(0, e.load_buffer(tone(440, 0.1)), keylock=True)


@pytest.mark.skipif(HAVE, reason="this build has key lock")
def test_a_build_without_rubber_band_refuses_key_lock_clearly():
    assert "keylock" not in ringengine.FEATURES
    with pytest.raises(InvalidArgumentError, match="built without Rubber Band"):
        ringengine.AudioEngine(backend="offline", keylock_voices=1)
    with ringengine.AudioEngine(backend="offline") as e:
        with pytest.raises(InvalidArgumentError, match="this build has no key lock"):
            e.play(0, e.load_buffer(tone(440, 0.1)), keylock=True)
