"""`python3 -m ringengine tone ... --meter` and `play FILE --meter`, driven
in tmux and read off its screen (capture-pane) as a user sees them: bars
that move while the null backend plays in real time, the DSP load, a clip
mark; and the same snapshots as JSON lines with --json."""
import itertools
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

import pytest

from conftest import python_env

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """A tmux server of its own (its own socket), one 100x40 window. Each
    on a socket of its own: kill-server returns before the server is gone,
    and a new session on the same socket could reach the dying server and
    fail (seen once in the ASan suite)."""

    started = itertools.count()

    def __init__(self, command):
        self.socket = "ringengine-test-%d-%d" % (os.getpid(), next(Tmux.started))
        env = python_env()
        line = " ".join("%s=%s" % (k, shlex.quote(env[k]))
                        for k in ("PYTHONPATH", "RINGENGINE_LIBRARY", "LD_PRELOAD")
                        if env.get(k)) + " " + " ".join(map(shlex.quote, command))
        run = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d",
                              "-x", "100", "-y", "40", "env " + line + "; sleep 30"],
                             env=env, capture_output=True, text=True)
        assert run.returncode == 0, ("tmux did not start", run.returncode, run.stderr)

    def screen(self):
        return subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p"],
                              capture_output=True, text=True, check=True).stdout

    def wait_for(self, pattern, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if re.search(pattern, text):
                return text
            time.sleep(0.1)
        raise AssertionError("never on the screen: %r\n%s" % (pattern, self.screen()))

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def frame_of(screen):
    return int(re.search(r"frame (\d+)", screen).group(1))


def bar_of(screen, name):
    """The '#' count of `name`'s first channel's bar."""
    match = re.search(r"^%s\s+L \[([#!-]+)\]" % re.escape(name), screen, re.M)
    assert match, screen
    return match.group(1).count("#")


def test_tone_meter_shows_moving_bars_and_the_dsp_load():
    tmux = Tmux([sys.executable, "-m", "ringengine", "tone", "440", "--backend", "null",
                 "--gain", "0.2", "--seconds", "6", "--meter"])
    try:
        first = tmux.wait_for(r"voice 0\s+L \[#")
        time.sleep(0.6)
        second = tmux.wait_for(r"voice 0\s+L \[#")
    finally:
        tmux.close()
    assert "ringengine" in first and "tone 440 Hz: backend null" in first
    assert frame_of(second) > frame_of(first) + 10000, "the view follows the audio"
    assert re.search(r"DSP load\s+\d+\.\d %", second)
    # A sine of 0.2 peaks at -14 dBFS: (60 - 14) / 60 of the 40-character bar.
    for name in ("master", "bus 0", "voice 0"):
        assert bar_of(second, name) == round((60 + 20 * math.log10(0.2)) / 60 * 40)
    assert re.search(r"master\s+L \[#+-+\] peak\s+-14\.0 rms\s+-17\.0 dB", second), second
    assert re.search(r"^\s+R \[#+-+\]", second, re.M), "a bar for each channel"
    assert "CLIP" not in second


def test_a_clip_is_marked():
    tmux = Tmux([sys.executable, "-m", "ringengine", "tone", "440", "--backend", "null",
                 "--gain", "1.5", "--seconds", "4", "--meter"])
    try:
        screen = tmux.wait_for(r"CLIP \d+")
    finally:
        tmux.close()
    assert re.search(r"master\s+L \[#+!!!\] peak\s+\+3\.5", screen), screen


def test_play_meter_shows_the_file_voice(tmp_path):
    soundfile = pytest.importorskip("soundfile")
    np = pytest.importorskip("numpy")
    path = str(tmp_path / "tone.wav")
    t = np.arange(44100 * 3) / 44100
    soundfile.write(path, 0.5 * np.sin(2 * np.pi * 330 * t), 44100, subtype="FLOAT")
    tmux = Tmux([sys.executable, "-m", "ringengine", "play", path, "--backend", "null",
                 "--meter"])
    try:
        screen = tmux.wait_for(r"voice 0\s+L \[#")
    finally:
        tmux.close()
    assert "play %s" % path in screen
    assert re.search(r"voice 0\s+L \[#+-+\] peak\s+-6\.0", screen), screen


def test_meter_json_prints_snapshots_then_the_report():
    run = subprocess.run([sys.executable, "-m", "ringengine", "tone", "1000", "--backend",
                          "offline", "--gain", "0.5", "--seconds", "1", "--meter", "--json"],
                         env=python_env(), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    snapshots, report = lines[:-1], lines[-1]
    assert len(snapshots) >= 12 and report["freq"] == 1000.0
    frames = [s["frame"] for s in snapshots]
    assert frames == sorted(frames) and frames[-1] >= 48000
    last = snapshots[-1]
    assert last["master"]["peak"] == pytest.approx([0.5, 0.5], rel=0.01)
    assert last["master"]["rms"] == pytest.approx([0.354, 0.354], rel=0.01)
    assert set(last["voices"]) == {"0"} and set(last["buses"]) == {"0"}
    assert 0 <= last["dsp_load"]["average"] <= last["dsp_load"]["peak"]
