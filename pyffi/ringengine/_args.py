"""The argument helpers: a Python value as the C argument it stands for, or
InvalidArgumentError naming the argument. Near the bottom of the package:
it imports only _lib, _errors and _tables, and every module above it uses it.
(The ranges are the library's to check; these convert and refuse only what
the C type cannot hold or what means nothing as that argument.)"""
import numbers
import operator
import os
from typing import Any, Optional, Tuple

from ._errors import InvalidArgumentError
from ._lib import lib
from ._tables import PARAMS


def index(value: object) -> Optional[int]:
    """`value` as an int when it is a Python or numpy integer (what
    operator.index takes), never a bool; else None."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def integer(name: str, value: object) -> int:
    """`value` as an int (see index); otherwise InvalidArgumentError naming
    `name`."""
    number = index(value)
    if number is None:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                   "%s must be an integer, not %r" % (name, value))
    return number


def number(name: str, value: object) -> float:
    """`value` as a float: a Python or numpy real number, never a bool, a
    complex or a string; otherwise InvalidArgumentError naming `name`. (NaN
    and the range are the library's to refuse.)"""
    if isinstance(value, bool) or type(value).__name__ == "bool_" or \
            not isinstance(value, numbers.Real):
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                   "%s must be a number, not %r" % (name, value))
    return float(value)


def param(name: object) -> int:
    """The engine_param called `name` (PARAMS, the library's names)."""
    code = PARAMS.get(name) if isinstance(name, str) else None
    if code is None:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "name must be one of %s, not %r"
                                   % (", ".join(PARAMS), name))
    return code


def at(frame: Optional[int]) -> int:
    """The C functions' `at`: ENGINE_AT_NEXT for None, else a frame >= 0."""
    if frame is None:
        next_block: int = lib.ENGINE_AT_NEXT
        return next_block
    value = None if isinstance(frame, bool) else index(frame)
    if value is None or not 0 <= value < 2**63:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "at must be None or a frame (an "
                                   "integer 0 .. 2**63-1), not %r" % (frame,))
    return value


def uint32(name: str, value: object, least: int, most: int = 2**32 - 1) -> int:
    """`value` as an int in [least, most] (by default the range of the C
    arguments), a Python or numpy integer; otherwise InvalidArgumentError
    naming `name`, the value and the range."""
    number = integer(name, value)
    if not least <= number <= most:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "%s must be %d .. %d, not %r"
                                   % (name, least, most, value))
    return number


def path_bytes(path: Any) -> bytes:
    """A file path (str, bytes or os.PathLike) as the bytes the C calls take.
    A NUL in it is refused (an InvalidArgumentError, a ValueError) as open()
    refuses it: the C calls would stop reading the path there."""
    try:
        raw = os.fsencode(path)
    except TypeError:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "path must be a str, bytes or "
                                   "os.PathLike, not %r" % type(path).__name__) from None
    if b"\0" in raw:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "path: embedded null byte")
    return raw


def _numpy_as_float32(samples: Any) -> Any:
    """A numpy array of samples as C-contiguous float32 in [-1, 1): floats
    as they are, integer PCM scaled as python-soundfile reads it (int16 by
    2**15, int32 by 2**31, int8 by 2**7; unsigned 8-bit offset by 128)."""
    import numpy

    samples = numpy.asarray(samples)
    kind = samples.dtype.kind
    if kind == "f":
        return numpy.ascontiguousarray(samples, dtype=numpy.float32)
    if kind in "iu" and samples.dtype.itemsize <= 4:
        bits = 8 * samples.dtype.itemsize
        offset = 2.0 ** (bits - 1) if kind == "u" else 0.0
        scaled = (samples.astype(numpy.float64) - offset) / 2.0 ** (bits - 1)
        return numpy.ascontiguousarray(scaled, dtype=numpy.float32)
    raise InvalidArgumentError(
        lib.ENGINE_ERR_INVALID, "samples must be float, or integer PCM of 8 to 32 bits, not "
        "%s" % samples.dtype)


def as_float32(samples: Any) -> Tuple[Any, int, int]:
    """(a C-contiguous float32 view, frames, channels) of `samples`: a numpy
    array of floats or integer PCM (see _numpy_as_float32), or any
    buffer-protocol object of float32, of shape (frames,) or (frames,
    channels)."""
    if type(samples).__module__ == "numpy":
        samples = _numpy_as_float32(samples)
    try:
        view = memoryview(samples)
    except TypeError:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                   "samples must be a numpy array or a float32 buffer, not %r"
                                   % type(samples).__name__) from None
    if view.format not in ("f", "<f", "=f") or not view.c_contiguous or view.ndim not in (1, 2):
        raise InvalidArgumentError(
            lib.ENGINE_ERR_INVALID, "samples must be C-contiguous float32 of shape (frames,) or "
            "(frames, channels)")
    shape = view.shape or (0,)
    frames = shape[0]
    channels = shape[1] if view.ndim == 2 else 1
    return view, frames, channels


def grid(quantize: object) -> float:
    """A quantize= argument as the C layer's grid: beats (1/64 .. 1024, as
    1, 0.25 or 4), or "bar" (ENGINE_QUANTIZE_BAR)."""
    if isinstance(quantize, str):
        if quantize == "bar":
            return float(lib.ENGINE_QUANTIZE_BAR)
        raise InvalidArgumentError(
            lib.ENGINE_ERR_INVALID,
            "quantize must be a number of beats or 'bar', not %r" % (quantize,))
    value = number("quantize", quantize)
    if not value > 0:  # 0 means no grid to the C layer; the range is its to check
        raise InvalidArgumentError(
            lib.ENGINE_ERR_INVALID,
            "quantize must be 1/64 .. 1024 beats or 'bar', not %r" % (quantize,))
    return value



def frame(value: object) -> int:
    """An engine frame: an integer 0 .. 2^64 - 1."""
    number_ = integer("frame", value)
    if not 0 <= number_ < 2**64:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                   "frame must be 0 .. 2^64 - 1, not %r" % (value,))
    return number_


def bus(value: object) -> int:
    """A bus argument: a bus's number, or "master" (ENGINE_BUS_MASTER)."""
    if isinstance(value, str) and value == "master":
        return int(lib.ENGINE_BUS_MASTER)
    if isinstance(value, str) or index(value) is None:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                   "bus must be a bus number or 'master', not %r" % (value,))
    return uint32("bus", value, 0, 2**32 - 2)
