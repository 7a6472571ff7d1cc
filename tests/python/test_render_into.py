"""render_into(): offline rendering into any writable float32 buffer, no
numpy needed (so it works on PyPy too)."""
import array

import pytest

from ringengine import AudioEngine, InvalidArgumentError


def test_render_into_an_array_of_floats():
    with AudioEngine(backend="offline", channels=1) as e:
        e.set_param(0, "freq", 12000.0, at=10)
        out = array.array("f", [7.0] * 20)
        assert e.render_into(out) == 20
        assert list(out[:11]) == [0.0] * 11
        assert abs(out[11] - 1.0) < 1e-6 and abs(out[13] + 1.0) < 1e-6
        assert e.frame == 20


@pytest.mark.parametrize("out, match", [
    (bytes(16), "writable"),
    (array.array("d", [0.0] * 4), "float32"),
    (array.array("f", [0.0] * 3), "whole number of 2-channel frames"),
    (42, "buffer protocol"),
])
def test_render_into_refuses_what_it_cannot_fill(out, match):
    with AudioEngine(backend="offline") as e:
        with pytest.raises(InvalidArgumentError, match=match):
            e.render_into(out)
        assert e.frame == 0


def test_render_into_an_empty_buffer_renders_nothing():
    with AudioEngine(backend="offline") as e:
        assert e.render_into(array.array("f")) == 0
        assert e.frame == 0
