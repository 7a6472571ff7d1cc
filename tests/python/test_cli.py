"""python3 -m ringengine ping: the main job."""
import json

from conftest import run_ringengine as ringengine

KEYS = {"backend", "device", "sample_rate", "block_frames", "pings_sent", "pongs_received",
        "pings_rejected", "pongs_dropped", "send_ping_ns_median", "send_ping_ns_p99",
        "rtt_ms_p50", "rtt_ms_p99", "rtt_ms_max", "warnings"}


def test_ping_json_on_the_null_backend():
    run = ringengine("ping", "--backend", "null", "--count", "200", "--rate", "2000", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert KEYS <= set(report)
    assert report["backend"] == "null"
    assert report["pings_sent"] == report["pongs_received"] == 200
    assert report["pings_rejected"] == report["pongs_dropped"] == 0
    assert report["send_ping_ns_median"] <= report["send_ping_ns_p99"]
    assert 0 < report["rtt_ms_p50"] <= report["rtt_ms_p99"] <= report["rtt_ms_max"]
    assert report["warnings"] == []


def test_ping_prints_a_readable_report():
    run = ringengine("ping", "--backend", "offline", "--count", "100", "--rate", "10000")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "backend offline" in out
    assert "100 pings sent" in out and "100 pongs received" in out
    assert "send_ping():  median" in out and "p99" in out
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
