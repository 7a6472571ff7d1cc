"""python3 -m ringengine ping: the main job."""
import json
import os
import subprocess
import sys

from conftest import ROOT, python_env
from conftest import run_ringengine as ringengine

KEYS = {"backend", "device", "sample_rate", "block_frames", "pings_sent", "pongs_received",
        "pings_rejected", "pongs_dropped", "send_ping_ns_median", "send_ping_ns_p99",
        "bare_call_ns_median", "bare_call_ns_p99", "rtt_ms_p50", "rtt_ms_p99", "rtt_ms_max", "warnings"}


def test_ping_json_on_the_null_backend():
    run = ringengine("ping", "--backend", "null", "--count", "200", "--rate", "2000", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert KEYS <= set(report)
    assert report["backend"] == "null"
    assert report["pings_sent"] == report["pongs_received"] == 200
    assert report["pings_rejected"] == report["pongs_dropped"] == 0
    assert report["send_ping_ns_median"] <= report["send_ping_ns_p99"]
    assert report["bare_call_ns_median"] <= report["bare_call_ns_p99"]
    assert 0 < report["rtt_ms_p50"] <= report["rtt_ms_p99"] <= report["rtt_ms_max"]
    assert report["warnings"] == []


def test_ping_prints_a_readable_report():
    run = ringengine("ping", "--backend", "offline", "--count", "100", "--rate", "10000")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "backend offline" in out
    assert "100 pings sent" in out and "100 pongs received" in out
    assert "send_ping():  median" in out and "p99" in out
    assert "called cold (bare cffi call: median" in out
    assert "round trip:" in out
    assert "pings_rejected 0, pongs_dropped 0, xruns 0" in out
    assert run.stderr == "", "nothing on stderr when all is well"


def test_ping_with_auto_reports_what_it_chose():
    run = ringengine("ping", "--count", "20", "--rate", "1000", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["backend"] in ("jack", "pulse", "rtaudio", "null")
    if report["backend"] == "null":
        assert "no audio server answered (Jack: " in report["note"]
    assert run.stderr == ""


def test_ping_unknown_device_fails_with_a_message():
    run = ringengine("ping", "--backend", "rtaudio", "--device", "no such device 0x5eed")
    assert run.returncode == 2
    assert run.stderr.startswith("ringengine: engine_create: ")


def test_ping_rejects_bad_options():
    assert ringengine("ping", "--count", "0").returncode == 2
    assert ringengine("ping", "--rate", "-5").returncode == 2
    assert ringengine("ping", "--backend", "nope").returncode == 2


def test_tone_plays_and_reports_what_it_did():
    run = ringengine("tone", "440", "--gain", "0.25", "--seconds", "0.2", "--backend", "null",
                     "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert (report["backend"], report["freq"], report["gain"]) == ("null", 440.0, 0.25)
    assert report["frames_played"] >= 0.2 * 48000
    assert report["state"] == "running" and report["late"] == 0


def test_tone_offline_renders_and_reports_the_peak():
    run = ringengine("tone", "1000", "--gain", "0.5", "--seconds", "0.5", "--backend",
                     "offline", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["frames_played"] == 24000
    assert abs(report["peak"] - 0.5) < 1e-3


def test_the_python_examples_run(tmp_path):
    """examples/ping.py, tone.py and buffer.py, as a user would run them
    (with no server here, on the null backend)."""
    for example in ("ping.py", "tone.py", "buffer.py", "play_file.py"):
        run = subprocess.run([sys.executable, os.path.join(ROOT, "examples", example)],
                             env=python_env(RINGENGINE_API=""), capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 0, run.stderr
        assert run.stderr == ""
        if example == "buffer.py":
            assert "released; buffers loaded now: 0" in run.stdout
    assert "1 channel(s) at 44100 Hz -> 24000 frames at 48000 Hz" in run.stdout
