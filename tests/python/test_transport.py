"""The transport on the offline engine, to the sample: the beat the audio
thread keeps, tempo changes, and commands quantized to the grid. Every
frame asserted is the engine's own (offline blocks run on this thread)."""
import array
import math

import pytest

from ringengine import AudioEngine, InvalidArgumentError, Transport

RATE = 48000
BLOCK = 256


def engine(**kwargs):
    return AudioEngine(backend="offline", sample_rate=RATE, block_frames=BLOCK, **kwargs)


def ones(frames):
    return array.array("f", [1.0] * frames)


def sounding(e, frames):
    """Renders `frames` frames (render_into: no numpy needed, so PyPy runs
    this too); the engine frames at which the left channel is not silent."""
    start = e.frame
    out = array.array("f", bytes(4 * frames * e.channels))
    e.render_into(out)
    return [start + i // e.channels for i in range(0, len(out), e.channels) if out[i] != 0.0]


def onset(e, frames):
    """Renders `frames` frames; the first engine frame that is not silent,
    or None."""
    heard = sounding(e, frames)
    return heard[0] if heard else None


def test_the_transport_counts_beats_from_the_first_block():
    with engine() as e:
        assert e.transport == Transport(0, 0.0, 120.0, 4)
        for _ in range(10):
            e.process()
        t = e.transport
        assert t.frame == 10 * BLOCK
        assert t.beat == 10 * BLOCK * 120.0 / 60 / RATE
        assert (t.bpm, t.beats_per_bar) == (120.0, 4)


def test_a_tempo_change_keeps_the_beat_continuous_and_converts_both_ways():
    with engine() as e:
        e.set_tempo(60.0, at=24000)  # beat 1 there, then a beat a second
        e.process()
        assert e.beat_at(24000) == 1.0
        assert e.beat_at(72000) == 2.0
        assert e.frame_at(2.0) == 72000
        assert e.frame_at(1.5) == 48000
        sounding(e, 72000 - e.frame)
        assert e.transport == Transport(72000, 2.0, 60.0, 4)


def test_frame_at_is_the_first_frame_at_or_after_a_beat_at_98_bpm():
    with engine() as e:
        e.set_tempo(98.0)
        e.process()  # from frame 0: it arrives in the first block
        assert e.transport.bpm == 98.0
        for beat in [0.25 * k for k in range(1, 400)]:
            f = e.frame_at(beat)
            assert e.beat_at(f) >= beat > e.beat_at(f - 1)
            assert f == math.ceil(beat * 60 * RATE / 98.0) or \
                abs(f - beat * 60 * RATE / 98.0) < 1


@pytest.mark.parametrize("grid, beats", [("bar", 4), (1, 1), (0.25, 0.25), (3, 3)])
def test_a_quantized_play_starts_on_the_next_line_to_the_sample(grid, beats):
    with engine() as e:
        e.set_tempo(98.0)
        buf = e.load_buffer(ones(64))
        sounding(e, 30000)  # past beat 1 (frame 29388)
        e.play(0, buf, quantize=grid)
        line = math.floor(e.beat_at(e.frame) / beats + 1) * beats
        expected = e.frame_at(line)
        assert onset(e, expected - e.frame + 1000) == expected


def test_a_line_on_at_itself_counts_and_at_picks_the_line_after_it():
    with engine() as e:
        buf = e.load_buffer(ones(64))
        e.play(0, buf, at=96000, quantize="bar")  # 120 BPM: bar 1 is frame 96000
        e.play(1, buf, at=96001, quantize=1)      # the next beat: 120000
        heard = sounding(e, 130000)
        assert heard == list(range(96000, 96064)) + list(range(120000, 120064))


def test_a_quantized_play_waits_for_its_beat_through_a_later_tempo_change():
    """The line is found when the play arrives (the bar at beat 4, frame
    96000 at 120 BPM); a tempo change sent after it, before the line, moves
    the line's frame and the play with it."""
    with engine() as e:
        buf = e.load_buffer(ones(64))
        sounding(e, 1000)  # frame 0 is a bar line: past it
        e.play(0, buf, quantize="bar")
        e.process()
        e.set_tempo(60.0, at=48000)  # beat 2 there, then a beat a second
        e.process()
        assert e.frame_at(4.0) == 48000 + 2 * RATE
        assert onset(e, 200000) == 48000 + 2 * RATE


def test_a_quantized_set_tempo_changes_on_the_bar():
    with engine() as e:
        sounding(e, 1000)
        e.set_tempo(60.0, quantize="bar")
        e.process()
        assert e.beat_at(96000) == 4.0
        assert e.beat_at(96000 + RATE) == 5.0


def test_a_change_of_beats_per_bar_starts_a_bar_there():
    with engine() as e:
        buf = e.load_buffer(ones(64))
        e.set_tempo(120.0, at=48000, beats_per_bar=3)  # beat 2 is a downbeat now
        e.process()
        e.play(0, buf, quantize="bar")
        assert onset(e, 60000) == 48000
        e.play(0, buf, quantize="bar", fade=0)
        assert onset(e, 130000 - e.frame) == 48000 + 3 * 24000


def test_a_group_without_room_in_the_schedule_is_dropped_whole():
    """A quantized play with its region: three commands after the quantize
    (two settings, the play); a schedule of two holds none of them."""
    with engine(schedule=2) as e:
        buf = e.load_buffer(ones(4096))
        sounding(e, 1000)  # frame 0 is a bar line: past it
        dropped = e.stats.dropped
        e.play(0, buf, quantize="bar", loop_start=100, loop_end=200, loop=True)
        assert onset(e, 100000) is None
        assert e.stats.dropped == dropped + 3
        # Two fit: they play on the bar, from the frame they were given.
        e.play(0, buf, quantize="bar", start=4000)
        assert sounding(e, 100000) == list(range(192000, 192096))


def test_cancel_takes_back_a_quantized_command():
    with engine() as e:
        buf = e.load_buffer(ones(64))
        sounding(e, 1000)  # frame 0 is a bar line: past it
        e.play(3, buf, quantize="bar")
        e.process()
        cancelled = e.stats.cancelled
        e.cancel(3)
        assert onset(e, 100000) is None
        assert e.stats.cancelled == cancelled + 1


def test_a_quantized_stop_silences_on_the_beat():
    with engine() as e:
        buf = e.load_buffer(ones(RATE * 4))
        e.play(0, buf)
        sounding(e, 1000)
        e.stop(0, quantize=1, fade=0)
        assert sounding(e, 30000)[-1] == 24000 - 1


@pytest.mark.parametrize("bpm", [0, 0.5, 999.5, 1000, float("nan"), float("inf")])
def test_a_tempo_out_of_range_is_refused_naming_the_range(bpm):
    with engine() as e:
        with pytest.raises(InvalidArgumentError, match="bpm .*1 .. 999"):
            e.set_tempo(bpm)
        assert e.transport.bpm == 120.0


@pytest.mark.parametrize("quantize", [0, -1, "beat", 1 / 128, 2048, float("nan"), [1]])
def test_a_grid_that_is_none_is_refused(quantize):
    with engine() as e:
        buf = e.load_buffer(ones(8))
        sent = e.stats.commands_sent
        with pytest.raises(InvalidArgumentError, match="quantize"):
            e.play(0, buf, quantize=quantize)
        with pytest.raises(InvalidArgumentError, match="quantize"):
            e.stop(0, quantize=quantize)
        assert e.stats.commands_sent == sent


def test_beats_per_bar_and_conversions_refuse_what_is_no_number():
    with engine() as e:
        with pytest.raises(InvalidArgumentError, match="beats_per_bar"):
            e.set_tempo(100, beats_per_bar=65)
        with pytest.raises(InvalidArgumentError, match="beats_per_bar"):
            e.set_tempo(100, beats_per_bar=0)
        with pytest.raises(InvalidArgumentError):
            e.frame_at(float("nan"))
        with pytest.raises(InvalidArgumentError):
            e.beat_at(-1)
        with pytest.raises(InvalidArgumentError):
            e.beat_at("1")
        e.close()
        with pytest.raises(Exception, match="closed"):
            e.beat_at(0)


def test_every_call_that_takes_at_takes_quantize_and_lands_on_the_line():
    """set_param, set_bus, set_speed and set_loop quantized to the next
    beat (frame 24000 at 120 BPM) change the sound at that frame, to the
    sample; each before it is as it was."""
    with engine(buses=1) as e:
        buf = e.load_buffer(ones(RATE * 2))
        e.play(0, buf, loop=True)
        sounding(e, 1000)

        def level_change(send):
            """The first frame from 1000 on whose left sample differs from
            the one before it, after `send`."""
            send()
            start = e.frame
            out = array.array("f", bytes(4 * 40000 * e.channels))
            e.render_into(out)
            left = out[0::e.channels]
            for i in range(1, len(left)):
                if left[i] != left[i - 1]:
                    return start + i
            return None

        line = e.frame_at(math.floor(e.beat_at(e.frame)) + 1.0)
        assert level_change(lambda: e.set_param(0, "gain", 0.5, quantize=1)) == line
        line = e.frame_at(math.floor(e.beat_at(e.frame)) + 1.0)
        assert level_change(lambda: e.set_bus(0, "gain", 0.5, quantize=1)) == line
        line = e.frame_at(math.floor(e.beat_at(e.frame)) + 1.0)
        assert level_change(lambda: e.set_bus("master", "gain", 0.5, quantize=1)) == line


def test_a_quantized_set_loop_and_set_speed_take_effect_on_the_line():
    with engine() as e:
        ramp = array.array("f", [i / 100000.0 for i in range(96000)])
        buf = e.load_buffer(ramp)
        e.play(0, buf, loop=True)
        sounding(e, 1000)
        e.set_loop(0, 0, 100, quantize=1)  # from the beat on, the play is past the end: it wraps
        out = array.array("f", bytes(4 * 30000 * e.channels))
        start = e.frame
        e.render_into(out)
        left = out[0::e.channels]
        wrapped = next(start + i for i in range(1, len(left)) if left[i] < left[i - 1])
        assert wrapped == 24000
    with engine() as e:
        buf = e.load_buffer(ramp)
        e.play(0, buf)
        sounding(e, 1000)
        e.set_speed(2.0, quantize=1)  # beat 1: 24000
        start = e.frame
        out = array.array("f", bytes(4 * 30000 * e.channels))
        e.render_into(out)
        left = out[0::e.channels]
        steps = [left[i + 1] - left[i] for i in range(len(left) - 1)]
        assert steps[24000 - start - 2] == pytest.approx(1e-5, rel=1e-3)
        assert steps[24000 - start + 2] == pytest.approx(2e-5, rel=1e-3)


def test_quantized_calls_refuse_what_the_plain_ones_refuse():
    with engine() as e:
        with pytest.raises(InvalidArgumentError, match="gain"):
            e.set_param(0, "gain", 99.0, quantize=1)
        with pytest.raises(InvalidArgumentError, match="gain"):
            e.set_param(0, "gain", 1e35, quantize=1)
        with pytest.raises(InvalidArgumentError, match="loop_end"):
            e.set_loop(0, 100, 50, quantize=1)
        with pytest.raises(InvalidArgumentError, match="speed"):
            e.set_speed(99, quantize="bar")
        with pytest.raises(InvalidArgumentError, match="bus"):
            e.set_bus(e.buses, "gain", 0.5, quantize=1)
        assert e.stats.commands_sent == 0


def clicks(left, start):
    """(onset frame, zero crossings in its first 20 ms) of each click in a
    rendered left channel that began at engine frame `start`."""
    found, i = [], 0
    while i < len(left):
        if left[i] != 0.0 and i > 0 and left[i - 1] == 0.0:
            onset = i  # a click starts at its peak
            window = left[i:i + 960]
            crossings = sum(1 for a, b in zip(window, window[1:]) if (a < 0) != (b < 0))
            found.append((start + onset, crossings))
            i += 1440
        else:
            i += 1
    return found


def test_the_metronome_clicks_on_every_beat_to_the_sample_accented_on_the_bar():
    """At 98 BPM (a beat is no whole number of frames) over three bars and a
    tempo change: each click starts at frame_at(beat) exactly, 2 kHz on the
    bar lines (about 80 crossings in 20 ms) and 1 kHz on the other beats
    (about 40)."""
    with engine() as e:
        e.set_tempo(98.0)
        e.metronome(gain_db=-6.0)
        e.set_tempo(140.0, at=29388 * 8 + 5)  # just after beat 8
        e.process()
        out = array.array("f", bytes(4 * 400000 * e.channels))
        start = e.frame
        e.render_into(out)
        found = [c for c in clicks(out[0::e.channels], start) if c[0] < start + 400000 - 960]
        beats = [k for k in range(1, 60) if start < e.frame_at(float(k)) < start + 400000 - 960]
        assert [f for f, _ in found] == [e.frame_at(float(k)) for k in beats]
        for k, (_, crossings) in zip(beats, found):
            if k % 4 == 0:
                assert 75 <= crossings <= 85, (k, crossings)
            else:
                assert 35 <= crossings <= 45, (k, crossings)


def test_the_metronome_off_is_silent_and_it_sounds_in_its_bus():
    with engine(buses=2) as e:
        e.metronome(bus=1)
        e.set_bus(1, "mute", 1)
        assert onset(e, 100000) is None  # its bus is muted
        e.set_bus(1, "mute", 0)
        assert onset(e, 100000) == e.frame_at(math.ceil(e.beat_at(e.frame - 100000 + 256)))
        e.metronome(False)
        assert onset(e, 100000) is None


def test_the_metronome_refuses_what_is_no_bus_or_gain():
    with engine(buses=2) as e:
        with pytest.raises(InvalidArgumentError, match="bus"):
            e.metronome(bus=2)
        with pytest.raises(InvalidArgumentError, match="gain_db"):
            e.metronome(gain_db=30)
        with pytest.raises(InvalidArgumentError, match="gain_db"):
            e.metronome(gain_db=float("nan"))
        with pytest.raises(InvalidArgumentError, match="on"):
            e.metronome(on=2)
        e.metronome(gain_db=float("-inf"))  # silent, not refused
        assert onset(e, 60000) is None


def read_float_wav(path):
    """(rate, channels, samples) of a 32-bit float WAV as libsndfile writes
    it, without numpy or soundfile (PyPy runs this too)."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    pos, fmt, samples = 12, None, None
    while pos + 8 <= len(data):
        kind, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if kind == b"fmt ":
            fmt = struct.unpack("<HHI", body[:8])  # format tag, channels, rate
        elif kind == b"data":
            samples = array.array("f", body)
        pos += 8 + size + (size & 1)
    assert fmt is not None and samples is not None and fmt[0] in (3, 0xFFFE), fmt
    return fmt[2], fmt[1], samples


@pytest.mark.parametrize("bpm", [None, 98.0])
def test_the_looper_example_takes_and_loops_a_bar_on_the_transport_to_the_sample(tmp_path, bpm):
    """examples/looper.py offline: a bar of count-in, a bar taken, the take
    looped from the next bar line. At 98 BPM a beat is no whole number of
    frames (29387.76 at 48 kHz): beat arithmetic of its own would put its
    clicks and its loop a frame or more off the transport's lines. Every
    click in the master must start at the frame a reference engine's
    frame_at() gives, at its level: the input monitored at -12 dB over the
    count-in and the take (the take's first beat louder), then the take at
    full level from the loop's bar line, twice, locked to the tempo: each
    of its clicks within a frame of the beat it was taken on, counted from
    the loop's bar line (a locked loop of a bar that is no whole number of
    frames is read between frames, so its clicks may sound a frame early,
    their peaks a little lower)."""
    import os
    import re
    import subprocess
    import sys

    from conftest import python_env
    out = tmp_path / "looper.wav"
    example = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples",
                           "looper.py")
    tempo = [] if bpm is None else ["--bpm", str(bpm)]
    run = subprocess.run([sys.executable, example, "--offline", *tempo, str(out)],
                         env=python_env(), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    rate, channels, samples = read_float_wav(str(out))
    left = samples[0::channels]
    with AudioEngine(backend="offline", sample_rate=rate) as ref:
        ref.set_tempo(bpm or 120.0)
        ref.process()  # from frame 0, as the example's first block
        beat = ref.frame_at
        # The count-in from bar 1 (the first bar line a beat ahead of frame 0).
        assert "count-in at beat 4 (frame %d), take at beat 8 (frame %d), loop at beat 12 " \
            "(frame %d)" % (beat(4), beat(8), beat(12)) in run.stdout, run.stdout
        take = beat(12) - beat(8)
        assert "took %d frames from frame %d" % (take, beat(8)) in run.stdout, run.stdout
        assert len(left) == beat(20) - beat(4)
        monitor = 10 ** (-12 / 20)
        want = [(beat(k), (0.5 if k == 8 else 0.2) * monitor) for k in range(4, 12)]
        # The loop, twice: a click taken at frame beat(k) - beat(8) of the
        # take is at that fraction of its bar, from beat 12 and from 16.
        looped = [(beat(bar + 4 * (beat(k) - beat(8)) / take), 0.5 if k == 8 else 0.2)
                  for bar in (12, 16) for k in range(8, 12)]
        origin = beat(4)  # the master's first frame
    # Onsets: a sound (over 0.03: the quietest click, monitored, starts at
    # 0.05) after 100 frames of none, with its peak.
    loud = [abs(x) > 0.03 for x in left]
    got = []
    for i, x in enumerate(left):
        if loud[i] and not any(loud[max(0, i - 100):i]):
            got.append((origin + i, max(abs(s) for s in left[i:i + 200])))
    assert len(got) == len(want) + len(looped), got
    assert [f for f, _ in got[:len(want)]] == [f for f, _ in want]
    for (frame, level), (_, expected) in zip(got, want):
        assert level == pytest.approx(expected, rel=1e-5), frame
    for (frame, level), (line, expected) in zip(got[len(want):], looped):
        assert abs(frame - line) <= 1, (frame, line)
        assert level == pytest.approx(expected, rel=5e-3), frame
    assert re.search(r"wrote .*: %d frames, 0 overruns" % len(left), run.stdout), run.stdout
