"""The mixer from Python: buses and the master, gains in dB, the pan laws,
the channel rule, the three-band kill EQ against SciPy's filters, the
meters on known signals, meter events and the DSP load; and the errors of
every new call."""
import math

import pytest

from conftest import optional_module

import ringengine
from ringengine import (DspLoad, InvalidArgumentError, Meter, MeterEvent, Meters,
                        UnsupportedError)

np = optional_module("numpy")  # PyPy: the tests that need it skip

RATE = 48000


def offline(**kwargs):
    return ringengine.AudioEngine(backend="offline", **kwargs)


def sine(freq, frames, amplitude=1.0):
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(frames) / RATE)).astype(np.float32)


def noise(frames, seed=7):
    return np.random.default_rng(seed).uniform(-0.5, 0.5, frames).astype(np.float32)


def test_a_sine_of_half_scale_reads_its_peak_and_rms_within_one_percent():
    with offline(meter_ms=100) as e:
        e.set_param(0, "freq", 1000.0)
        e.set_param(0, "gain", 0.5)
        e.render(RATE)
        m = e.meters()
        assert isinstance(m, Meters) and isinstance(m.master, Meter)
        assert len(m.buses) == e.buses == 8 and len(m.voices) == e.voices == 32
        for meter in (m.master, m.buses[0], m.voices[0]):
            assert len(meter.peak) == len(meter.rms) == 2
            for peak, rms in zip(meter.peak, meter.rms):
                assert peak == pytest.approx(0.5, rel=0.01)
                assert rms == pytest.approx(0.354, rel=0.01)
            assert meter.clips == 0 and meter.frame > 0
        assert m.buses[1].peak == (0.0, 0.0) and m.voices[1].rms == (0.0, 0.0)


def test_silence_reads_zero_and_a_burst_over_full_scale_counts_clips():
    with offline(channels=1) as e:
        e.render(4800)
        assert e.meters().master.peak == (0.0,) and e.meters().master.rms == (0.0,)
        burst = np.array([0.5, 1.5, -2.0, 0.9, 1.01], dtype=np.float32)
        e.play(3, e.load_buffer(burst))
        e.render(4800)
        m = e.meters()
        assert m.master.clips == 3 and m.voices[3].clips == 3 and m.voices[0].clips == 0
        assert m.master.peak == (0.0,), "the burst's window has closed since: silence"
        e.play(3, e.load_buffer(burst))
        e.render(256)
        e.render(2304)
        assert e.meters().master.peak == (2.0,)
        assert e.meters().master.clips == 6


def test_meters_off_cost_nothing_and_say_so():
    with offline(meter_ms=0) as e:
        with pytest.raises(UnsupportedError, match="meter_ms=0"):
            e.meters()
        with pytest.raises(InvalidArgumentError, match="meter_events_hz"):
            offline(meter_ms=0, meter_events_hz=10)


def test_bus_gain_db_mute_and_pan_are_sample_accurate():
    with offline() as e:
        e.set_param(0, "freq", 750.0)
        e.set_param(0, "bus", np.int64(2))
        e.set_bus(2, "gain_db", -6.0, at=1000)
        e.set_bus("master", "mute", 1, at=3000, ramp=480)
        out = e.render(4000)
        ref = np.sin(2 * np.pi * 750 * np.arange(4000) / RATE)
        g = np.ones(4000)
        g[1000:] = 10 ** (-6 / 20)
        mute = np.ones(4000)
        mute[3000:3480] = 1 - np.arange(480) / 480
        mute[3480:] = 0
        assert np.allclose(out[:, 0], ref * g * mute, atol=2e-6)
        assert np.array_equal(out[:, 0], out[:, 1])
        e.set_bus("master", "mute", 0)
        e.set_bus(2, "pan", -1.0)
        out = e.render(512)
        assert np.all(out[:, 1] == 0) and np.any(out[:, 0] != 0)


def test_play_into_a_bus_and_the_voice_stays_there():
    with offline(channels=1) as e:
        buf = e.load_buffer(np.full(100, 0.25, dtype=np.float32))
        e.set_bus(5, "gain", 2.0)
        e.play(0, buf, at=10, bus=5)
        out = e.render(200)
        assert np.all(out[:10, 0] == 0) and np.all(out[10:110, 0] == 0.5)
        e.play(0, buf)
        assert np.all(e.render(100)[:, 0] == 0.5), "still on bus 5"


def test_equal_power_pan_is_minus_three_db_at_the_centre_and_balance_is_full():
    for law, expected in (("balance", 1.0), ("equal_power", math.sqrt(0.5))):
        with offline(pan_law=law) as e:
            e.set_param(0, "freq", 1000.0)
            out = e.render(RATE)
            rms = np.sqrt(np.mean(out[:, 0].astype(np.float64) ** 2)) / math.sqrt(0.5)
            assert rms == pytest.approx(expected, rel=1e-4), law
    assert ringengine.DEFAULTS["pan_law"] == "balance"
    with pytest.raises(InvalidArgumentError, match="pan_law must be one of balance, equal_power"):
        offline(pan_law="linear")


def test_a_buffer_of_several_channels_on_a_mono_output_plays_their_average():
    stereo = noise(2000).reshape(1000, 2)
    three = noise(900, seed=3).reshape(300, 3)
    with offline(channels=1) as e:
        e.play(0, e.load_buffer(stereo))
        e.play(1, e.load_buffer(three), at=500)
        out = e.render(1000)[:, 0]
    expected = np.zeros(1000, dtype=np.float32)
    expected += (stereo[:, 0] + stereo[:, 1]) / np.float32(2)
    expected[500:800] += ((three[:, 0] + three[:, 1]) + three[:, 2]) / np.float32(3)
    assert np.array_equal(out, expected)


def test_the_kept_render_made_again_for_the_channel_rule_is_that_rule():
    """buffers_mono (tests/data/renders) was made again for this issue: it
    is the float32 sum of its three buffers, the stereo one at half gain,
    several channels averaged (kept_renders.py says so)."""
    import os

    import kept_renders
    kept = np.load(os.path.join(os.path.dirname(__file__), os.pardir, "data", "renders",
                                "buffers_mono.npy"))[:, 0]
    model = np.zeros(1600, dtype=np.float32)
    model[33:733] += kept_renders.noise(700, 1, 1)
    two = kept_renders.noise(500, 2, 2).reshape(500, 2)
    model[400:900] += ((two[:, 0] + two[:, 1]) / np.float32(2)) * np.float32(0.5)
    three = kept_renders.noise(300, 3, 3).reshape(300, 3)
    model[999:1299] += ((three[:, 0] + three[:, 1]) + three[:, 2]) / np.float32(3)
    assert np.array_equal(kept, model)


def isolator_reference(x, start, gains):
    """The three-band isolator as SciPy's filters make it, on x from frame
    `start` (filters at rest there), fading in over 256 frames as the
    engine's does: LR4 crossovers (two Butterworth sections each) at 250
    and 2500 Hz, the low band through the high crossover's allpass (its
    LR4 low plus high)."""
    signal = pytest.importorskip("scipy.signal")

    def lr4(kind, hz, y):
        sos = signal.butter(2, hz, kind, fs=RATE, output="sos")
        return signal.sosfilt(np.vstack([sos, sos]), y)

    y = x[start:].astype(np.float64)
    low = lr4("low", 250, y)
    low = lr4("low", 2500, low) + lr4("high", 2500, low)
    rest = lr4("high", 250, y)
    mid, high = lr4("low", 2500, rest), lr4("high", 2500, rest)
    wet = gains[0] * low + gains[1] * mid + gains[2] * high
    fade = np.minimum(np.arange(len(y)) / 256.0, 1.0)
    out = x.astype(np.float64).copy()
    out[start:] = y + fade * (wet - y)
    return out


def test_the_eq_is_the_isolator_scipy_makes():
    x = noise(RATE)
    with offline(channels=1) as e:
        e.play(0, e.load_buffer(x))
        at = 1000
        e.set_bus(0, "eq_low", float("-inf"), at=at)
        e.set_bus(0, "eq_mid", -6.0, at=at)
        e.set_bus(0, "eq_high", 3.0, at=at)
        out = e.render(RATE)[:, 0]
    reference = isolator_reference(x, at, (0.0, 10 ** (-6 / 20), 10 ** (3 / 20)))
    assert np.array_equal(out[:at], x[:at]), "bit for bit before the EQ comes in"
    assert np.max(np.abs(out - reference)) < 1e-5


def test_an_eq_band_killed_is_gone_and_the_others_stay():
    low, high = sine(60, RATE), sine(6000, RATE)
    with offline(channels=1) as e:
        e.play(0, e.load_buffer(low))
        e.play(1, e.load_buffer(high))
        e.set_param(1, "bus", 1)
        e.set_bus(0, "eq_low", -60.0)      # the floor: a kill
        e.set_bus(1, "eq_low", float("-inf"))
        e.render(RATE // 2)
        m = e.meters()
        assert 20 * math.log10(m.buses[0].rms[0] / math.sqrt(0.5)) < -40
        assert 20 * math.log10(m.buses[1].rms[0] / math.sqrt(0.5)) == pytest.approx(0, abs=0.1)


def test_meter_events_arrive_at_their_rate():
    with offline(meter_events_hz=20, buses=2) as e:
        e.set_param(0, "freq", 440.0)
        e.set_param(0, "gain", 0.5)
        e.render(RATE)
        events = [r for r in e.recv_many(1024) if isinstance(r, MeterEvent)]
        masters = [r for r in events if r.source == 2]
        assert len(masters) == pytest.approx(20, abs=1)
        assert all(r.peak == pytest.approx(0.5, rel=0.01) for r in masters[2:])
        assert {r.number for r in events if r.source == 1} == {0, 1}
        assert e.stats.meter_events_dropped == 0


def test_the_dsp_load_is_since_the_last_read():
    with offline() as e:
        for v in range(32):
            e.set_param(v, "freq", 100.0 + v)
        e.render(RATE // 10)
        load = e.dsp_load
        assert isinstance(load, DspLoad)
        assert 0 < load.average <= load.peak
        assert e.dsp_load == DspLoad(0.0, 0.0), "no block since the last read"


@pytest.mark.parametrize("call, message", [
    (lambda e: e.set_bus(8, "gain", 1.0), "no such bus 8"),
    (lambda e: e.set_bus("main", "gain", 1.0), "bus must be a bus number or 'master'"),
    (lambda e: e.set_bus(True, "gain", 1.0), "bus must be a bus number"),
    (lambda e: e.set_bus(0, "volume", 1.0), "param must be one of gain, gain_db, pan, mute"),
    (lambda e: e.set_bus(0, "gain", float("nan")), "gain must be 0 .. 16"),
    (lambda e: e.set_bus(0, "mute", 0.5), "mute must be 0 or 1"),
    (lambda e: e.set_bus(0, "eq_mid", 13), "an EQ band must be -inf .. +12 dB"),
    (lambda e: e.set_bus("master", "gain_db", float("inf")), "gain_db must be -inf .. +24.08"),
    (lambda e: e.set_bus(0, "pan", "left"), "value must be a number"),
    (lambda e: e.set_param(0, "bus", 8), "bus must be a whole number 0 .. buses - 1"),
    (lambda e: e.set_param(0, "bus", 1.5), "bus must be a whole number"),
    (lambda e: e.set_param(0, "bus", 1, ramp=10), "bus takes no ramp"),
    (lambda e: e.set_param(0, "gain_db", 30.0), "gain_db must be -inf .. +24.08 dB, not 30"),
])
def test_bad_mixer_arguments_are_refused_and_say_why(call, message):
    with offline() as e:
        with pytest.raises(InvalidArgumentError, match=message.replace(".", r"\.")
                           .replace("+", r"\+").replace("(", r"\(")):
            call(e)
        assert e.stats.commands_sent == 0


@pytest.mark.parametrize("kwargs, message", [
    ({"buses": 0}, "buses must be"), ({"buses": 65}, "buses must be 1..64"),
    ({"meter_ms": 10001}, "meter_ms must be 0..10000"),
    ({"meter_events_hz": 1001}, "meter_events_hz must be 0..1000"),
    ({"pan_law": 1}, "pan_law must be one of"),
])
def test_bad_mixer_config_is_refused(kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        offline(**kwargs)


def test_numpy_values_drive_the_mixer():
    with offline() as e:
        e.set_bus(np.uint8(1), "gain_db", np.float32(-3.0), at=np.int64(0), ramp=np.int32(4))
        e.set_param(np.int16(0), "gain_db", np.float64(-float("inf")))
        e.render(256)
        assert e.stats.unhandled == 0


def test_the_mixer_example_plays_into_two_buses_and_prints_their_meters():
    import os
    import re
    import subprocess
    import sys

    from conftest import python_env
    example = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples",
                           "mixer.py")
    run = subprocess.run([sys.executable, example], env=python_env(RINGENGINE_API=""),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    rows = [re.findall(r"peak +(-inf|-?\d+\.\d) rms +(-inf|-?\d+\.\d)", line)
            for line in run.stdout.splitlines()[1:]]
    assert len(rows) >= 20 and all(len(r) == 3 for r in rows), run.stdout
    late = rows[len(rows) // 2]
    drone, arpeggio, master = (float(peak) for peak, _ in late)
    # Two sines at -12 dB, one each side at +-0.6 by the equal-power law.
    assert -14 < drone < -8, run.stdout
    assert -16 < arpeggio < -8, run.stdout
    assert master < max(drone, arpeggio) + 3, "the master at -3 dB"
