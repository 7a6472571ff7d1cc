"""How long a file takes to load: ringengine's load_file() (libsndfile and
libsoxr, quality "high") against sox doing the same (decode, resample to
48 kHz float at its default quality, "high") and python-soundfile's read
(decode only), in paired rounds in random order; and load_file() as the
file grows from 1 s to 10 min.

    PYTHONPATH=pyffi python3 benchmarks/file_load.py OUT.json [--quick]

The files are made here (python-soundfile writes WAV and FLAC, FFmpeg
MP3): 60 s of stereo at 44.1 kHz, two tones and a little noise. Prints a
Markdown table; writes every time to OUT.json.
"""
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import soundfile as sf

import ringengine


def make(folder, seconds, fmt):
    rate = 44100
    n = int(rate * seconds)
    t = np.arange(n) / rate
    rng = np.random.default_rng(1)
    x = np.stack([0.3 * np.sin(2 * np.pi * 220 * t), 0.3 * np.sin(2 * np.pi * 331 * t)], 1)
    x += 0.01 * rng.standard_normal(x.shape)
    wav = os.path.join(folder, "s%d.wav" % seconds)
    if not os.path.exists(wav):
        sf.write(wav, x, rate, subtype="PCM_16")
    if fmt == "wav":
        return wav
    path = os.path.join(folder, "s%d.%s" % (seconds, fmt))
    if fmt == "flac":
        sf.write(path, x, rate, subtype="PCM_16")
    else:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "libmp3lame", "-b:a",
                        "192k", path], check=True)
    return path


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv):
    quick = "--quick" in argv
    out_path = [a for a in argv[1:] if a != "--quick"][0]
    rounds = 3 if quick else 7
    folder = tempfile.mkdtemp(prefix="ringengine-bench-")
    results = {"rounds": rounds, "formats": {}, "growth": {}}
    try:
        with ringengine.AudioEngine(backend="offline", buffers=8) as engine:
            def ours(path):
                buf = engine.load_file(path, quality="high")
                buf.close()
                engine.process()
                engine.recv_many()

            def sox(path):
                subprocess.run(["sox", path, "-r", "48000", "-e", "floating-point", "-t", "f32",
                                "/dev/null"], check=True)

            def soundfile(path):
                sf.read(path, dtype="float32")

            peers = {"ringengine": ours, "sox": sox, "soundfile": soundfile}
            for fmt in ("wav", "flac", "mp3"):
                path = make(folder, 60, fmt)
                times = {name: [] for name in peers}
                ratios = []
                for _ in range(rounds):
                    order = list(peers)
                    random.shuffle(order)
                    this = {name: timed(lambda: peers[name](path)) for name in order}
                    for name, t in this.items():
                        times[name].append(t)
                    ratios.append(this["ringengine"] / this["sox"])
                results["formats"][fmt] = {
                    name: {"median_ms": 1000 * statistics.median(t), "min_ms": 1000 * min(t),
                           "max_ms": 1000 * max(t)} for name, t in times.items()}
                results["formats"][fmt]["ours_over_sox"] = {
                    "median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}
            for seconds in ((1, 10, 60) if quick else (1, 10, 60, 600)):
                path = make(folder, seconds, "wav")
                t = [timed(lambda: ours(path)) for _ in range(3)]
                results["growth"][str(seconds)] = {
                    "median_ms": 1000 * statistics.median(t), "min_ms": 1000 * min(t),
                    "max_ms": 1000 * max(t),
                    "ms_per_second": 1000 * statistics.median(t) / seconds}
    finally:
        shutil.rmtree(folder)
    with open(out_path, "w") as f:
        json.dump(results, f, indent=1)
    print("| 60 s stereo 44.1 kHz to 48 kHz float | ringengine load_file | sox | "
          "ours / sox (per round) | python-soundfile read (no resampling) |")
    print("| --- | --- | --- | --- | --- |")
    for fmt, r in results["formats"].items():
        cell = lambda x: "%.0f ms (%.0f-%.0f)" % (x["median_ms"], x["min_ms"], x["max_ms"])
        ratio = r["ours_over_sox"]
        print("| %s | %s | %s | %.2fx (%.2f-%.2f) | %s |" % (
            fmt.upper(), cell(r["ringengine"]), cell(r["sox"]), ratio["median"], ratio["min"],
            ratio["max"], cell(r["soundfile"])))
    print()
    print("| WAV length | load_file median (min-max) | ms per second of sound |")
    print("| --- | --- | --- |")
    for seconds, r in results["growth"].items():
        print("| %s s | %.1f ms (%.1f-%.1f) | %.2f |" % (seconds, r["median_ms"], r["min_ms"],
                                                       r["max_ms"], r["ms_per_second"]))


if __name__ == "__main__":
    main(sys.argv)
