"""A loop whose speed follows a ramp: a two-bar drum-like pattern, built
here as samples, loops on voice 0 while the engine's speed glides from 1.0
down to 0.5 and back up to 1.25 (set_speed with ramps, to the sample), then
stops with a short fade. Prints where in the loop the voice is as it plays.

Run from the checkout after tools/setup.sh:  PYTHONPATH=pyffi python3 examples/speed_ramp.py [--backend NAME]
"""
import argparse
import array
import math
import time

import ringengine


def pattern(rate: int, seconds: float = 2.0) -> "array.array[float]":
    """Eight decaying clicks a second over a low tone: a loop to hear the speed by."""
    n = int(rate * seconds)
    beat = rate // 8
    return array.array("f", (0.3 * math.exp(-30 * (i % beat) / rate) * math.sin(2 * math.pi * 1800 * i / rate)
                             + 0.1 * math.sin(2 * math.pi * 110 * i / rate) for i in range(n)))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # Not "offline": nothing would run the blocks this example waits for.
    parser.add_argument("--backend", default="auto",
                        choices=[b for b in ringengine.BACKENDS if b != "offline"],
                        help="the backend to play on (default: auto, the first server that "
                        "opens, else the null backend)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with ringengine.AudioEngine(backend=args.backend) as engine:
        rate = engine.sample_rate
        loop = engine.load_buffer(pattern(rate))
        voice = engine.play(None, loop, loop=True)
        start = engine.frame
        engine.set_speed(0.5, at=start + rate, ramp=2 * rate)           # 1 s in: down over 2 s
        engine.set_speed(1.25, at=start + 3 * rate, ramp=rate)          # then up over 1 s
        # Five seconds on the engine's clock, a line every quarter of one
        # (a wall-clock deadline only in case the audio stops).
        deadline = time.monotonic() + 60
        next_line = start + rate // 4
        while engine.frame < start + 5 * rate and time.monotonic() < deadline \
                and engine.state == "running":
            if engine.frame < next_line:
                time.sleep(0.01)
                continue
            next_line += rate // 4
            state = engine.voice_state(voice)
            print("frame %8d: the loop at %6d of %d" % (engine.frame, state.position, loop.frames))
        engine.stop(voice)                                              # a 3 ms fade, no click
        time.sleep(0.05)


if __name__ == "__main__":
    main()
