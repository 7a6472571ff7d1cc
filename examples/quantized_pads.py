"""Four pads, loops of different tempos, locked to the transport: each is
launched on the next bar line when pressed, plays at the engine's tempo,
follows a tempo change on a bar line, and the master is recorded to a file.

Each pad is a bar (four beats) made at its own tempo (90, 100, 128 and 140
BPM), so each is a different number of frames. Played with bpm= (tempo
lock) they all run at tempo / their BPM and wrap on the same bar lines.
Each clicks on every beat of its bar, a sixteenth after the previous pad
(pad 0 on the beat, pad 1 a sixteenth after, ...), at its own pitch and
louder on its first beat: once all four play, the master is a steady
stream of sixteenths, every click on the grid. (Their pitch moves with
the tempo: keylock=True would keep it.) The pads are pressed half a bar early, one a bar,
and quantize="bar" starts each on the next bar line; the tempo changes on
the third pad's bar line. The example counts only in beats; every frame
comes from the engine (frame_at()).

Run from the checkout after tools/setup.sh:
    PYTHONPATH=pyffi python3 examples/quantized_pads.py [--backend NAME | --offline]
        [--bpm BPM] [--new-bpm BPM] [out.wav]
With no server (or --offline) it runs on the offline backend.
"""
import argparse
import array
import math
import time

import ringengine

PADS = [(90.0, 440.0), (100.0, 660.0), (128.0, 880.0), (140.0, 1320.0)]  # (BPM, Hz)
CLICK = 400  # frames of a click


def pad(bpm: float, hz: float, slot: int, rate: int) -> "array.array[float]":
    """A bar of four beats at `bpm`: a click on each beat, `slot`
    sixteenths after it, the first louder. round(): a bar at 140 BPM is
    82285.7 frames at 48 kHz; the engine takes a loop within a frame of a
    whole number of beats as exactly that many."""
    beat = 60.0 * rate / bpm  # frames of a beat of this pad
    samples = array.array("f", bytes(4 * round(4 * beat)))
    for k in range(4):
        at = round((k + slot / 4) * beat)
        level = 0.5 if k == 0 else 0.25
        for i in range(CLICK):
            decay = (1 - i / CLICK) ** 2
            samples[at + i] = level * decay * math.cos(2 * math.pi * hz * i / rate)
    return samples


def until(engine: ringengine.AudioEngine, frame: int) -> None:
    """Offline: renders the engine up to `frame`; on a server: waits for it."""
    if isinstance(engine, ringengine.OfflineEngine):
        if frame > engine.frame:
            engine.render_into(array.array("f", bytes(4 * (frame - engine.frame)
                                                      * engine.channels)))
    else:
        while engine.frame < frame and engine.state == "running":
            time.sleep(0.01)


def settle(engine: ringengine.AudioEngine) -> None:
    """Waits until the audio thread has taken the commands sent so far
    (a ping's round trip; offline, a block run here) and ended that block:
    transport, beat_at() and frame_at() count them from then on."""
    seq = engine.send_ping()
    if isinstance(engine, ringengine.OfflineEngine):
        engine.process()
    pong = engine.recv(timeout=2.0)
    assert isinstance(pong, ringengine.Pong) and pong.seq == seq  # nothing else yet
    until(engine, pong.frame + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="pads-master.wav",
                        help="the master's recording (default: pads-master.wav)")
    parser.add_argument("--backend", default="auto", choices=list(ringengine.BACKENDS),
                        help="default: auto, the first server that opens; the offline "
                        "backend when none does")
    parser.add_argument("--offline", action="store_true", help="the same as --backend offline")
    parser.add_argument("--bpm", type=float, default=120.0, help="the tempo (default: 120)")
    parser.add_argument("--new-bpm", type=float, default=135.0,
                        help="the tempo from the third pad's bar on (default: 135)")
    args = parser.parse_args()
    backend = "offline" if args.offline else args.backend
    if backend == "auto":
        with ringengine.AudioEngine() as probe:
            if probe.backend == "null":
                backend = "offline"
    with ringengine.AudioEngine(backend=backend) as engine:
        pads = [engine.load_buffer(pad(bpm, hz, slot, engine.sample_rate))
                for slot, (bpm, hz) in enumerate(PADS)]
        engine.set_tempo(args.bpm)  # from the next block
        settle(engine)
        # Bars by their first beats: the first bar line a bar or more ahead
        # (time to press the first pad half a bar before it), one bar for
        # each pad, then two bars of all four.
        bar = engine.transport.beats_per_bar
        first = math.ceil((engine.beat_at(engine.frame) + bar) / bar) * bar
        bars = [first + bar * n for n in range(7)]
        # The new tempo from the third pad's bar line: asked for half a bar
        # before (at=), quantize="bar" puts it on the line. Taken now, it
        # waits for its frame, and frame_at() counts it already.
        engine.set_tempo(args.new_bpm, at=engine.frame_at(bars[2] - bar / 2), quantize="bar")
        settle(engine)
        for n, beat in enumerate(bars[:-1]):
            print("bar %d at beat %d, frame %d (%g BPM)" % (
                n, beat, engine.frame_at(beat), args.bpm if n < 2 else args.new_bpm))
        print("end at beat %d, frame %d" % (bars[-1], engine.frame_at(bars[-1])))
        # The master from the first pad's bar line to the end. (Offline
        # renders faster than a disk writes: a ring for all of it.)
        frames = engine.frame_at(bars[-1]) - engine.frame_at(first)
        master = engine.record(args.out, source="master", at=engine.frame_at(first),
                               frames=frames, ring_frames=frames if backend == "offline" else 0)
        for n, (buf, (bpm, _)) in enumerate(zip(pads, PADS)):
            # Pressed half a bar before its bar line, it starts on the line,
            # locked: at tempo / bpm, following the tempo.
            until(engine, engine.frame_at(bars[n] - bar / 2))
            engine.play(n, buf, loop=True, bpm=bpm, quantize="bar")
        until(engine, engine.frame_at(bars[-1]))
        master.wait(timeout=60)
        print("wrote %s: %d frames, %d overruns" % (args.out, master.frames, master.overruns))


if __name__ == "__main__":
    main()
