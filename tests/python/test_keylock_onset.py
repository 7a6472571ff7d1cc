"""Key-locked plays on the beat, heard as a musician hears them: the onset
of a click launched on the bar with key lock, at three pitches, is found by
aubio's onset detector (aubioonset, from aubio-tools: a reference no one
here wrote) within 64 frames of its bar line. The same clicks played
without key lock, whose first sample is on the line to the sample, show
where aubio puts an onset that is exactly on time.

No numpy: the click is made with math and written with the wave module, so
PyPy runs these too."""
import array
import math
import shutil
import subprocess
import sys
import wave

import pytest

import ringengine
from ringengine import AudioEngine

RATE = 48000
BPM = 120.0
BARS = 6  # launches, one a bar, each sent half a bar before its line
TOLERANCE = 64  # frames: the bound on a click's onset

needs_aubio = pytest.mark.skipif(shutil.which("aubioonset") is None,
                                 reason="aubioonset (aubio-tools) is not installed")


needs_keylock = pytest.mark.skipif("keylock" not in ringengine.FEATURES,
                                   reason="built without Rubber Band (-Drubberband)")


def click():
    """A wood-block like click: 30 ms of a 1.8 kHz tone under a 3 ms
    exponential decay, at full strength from its first sample."""
    n = int(0.030 * RATE)
    return array.array("f", [
        0.8 * math.exp(-i / (0.003 * RATE)) * math.sin(2 * math.pi * 1800 * i / RATE)
        + 0.2 * math.exp(-i / (0.0005 * RATE)) for i in range(n)])


def launch_on_bars(keylock, pitch):
    """Renders BARS clicks launched with quantize="bar"; returns the mono
    output and the bar lines the clicks were launched on."""
    with AudioEngine(backend="offline", sample_rate=RATE, block_frames=256, channels=1,
                     keylock_voices=1) as e:
        e.set_tempo(BPM)
        e.set_param(0, "pitch", pitch)
        buf = e.load_buffer(click())
        bar = int(round(4 * 60.0 * RATE / BPM))
        out = array.array("f")
        lines = []
        for n in range(BARS + 1):
            # Render to half a bar before the next line: far enough ahead
            # for the stretcher's pre-roll; then launch on that line.
            chunk = array.array("f", bytes(4 * (bar // 2 if n == 0 else bar)))
            e.render_into(chunk)
            out.extend(chunk)
            if n < BARS:
                lines.append(e.grid_line("bar"))
                e.play(0, buf, keylock=keylock, quantize="bar")
        assert e.stats.late == 0, "every launch arrived in time for its pre-roll"
    return out, lines


def aubio_onsets(samples, path):
    """aubioonset's onsets in frames: hfc over 256-frame windows every 32
    frames, as a sample-accurate drum tool would set it."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        pcm = array.array("h", [max(-32767, min(32767, int(round(s * 32767)))) for s in samples])
        if sys.byteorder == "big":
            pcm.byteswap()
        w.writeframes(pcm.tobytes())
    result = subprocess.run(["aubioonset", "-i", str(path), "-O", "hfc", "-B", "256", "-H", "32",
                             "-T", "samples"], capture_output=True, text=True, check=True)
    return [int(float(line)) for line in result.stdout.split()]


def nearest(onsets, line):
    return min(onsets, key=lambda f: abs(f - line))


@needs_aubio
@needs_keylock
@pytest.mark.parametrize("pitch", [0.0, 3.0, -5.0, 7.0, -12.0])
def test_a_key_locked_click_launched_on_the_bar_is_heard_within_64_frames_of_it(pitch, tmp_path):
    plain, lines = launch_on_bars(False, pitch)
    locked, locked_lines = launch_on_bars(True, pitch)
    assert locked_lines == lines
    heard_plain = aubio_onsets(plain, tmp_path / "plain.wav")
    heard_locked = aubio_onsets(locked, tmp_path / "locked.wav")
    # One onset a click, in both.
    assert len(heard_plain) == BARS, heard_plain
    assert len(heard_locked) == BARS, heard_locked
    # The plain clicks start on their lines to the sample (the offline
    # tests say so); aubio hears each of them the same few frames after
    # its line (its window's bias), and that is where on time is heard.
    bias = [nearest(heard_plain, line) - line for line in lines]
    assert len(set(bias)) == 1 and abs(bias[0]) <= TOLERANCE, bias
    for line in lines:
        at = nearest(heard_locked, line)
        assert abs(at - (line + bias[0])) <= TOLERANCE, (
            f"pitch {pitch}: the key-locked click launched on {line} is heard at {at}, "
            f"{at - line - bias[0]:+d} frames from where the plain click is heard")


@needs_aubio
@needs_keylock
def test_the_measure_tells_a_click_twice_the_bound_late(tmp_path):
    """The test above can fail: the plain clicks moved twice the bound
    later are heard that much later than the plain clicks."""
    plain, lines = launch_on_bars(False, 0.0)
    late = 2 * TOLERANCE
    shifted = array.array("f", bytes(4 * late)) + plain[:len(plain) - late]
    exact = aubio_onsets(plain, tmp_path / "plain.wav")
    heard = aubio_onsets(shifted, tmp_path / "late.wav")
    assert len(heard) == BARS, heard
    for line in lines:
        assert nearest(heard, line) - nearest(exact, line) == late
