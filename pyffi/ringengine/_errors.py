"""Exceptions, and the one place a status code becomes one: error() and
fail(), which adds the library's reason (engine_last_error()) when the
failing call gave one. The bottom of the package: it imports only _lib."""
import errno as _errno
from typing import Dict, Optional, Type

from ._lib import ffi, lib


def _os_fields(error: OSError, number: Optional[int], message: str,
               filename: Optional[str]) -> None:
    """Gives an EngineError that is an OSError the fields OSError has."""
    error.errno = number  # type: ignore[assignment]
    error.strerror = message
    error.filename = filename


class EngineError(Exception):
    """Base of every ringengine error. `.code` is the C status code.

    Those that are also an OSError (FileMissingError, EngineTimeoutError)
    carry `.errno` (ENOENT, ETIMEDOUT), `.strerror` (the message) and
    `.filename` (the path, when the error is about one; else None), as the
    standard library's own do; their str() is the message alone."""

    #: The errno of the OSError subclasses.
    _errno: Optional[int] = None

    def __init__(self, code: int, message: str, filename: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self._message = message
        if isinstance(self, OSError):
            _os_fields(self, self._errno, message, filename)

    def __str__(self) -> str:
        return self._message


class RingFullError(EngineError):
    """The command ring was full: the message was dropped (and counted)."""


class BufferTableFullError(EngineError):
    """Every buffer slot of the engine is in use (its `buffers` parameter):
    close a buffer first. Not a full ring: nothing was dropped."""


class EngineClosedError(EngineError):
    """The engine was closed; create a new one."""


class InvalidArgumentError(EngineError, ValueError):
    """An argument was out of range or of the wrong kind."""


class DeviceNotFoundError(EngineError, LookupError):
    """No output device matched the name (or more than one did)."""


class BackendError(EngineError):
    """The audio backend could not be opened or started."""


class EngineBusyError(EngineError):
    """Another thread is running process() on this engine."""


class UnsupportedError(EngineError):
    """Not possible with this engine's backend (process() needs offline)."""


class OfflineOnlyError(UnsupportedError, AttributeError):
    """process(), render() or render_into() asked of an engine that is not
    an OfflineEngine: an UnsupportedError (as before OfflineEngine) that is
    also an AttributeError, for such an engine has no such method."""


class EngineTimeoutError(EngineError, TimeoutError):
    """Nothing arrived within the timeout. `.errno` is ETIMEDOUT."""

    _errno = _errno.ETIMEDOUT


class FileMissingError(EngineError, FileNotFoundError):
    """load_file(): no file at that path. `.errno` is ENOENT and
    `.filename` the path, as open()'s FileNotFoundError has them."""

    _errno = _errno.ENOENT


class DecodeError(EngineError):
    """load_file(): the file could not be read or decoded; the message names
    the path and the decoder's reason."""


class LoadCancelledError(EngineError):
    """The load was cancelled (FileLoad.cancel())."""


class RecordingError(EngineError):
    """A recording ended early: the writer fell behind (an overrun) or the
    file refused a write (a full disk, ...). The message names the cause;
    Recording.overruns counts the frames lost. The engine played on."""


_BY_CODE: Dict[int, Type[EngineError]] = {
    lib.ENGINE_ERR_FULL: RingFullError,
    lib.ENGINE_ERR_TABLE_FULL: BufferTableFullError,
    lib.ENGINE_ERR_CLOSED: EngineClosedError,
    lib.ENGINE_ERR_INVALID: InvalidArgumentError,
    lib.ENGINE_ERR_NO_DEVICE: DeviceNotFoundError,
    lib.ENGINE_ERR_BACKEND: BackendError,
    lib.ENGINE_ERR_BUSY: EngineBusyError,
    lib.ENGINE_ERR_UNSUPPORTED: UnsupportedError,
    lib.ENGINE_ERR_TIMEOUT: EngineTimeoutError,
    lib.ENGINE_ERR_NOT_FOUND: FileMissingError,
    lib.ENGINE_ERR_DECODE: DecodeError,
    lib.ENGINE_ERR_CANCELLED: LoadCancelledError,
}


def error(code: int, what: str, detail: str = "") -> EngineError:
    """The exception for a negative status code from the C function `what`."""
    text: str = ffi.string(lib.engine_strerror(code)).decode()
    message = "%s: %s" % (what, detail or text)
    return _BY_CODE.get(code, EngineError)(code, message)


def check(code: int, what: str) -> int:
    """Raises the matching EngineError for a negative status code."""
    if code < 0:
        raise error(code, what)
    return code


# The statuses whose failing call says why in engine_last_error(); for the
# others (a full ring, an empty one, a timeout, a busy engine) the status
# says it all, and the thread's text may be an earlier call's.
_EXPLAINED = {lib.ENGINE_ERR_INVALID, lib.ENGINE_ERR_CLOSED, lib.ENGINE_ERR_TABLE_FULL,
              lib.ENGINE_ERR_UNSUPPORTED, lib.ENGINE_ERR_NOMEM, lib.ENGINE_ERR_NO_DEVICE,
              lib.ENGINE_ERR_BACKEND, lib.ENGINE_ERR_NOT_FOUND, lib.ENGINE_ERR_DECODE,
              lib.ENGINE_ERR_CANCELLED}


def last_error() -> str:
    """engine_last_error(): why this thread's last failed call failed."""
    text: str = ffi.string(lib.engine_last_error()).decode(errors="replace")
    return text


def fail(rc: int, what: str) -> EngineError:
    """The exception for a failed call of `what`, with the library's reason
    when it gave one for this very call."""
    return error(rc, what, last_error() if rc in _EXPLAINED else "")


def check_command(rc: int, what: str) -> None:
    """Raises fail()'s exception for a failed status (a nonzero one)."""
    if rc:
        raise fail(rc, what)
