"""Recording soak: 8 input channels recorded to FLAC while 32 voices play,
for a bounded time, then check that nothing was lost: no overrun, no xrun
the engine caused (no callback longer than its period: an xrun while every
callback was shorter is the scheduler's, and is reported), every frame taken
written, the file as long as the recording.

Usage: python3 tools/record_soak.py [--seconds 600] [--backend null|jack|pulse]
       [--path /tmp/soak.flac]
Exits 1 when a check fails. The issue's soak is --seconds 600 (10 minutes);
a short one (--seconds 10) is quick enough to run by hand. On 'null' the
input is silence at the clock (FLAC compresses it to little; the writer and
the ring still run at full rate); on a server, give it inputs to record.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "pyffi"))

from ringengine import AudioEngine  # noqa: E402


def soak(seconds, backend, path):
    failures = []
    with AudioEngine(backend=backend, inputs=8, channels=2, voices=32) as engine:
        for v in range(32):
            engine.set_param(v, "freq", 110.0 * (1 + v / 7.0))
            engine.set_param(v, "gain", 1.0 / 64)
            engine.set_param(v, "pan", (v % 5) / 2.0 - 1.0)
        xruns = engine.stats.xruns
        frames = int(seconds * engine.sample_rate)
        rec = engine.record(path, source="input", frames=frames, format="flac")
        deadline = time.monotonic() + seconds + 30
        while not rec.done() and time.monotonic() < deadline:
            time.sleep(0.5)
        stats = engine.stats
        period_ns = engine.block_frames * 1e9 / engine.sample_rate
        report = {"seconds": seconds, "frames": rec.frames, "written": rec.written,
                  "overruns": rec.overruns, "xruns": stats.xruns - xruns,
                  "longest_callback_ns": stats.max_callback_ns, "period_ns": round(period_ns),
                  "error": rec.error}
        print(report)
        if not rec.done():
            failures.append("not done %d s after its end" % 30)
        if rec.overruns or rec.error:
            failures.append("lost frames: %r" % (report,))
        if rec.frames != frames or rec.written != frames:
            failures.append("took %d, wrote %d of %d frames" % (rec.frames, rec.written, frames))
        # An xrun is the engine's when one of its callbacks took longer than
        # the period it had; one that came while every callback was shorter
        # is the thread waking late (the machine's scheduler), reported above.
        if stats.max_callback_ns >= period_ns:
            failures.append("a callback took %d ns of a %d ns period (%d xruns)"
                            % (stats.max_callback_ns, period_ns, report["xruns"]))
    try:
        import soundfile
        info = soundfile.info(path)
        if info.frames != frames or info.channels != 8:
            failures.append("the file holds %d frames of %d channels" % (info.frames,
                                                                        info.channels))
    except ImportError:
        pass
    return failures


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=600.0)
    p.add_argument("--backend", default="null")
    p.add_argument("--path", default="/tmp/ringengine-record-soak.flac")
    args = p.parse_args()
    failures = soak(args.seconds, args.backend, args.path)
    for f in failures:
        print("FAIL:", f)
    os.remove(args.path) if os.path.exists(args.path) else None
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
