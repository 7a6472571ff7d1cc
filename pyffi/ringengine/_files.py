"""Audio files: decoded and resampled on the engine's loader threads."""
from __future__ import annotations

import os
import time
from typing import Any, Dict, Generator, Optional

from ._args import path_bytes
from ._buffers import Buffer, described
from ._errors import EngineError, InvalidArgumentError, error
from ._handle import Handle
from ._lib import ffi, lib

#: libsoxr's recipes, by name: engine_quality.
QUALITIES: Dict[str, int] = {
    "quick": lib.ENGINE_QUALITY_QUICK, "low": lib.ENGINE_QUALITY_LOW,
    "medium": lib.ENGINE_QUALITY_MEDIUM, "high": lib.ENGINE_QUALITY_HIGH,
    "very_high": lib.ENGINE_QUALITY_VERY_HIGH,
}

# FileLoad.result() waits in slices this long, so Ctrl-C is seen.
_WAIT_SLICE_US = 50_000


def _quality(quality: object) -> int:
    value = QUALITIES.get(quality) if isinstance(quality, str) else None
    if value is None:
        raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "quality must be one of %s, not %r"
                                   % (", ".join(QUALITIES), quality))
    return value


def start(handle: Handle, path: Any, quality: object) -> FileLoad:
    """Starts a load (AudioEngine.load_file_async)."""
    raw = path_bytes(path)
    job = ffi.new("uint64_t *")
    handle.check(lib.engine_load_file_async(handle.ptr, raw, _quality(quality), job),
                 "load_file")
    return FileLoad(handle, job[0], os.fsdecode(raw))


class FileLoad:
    """A file loading on the engine's loader threads (`load_file_async()`).

    `progress` goes from 0.0 to 1.0; `done()` says whether it has finished;
    `result(timeout=None)` waits and returns the `Buffer`, or raises the
    load's error (`FileMissingError`, `DecodeError`, `BufferTableFullError`,
    `LoadCancelledError`, ...); `cancel()` stops it and frees what it
    decoded. Awaitable: ``buf = await engine.load_file_async(path)``.
    """

    def __init__(self, handle: Handle, job: int, path: str) -> None:
        self._handle = handle
        self._job = job
        self.path = path
        self._progress = 0.0
        self._buffer: Optional[Buffer] = None
        self._error: Optional[EngineError] = None

    def _settle(self, rc: int, id_: int) -> bool:
        """Records a finished job's outcome; False while it is pending."""
        if rc in (lib.ENGINE_EMPTY, lib.ENGINE_ERR_TIMEOUT):
            return False
        if rc == lib.ENGINE_OK:
            try:
                self._buffer = described(self._handle, id_, "load_file", self.path)
            except EngineError as e:  # taken, yet not described: let it go
                lib.engine_buffer_close(self._handle.ptr, id_)
                self._error = e
                return True
            self._progress = 1.0
        else:
            self._error = self._handle.fail(rc, "load_file")
        return True

    def _finished(self) -> bool:
        return self._buffer is not None or self._error is not None

    def _poll(self) -> bool:
        if self._finished():
            return True
        progress = ffi.new("float *")
        id_ = ffi.new("uint32_t *")
        rc = lib.engine_load_poll(self._handle.ptr, self._job, progress, id_)
        self._progress = max(self._progress, float(progress[0]))
        return self._settle(rc, id_[0])

    @property
    def progress(self) -> float:
        """How far it is, from 0.0 to 1.0."""
        self._poll()
        return self._progress

    def done(self) -> bool:
        """Whether it has finished: loaded, failed or cancelled."""
        return self._poll()

    def result(self, timeout: Optional[float] = None) -> Buffer:
        """Waits for the load (at most `timeout` seconds) and returns the
        Buffer, or raises its error; EngineTimeoutError when it has not
        finished in time."""
        if timeout is not None and not timeout >= 0:
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                       "timeout must be >= 0 or None, not %r" % (timeout,))
        deadline = None if timeout is None else time.monotonic() + timeout
        id_ = ffi.new("uint32_t *")
        while not self._finished():
            left = _WAIT_SLICE_US if deadline is None else \
                max(0, min(_WAIT_SLICE_US, int((deadline - time.monotonic()) * 1e6)))
            rc = lib.engine_load_wait(self._handle.ptr, self._job, left, id_)
            if not self._settle(rc, id_[0]) and deadline is not None and \
                    time.monotonic() >= deadline:
                raise error(lib.ENGINE_ERR_TIMEOUT, "load_file",
                            "%s: not loaded within %s s" % (self.path, timeout))
        if self._error is not None:
            raise self._error
        assert self._buffer is not None
        return self._buffer

    def cancel(self) -> bool:
        """Stops the load and frees what it decoded; False when it had
        finished already."""
        if self._finished():
            return False
        cancelled: bool = lib.engine_load_cancel(self._handle.ptr, self._job) == lib.ENGINE_OK
        return cancelled

    def __del__(self) -> None:
        # Nobody will ask any more: the library cancels it, or closes the
        # buffer it finished with, rather than keep it to the engine's end.
        if not self._finished() and not self._handle.closed:
            lib.engine_load_forget(self._handle.ptr, self._job)

    def __await__(self) -> Generator[Any, None, Buffer]:
        import asyncio

        nap = 0.001
        while not self.done():
            yield from asyncio.sleep(nap).__await__()
            nap = min(nap * 2, 0.02)
        return self.result()

    def __repr__(self) -> str:
        state = "done" if self._finished() else "%.0f%%" % (100 * self._progress)
        return "<FileLoad %r %s>" % (self.path, state)
