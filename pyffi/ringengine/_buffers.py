"""Sample buffers: what Python hands the engine to play."""
from __future__ import annotations

from typing import Any, Optional

from ._args import integer
from ._errors import InvalidArgumentError, error
from ._handle import Handle
from ._lib import ffi


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

    def __init__(self, handle: Handle, id_: int, frames: int, channels: int,
                 source_rate: int = 0, path: str = "") -> None:
        self._handle = handle
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

    def read(self, start: int = 0, frames: Optional[int] = None) -> Any:
        """A copy of the buffer's samples from frame `start`: `frames` of them
        (None: to the end; fewer at the end), bit for bit what its voices
        play (engine_buffer_read). Needs numpy.

        Returns
        -------
        numpy.ndarray
            float32, shape (frames, channels).
        """
        import numpy  # only read() needs it

        first = integer("start", start)
        if not 0 <= first <= self.frames:
            raise InvalidArgumentError(self._handle.lib.ENGINE_ERR_INVALID,
                                       "start must be 0 .. %d (the buffer's frames), not %r"
                                       % (self.frames, start))
        count = self.frames - first if frames is None else integer("frames", frames)
        if count < 0:
            raise InvalidArgumentError(self._handle.lib.ENGINE_ERR_INVALID,
                                       "frames must be 0 or more, not %r" % (frames,))
        count = min(count, self.frames - first)
        if self._closed:
            raise InvalidArgumentError(self._handle.lib.ENGINE_ERR_INVALID,
                                       "Buffer.read: the buffer is closed")
        out = numpy.empty((count, self.channels), dtype=numpy.float32)
        got = ffi.new("uint64_t *")
        h = self._handle
        rc = h.lib.engine_buffer_read(h.ptr, self.id, first, count,
                                      ffi.cast("float *", ffi.from_buffer(out)), got)
        if rc != h.lib.ENGINE_OK:
            raise error(rc, "Buffer.read")
        return out[:got[0]]

    def close(self) -> None:
        """Returns at once. The voices playing the buffer stop at the start of
        the next block; the memory goes once the audio thread has let go
        (a BufferReleased reply says so), on a later call of this thread or
        another: the receive that returns the BufferReleased has freed it. Calling it twice, or on a closed engine, does nothing."""
        if self._closed:
            return
        self._closed = True
        h = self._handle
        rc = h.lib.engine_buffer_close(h.ptr, self.id)
        if rc not in (h.lib.ENGINE_OK, h.lib.ENGINE_ERR_CLOSED):
            raise error(rc, "Buffer.close")

    def __enter__(self) -> Buffer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<Buffer %d: %d frames of %d channel%s%s>" % (
            self.id, self.frames, self.channels, "" if self.channels == 1 else "s",
            ", closed" if self._closed else "")


def buffer_id(handle: Handle, buf: object) -> int:
    """The id of `buf` for a play on the engine of `handle`: refused unless
    it is an open Buffer of that engine."""
    if not isinstance(buf, Buffer) or buf._handle is not handle:
        raise InvalidArgumentError(handle.lib.ENGINE_ERR_INVALID,
                                   "buf must be a Buffer of this engine, not %r" % (buf,))
    if buf._closed:
        raise InvalidArgumentError(handle.lib.ENGINE_ERR_INVALID, "play: the buffer is closed")
    return buf.id


def described(handle: Handle, id_: int, what: str, path: str = "") -> Buffer:
    """The Buffer for id `id_`, as the library describes it
    (engine_get_buffer_info); the error of the call `what` when it cannot."""
    info = ffi.new("engine_buffer_info *")
    handle.check(handle.lib.engine_get_buffer_info(handle.ptr, id_, info, ffi.sizeof(info[0])),
                 what)
    return Buffer(handle, id_, info.frames, info.channels, info.source_rate, path)
