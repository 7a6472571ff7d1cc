"""Offline renders kept as test data: every command kind, ramps, mid-block
`at`, loops, stops, buffers of 1 to 3 channels on mono, stereo and quad.

The renders in tests/data/renders/ were made with this file by the engine as
it was before the processor chain (commit 3cfd662), and test_kept_renders.py
checks that today's engine makes the very same samples. Run

    PYTHONPATH=pyffi python3 tests/python/kept_renders.py --write tests/data/renders

only to add a scenario: the renders already kept must never be remade to
match a change of sound, but for one deliberate change, said here:

- buffer_then_sine was made again when play() began to silence the voice's
  sine (a voice that finishes a one-shot buffer falls silent, where it went
  back to the sine it sounded before, from a phase frozen since the play).
  The new render is the old one less voice 1's 330 Hz sine after the
  buffer's close, and nothing else (checked when it was made).
- buffers_mono was made again when the mixer (issue 22) gave channel counts
  that differ a rule: on a mono output, a buffer of several channels plays
  as the average of its channels, where it played only its first. Only the
  stereo and 3-channel buffers' 800 frames changed, and the new render is
  bit for bit the sum, in float32, of the mono buffer, half the stereo
  buffer's channel average and the 3-channel buffer's average
  (test_mixer.py checks that model on every run).

Since plays and stops fade by default (issue 26), the scenarios ask for
`fade=0` on every play and stop: the cut they were made with, which must
still come out bit for bit.

Buffers come from an integer generator, not from numpy's random or sin, so
the inputs are the same bits on every machine and numpy version.
"""
import os
import sys

import numpy as np


def noise(frames, channels, seed):
    """Deterministic samples in [-0.5, 0.5): a 32-bit LCG, in integers."""
    state = seed & 0xffffffff
    out = np.empty(frames * channels, dtype=np.float32)
    for i in range(out.size):
        state = (state * 1664525 + 1013904223) & 0xffffffff
        out[i] = np.float32((state >> 8) / float(1 << 24) - 0.5)
    return out.reshape(frames, channels) if channels > 1 else out


def sines(e):
    """Two sines, steady, with pan: the vectorized path."""
    e.set_param(0, "freq", 440.0)
    e.set_param(0, "gain", 0.5)
    e.set_param(1, "freq", 1234.5)
    e.set_param(1, "pan", -0.25)
    e.set_param(1, "gain", 0.25)
    return e.render(3000)


def ramps(e):
    """Every parameter ramped, from mid-block frames."""
    e.set_param(0, "freq", 220.0)
    e.set_param(0, "freq", 880.0, at=100, ramp=1000)
    e.set_param(0, "gain", 0.0, at=700, ramp=333)
    e.set_param(0, "gain", 0.8, at=1500, ramp=77)
    e.set_param(0, "pan", -1.0, at=123, ramp=900)
    e.set_param(0, "pan", 1.0, at=1800, ramp=1)
    e.set_param(2, "freq", 5000.0, at=2049)
    e.set_param(2, "gain", 0.1, at=2050, ramp=10)
    return e.render(4000)


def mid_block(e):
    """Commands at frames inside blocks, some for the same frame (sent order)."""
    e.set_param(0, "freq", 1000.0, at=17)
    e.set_param(0, "gain", 0.3, at=17)
    e.set_param(0, "gain", 0.6, at=17)
    e.set_param(0, "freq", 0.0, at=301)
    e.set_param(0, "freq", 2000.0, at=555)
    e.stop(0, at=1001, fade=0)
    return e.render(1500)


def late(e):
    """A command for a frame that has passed applies at the next block's start."""
    e.render(512)
    e.set_param(0, "freq", 300.0, at=10)
    e.set_param(0, "gain", 0.7, at=100, ramp=50)
    return e.render(1024)


def buffer_one_shot(e):
    """Mono, stereo and 3-channel buffers played once, mid-block, with gain and pan."""
    e.play(0, e.load_buffer(noise(700, 1, 1)), at=33, fade=0)
    e.play(1, e.load_buffer(noise(500, 2, 2)), at=400, fade=0)
    e.set_param(1, "gain", 0.5)
    e.set_param(1, "pan", 0.5, at=600, ramp=200)
    e.play(2, e.load_buffer(noise(300, 3, 3)), at=999, fade=0)
    return e.render(1600)


def buffer_loop(e):
    """A loop, retriggered, stopped, with gain ramps across the wrap."""
    buf = e.load_buffer(noise(97, 2, 4))
    e.play(0, buf, at=5, loop=True, fade=0)
    e.set_param(0, "gain", 0.2, at=150, ramp=400)
    e.play(0, buf, at=640, loop=True, fade=0)
    e.stop(0, at=1111, fade=0)
    e.play(1, buf, at=1200, fade=0)
    return e.render(1500)


def buffer_then_sine(e):
    """A buffer voice made a sine by its freq; a sine voice given a buffer;
    the buffer closed while it plays."""
    a = e.load_buffer(noise(2000, 1, 5))
    e.play(0, a, at=10, loop=True, fade=0)
    e.set_param(0, "freq", 660.0, at=300)
    e.set_param(1, "freq", 330.0)
    e.play(1, a, at=512, fade=0)
    e.render(700)
    a.close()
    return e.render(600)


def odd_blocks(e):
    """Blocks of 100 at 44.1 kHz: the chunking and the schedule across blocks."""
    e.set_param(0, "freq", 441.0, at=250)
    e.set_param(0, "gain", 0.25, at=250, ramp=250)
    e.play(1, e.load_buffer(noise(333, 1, 6)), at=199, fade=0)
    e.set_param(1, "pan", -0.5, at=201)
    return e.render(1000)


#: name: (engine keyword arguments, the scenario)
SCENARIOS = {
    "sines_stereo": ({}, sines),
    "sines_mono": ({"channels": 1}, sines),
    "sines_quad": ({"channels": 4}, sines),
    "ramps_stereo": ({}, ramps),
    "ramps_mono": ({"channels": 1}, ramps),
    "ramps_quad": ({"channels": 4}, ramps),
    "mid_block": ({}, mid_block),
    "late": ({}, late),
    "buffers_mono": ({"channels": 1}, buffer_one_shot),
    "buffers_stereo": ({}, buffer_one_shot),
    "buffers_quad": ({"channels": 4}, buffer_one_shot),
    "buffer_loop": ({}, buffer_loop),
    "buffer_then_sine": ({}, buffer_then_sine),
    "odd_blocks": ({"sample_rate": 44100, "block_frames": 100}, odd_blocks),
}


def render(name):
    """The scenario `name` rendered by the engine on the path now."""
    import ringengine

    kwargs, scenario = SCENARIOS[name]
    with ringengine.AudioEngine(backend="offline", **kwargs) as e:
        return scenario(e)


def main(argv):
    if len(argv) != 3 or argv[1] != "--write":
        sys.exit("usage: kept_renders.py --write DIR")
    os.makedirs(argv[2], exist_ok=True)
    for name in SCENARIOS:
        out = render(name)
        assert out.dtype == np.float32 and np.any(out != 0), name
        np.save(os.path.join(argv[2], name + ".npy"), out)
        print(name, out.shape)


if __name__ == "__main__":
    main(sys.argv)
