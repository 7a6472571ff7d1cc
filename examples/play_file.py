"""Plays an audio file: loaded (decoded and resampled to the engine's rate)
on the engine's loader threads while the caller goes on, then played with a
fade-in, looped for two seconds.

Run from the checkout after tools/setup.sh:
    PYTHONPATH=pyffi python3 examples/play_file.py [--backend NAME] [FILE]
Without FILE it writes a short 44.1 kHz WAV of its own first (stdlib only).
"""
import argparse
import math
import os
import struct
import tempfile
import time
import wave

import ringengine


def write_chirp(path: str, rate: int = 44100, seconds: float = 0.5) -> None:
    """A 16-bit mono WAV of a rising tone, with the standard library."""
    n = int(rate * seconds)
    frames = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * (300 + 300 * i / n)
                                                            * i / rate))) for i in range(n))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", help="the file to play (default: a chirp "
                        "written first)")
    # Not "offline": nothing would run the blocks this example waits for.
    parser.add_argument("--backend", default="auto",
                        choices=[b for b in ringengine.BACKENDS if b != "offline"],
                        help="the backend to play on (default: auto, the first server that "
                        "opens, else the null backend)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    path = args.file if args.file is not None else os.path.join(tempfile.mkdtemp(), "chirp.wav")
    if args.file is None:
        write_chirp(path)
    with ringengine.AudioEngine(backend=args.backend) as engine:
        load = engine.load_file_async(path)          # returns at once
        while not load.done():
            time.sleep(0.001)                        # the caller is free meanwhile
        buf = load.result()
        print("loaded %s: %d channel(s) at %d Hz -> %d frames at %d Hz"
              % (buf.path, buf.channels, buf.source_rate, buf.frames, engine.sample_rate))
        engine.set_param(0, "gain", 0.0)
        engine.play(0, buf, loop=True)
        engine.set_param(0, "gain", 0.8, ramp=engine.sample_rate // 50)   # 20 ms fade-in
        time.sleep(2.0)
        engine.stop(0)
        buf.close()
        print("played on %s (%s)" % (engine.backend, engine.device))


if __name__ == "__main__":
    main()
