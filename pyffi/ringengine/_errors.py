"""Exceptions, and _check(), the one place status codes become them."""
from typing import Dict, Type

from ._lib import ffi, lib


class EngineError(Exception):
    """Base of every ringengine error. `.code` is the C status code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


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


class EngineTimeoutError(EngineError, TimeoutError):
    """Nothing arrived within the timeout."""


class FileMissingError(EngineError, FileNotFoundError):
    """load_file(): no file at that path."""


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


def _check(code: int, what: str) -> int:
    """Raises the matching EngineError for a negative status code."""
    if code < 0:
        raise error(code, what)
    return code
