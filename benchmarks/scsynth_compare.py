"""64 looping voices of one mono buffer for 60 s at 48 kHz stereo, rendered
by SuperCollider's scsynth in non-real-time mode and by this engine's
offline backend, at rate 1.0 and 1.37, each side minus its own zero-voice
run, in alternating rounds (issue 26, item 6).

scsynth needs no sclang: this script writes the compiled SynthDef itself
(SCgf version 2: PlayBuf.ar(1, bufnum, rate, loop: 1) -> Pan2.ar -> Out.ar
(0, ...)) and the NRT score (binary OSC bundles: /d_recv of the SynthDef,
/b_allocRead of the buffer, /s_new of each voice, a last bundle at the end
time), and runs

    scsynth -o 2 -N score.osc _ out.wav 48000 WAV float

Each scsynth run's output is read back and its peak checked (a silent
render would make the comparison meaningless): the run fails otherwise.

Our side: AudioEngine(backend="offline", voices=64), the same buffer
looping on every voice at pan 0, rendered in one-second calls into one
reused array. Rate 1.37 runs on our side only when the library has a
voice parameter "rate" (ringengine.PARAMS): until then it is reported as
not measured (`our_seconds(rate=...)` is the hook).

Usage: scsynth_compare.py [OUT.json] [--rounds N] [--seconds S] [--quick]
Prints a table; with OUT.json, writes the results for benchmarks/report.py.
"""
import argparse
import json
import math
import os
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pyffi"))

SAMPLE_RATE = 48000
VOICES = 64
RATES = (1.0, 1.37)
BUFFER_FRAMES = 48000 + 123  # a second and a bit: the loop seam moves against the blocks


# --- the buffer -------------------------------------------------------------

def buffer_samples():
    """A mono second of a 220 Hz tone with two overtones, at 0.25: 64 of
    them at pan 0 stay well below the float range either side renders."""
    return [0.25 * (math.sin(2 * math.pi * 220 * i / SAMPLE_RATE)
                    + 0.3 * math.sin(2 * math.pi * 660 * i / SAMPLE_RATE)
                    + 0.1 * math.sin(2 * math.pi * 1100 * i / SAMPLE_RATE)) / 1.4
            for i in range(BUFFER_FRAMES)]


def write_wav_float(path, samples, channels=1):
    """A WAVE_FORMAT_IEEE_FLOAT file (what /b_allocRead reads through libsndfile)."""
    data = struct.pack("<%df" % len(samples), *samples)
    fmt = struct.pack("<HHIIHH", 3, channels, SAMPLE_RATE, SAMPLE_RATE * 4 * channels,
                      4 * channels, 32)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        f.write(b"data" + struct.pack("<I", len(data)) + data)


def wav_peak(path):
    """The largest |sample| of a float WAV (any chunks before 'data')."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        raise ValueError("%s: not a WAV file" % path)
    at, fmt_tag, bits = 12, None, None
    while at + 8 <= len(raw):
        chunk, size = raw[at:at + 4], struct.unpack("<I", raw[at + 4:at + 8])[0]
        body = raw[at + 8:at + 8 + size]
        if chunk == b"fmt ":
            fmt_tag, _, _, _, _, bits = struct.unpack("<HHIIHH", body[:16])
        elif chunk == b"data":
            if fmt_tag not in (3, 0xFFFE) or bits != 32:
                raise ValueError("%s: not 32-bit float" % path)
            try:
                import numpy
                return float(numpy.abs(numpy.frombuffer(body, dtype="<f4")).max(initial=0.0))
            except ImportError:
                values = struct.unpack("<%df" % (len(body) // 4), body[:len(body) // 4 * 4])
                return max((abs(v) for v in values), default=0.0)
        at += 8 + size + (size & 1)
    raise ValueError("%s: no data chunk" % path)


# --- SCgf version 2 ---------------------------------------------------------

def pstring(s):
    b = s.encode("ascii")
    return struct.pack(">B", len(b)) + b


def synthdef(name="ringengine_playbuf"):
    """The compiled SynthDef, as sclang would write
        SynthDef(name, { |bufnum = 0, rate = 1|
            Out.ar(0, Pan2.ar(PlayBuf.ar(1, bufnum, rate, loop: 1)))
        })
    (Pan2's pos 0, level 1; PlayBuf's trigger 1, startPos 0, doneAction 0)."""
    constants = [1.0, 0.0]
    one, zero = (-1, 0), (-1, 1)
    controls = [("bufnum", 0.0), ("rate", 1.0)]
    audio, control = 2, 1
    # (class, rate, inputs [(ugen, output) or (-1, constant)], output rates, special)
    ugens = [
        ("Control", control, [], [control, control], 0),
        ("PlayBuf", audio, [(0, 0), (0, 1), one, zero, one, zero], [audio], 0),
        ("Pan2", audio, [(1, 0), zero, one], [audio, audio], 0),
        ("Out", audio, [zero, (2, 0), (2, 1)], [], 0),
    ]
    body = pstring(name)
    body += struct.pack(">i", len(constants)) + struct.pack(">%df" % len(constants), *constants)
    body += struct.pack(">i", len(controls))
    body += struct.pack(">%df" % len(controls), *[v for _, v in controls])
    body += struct.pack(">i", len(controls))
    for index, (cname, _) in enumerate(controls):
        body += pstring(cname) + struct.pack(">i", index)
    body += struct.pack(">i", len(ugens))
    for cls, rate, inputs, outputs, special in ugens:
        body += pstring(cls) + struct.pack(">biih", rate, len(inputs), len(outputs), special)
        for ugen, index in inputs:
            body += struct.pack(">ii", ugen, index)
        for r in outputs:
            body += struct.pack(">b", r)
    body += struct.pack(">h", 0)  # variants
    return b"SCgf" + struct.pack(">ih", 2, 1) + body


# --- OSC --------------------------------------------------------------------

def osc_string(s):
    b = s.encode() + b"\0"
    return b + b"\0" * (-len(b) % 4)


def osc_message(address, *args):
    tags, data = ",", b""
    for a in args:
        if isinstance(a, bool):
            raise TypeError("no booleans in these scores")
        if isinstance(a, int):
            tags, data = tags + "i", data + struct.pack(">i", a)
        elif isinstance(a, float):
            tags, data = tags + "f", data + struct.pack(">f", a)
        elif isinstance(a, str):
            tags, data = tags + "s", data + osc_string(a)
        elif isinstance(a, bytes):
            tags, data = tags + "b", data + struct.pack(">i", len(a)) + a + b"\0" * (-len(a) % 4)
        else:
            raise TypeError(a)
    return osc_string(address) + osc_string(tags) + data


def osc_bundle(seconds, messages):
    """A bundle at `seconds` from the start (NRT time tags are 32.32 fixed
    point seconds from 0)."""
    whole = int(seconds)
    tag = (whole << 32) | int(round((seconds - whole) * 2**32))
    out = b"#bundle\0" + struct.pack(">Q", tag)
    for m in messages:
        out += struct.pack(">i", len(m)) + m
    return out


def score(buffer_path, voices, rate, seconds):
    """The NRT command file: each bundle preceded by its length."""
    start = [osc_message("/d_recv", synthdef()),
             osc_message("/b_allocRead", 0, buffer_path)]
    start += [osc_message("/s_new", "ringengine_playbuf", 1000 + v, 0, 0,
                          "bufnum", 0, "rate", float(rate)) for v in range(voices)]
    # The end time: scsynth renders up to its last bundle.
    bundles = [osc_bundle(0.0, start), osc_bundle(seconds, [osc_message("/c_set", 0, 0.0)])]
    return b"".join(struct.pack(">i", len(b)) + b for b in bundles)


# --- the two sides ----------------------------------------------------------

def scsynth_seconds(scsynth, workdir, voices, rate, seconds):
    """(wall, cpu) seconds of one scsynth NRT run, and the peak it rendered."""
    score_path = os.path.join(workdir, "score_%d_%g.osc" % (voices, rate))
    out_path = os.path.join(workdir, "out.wav")
    with open(score_path, "wb") as f:
        f.write(score(os.path.join(workdir, "buffer.wav"), voices, rate, seconds))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    run = subprocess.run([scsynth, "-o", "2", "-V", "-1", "-N", score_path, "_", out_path,
                          str(SAMPLE_RATE), "WAV", "float"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise RuntimeError("scsynth failed (%d): %s" % (run.returncode,
                                                        run.stdout.decode(errors="replace")))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = wav_peak(out_path)
    if voices > 0 and peak < 0.01:
        raise RuntimeError("scsynth rendered silence (peak %g) with %d voices: the score or "
                           "the SynthDef is wrong, and the comparison would be meaningless\n%s"
                           % (peak, voices, run.stdout.decode(errors="replace")))
    return wall, cpu, peak


def our_seconds(samples, voices, rate, seconds):
    """(wall, cpu) seconds of our offline render, and its peak; None when
    `rate` is not 1 and the library has no voice parameter "rate" yet."""
    import numpy
    import ringengine
    if rate != 1.0 and "rate" not in ringengine.PARAMS:
        return None
    t0, c0 = time.perf_counter(), time.process_time()
    with ringengine.AudioEngine(backend="offline", sample_rate=SAMPLE_RATE, channels=2,
                                voices=VOICES) as e:
        buf = e.load_buffer(numpy.asarray(samples, dtype=numpy.float32))
        for v in range(voices):
            e.set_param(v, "pan", 0.0)
            if rate != 1.0:
                e.set_param(v, "rate", rate)
            e.play(v, buf, loop=True)
        out = numpy.zeros((SAMPLE_RATE, 2), dtype=numpy.float32)
        peak = 0.0
        for _ in range(int(seconds)):
            e.render_into(out)
            peak = max(peak, float(numpy.abs(out).max()))
    return time.perf_counter() - t0, time.process_time() - c0, peak


def summary(values):
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", help="JSON file of results (benchmarks/report.py)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true", help="3 rounds of 10 s")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.seconds = 3, 10.0
    scsynth = shutil.which("scsynth")
    if scsynth is None:
        print("scsynth_compare: scsynth not found (apt-get install supercollider-server): skipped")
        return 0
    samples = buffer_samples()
    # Wall and CPU seconds of each (side, rate, voices) over the rounds.
    times = {}
    peaks = {}
    with tempfile.TemporaryDirectory(prefix="ringengine-scsynth-") as workdir:
        write_wav_float(os.path.join(workdir, "buffer.wav"), samples)
        for round_ in range(args.rounds):
            # Alternating: each round runs every case, in an order that
            # swaps the sides every other round.
            sides = ("scsynth", "ours") if round_ % 2 == 0 else ("ours", "scsynth")
            for rate in RATES:
                for voices in (VOICES, 0):
                    for side in sides:
                        if side == "scsynth":
                            got = scsynth_seconds(scsynth, workdir, voices, rate, args.seconds)
                        else:
                            got = our_seconds(samples, voices, rate, args.seconds)
                        if got is None:
                            continue
                        wall, cpu, peak = got
                        times.setdefault((side, rate, voices), []).append((wall, cpu))
                        peaks[(side, rate, voices)] = max(peaks.get((side, rate, voices), 0.0),
                                                          peak)
            print("round %d of %d done" % (round_ + 1, args.rounds), file=sys.stderr)
    results = {"seconds": args.seconds, "rounds": args.rounds, "voices": VOICES,
               "sample_rate": SAMPLE_RATE, "cases": []}
    print("%d looping voices, %g s at %d Hz stereo; each side minus its zero-voice run, "
          "%d rounds (min / median / max of wall seconds; CPU median)"
          % (VOICES, args.seconds, SAMPLE_RATE, args.rounds))
    print("%-8s %-5s %-26s %-10s %-10s" % ("side", "rate", "wall s (min/med/max)", "cpu s",
                                          "peak"))
    medians = {}
    for rate in RATES:
        for side in ("scsynth", "ours"):
            full, empty = times.get((side, rate, VOICES)), times.get((side, rate, 0))
            if not full or not empty:
                print("%-8s %-5g not measured (no voice parameter \"rate\" yet)" % (side, rate))
                results["cases"].append({"side": side, "rate": rate, "measured": False})
                continue
            # Round by round: this round's full run minus this round's empty one.
            wall = [f[0] - e[0] for f, e in zip(full, empty)]
            cpu = [f[1] - e[1] for f, e in zip(full, empty)]
            w, c = summary(wall), summary(cpu)
            medians[(side, rate)] = (w["median"], c["median"])
            print("%-8s %-5g %7.3f %7.3f %7.3f     %-10.3f %-10.3f"
                  % (side, rate, w["min"], w["median"], w["max"], c["median"],
                     peaks[(side, rate, VOICES)]))
            results["cases"].append({"side": side, "rate": rate, "measured": True, "wall": w,
                                     "cpu": c, "peak": peaks[(side, rate, VOICES)],
                                     "empty_wall": summary([e[0] for e in empty])})
    for rate, bound in ((1.0, 0.5), (1.37, 0.7)):
        if ("ours", rate) in medians and ("scsynth", rate) in medians:
            ratio = medians[("ours", rate)][0] / medians[("scsynth", rate)][0]
            cpu_ratio = medians[("ours", rate)][1] / medians[("scsynth", rate)][1]
            print("rate %g: ours / scsynth = %.3f (wall medians), %.3f (CPU); the issue's "
                  "bound %.1f" % (rate, ratio, cpu_ratio, bound))
            results["cases"].append({"ratio": ratio, "cpu_ratio": cpu_ratio, "rate": rate,
                                     "bound": bound})
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
