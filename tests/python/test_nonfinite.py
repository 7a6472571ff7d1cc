"""Issue 37: NaN and infinity never reach the mix from the input, nor from a
take recorded from it: each such input sample is taken as 0 and counted in
stats.input_nonfinite; an EQ handed one recovers; a meter never reads a NaN
as silence. Offline, on the rendered samples."""
import math

import pytest

import ringengine

np = pytest.importorskip("numpy")


def engine():
    return ringengine.AudioEngine(backend="offline", channels=1, inputs=1)


def test_a_nan_in_the_input_through_an_eq_leaves_the_output_finite_and_is_counted():
    with engine() as e:
        e.set_bus(0, "input_db", 0.0)
        e.set_bus(0, "eq_low", -6.0)  # the EQ in the path: it kept a NaN for ever
        x = np.full(9600, 0.25, np.float32)
        x[100], x[200], x[300] = np.nan, np.inf, -np.inf
        out = e.render(9600, input=x)[:, 0]
        assert np.all(np.isfinite(out))
        assert e.stats.input_nonfinite == 3
        clean = np.full(9600, 0.25, np.float32)
        clean[100] = clean[200] = clean[300] = 0.0
    with engine() as ref:  # the same input with 0 where the bad samples were
        ref.set_bus(0, "input_db", 0.0)
        ref.set_bus(0, "eq_low", -6.0)
        assert np.array_equal(out, ref.render(9600, input=clean)[:, 0])
        assert ref.stats.input_nonfinite == 0


def test_a_take_of_an_input_holding_a_nan_plays_0_there():
    with engine() as e:
        rec = e.record_buffer(1000, source="input")
        x = (np.arange(1000, dtype=np.float32) / 1000) + 0.001
        x[10] = np.nan
        x[20] = np.inf
        e.render(1000, input=x)
        e.render(256)
        take = rec.result(timeout=10)
        e.play(0, take)
        out = e.render(1000)[:, 0]
        assert np.all(np.isfinite(out))
        assert out[10] == 0.0 and out[20] == 0.0
        want = x.copy()
        want[10] = want[20] = 0.0
        assert np.array_equal(out, want)
        assert e.stats.input_nonfinite == 2


def test_the_master_meter_does_not_read_silence_for_a_nan():
    """A NaN can no longer come in from the input; a meter fed one (its own
    test: tests/engine/dsp/meter_test.cpp) reads an infinite peak. Here: a
    loud input still reads its peak, and a NaN one reads as the 0 it became."""
    with ringengine.AudioEngine(backend="offline", channels=1, inputs=1, meter_ms=10) as e:
        e.set_bus(0, "input_db", 0.0)
        x = np.full(4800, 0.5, np.float32)
        x[-1] = np.nan
        e.render(4800, input=x)
        peak = e.meters().master.peak[0]
        assert math.isclose(peak, 0.5, rel_tol=1e-6)


def test_a_take_refused_by_a_full_buffer_table_is_kept_and_taken_later():
    """Issue 37: result() while the buffer table was full raised
    BufferTableFullError and then "no such recording": the take was lost."""
    with ringengine.AudioEngine(backend="offline", channels=1, inputs=1, buffers=2) as e:
        rec = e.record_buffer(500, source="input")
        x = (np.arange(500, dtype=np.float32) + 1) / 1000
        e.render(500, input=x)
        e.render(256)
        full = [e.load_buffer(np.zeros(8, np.float32)) for _ in range(2)]
        for _ in range(2):  # refused, and refused again: still there
            with pytest.raises(ringengine.BufferTableFullError, match="the take is kept"):
                rec.result(timeout=10)
        full[0].close()
        e.render(256)  # the slot is let go of
        take = rec.result(timeout=10)
        assert rec.result() is take
        e.play(0, take)
        assert np.array_equal(e.render(500)[:, 0], x)
