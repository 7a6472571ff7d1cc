"""A small looper: records four beats of the input from a given beat, plays
them back looped, and records the master to a file meanwhile.

Run from the checkout after tools/setup.sh:
    PYTHONPATH=pyffi python3 examples/looper.py [--backend NAME | --offline] [out.wav]
On JACK, connect something to ringengine:in_1 (or start with
RINGENGINE_JACK_CONNECT_INPUTS=1 to take the first capture port); on
PulseAudio the default source is recorded. With no server (or --offline) it runs on the
offline backend and feeds a synthetic input (a click per beat), so that it
shows the same steps without a sound card.
"""
import argparse
import math
import time

import ringengine

BPM = 120


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="looper-master.wav",
                        help="the master's recording (default: looper-master.wav)")
    parser.add_argument("--backend", default="auto", choices=list(ringengine.BACKENDS),
                        help="default: auto, the first server that opens; the offline "
                        "backend when none does")
    parser.add_argument("--offline", action="store_true", help="the same as --backend offline")
    args = parser.parse_args()
    out = args.out
    backend = "offline" if args.offline else args.backend
    if backend == "auto":
        with ringengine.AudioEngine() as probe:
            if probe.backend == "null":
                backend = "offline"
    offline = backend == "offline"
    with ringengine.AudioEngine(backend=backend, inputs=1) as engine:
        rate = engine.sample_rate
        beat = rate * 60 // BPM
        # Monitor the input quietly on bus 1 (off by default: no feedback).
        engine.set_input(bus=1, gain_db=-12.0)
        # The take: four beats of input from beat 2; the master from beat 0.
        # What the player plays on a beat reaches the input a round trip
        # later (the output's latency and the input's; 0 offline): the
        # take starts that much later, so the loop lies on the beat.
        start = (engine.frame // beat + 2) * beat
        round_trip = round((engine.latency + engine.input_latency) * rate)
        take = engine.record_buffer(4 * beat, source="input", at=start + round_trip)
        # (Offline renders faster than a disk writes: a ring for all of it.)
        master = engine.record(out, source="master", at=start - 2 * beat,
                               frames=12 * beat, ring_frames=12 * beat if offline else 0)
        if isinstance(engine, ringengine.OfflineEngine):  # backend="offline"
            # A click on each beat as the input, louder on the take's first
            # beat, up to the take's end.
            import array
            frames = start + 4 * beat - engine.frame
            clicks = array.array("f", [0.0] * frames)
            for b in range(frames // beat):
                level = 0.5 if (engine.frame + b * beat) == start else 0.2
                for i in range(200):
                    clicks[b * beat + i] = level * math.sin(2 * math.pi * 1000 * i / rate)
            engine.render(frames, input=clicks)
        loop = take.result(timeout=30)
        print("took %d frames from frame %d" % (loop.frames, take.start_frame or 0))
        # Played looped from the beat after the take, heard in the master;
        # the monitor off.
        engine.set_input(bus=1, gain_db=float("-inf"), at=start + 4 * beat)
        engine.play(0, loop, at=start + 4 * beat, loop=True)
        if isinstance(engine, ringengine.OfflineEngine):
            engine.render(6 * beat)
        master.wait(timeout=60)
        print("wrote %s: %d frames, %d overruns" % (out, master.frames, master.overruns))
        if not offline:
            time.sleep(2)


if __name__ == "__main__":
    main()
