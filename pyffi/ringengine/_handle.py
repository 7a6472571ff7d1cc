"""Handle: what the objects an engine hands out (Buffer, FileLoad,
Recording) need of it, and nothing more: the library, the engine's C
pointer, whether it is closed, and the library's reason for a failure. They
hold one instead of the AudioEngine, so they never reach into it, and the
modules that make them never import the engine's."""
import logging
import threading
from typing import Any, Callable, List

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


_LOG = logging.getLogger("ringengine")


class DoneCallbacks:
    """The add_done_callback() half of concurrent.futures.Future, for the
    package's asynchronous handles (FileLoad, Recording): each callback is
    called once, with the handle, by the thread that finds the handle done
    (a `ringengine-done` thread of the package's own, started by the first
    callback added to an unfinished handle, or a caller of done(),
    result(), ... that finds it first); at once, on the caller's thread,
    when it is done already. An exception a callback raises is logged (the
    'ringengine' logger) and ignored, as concurrent.futures does."""

    def __init__(self) -> None:
        self._callbacks: List[Callable[[Any], object]] = []
        self._callbacks_lock = threading.Lock()
        self._called = False
        self._waiter: Any = None

    def _is_done(self) -> bool:  # the subclass's done()
        raise NotImplementedError

    def _wait_in_thread(self) -> None:  # the subclass's wait, on the waiter thread
        raise NotImplementedError

    def _call_callbacks(self) -> None:
        """Called by whoever found the handle done: runs the callbacks once."""
        with self._callbacks_lock:
            if self._called:
                return
            self._called = True
            callbacks, self._callbacks = self._callbacks, []
        for fn in callbacks:
            self._call(fn)

    def _call(self, fn: Callable[[Any], object]) -> None:
        try:
            fn(self)
        except Exception:
            _LOG.exception("exception calling callback for %r", self)

    def add_done_callback(self, fn: Callable[[Any], object]) -> None:
        """Calls `fn(handle)` once when the handle is done (finished, failed
        or cancelled); at once, on this thread, when it is done already.
        Otherwise on the package's `ringengine-done` thread (or the thread
        of a call that finds it done first): from a GUI, hand the work to
        the GUI's thread (asyncio's loop.call_soon_threadsafe, Qt's queued
        signals, Tk's after() polled from the main thread)."""
        if not callable(fn):
            from ._errors import InvalidArgumentError
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                       "fn must be callable, not %r" % (fn,))
        with self._callbacks_lock:
            call_now = self._called
            start = False
            if not call_now:
                self._callbacks.append(fn)
                start = self._waiter is None
                if start:
                    self._waiter = threading.Thread(target=self._wait_and_call,
                                                    name="ringengine-done", daemon=True)
        if call_now:
            self._call(fn)
        elif self._is_done():  # found done here: the callbacks run on this thread
            self._call_callbacks()
        elif start:
            self._waiter.start()

    def _wait_and_call(self) -> None:
        try:
            self._wait_in_thread()
        finally:
            self._call_callbacks()
