"""Playback you can perform with: a voice's rate (cubic interpolation,
backwards, holding, ramps, the engine's speed), where a play starts and
loops (regions moved while playing, crossfaded seams), fades on stop and
retrigger, voices chosen by the engine, and their state read without a
message. Offline, on the rendered samples."""
import math
import re

import pytest

from conftest import optional_module

import ringengine
from ringengine import InvalidArgumentError, RingFullError, VoiceEnded
from ringengine._lib import lib

np = optional_module("numpy")  # PyPy: the tests that need it skip

RATE = 48000


def offline(**kwargs):
    kwargs.setdefault("channels", 1)
    return ringengine.AudioEngine(backend="offline", **kwargs)


def ramp_buffer(frames):
    """Frame i holds i / frames: every sample says where it came from."""
    return (np.arange(frames) / frames).astype(np.float32)


def catmull_rom(x, position):
    """The 4-point cubic Hermite (Catmull-Rom) curve through x at
    `position`, 0 outside x: the reference the engine's player is held to."""
    k = int(math.floor(position))
    f = position - k

    def at(j):
        return float(x[j]) if 0 <= j < len(x) else 0.0

    y0, y1, y2, y3 = at(k - 1), at(k), at(k + 1), at(k + 2)
    if f == 0:
        return y1
    c1 = 0.5 * (y2 - y0)
    c2 = y0 - 2.5 * y1 + 2 * y2 - 0.5 * y3
    c3 = 0.5 * (y3 - y0) + 1.5 * (y1 - y2)
    return ((c3 * f + c2) * f + c1) * f + y1


def spectrum_purity(out, line_hz):
    """The strongest component more than 30 Hz away from `line_hz`, in dB
    below the line (Blackman window over the whole render)."""
    w = np.blackman(len(out))
    s = np.abs(np.fft.rfft(out.astype(np.float64) * w))
    f = np.fft.rfftfreq(len(out), 1 / RATE)
    line = s[np.abs(f - line_hz) <= 30].max()
    return 20 * math.log10(s[np.abs(f - line_hz) > 30].max() / line)


@pytest.mark.parametrize("rate", [1.5, 0.75, -1.25])
def test_a_1khz_sine_at_another_rate_is_one_clean_line(rate):
    x = np.sin(2 * np.pi * 1000 * np.arange(RATE) / RATE).astype(np.float32)
    with offline() as e:
        v = e.play(0, e.load_buffer(x), loop=True)
        e.set_param(v, "rate", rate)
        out = e.render(RATE)[:, 0]
    assert spectrum_purity(out, 1000 * abs(rate)) < -80


def test_rate_one_is_bit_exact_and_a_rate_follows_the_cubic_curve_from_its_frame():
    x = np.sin(np.arange(4000) * 0.05).astype(np.float32) * 0.5
    with offline() as e:
        e.play(0, e.load_buffer(x))
        e.set_param(0, "rate", 0.73, at=1000)
        out = e.render(2000)[:, 0]
    assert np.array_equal(out[:1000], x[:1000]), "rate 1: the buffer's own samples"
    expected = [catmull_rom(x, 1000 + 0.73 * i) for i in range(1000)]
    assert np.max(np.abs(out[1000:] - np.array(expected, dtype=np.float32))) < 1e-6


def test_a_rate_ramp_moves_the_read_position_by_the_ramps_sum():
    x = np.sin(np.arange(20000) * 0.01).astype(np.float32)
    with offline() as e:
        e.play(0, e.load_buffer(x))
        e.set_param(0, "rate", 2.0, at=500, ramp=1000)
        out = e.render(3000)[:, 0]
    # The rate frame k moves on by: 1, then from frame 500 (still 1 there,
    # as every ramp starts where it is) up by 1/1000 a frame, 2 from 1500 on.
    rates = np.concatenate([np.ones(500), 1 + np.arange(0, 1000) / 1000, np.full(1500, 2.0)])
    positions = np.concatenate([[0.0], np.cumsum(rates[:-1])])
    expected = np.array([catmull_rom(x, p) for p in positions], dtype=np.float32)
    assert np.max(np.abs(out - expected)) < 1e-5


def test_backwards_plays_the_buffer_reversed_and_zero_holds():
    x = ramp_buffer(1000)
    with offline() as e:
        e.play(0, e.load_buffer(x), start=999)
        e.set_param(0, "rate", -1.0)
        out = e.render(1100)[:, 0]
        assert np.array_equal(out[:1000], x[::-1]), "every sample, backwards"
        assert not out[1000:].any()
        assert [r for r in e.recv_many() if isinstance(r, VoiceEnded)] == [VoiceEnded(0, 1000)]
        e.set_param(0, "rate", 1.0)  # a voice's rate stays as set across plays
        e.play(0, e.load_buffer(x), start=400)
        e.set_param(0, "rate", 0.0, at=e.frame + 10)
        out = e.render(300)[:, 0]
    assert np.array_equal(out[:10], x[400:410]) and np.all(out[10:] == x[410])


def test_the_engine_speed_multiplies_every_rate():
    x = np.sin(np.arange(10000) * 0.03).astype(np.float32)
    with offline() as e, offline() as ref:
        b, rb = e.load_buffer(x), ref.load_buffer(x)
        e.set_param(0, "rate", 0.5)
        e.set_speed(2.0)
        e.play(0, b)
        ref.play(0, rb)
        assert np.array_equal(e.render(2000), ref.render(2000)), "0.5 x 2 is 1: bit for bit"
        e.set_speed(1.5, ramp=100)
        ref.set_param(0, "rate", 0.75, ramp=100)
        assert np.allclose(e.render(2000), ref.render(2000), atol=1e-6)


def test_a_play_starts_where_asked_and_loops_over_its_region():
    x = ramp_buffer(1000)
    with offline() as e:
        e.play(0, e.load_buffer(x), start=100, loop=True, loop_start=200, loop_end=300)
        out = e.render(500)[:, 0]
    assert np.array_equal(out, np.concatenate([x[100:300], x[200:300], x[200:300], x[200:300]]))


def test_set_loop_moves_the_region_while_it_plays_to_the_sample():
    x = ramp_buffer(1000)
    with offline() as e:
        e.play(0, e.load_buffer(x), loop=True, loop_start=0, loop_end=100)
        e.set_loop(0, 500, 600, at=150)
        out = e.render(400)[:, 0]
    # Frames 0..149 as before (0..99, then 0..49); at 150 the play (at 50,
    # in its loop) lies outside the new region: it jumps to where its phase
    # says, 500 + 50, and loops [500, 600) from there.
    expected = np.concatenate([x[0:100], x[0:50], x[550:600], x[500:600], x[500:600]])
    assert np.array_equal(out, expected)


@pytest.mark.parametrize("quantize", [None, 1])
def test_set_loop_moves_both_ends_at_once(quantize):
    """Issue 40: the start and the end went as two messages; the new start
    against the old end made an empty region, which looped the whole
    buffer: [200, 300) given [1000, 1100) played 0 .. 1099."""
    x = ramp_buffer(2000)
    with offline() as e:
        e.play(0, e.load_buffer(x), loop=True, start=200, loop_start=200, loop_end=300)
        e.set_loop(0, 1000, 1100, at=e.grid_line(1, 50) if quantize else 50,
                   quantize=quantize)
        line = e.grid_line(1, 50) if quantize else 50
        out = e.render(line + 300)[:, 0]
    before = np.array([x[200 + i % 100] for i in range(line)])
    phase = line % 100
    after = np.array([x[1000 + (phase + i) % 100] for i in range(300)])
    assert np.array_equal(out, np.concatenate([before, after]))


def test_a_voice_outside_its_moved_loop_keeps_its_phase():
    """Issue 37: looping [1000, 2000) at 1100, given [3000, 3500), it played
    on to 3500 and then looped [0, 3500). It jumps to 3100 and loops [3000,
    3500), as a DJ's loop move does."""
    x = ramp_buffer(4000)
    with offline() as e:
        e.play(0, e.load_buffer(x), loop=True, start=1000, loop_start=1000, loop_end=2000)
        e.set_loop(0, 3000, 3500, at=100)
        out = e.render(1300)[:, 0]
    expected = [x[1000 + i] for i in range(100)] + \
        [x[3000 + (100 + i) % 500] for i in range(1200)]
    assert np.array_equal(out, np.array(expected))


def test_a_crossfaded_jump_of_set_loop_has_no_step_where_a_plain_one_does():
    """Issue 37: set_loop(0, 0, 20000, at=51111) on a looping voice clicked
    with crossfade 0 and with 256. With 256, the play from where it was fades
    out while the play from where it jumped fades in."""
    x = ramp_buffer(60000) * 0.8  # a slow ramp: a jump is a step of ~0.5

    def largest_step(crossfade):
        with offline() as e:
            e.play(0, e.load_buffer(x), loop=True, loop_start=30000, loop_end=60000)
            e.set_loop(0, 0, 20000, at=51111, crossfade=crossfade)
            out = e.render(52000)[:, 0]
            position = e.voice_state(0).position
        return np.max(np.abs(np.diff(out[51000:]))), position

    plain, at = largest_step(0)
    assert plain > 0.25
    assert at == (51111 - 30000) % 20000 + 52000 - 51111  # the phase kept: 1111 on
    smooth, at = largest_step(256)
    assert smooth < 0.01 and at == 1111 + 889


def test_a_loop_rendered_exactly_its_length_reads_position_0():
    """Issue 37: a looping 48000-frame buffer rendered 48000 frames read
    position 48000, a frame it never plays."""
    with offline() as e:
        e.play(0, e.load_buffer(ramp_buffer(48000)), loop=True)
        e.render(48000)
        assert e.voice_state(0).position == 0
        e.render(100)
        assert e.voice_state(0).position == 100


def test_a_crossfaded_seam_has_no_step_where_a_plain_one_does():
    x = ramp_buffer(2000) * 0.8 - 0.4  # the region from 0 up to 0.4: a step of 0.4 at its seam

    def largest_step(crossfade):
        with offline() as e:
            e.play(0, e.load_buffer(x), loop=True, loop_start=1000, loop_end=2000,
                   crossfade=crossfade)
            out = e.render(4000)[:, 0]
        return np.max(np.abs(np.diff(out[1000:])))

    assert largest_step(0) == pytest.approx(0.4, abs=0.001)
    assert largest_step(200) < 0.01


def test_stop_fades_out_where_a_cut_steps_and_says_where_it_ended():
    x = (0.5 * np.sin(2 * np.pi * 220 * np.arange(RATE) / RATE)).astype(np.float32)

    def stop_with(fade):
        with offline() as e:
            e.play(0, e.load_buffer(x), at=0)
            e.stop(0, at=1117, fade=fade)  # 1117: where the sine is far from 0
            out = e.render(4000)[:, 0]
            ended = [r for r in e.recv_many() if isinstance(r, VoiceEnded)]
        return np.max(np.abs(np.diff(out))), out, ended

    cut_step, cut, cut_ended = stop_with(0)
    assert cut_step > 0.3 and cut_ended == [VoiceEnded(0, 1117)]
    assert np.array_equal(cut[:1117], x[:1117]) and not cut[1117:].any(), "fade=0 is a cut"
    step, out, ended = stop_with(None)
    default = RATE * 3 // 1000
    assert step < 0.05, "the fade's largest step stays near the sine's own (0.014)"
    assert ended == [VoiceEnded(0, 1117 + default)]
    assert not out[1117 + default:].any() and out[1117 + default - 1] != 0


def test_a_retrigger_fades_the_old_play_out_while_the_new_one_starts():
    x = (0.5 * np.sin(2 * np.pi * 330 * np.arange(RATE) / RATE)).astype(np.float32)

    def retrigger(fade):
        with offline() as e:
            b = e.load_buffer(x)
            e.play(0, b, at=0)
            e.play(0, b, at=1000, fade=fade, fade_in=True)
            return e.render(3000)[:, 0]

    cut = retrigger(0)
    assert np.max(np.abs(np.diff(cut))) > 0.3, "a cut from mid-sine back to its start"
    out = retrigger(480)
    assert np.max(np.abs(np.diff(out))) < 0.05
    assert np.array_equal(out[:1000], x[:1000])
    assert np.allclose(out[1480:3000], x[480:2000], atol=1e-7), "the new play alone after the fade"


def test_the_engine_chooses_a_free_voice_or_the_oldest():
    short = np.full(100, 0.25, dtype=np.float32)
    with offline(voices=3) as e:
        b = e.load_buffer(short)
        long_ = e.load_buffer(np.full(100000, 0.1, dtype=np.float32))
        assert [e.play(None, long_) for _ in range(2)] == [0, 1]
        assert e.play(None, b) == 2
        e.render(512)  # voice 2's play ran out
        assert e.voice_state(2).playing is False
        assert e.play(None, b) == 2, "the free one"
        e.render(256)
        assert e.play(None, b) == 2
        e.render(1024)
        e.play(None, long_)  # voice 2 again, now for a long play
        e.render(256)
        assert e.play(None, b) == 0, "none free: the one whose play began longest ago"


def test_voice_state_says_where_the_play_is_in_the_buffer():
    with offline() as e:
        b = e.load_buffer(ramp_buffer(10000))
        e.play(3, b, start=500)
        e.render(1000)
        s = e.voice_state(3)
        assert s.playing and s.position == 1500 and s.buffer_id == b.id
        e.set_param(3, "rate", 2.0)
        e.render(1000)
        assert e.voice_state(3).position == 3500


def test_a_play_with_its_settings_arrives_whole_or_not_at_all():
    with offline(capacity=4) as e:
        b = e.load_buffer(ramp_buffer(1000))
        for _ in range(3):
            e.send_ping()
        sent = e.stats.commands_sent
        with pytest.raises(RingFullError):
            e.play(0, b, start=10, loop=True, loop_start=100, loop_end=200)
        assert e.stats.commands_sent == sent, "no part of it went in"
        e.process()
        e.recv_many()
        e.play(0, b, start=10, loop=True, loop_start=100, loop_end=200)
        assert np.array_equal(e.render(200)[:, 0], np.concatenate(
            [ramp_buffer(1000)[10:200], ramp_buffer(1000)[100:110]]))


@pytest.mark.parametrize("call, message", [
    (lambda e, b: e.set_param(0, "rate", 17.0), "rate must be -16 .. 16"),
    (lambda e, b: e.set_param(0, "rate", float("nan")), "rate must be -16 .. 16"),
    (lambda e, b: e.set_speed(-20.0), "speed must be -16 .. 16"),
    (lambda e, b: e.play(0, b, loop_start=300, loop_end=200), "loop_end must be after"),
    (lambda e, b: e.play(0, b, start=2**33), "start must be 0 .. 4294967295"),
    (lambda e, b: e.play(0, b, fade=2**25), "fade must be 0 .. 16777216"),
    (lambda e, b: e.play(0, b, crossfade=-1), "crossfade must be 0 .. 4294967295"),
    (lambda e, b: e.stop(0, fade=-3), "fade must be 0 .. 16777216"),
    (lambda e, b: e.set_loop(0, 10, 5), "loop_end must be after"),
    (lambda e, b: e.set_loop(0, 10, 5, quantize=1), "loop_end must be after"),
    (lambda e, b: e._quantized("set_loop", -1, 1, [(lib.ENGINE_MSG_SET_LOOP, 0, 10, 0.0, 5)]),
     "loop_end must be 11 .. 2^32 - 1"),
    (lambda e, b: e.set_loop(0, 0, 10, crossfade=2**24 + 1), "crossfade must be 0 .. 16777216"),
    # Issue 37: a region that cannot play on the buffer was accepted and the
    # whole buffer looped.
    (lambda e, b: e.play(0, b, loop=True, loop_start=1000),
     "loop_start must be 0 .. the buffer's frames - 1 (999) frames, not 1000"),
    (lambda e, b: e.play(0, b, loop=True, loop_start=3000, loop_end=4000),
     "loop_start must be 0 .. the buffer's frames - 1 (999) frames, not 3000"),
    (lambda e, b: e.play(0, b, loop=True, loop_start=100, loop_end=1001),
     "loop_end must be 101 .. the buffer's frames (1000) frames (0: the buffer's end), "
     "not 1001"),
    (lambda e, b: e.play(40, b), "no such voice 40"),
    (lambda e, b: e.play(0, b, bus=9), "bus must be a whole number 0 .. buses - 1"),
])
def test_bad_playback_arguments_are_refused_and_say_why(call, message):
    with offline() as e:
        b = e.load_buffer(ramp_buffer(1000))
        with pytest.raises(InvalidArgumentError, match=re.escape(message)):
            call(e, b)
        assert e.stats.commands_sent == 0


def test_the_speed_ramp_example_plays_a_loop_whose_speed_follows_its_ramps():
    import os
    import re
    import subprocess
    import sys

    from conftest import python_env
    example = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples",
                           "speed_ramp.py")
    run = subprocess.run([sys.executable, example], env=python_env(RINGENGINE_API=""),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    rows = [tuple(map(int, m)) for m in
            re.findall(r"frame +(\d+): the loop at +(\d+) of 96000", run.stdout)]
    assert len(rows) >= 15, run.stdout
    # The loop's position moves by the speed: about as far as the engine in
    # the first second, about half as far at the slowest, then faster.
    def pace(a, b):
        (f0, p0), (f1, p1) = rows[a], rows[b]
        return ((p1 - p0) % 96000) / (f1 - f0)
    assert pace(0, 2) == pytest.approx(1.0, abs=0.05)
    assert min(pace(k, k + 1) for k in range(len(rows) - 1)) < 0.7
    assert pace(len(rows) - 3, len(rows) - 1) == pytest.approx(1.25, abs=0.1)
