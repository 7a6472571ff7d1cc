"""Recording soak: 8 input channels recorded to FLAC while 32 voices play,
for a bounded time, then check that nothing was lost: no overrun, every
frame taken written, the file as long as the recording, and no xrun the
engine caused.

An xrun is the engine's when one of its callbacks took longer than the
period it had. Every 100 ms the soak reads the engine's DSP load (the
longest callback of those 100 ms, against the period) and the time the
machine's hypervisor stole from its CPUs (/proc/stat's `steal`). A
callback longer than its period fails the soak unless time was stolen in
its interval or the next to it: the callback was then not running, and
the engine's work (about 1 % of the period for this load) is not what made
it long. An xrun while every callback was shorter is the thread woken late,
the machine's scheduler: counted and reported, not failed on. On the null
backend and a JACK without real-time scheduling the audio thread is an
ordinary thread that other processes preempt too; the soak that shows the
engine is `--backend jack` under `tools/audio_servers.py run jack-rt`.

Usage: python3 tools/record_soak.py [--seconds 600] [--backend null|jack|pulse]
       [--path /tmp/soak.flac]
Exits 1 when a check fails. The issue's soak is --seconds 600 (10 minutes):

    python3 tools/audio_servers.py run jack-rt -- \
        python3 tools/record_soak.py --seconds 600 --backend jack

A short one (--seconds 10) is quick enough to run by hand. `--overload 12`
adds twelve key-locked voices, more work than a period holds, to show that
the check fails when the engine is what is late. On 'null' the
input is silence at the clock (FLAC compresses it to little; the writer and
the ring still run at full rate); on a server, give it inputs to record.
"""
import argparse
import array
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "pyffi"))

from ringengine import AudioEngine  # noqa: E402


INTERVAL = 0.1  # s between readings


def stolen_ticks():
    """The time the hypervisor ran something else on this machine's CPUs,
    in clock ticks since boot (/proc/stat's `steal`; 0 off Linux)."""
    try:
        with open("/proc/stat") as f:
            return int(f.readline().split()[8])
    except (OSError, IndexError, ValueError):
        return 0


def watch(engine, rec, timeout):
    """Until `rec` is done (or `timeout` s): every INTERVAL, (the longest
    callback against the period, ticks stolen, xruns) of that interval."""
    intervals, deadline = [], time.monotonic() + timeout
    engine.dsp_load  # the first interval starts now
    steal, xruns = stolen_ticks(), engine.stats.xruns
    while not rec.done() and time.monotonic() < deadline:
        time.sleep(INTERVAL)
        load, now_steal, now_xruns = engine.dsp_load, stolen_ticks(), engine.stats.xruns
        intervals.append((load.peak, now_steal - steal, now_xruns - xruns))
        steal, xruns = now_steal, now_xruns
    return intervals


def soak(seconds, backend, path, keylocked=0):
    failures = []
    with AudioEngine(backend=backend, inputs=8, channels=2, voices=32,
                     keylock_voices=keylocked) as engine:
        for v in range(32):
            engine.set_param(v, "freq", 110.0 * (1 + v / 7.0))
            engine.set_param(v, "gain", 1.0 / 64)
            engine.set_param(v, "pan", (v % 5) / 2.0 - 1.0)
        if keylocked:
            # More work than a period holds: each key-locked voice takes
            # 15-20 % of a core here (docs/benchmarks.md).
            noise = array.array("f", (((i * 7919) % 2001 - 1000) / 4000.0 for i in range(48000)))
            buffer = engine.load_buffer(noise)
            for v in range(keylocked):
                engine.play(v, buffer, loop=True, keylock=True)
        xruns = engine.stats.xruns
        frames = int(seconds * engine.sample_rate)
        rec = engine.record(path, source="input", frames=frames, format="flac")
        intervals = watch(engine, rec, seconds + 30)
        stats = engine.stats
        period_ns = engine.block_frames * 1e9 / engine.sample_rate
        long = [i for i, (peak, _, _) in enumerate(intervals) if peak >= 1.0]
        stolen = [i for i in long
                  if any(intervals[j][1] for j in range(max(0, i - 1), min(len(intervals), i + 2)))]
        peaks = sorted(peak for peak, _, _ in intervals) or [0.0]
        report = {"seconds": seconds, "frames": rec.frames, "written": rec.written,
                  "overruns": rec.overruns, "xruns": stats.xruns - xruns,
                  "xruns_with_steal": sum(x for _, steal, x in intervals if steal),
                  "longest_callback_ns": stats.max_callback_ns, "period_ns": round(period_ns),
                  "load_median": round(peaks[len(peaks) // 2], 4),
                  "load_p99": round(peaks[int(len(peaks) * 0.99)], 4),
                  "callbacks_over_period": len(long), "of_them_with_steal": len(stolen),
                  "error": rec.error}
        print(report)
        if not rec.done():
            failures.append("not done %d s after its end" % 30)
        if rec.overruns or rec.error:
            failures.append("lost frames: %r" % (report,))
        if rec.frames != frames or rec.written != frames:
            failures.append("took %d, wrote %d of %d frames" % (rec.frames, rec.written, frames))
        late = sorted(set(long) - set(stolen))
        if late:
            failures.append("%d intervals had a callback longer than its period and no time "
                            "stolen, the first at %.1f s (%.2f periods)"
                            % (len(late), late[0] * INTERVAL, intervals[late[0]][0]))
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
    p.add_argument("--overload", type=int, default=0, metavar="N",
                   help="also play N key-locked voices, more than a period holds: "
                        "shows that the soak fails when the engine is too slow")
    args = p.parse_args()
    failures = soak(args.seconds, args.backend, args.path, args.overload)
    for f in failures:
        print("FAIL:", f)
    os.remove(args.path) if os.path.exists(args.path) else None
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
