"""Two buses and their meters: a low drone on bus 0, a bright arpeggio on
bus 1 with its low band killed by the EQ, the master at -3 dB; prints the
peak and RMS of each bus and of the master ten times a second, and the DSP
load, as a level display would.

Run from the checkout after tools/setup.sh:  PYTHONPATH=pyffi python3 examples/mixer.py [--backend NAME]
(on a sound server if one runs, else on the clock-paced null backend).
"""
import argparse
import math
import time

import ringengine


def db(level: float) -> str:
    return "%6.1f" % (20 * math.log10(level)) if level > 0 else "  -inf"


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
    with ringengine.AudioEngine(buses=2, meter_ms=100, pan_law="equal_power",
                                backend=args.backend) as engine:
        rate = engine.sample_rate
        # The drone: two detuned sines on bus 0 (the default bus), one each side.
        for voice, (freq, pan) in enumerate(((110.0, -0.6), (110.7, 0.6))):
            engine.set_param(voice, "freq", freq)
            engine.set_param(voice, "pan", pan)
            engine.set_param(voice, "gain", 0.0)
            engine.set_param(voice, "gain_db", -12.0, ramp=rate // 10)
        # The arpeggio on bus 1, a note every 125 ms from 100 ms on.
        engine.set_param(2, "gain", 0.0)
        engine.set_bus(1, "eq_low", float("-inf"))
        engine.set_bus("master", "gain_db", -3.0)
        start = engine.frame + rate // 10
        notes = (440.0, 554.4, 659.3, 880.0)
        for step in range(16):
            at = start + step * rate // 8
            engine.set_param(2, "bus", 1, at=at)
            engine.set_param(2, "freq", notes[step % 4], at=at)
            engine.set_param(2, "gain_db", -9.0, at=at, ramp=64)
            engine.set_param(2, "gain", 0.0, at=at + rate // 10, ramp=rate // 50)
        print("           bus 0 (drone)          bus 1 (arpeggio)       master        DSP load")
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline and engine.state == "running":
            time.sleep(0.1)
            m = engine.meters()
            cells = ["peak %s rms %s" % (db(max(x.peak)), db(max(x.rms)))
                     for x in (m.buses[0], m.buses[1], m.master)]
            load = engine.read_dsp_load()
            print("%8d   %s   %.1f %% (peak %.1f %%)"
                  % (engine.frame, "   ".join(cells), 100 * load.average, 100 * load.peak))
        engine.set_bus("master", "gain", 0.0, ramp=rate // 50)
        time.sleep(0.05)


if __name__ == "__main__":
    main()
