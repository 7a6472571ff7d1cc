"""Sample buffers: what Python hands the engine to play."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Tuple

from ._errors import InvalidArgumentError, error
from ._lib import lib

if TYPE_CHECKING:
    from ._engine import AudioEngine


class Buffer:
    """Samples the engine owns, for its voices to play (`AudioEngine.load_buffer()`).

    Dropping every reference does not free the memory: the engine keeps it
    until `close()`, or until the engine is closed and collected.

    Attributes
    ----------
    id : int
        The engine's id of the buffer (what BufferReleased carries).
    frames, channels : int
        At the engine's rate.
    source_rate : int
        The rate of the file it was loaded from (`load_file()`), or 0.
    path : str
        The file it was loaded from, or ''.
    """

    def __init__(self, engine: AudioEngine, id_: int, frames: int, channels: int,
                 source_rate: int = 0, path: str = "") -> None:
        self._engine = engine
        self.id = id_
        self.frames = frames
        self.channels = channels
        self.source_rate = source_rate
        self.path = path
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once close() was called."""
        return self._closed

    def close(self) -> None:
        """Returns at once. The voices playing the buffer stop at the start of
        the next block; the memory goes once the audio thread has let go
        (a BufferReleased reply says so), on a later call of this thread or
        another. Calling it twice, or on a closed engine, does nothing."""
        if self._closed:
            return
        self._closed = True
        rc = lib.engine_buffer_close(self._engine._h, self.id)
        if rc not in (lib.ENGINE_OK, lib.ENGINE_ERR_CLOSED):
            raise error(rc, "Buffer.close")

    def __enter__(self) -> Buffer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<Buffer %d: %d frames of %d channel%s%s>" % (
            self.id, self.frames, self.channels, "" if self.channels == 1 else "s",
            ", closed" if self._closed else "")


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


def _as_float32(samples: Any) -> Tuple[Any, int, int]:
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
