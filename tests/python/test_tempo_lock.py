"""Tempo lock from Python, on the offline engine, to the sample: play(...,
bpm=) plays at rate x tempo / bpm, follows tempo changes at their frames,
and a locked loop wraps on the transport's grid. The buffers are ramps, so
each sample says where the voice read. No numpy: PyPy runs these too."""
import array
import math

import pytest

from ringengine import AudioEngine, InvalidArgumentError

RATE = 48000


def engine(**kwargs):
    return AudioEngine(backend="offline", sample_rate=RATE, block_frames=256, channels=1,
                       **kwargs)


def ramp(frames, scale=1.0):
    return array.array("f", [i * scale for i in range(frames)])


def render(e, frames):
    out = array.array("f", bytes(4 * frames))
    e.render_into(out)
    return out


def test_a_locked_play_runs_at_tempo_over_its_bpm_and_follows_a_change_at_its_frame():
    with engine() as e:
        buf = e.load_buffer(ramp(20000))
        e.set_tempo(90.0)
        e.play(0, buf, bpm=60.0)  # 1.5 frames of the buffer a frame
        e.set_tempo(150.0, at=1001)  # 2.5 from there
        out = render(e, 2000)
        assert list(out[:1001]) == [1.5 * i for i in range(1001)]
        assert list(out[1001:]) == [1501.5 + 2.5 * (i - 1001) for i in range(1001, 2000)]


def test_an_unlocked_play_beside_it_keeps_the_buffers_speed():
    with engine() as e:
        buf = e.load_buffer(ramp(20000))
        e.set_tempo(240.0)
        e.play(0, buf)
        assert list(render(e, 512)) == [float(i) for i in range(512)]


def test_a_locked_loop_on_the_bar_wraps_on_every_bar_line_through_tempo_changes():
    with engine() as e:
        e.set_tempo(98.0)
        e.process()
        # A bar at 98 BPM is 117551.02 frames: a region of 117551 frames is
        # taken as exactly four beats.
        frames = 117551
        buf = e.load_buffer(ramp(frames, 1.0 / frames))
        e.play(0, buf, loop=True, bpm=98.0, quantize="bar")
        start = e.frame_at(4.0)
        e.set_tempo(131.0, at=start + 200000)
        e.set_tempo(87.5, at=start + 450000)
        out = render(e, start + 1000000 - e.frame)
        first = 256
        heard = [first + i for i in range(1, len(out))
                 if out[i] < 0.5 <= out[i - 1]]
        lines = [e.frame_at(4.0 * k) for k in range(2, 40)]
        lines = [f for f in lines if f < first + len(out)]
        assert len(heard) == len(lines) >= 6
        for h, line in zip(heard, lines):
            assert abs(h - line) <= 1, (h, line)
        assert out[start - first] == 0.0 and out[start - first - 1] == 0.0


@pytest.mark.parametrize("bpm", [0, -1, 0.5, 1000, float("nan"), float("inf")])
def test_a_bpm_out_of_range_is_refused_naming_the_range(bpm):
    with engine() as e:
        buf = e.load_buffer(ramp(100))
        with pytest.raises(InvalidArgumentError, match=r"1 \.\. 999"):
            e.play(0, buf, bpm=bpm)
        assert not any(render(e, 300)), "nothing of the play was sent"


@pytest.mark.parametrize("bpm", ["120", None.__class__, [120]])
def test_a_bpm_that_is_no_number_is_refused(bpm):
    with engine() as e:
        buf = e.load_buffer(ramp(100))
        with pytest.raises(InvalidArgumentError, match="bpm"):
            e.play(0, buf, bpm=bpm)


def test_a_numpy_bpm_is_taken():
    np = pytest.importorskip("numpy")
    with engine() as e:
        buf = e.load_buffer(ramp(1000))
        e.play(0, buf, bpm=np.float32(60.0))
        assert list(render(e, 100)) == [2.0 * i for i in range(100)]
        assert math.isfinite(e.transport.beat)


def test_sync_to_moves_the_downbeat_to_a_locked_loops_start_and_keeps_the_beats():
    with engine() as e:
        loop = e.load_buffer(ramp(96000))  # a bar at 120 BPM
        hit = e.load_buffer(array.array("f", [1.0] * 64))
        e.play(0, loop, at=30000, loop=True, bpm=120.0)  # from beat 1.25
        e.sync_to(0, at=50000)
        out = render(e, 60160)
        assert list(out[30000:30010]) == [float(i) for i in range(10)]
        assert e.beat_at(60000) == 2.5 and e.frame_at(2.5) == 60000
        e.set_param(0, "gain", 0.0)
        e.play(1, hit, quantize="bar")
        out = render(e, 100000)
        first = next(i for i, x in enumerate(out) if x != 0.0)
        assert 60160 + first == 30000 + 96000  # where the loop starts again


def test_a_quantized_sync_to_waits_for_its_line_and_a_bad_voice_is_refused():
    with engine(voices=4) as e:
        loop = e.load_buffer(ramp(24000))
        hit = e.load_buffer(array.array("f", [1.0] * 64))
        e.play(0, loop, at=6000, loop=True, bpm=120.0)  # a beat's loop from beat 0.25
        render(e, 10000)
        e.sync_to(0, quantize="bar")  # at frame 96000, beat 4: the loop's start at 3.25
        render(e, 80000)
        e.set_param(0, "gain", 0.0)
        e.play(1, hit, quantize="bar")  # before the sync: the old bar, 96000
        out = render(e, 200000)
        onsets = [90000 + i for i in range(1, len(out)) if out[i] != 0.0 and out[i - 1] == 0.0]
        assert onsets[0] == 96000
        e.play(1, hit, quantize="bar")  # after it: bars from beat 0.25
        out = render(e, 100000)
        first = next(i for i, x in enumerate(out) if x != 0.0)
        assert 290000 + first == 366000  # beat 15.25
        with pytest.raises(InvalidArgumentError, match="voice"):
            e.sync_to(4)
        with pytest.raises(InvalidArgumentError, match="voice"):
            e.sync_to(4, quantize=1)
        with pytest.raises(InvalidArgumentError):
            e.sync_to(-1)


def test_grid_line_is_where_a_quantized_command_lands_also_after_a_sync():
    with engine() as e:
        e.set_tempo(98.0)
        e.process()
        assert e.grid_line("bar") == e.frame_at(4.0)
        assert e.grid_line(1, at=e.frame_at(1.0)) == e.frame_at(1.0)  # a line on `at` counts
        assert e.grid_line(0.25, at=e.frame_at(1.0) + 1) == e.frame_at(1.25)
        loop = e.load_buffer(ramp(int(48000 * 60 / 98)))  # a beat at 98 BPM
        e.play(0, loop, at=e.frame_at(0.5), loop=True, bpm=98.0)
        e.sync_to(0, at=e.frame_at(1.0))
        render(e, e.frame_at(1.0) + 256 - e.frame)
        # Bars from the beat of the frame the loop started at (frame_at(0.5),
        # whose beat is a hair past 0.5) now.
        assert e.grid_line("bar") == e.frame_at(e.beat_at(e.frame_at(0.5)) + 4)
        with pytest.raises(InvalidArgumentError, match="quantize"):
            e.grid_line(0)
        with pytest.raises(InvalidArgumentError):
            e.grid_line("beat")


def test_a_quantized_cancel_takes_back_on_its_line_and_record_starts_on_one():
    with engine() as e:
        hit = e.load_buffer(array.array("f", [1.0] * 64))
        e.play(0, hit, at=30000)  # another voice's: stays
        e.play(1, hit, at=60000)  # due after beat 2 (frame 48000): taken back there
        e.cancel(1, quantize=1, at=40000)
        # From the first beat at or after frame 25000: beat 2 (beat 1 is 24000).
        take = e.record_buffer(1000, source="master", quantize=1, at=25000)
        out = render(e, 70000)
        assert out[30000] == 1.0 and not any(out[59000:61000])
        assert e.stats.cancelled == 1
        buf = take.result(timeout=5)
        assert take.start_frame == 48000
        assert buf.frames == 1000


def test_a_recording_stops_and_the_input_opens_on_a_line():
    with engine(inputs=1) as e:
        take = e.record_buffer(100000, source="input", at=0)
        e.set_input(bus="master", gain_db=0.0, quantize=1, at=1000)  # beat 1: 24000
        e.process()
        take.stop(quantize=1, at=30000)  # beat 2: 48000
        ones = array.array("f", [1.0] * 60000)
        out = array.array("f", bytes(4 * 60000))
        e.render_into(out, input=ones)
        assert out[23999 - 256] == 0.0 and out[24000 - 256] == 1.0  # (after a block)
        assert take.result(timeout=5).frames == 48000
