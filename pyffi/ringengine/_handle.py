"""Handle: what the objects an engine hands out (Buffer, FileLoad,
Recording) need of it, and nothing more: the library, the engine's C
pointer, whether it is closed, and the library's reason for a failure. They
hold one instead of the AudioEngine, so they never reach into it, and the
modules that make them never import the engine's."""
from typing import Any

from ._errors import EngineError, fail, last_error
from ._lib import lib


class Handle:
    """One engine's C pointer, shared by the engine and what it made.

    `ptr` stays valid as long as a Handle refers to it (the engine frees it
    through the garbage collector), so a call racing with close() gets
    EngineClosedError from the library instead of touching freed memory.
    """

    __slots__ = ("lib", "ptr", "closed")

    def __init__(self, ptr: Any) -> None:
        #: The cffi library (ringengine._lib.lib).
        self.lib: Any = lib
        #: The engine * (kept alive while this Handle is).
        self.ptr: Any = ptr
        #: True once the engine was closed (AudioEngine.close()).
        self.closed = False

    @staticmethod
    def last_error() -> str:
        """engine_last_error(): why this thread's last failed call failed."""
        return last_error()

    @staticmethod
    def fail(rc: int, what: str) -> EngineError:
        """The exception for status `rc` from the call `what` (errors.fail)."""
        return fail(rc, what)

    def check(self, rc: int, what: str) -> None:
        """Raises fail()'s exception for a nonzero status."""
        if rc:
            raise fail(rc, what)
