"""Recording: the master, the input or a bus, to a file (a writer thread
writes it with libsndfile) or into a buffer."""
from __future__ import annotations

import time
from typing import Any, Dict, Optional

from ._args import at as _at, grid as _grid, index
from ._buffers import Buffer, described
from ._errors import EngineError, EngineTimeoutError, InvalidArgumentError, RecordingError
from ._handle import DoneCallbacks, Handle
from ._lib import ffi, lib

#: The file formats, by name: engine_record_format. None: by the suffix.
FORMATS: Dict[str, int] = {"wav": lib.ENGINE_FORMAT_WAV, "flac": lib.ENGINE_FORMAT_FLAC}

_STATES = {lib.ENGINE_RECORD_WAITING: "waiting", lib.ENGINE_RECORD_RUNNING: "recording",
           lib.ENGINE_RECORD_ENDING: "ending", lib.ENGINE_RECORD_DONE: "done"}

# wait() polls this often: the writer thread answers no one, it is polled.
_POLL_S = 0.002


def source_code(buses: int, source: object) -> int:
    """engine_record_file()'s source for "master", "input" or a bus number."""
    if source == "master":
        master: int = lib.ENGINE_RECORD_MASTER
        return master
    if source == "input":
        inputs: int = lib.ENGINE_RECORD_INPUT
        return inputs
    number = index(source)  # a Python or numpy integer
    if number is not None and 0 <= number < buses:
        return number
    raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "source must be 'master', 'input' or a "
                               "bus 0 .. %d, not %r" % (buses - 1, source))


class _Recording(DoneCallbacks):
    """What Recording and BufferRecording share; as a
    `concurrent.futures.Future`: add_done_callback(fn) (see DoneCallbacks),
    exception(timeout=None), cancelled(), running()."""

    def __init__(self, handle: Handle, id_: int, what: str) -> None:
        super().__init__()
        self._handle = handle
        self.id = id_
        self._what = what
        self._closed = False
        self._last: Any = None

    def _status(self) -> Any:
        if self._closed:
            return self._last
        s = ffi.new("engine_record_status *")
        self._handle.check(lib.engine_get_record_status(self._handle.ptr, self.id, s,
                                                        ffi.sizeof(s[0])), self._what)
        self._last = s
        return s

    @property
    def state(self) -> str:
        """'waiting', 'recording', 'ending' (the writer finishing) or 'done'."""
        return _STATES[self._status().state]

    @property
    def frames(self) -> int:
        """Frames the audio thread took so far."""
        n: int = self._status().frames
        return n

    @property
    def written(self) -> int:
        """Of `frames`, those the writer has written to the file (a buffer:
        all of them)."""
        n: int = self._status().written
        return n

    @property
    def start_frame(self) -> Optional[int]:
        """The engine frame of the first frame taken; None while waiting."""
        s = self._status()
        return None if s.state == lib.ENGINE_RECORD_WAITING else int(s.start_frame)

    @property
    def overruns(self) -> int:
        """Frames lost: the ring had no room (the writer fell behind) or the
        file refused them. 0 for a recording that went well."""
        n: int = self._status().overruns
        return n

    @property
    def error(self) -> Optional[str]:
        """Once done: why it ended early, or None."""
        s = self._status()
        text = ffi.string(s.error).decode(errors="replace")
        return text or None

    def done(self) -> bool:
        """Whether it has ended and (a file) the file is closed."""
        done = bool(self._status().state == lib.ENGINE_RECORD_DONE)
        if done:
            self._call_callbacks()
        return done

    def _is_done(self) -> bool:
        try:
            return self.done()
        except EngineError:  # closed engine: nothing more will come
            return True

    def _wait_in_thread(self) -> None:
        while not self._is_done():
            time.sleep(_POLL_S)

    def exception(self, timeout: Optional[float] = None) -> Optional[EngineError]:
        """Waits as wait() does; returns the RecordingError wait() would
        raise, or None when it went well. EngineTimeoutError (a
        TimeoutError) when not done in time."""
        try:
            self.wait(timeout)
        except RecordingError as e:
            return e
        return None

    def cancelled(self) -> bool:
        """Always False: a recording is stopped (stop()), never cancelled."""
        return False

    def running(self) -> bool:
        """Whether it is 'recording' or 'ending' (not waiting for its frame,
        not done)."""
        return self.state in ("recording", "ending")

    def stop(self, at: Optional[int] = None, quantize: Any = None) -> None:
        """Ends the recording just before engine frame `at` (None: at the
        next block; with `quantize`, beats or "bar", the first line of that
        grid at or after it, found now as grid_line() finds it). An earlier
        end asked for stays."""
        end = _at(at)
        if quantize is not None:
            line = ffi.new("uint64_t *")
            self._handle.check(lib.engine_grid_line(self._handle.ptr, end, _grid(quantize), line),
                               "stop")
            end = line[0]
        self._handle.check(lib.engine_record_stop(self._handle.ptr, self.id, end), "stop")

    def wait(self, timeout: Optional[float] = None) -> None:
        """Waits until done() (at most `timeout` s). Raises RecordingError
        when it ended early (its cause), EngineTimeoutError on the timeout.
        The engine must be running for it to end: offline, render first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.done():
            if deadline is not None and time.monotonic() >= deadline:
                raise EngineTimeoutError(lib.ENGINE_ERR_TIMEOUT,
                                         "%s: not done within %s s" % (self._what, timeout))
            time.sleep(_POLL_S)
        cause = self.error
        if cause is not None:
            raise RecordingError(lib.ENGINE_ERR_BACKEND, "%s: %s" % (self._what, cause))

    def close(self) -> None:
        """Forgets the recording (one running ends at the next block)."""
        if not self._closed:
            self._status()
            self._closed = True
            lib.engine_record_close(self._handle.ptr, self.id)

    def __del__(self) -> None:
        try:
            if not self._closed and not self._handle.closed:
                lib.engine_record_close(self._handle.ptr, self.id)
        except Exception:
            pass


class Recording(_Recording):
    """A recording to a file (AudioEngine.record)."""

    def __init__(self, handle: Handle, id_: int, path: str) -> None:
        super().__init__(handle, id_, "record")
        #: The file's path.
        self.path = path

    def __repr__(self) -> str:
        return "<Recording %d to %r>" % (self.id, self.path)


class BufferRecording(_Recording):
    """A recording into memory (AudioEngine.record_buffer); result() makes
    it a Buffer."""

    def __init__(self, handle: Handle, id_: int) -> None:
        super().__init__(handle, id_, "record_buffer")
        self._buffer: Optional[Buffer] = None

    def result(self, timeout: Optional[float] = None) -> Buffer:
        """The recorded frames as a Buffer, played as any other; waits as
        wait() does. The same Buffer on every call.

        Raises BufferTableFullError while every buffer slot is open: the
        take is kept, whole, and a later call (once a buffer is closed)
        returns it; nothing is lost."""
        if self._buffer is not None:
            return self._buffer
        self.wait(timeout)
        self._status()  # kept: the status once taken
        out = ffi.new("uint32_t *")
        self._handle.check(lib.engine_record_take_buffer(self._handle.ptr, self.id, out),
                           "record_buffer")
        self._closed = True  # taking it closed it
        self._buffer = described(self._handle, out[0], "record_buffer")
        return self._buffer

    def __repr__(self) -> str:
        return "<BufferRecording %d>" % self.id
