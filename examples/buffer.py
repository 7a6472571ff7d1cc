"""Plays a recorded sound: a short plucked tone, built here as samples,
handed to the engine, played from an exact frame on two voices, then
closed, with the events the audio thread sends back.

Run from the checkout after tools/setup.sh:
    PYTHONPATH=pyffi python3 examples/buffer.py [--backend NAME]
"""
import argparse
import array
import math
import time

import ringengine


def pluck(sample_rate: int, seconds: float = 0.5) -> "array.array[float]":
    """A decaying 220 Hz tone, mono, as float32 samples (no numpy needed)."""
    n = int(sample_rate * seconds)
    return array.array("f", (0.5 * math.exp(-6 * i / n)
                             * math.sin(2 * math.pi * 220 * i / sample_rate) for i in range(n)))


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
    with ringengine.AudioEngine(voices=2, backend=args.backend) as engine:
        buf = engine.load_buffer(pluck(engine.sample_rate))
        start = engine.frame + engine.sample_rate // 10           # 100 ms from now
        engine.set_param(1, "pan", 0.8)
        engine.play(0, buf, at=start)
        engine.play(1, buf, at=start + engine.sample_rate // 4)   # an echo, to the right
        ended = 0
        deadline = time.monotonic() + 5
        while ended < 2 and time.monotonic() < deadline:
            reply = engine.recv(timeout=1.0)
            if isinstance(reply, ringengine.VoiceEnded):
                ended += 1
                print("voice %d ended at frame %d" % (reply.voice, reply.frame))
        buf.close()                                                # returns at once
        while True:
            reply = engine.recv(timeout=1.0)
            if isinstance(reply, ringengine.BufferReleased):
                print("buffer %d released; buffers loaded now: %d"
                      % (reply.buffer_id, engine.stats.buffers_live))
                break


if __name__ == "__main__":
    main()
