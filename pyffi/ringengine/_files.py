"""Audio files: decoded and resampled on the engine's loader threads."""
from __future__ import annotations

import os
import stat
import threading
import time
from typing import Any, Dict, Generator, Optional

from ._args import path_bytes
from ._buffers import Buffer, described
from ._errors import EngineError, InvalidArgumentError, LoadCancelledError, error
from ._handle import DoneCallbacks, Handle
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


def load(handle: Handle, path: Any, quality: object) -> Buffer:
    """Loads a file and waits (AudioEngine.load_file). A named pipe is read
    whole first, as engine_load_file() reads one (load_file_async() refuses
    one: it would wait for the pipe's writer)."""
    raw = path_bytes(path)
    try:
        fifo = stat.S_ISFIFO(os.stat(raw).st_mode)
    except (OSError, ValueError):
        fifo = False
    if not fifo:
        return start(handle, raw, quality).result()
    code = _quality(quality)
    out = ffi.new("uint32_t *")
    rc = lib.engine_load_file(handle.ptr, raw, code, out)
    if rc:
        err = handle.fail(rc, "load_file")
        if isinstance(err, OSError):
            err.filename = os.fsdecode(raw)
        raise err
    return described(handle, out[0], "load_file", os.fsdecode(raw))


class FileLoad(DoneCallbacks):
    """A file loading on the engine's loader threads (`load_file_async()`).

    `progress` goes from 0.0 to 1.0; `done()` says whether it has finished;
    `result(timeout=None)` waits and returns the `Buffer`, or raises the
    load's error (`FileMissingError`, `DecodeError`, `BufferTableFullError`,
    `LoadCancelledError`, ...); `cancel()` stops it and frees what it
    decoded. Awaitable: ``buf = await engine.load_file_async(path)``.

    As a `concurrent.futures.Future`: `add_done_callback(fn)` (see
    DoneCallbacks: `fn(load)` runs once, on a `ringengine-done` thread or on
    the thread that finds it done), `exception(timeout=None)`,
    `cancelled()`, `running()`.
    """

    def __init__(self, handle: Handle, job: int, path: str) -> None:
        super().__init__()
        # Held around every call that may take the job's outcome (the
        # library gives it once), so two threads never race for it.
        self._take_lock = threading.Lock()
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
            err = self._handle.fail(rc, "load_file")
            if isinstance(err, OSError):
                err.filename = self.path
            self._error = err
        return True

    def _finished(self) -> bool:
        return self._buffer is not None or self._error is not None

    def _poll(self) -> bool:
        """Whether it finished; never waits (while another thread waits
        for it in the library, says what is known)."""
        if self._finished():
            return True
        if not self._take_lock.acquire(blocking=False):
            return self._finished()
        try:
            if self._finished():
                return True
            progress = ffi.new("float *")
            id_ = ffi.new("uint32_t *")
            rc = lib.engine_load_poll(self._handle.ptr, self._job, progress, id_)
            self._progress = max(self._progress, float(progress[0]))
            settled = self._settle(rc, id_[0])
        finally:
            self._take_lock.release()
        if settled:
            self._call_callbacks()
        return settled

    def _wait_slice(self, timeout_us: int) -> bool:
        """Waits in the library at most timeout_us for the outcome; whether
        it finished."""
        with self._take_lock:
            if self._finished():
                return True
            id_ = ffi.new("uint32_t *")
            rc = lib.engine_load_wait(self._handle.ptr, self._job, timeout_us, id_)
            settled = self._settle(rc, id_[0])
        if settled:
            self._call_callbacks()
        return settled

    def _is_done(self) -> bool:
        return self._poll()

    def _wait_in_thread(self) -> None:
        while not self._wait_slice(_WAIT_SLICE_US):
            pass

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
        self._wait(timeout)
        if self._error is not None:
            raise self._error
        assert self._buffer is not None
        return self._buffer

    def _wait(self, timeout: Optional[float]) -> None:
        """Waits until finished; EngineTimeoutError after `timeout` s."""
        if timeout is not None and not timeout >= 0:
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                       "timeout must be >= 0 or None, not %r" % (timeout,))
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._finished():
            left = _WAIT_SLICE_US if deadline is None else \
                max(0, min(_WAIT_SLICE_US, int((deadline - time.monotonic()) * 1e6)))
            if not self._wait_slice(left) and deadline is not None and \
                    time.monotonic() >= deadline:
                raise error(lib.ENGINE_ERR_TIMEOUT, "load_file",
                            "%s: not loaded within %s s" % (self.path, timeout))

    def exception(self, timeout: Optional[float] = None) -> Optional[EngineError]:
        """Waits as result() does and returns the error result() would
        raise (a LoadCancelledError for a cancelled load), or None when it
        loaded; EngineTimeoutError (a TimeoutError) when not finished in
        time."""
        self._wait(timeout)
        return self._error

    def cancelled(self) -> bool:
        """Whether it ended cancelled (cancel(), or forgotten)."""
        return self._poll() and isinstance(self._error, LoadCancelledError)

    def running(self) -> bool:
        """Whether it has not finished: queued for or on a loader thread."""
        return not self._poll()

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
