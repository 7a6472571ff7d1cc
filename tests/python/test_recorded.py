"""Sound proven by a recorder no one here wrote: a tone played through a
real server and recorded with that server's own tool. The recording's
dominant frequency is the one asked (within 3 Hz) and its level matches the
gain (within 2 dB)."""
import os
import shutil
import subprocess
import time

import pytest

from conftest import system_env
from ringengine import AudioEngine

np = pytest.importorskip("numpy", reason="the analysis needs numpy")


def dominant_hz_and_peak_db(samples, rate):
    x = samples - samples.mean()
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    peak_bin = int(np.argmax(spectrum))
    # Parabolic interpolation between bins: a fraction of a bin's width.
    a, b, c = spectrum[peak_bin - 1:peak_bin + 2]
    offset = 0.5 * (a - c) / (a - 2 * b + c)
    hz = (peak_bin + offset) * rate / len(x)
    return hz, 20 * np.log10(np.abs(x).max())


def test_a_tone_through_pulseaudio_is_recorded_by_parecord(pulse_server, tmp_path):
    if shutil.which("parecord") is None:
        pytest.skip("parecord is not installed")
    raw = tmp_path / "rec.raw"
    recorder = subprocess.Popen(
        ["parecord", "--device=null.monitor", "--format=float32le", "--rate=48000",
         "--channels=2", "--raw", "--latency-msec=20", str(raw)],
        env=system_env(), stderr=subprocess.PIPE)
    try:
        time.sleep(0.5)
        with AudioEngine(backend="pulse") as engine:
            engine.set_param(0, "freq", 1000.0)
            engine.set_param(0, "gain", 0.5)
            start = engine.frame
            deadline = time.monotonic() + 10
            while engine.frame - start < 3 * 48000 and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        time.sleep(0.3)
        recorder.terminate()
        recorder.wait(timeout=10)
    data = np.frombuffer(raw.read_bytes(), dtype=np.float32)
    left = data[0::2]
    loud = np.flatnonzero(np.abs(left) > 0.05)
    assert len(loud) > 48000, "at least a second of the tone was recorded"
    middle = left[loud[0] + 4800:loud[-1] - 4800]  # the steady part
    hz, peak_db = dominant_hz_and_peak_db(middle[:48000], 48000)
    assert abs(hz - 1000.0) <= 3.0, hz
    assert abs(peak_db - 20 * np.log10(0.5)) <= 2.0, peak_db
