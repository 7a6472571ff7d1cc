"""A small looper on the engine's transport: after a bar of count-in it
records the next bar of the input, plays it looped from the bar line after
it, and records the master to a file meanwhile.

Every bar line is the transport's: set_tempo() sets the tempo, frame_at()
gives the frame of a bar's first beat for the recordings, and the loop
starts with quantize="bar". The example counts only in beats (which bar is
which); every frame comes from the engine.

Run from the checkout after tools/setup.sh:
    PYTHONPATH=pyffi python3 examples/looper.py [--backend NAME | --offline] [--bpm BPM] [out.wav]
On JACK, connect something to ringengine:in_1 (or start with
RINGENGINE_JACK_CONNECT_INPUTS=1 to take the first capture port); on
PulseAudio the default source is recorded. With no server (or --offline) it runs on the
offline backend and feeds a synthetic input (a click on each beat), so that it
shows the same steps without a sound card.
"""
import argparse
import array
import math
import time
from typing import Optional

import ringengine


def render(engine: ringengine.OfflineEngine, until: int,
           input: Optional["array.array[float]"] = None) -> None:
    """Offline: runs the engine's blocks up to frame `until`."""
    out = array.array("f", bytes(4 * (until - engine.frame) * engine.channels))
    engine.render_into(out, input=input)


def clicks(engine: ringengine.OfflineEngine, until: int,
           loud_beat: int) -> "array.array[float]":
    """Offline: the input from the engine's frame up to frame `until`, a
    click on each beat of the transport (from its first frame, frame_at()),
    louder on `loud_beat`."""
    first = engine.frame
    samples = array.array("f", bytes(4 * (until - first)))
    beat = math.ceil(engine.beat_at(first))
    while engine.frame_at(beat) + 200 <= until:
        level = 0.5 if beat == loud_beat else 0.2
        at = engine.frame_at(beat) - first
        for i in range(200):
            samples[at + i] = level * math.cos(2 * math.pi * 1000 * i / engine.sample_rate)
        beat += 1
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="looper-master.wav",
                        help="the master's recording (default: looper-master.wav)")
    parser.add_argument("--backend", default="auto", choices=list(ringengine.BACKENDS),
                        help="default: auto, the first server that opens; the offline "
                        "backend when none does")
    parser.add_argument("--offline", action="store_true", help="the same as --backend offline")
    parser.add_argument("--bpm", type=float, default=120.0, help="the tempo (default: 120)")
    args = parser.parse_args()
    out = args.out
    backend = "offline" if args.offline else args.backend
    if backend == "auto":
        with ringengine.AudioEngine() as probe:
            if probe.backend == "null":
                backend = "offline"
    with ringengine.AudioEngine(backend=backend, inputs=1) as engine:
        # The tempo applies from the next block; beat_at() and frame_at()
        # count it once the audio thread has (offline: once a block has run).
        engine.set_tempo(args.bpm)
        while engine.transport.bpm != args.bpm and engine.state == "running":
            if isinstance(engine, ringengine.OfflineEngine):
                engine.process()
            else:
                time.sleep(0.01)
        # The bars, by their first beats (bars lie on multiples of
        # beats_per_bar from beat 0): the count-in from the first bar line a
        # beat or more ahead (time for the commands to arrive), then the
        # take's bar, then the loop's, then the end of the master.
        bar = engine.transport.beats_per_bar
        count_in = math.ceil((engine.beat_at(engine.frame) + 1) / bar) * bar
        take_bar, loop_bar, end = count_in + bar, count_in + 2 * bar, count_in + 4 * bar
        print("count-in at beat %d (frame %d), take at beat %d (frame %d), loop at beat %d "
              "(frame %d), at %g BPM" % (count_in, engine.frame_at(count_in), take_bar,
                                         engine.frame_at(take_bar), loop_bar,
                                         engine.frame_at(loop_bar), engine.transport.bpm))
        # Monitor the input quietly on bus 1 (off by default: no feedback).
        engine.set_input(bus=1, gain_db=-12.0)
        # The take: the bar of input from take_bar. What the player plays on
        # a beat reaches the input a round trip later (the output's latency
        # and the input's; 0 offline): the take starts that much later, so
        # the loop lies on the beat.
        round_trip = round((engine.latency + engine.input_latency) * engine.sample_rate)
        take = engine.record_buffer(engine.frame_at(loop_bar) - engine.frame_at(take_bar),
                                    source="input", at=engine.frame_at(take_bar) + round_trip)
        # The master from the count-in to the end. (Offline renders faster
        # than a disk writes: a ring for all of it.)
        frames = engine.frame_at(end) - engine.frame_at(count_in)
        master = engine.record(out, source="master", at=engine.frame_at(count_in),
                               frames=frames, ring_frames=frames if backend == "offline" else 0)
        if isinstance(engine, ringengine.OfflineEngine):  # backend="offline"
            until = engine.frame_at(loop_bar)
            render(engine, until, input=clicks(engine, until, loud_beat=take_bar))
        loop = take.result(timeout=30)
        print("took %d frames from frame %d" % (loop.frames, take.start_frame or 0))
        # Played looped from the next bar line, heard in the master; the
        # monitor off there. Offline that is loop_bar, where the take ended;
        # on a server the take is in hand only after the block it ends in
        # (a round trip late), so the loop starts on the bar line after.
        # Locked to the tempo (bpm=): its wraps stay on the bar lines
        # however long it plays, even where a bar is not whole frames.
        engine.play(0, loop, loop=True, bpm=engine.transport.bpm, quantize="bar")
        engine.set_bus(1, "input_db", float("-inf"), quantize="bar")
        if isinstance(engine, ringengine.OfflineEngine):
            render(engine, engine.frame_at(end))
        master.wait(timeout=60)
        print("wrote %s: %d frames, %d overruns" % (out, master.frames, master.overruns))
        if backend != "offline":
            time.sleep(2)


if __name__ == "__main__":
    main()
