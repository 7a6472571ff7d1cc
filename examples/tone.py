"""Plays an A major chord for two seconds on the default backend, each note
entering at an exact frame, then fades it out without a click.

    PYTHONPATH=pyffi python3 examples/tone.py [--backend NAME]
"""
import argparse
import time

import ringengine

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
# Not "offline": nothing would run the blocks this example waits for.
parser.add_argument("--backend", default="auto",
                    choices=[b for b in ringengine.BACKENDS if b != "offline"],
                    help="the backend to play on (default: auto, the first server that opens, "
                    "else the null backend)")
args = parser.parse_args()

with ringengine.AudioEngine(voices=3, backend=args.backend) as engine:
    start = engine.frame + engine.sample_rate // 10  # 100 ms from now
    for voice, (freq, delay) in enumerate([(440.0, 0.0), (554.37, 0.25), (659.25, 0.5)]):
        at = start + int(delay * engine.sample_rate)
        engine.set_param(voice, "gain", 0.0, at=at)
        engine.set_param(voice, "freq", freq, at=at)
        engine.set_param(voice, "gain", 0.2, at=at, ramp=240)  # 5 ms fade-in
    time.sleep(2.0)
    for voice in range(3):
        engine.set_param(voice, "gain", 0.0, ramp=engine.sample_rate // 10)
    time.sleep(0.2)
    print("played on %s (%s); late commands: %d" % (engine.backend, engine.device,
                                                     engine.stats.late))
