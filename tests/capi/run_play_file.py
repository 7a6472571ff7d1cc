"""Runs examples/play_file.c's program on a WAV written here (44.1 kHz,
16-bit, half a second of a 1 kHz tone at half scale) and on a path that is
not there: it must say what it loaded, resampled to 48 kHz, with the tone's
peak; and for the missing file, fail naming it.
Usage: run_play_file.py PROGRAM"""
import math
import os
import struct
import subprocess
import sys
import tempfile
import wave


def main(argv):
    program = argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tone.wav")
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(44100)
            w.writeframes(b"".join(struct.pack("<h", int(16384 * math.sin(2 * math.pi * 1000 * i
                                                                         / 44100)))
                                   for i in range(22050)))
        run = subprocess.run([program, path], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert "1 channels at 44100 Hz, 24000 frames at 48000 Hz" in run.stdout, run.stdout
        peak = float(run.stdout.rsplit("peak ", 1)[1])
        assert abs(peak - 0.5) < 0.01, run.stdout
        missing = os.path.join(tmp, "missing.wav")
        run = subprocess.run([program, missing], capture_output=True, text=True, timeout=60)
        assert run.returncode == 1, run
        assert "no such file: " + missing + ": No such file or directory" in run.stderr, run.stderr
    print("ok")


if __name__ == "__main__":
    main(sys.argv)
