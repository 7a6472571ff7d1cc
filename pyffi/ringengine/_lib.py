"""Loads libringengine through cffi in ABI mode: one FFI, one library.

Search order, first that loads wins:
1. the library bundled inside the package (libringengine.so beside this
   file), as a wheel installed by pip has it: the package and its own
   library always go together;
2. the environment variable RINGENGINE_LIBRARY, a path to the library; when
   it is set, nothing after it is tried, so a deliberate choice never
   silently becomes another library;
3. the build tree next to this package's source (build/capi/), for a
   checkout that was built with the README's commands;
4. the installed library: next to an installed package, where `meson
   install` put it (recorded in _install.py), then by its soname through the
   system's loader.
When none loads, the error lists every place tried and why it failed.
"""
import os
from typing import Any, List, Mapping, Tuple

from cffi import FFI  # type: ignore[import]  # cffi has no type hints

from ._cdef import CDEF

ffi: Any = FFI()
ffi.cdef(CDEF)

ENV_VAR = "RINGENGINE_LIBRARY"
ABI_MAJOR = 1  # ENGINE_VERSION_MAJOR of the header this package was written for

_HERE = os.path.dirname(os.path.abspath(__file__))
_BUILD_TREE = os.path.normpath(os.path.join(_HERE, os.pardir, os.pardir, "build", "capi"))


def candidates(environ: Mapping[str, str] = os.environ) -> List[Tuple[str, str]]:
    """The places to try, in order, as (description, path) pairs."""
    bundled = os.path.join(_HERE, "libringengine.so")
    places = [("bundled", bundled)] if os.path.exists(bundled) else []
    override = environ.get(ENV_VAR)
    if override:
        return places + [("$" + ENV_VAR, override)]
    places.append(("build tree", os.path.join(_BUILD_TREE, "libringengine.so")))
    try:
        from . import _install  # type: ignore[attr-defined]  # written by `meson install`
        places.append(("installed", os.path.normpath(os.path.join(
            _HERE, _install.LIBDIR_FROM_PACKAGE, _install.SONAME))))
    except ImportError:
        pass
    places.append(("system loader", "libringengine.so.%d" % ABI_MAJOR))
    return places


class LibraryNotFoundError(OSError):
    """No libringengine could be loaded; .tried lists (place, path, reason)."""

    def __init__(self, tried: List[Tuple[str, str, str]]) -> None:
        self.tried = tried
        lines = ["cannot load libringengine; tried:"]
        lines += ["  %s: %s (%s)" % t for t in tried]
        lines.append("build it with the README's commands, install it, or set %s "
                     "to the library's path" % ENV_VAR)
        super().__init__("\n".join(lines))


def load(environ: Mapping[str, str] = os.environ) -> Tuple[Any, str]:
    """Opens the first library that loads and has this package's ABI."""
    tried: List[Tuple[str, str, str]] = []
    for where, path in candidates(environ):
        if os.sep in path and not os.path.exists(path):
            tried.append((where, path, "no such file"))
            continue
        try:
            lib = ffi.dlopen(path)
        except OSError as e:
            tried.append((where, path, str(e).splitlines()[0]))
            continue
        major: int = lib.engine_version_number() // 10000
        if major != ABI_MAJOR:
            tried.append((where, path, "ABI version %d, but this package needs %d: "
                          "rebuild the library or use the matching package"
                          % (major, ABI_MAJOR)))
            continue
        return lib, path
    raise LibraryNotFoundError(tried)


lib: Any
path: str
lib, path = load()
