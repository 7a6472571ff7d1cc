"""Pings the engine through ctypes alone: the C ABI needs no cffi, no header
parsing, nothing compiled. The structs below mirror capi/ringengine.h.

Run: python3 examples/ping_ctypes.py [--backend NAME] [PATH_TO_libringengine.so]
"""
import argparse
import ctypes
import ctypes.util
import sys

ENGINE_OK = 0
ENGINE_BACKEND_NULL = 2
ENGINE_BACKEND_OFFLINE = 3


class Config(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("backend", ctypes.c_uint32),
                ("capacity", ctypes.c_uint32), ("sample_rate", ctypes.c_uint32),
                ("block_frames", ctypes.c_uint32), ("channels", ctypes.c_uint32),
                ("device", ctypes.c_char_p), ("api", ctypes.c_char_p),
                ("voices", ctypes.c_uint32), ("schedule", ctypes.c_uint32),
                ("buffers", ctypes.c_uint32)]


class Message(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_uint16), ("param", ctypes.c_uint16), ("id", ctypes.c_uint32),
                ("frame", ctypes.c_uint64), ("value", ctypes.c_float), ("arg", ctypes.c_uint32)]


def load(path: "str | None" = None) -> ctypes.CDLL:
    lib = ctypes.CDLL(path or ctypes.util.find_library("ringengine") or "libringengine.so.1")
    lib.engine_config_init.argtypes = [ctypes.POINTER(Config)]
    lib.engine_config_init.restype = None
    lib.engine_create.argtypes = [ctypes.POINTER(Config), ctypes.POINTER(ctypes.c_void_p)]
    lib.engine_send_ping.argtypes = [ctypes.c_void_p]
    lib.engine_send_ping.restype = ctypes.c_int64
    lib.engine_recv.argtypes = [ctypes.c_void_p, ctypes.POINTER(Message), ctypes.c_uint32]
    lib.engine_process.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    lib.engine_destroy.argtypes = [ctypes.c_void_p]
    lib.engine_destroy.restype = None
    lib.engine_strerror.restype = ctypes.c_char_p
    lib.engine_last_error.restype = ctypes.c_char_p
    lib.engine_version_string.restype = ctypes.c_char_p
    return lib


def main(path: "str | None" = None, backend: int = ENGINE_BACKEND_NULL) -> None:
    lib = load(path)
    config = Config()
    lib.engine_config_init(ctypes.byref(config))
    if config.size != ctypes.sizeof(Config):
        sys.exit("engine_config is %d bytes in this library, %d here"
                 % (config.size, ctypes.sizeof(Config)))
    config.backend = backend
    handle = ctypes.c_void_p()
    rc = lib.engine_create(ctypes.byref(config), ctypes.byref(handle))
    if rc != ENGINE_OK:
        sys.exit("engine_create: %s: %s" % (lib.engine_strerror(rc).decode(),
                                            lib.engine_last_error().decode()))
    print("ringengine %s via ctypes" % lib.engine_version_string().decode())
    try:
        for _ in range(10):
            seq = lib.engine_send_ping(handle)
            if seq < 0:
                sys.exit("engine_send_ping: %s" % lib.engine_strerror(seq).decode())
            if backend == ENGINE_BACKEND_OFFLINE:
                lib.engine_process(handle, 256)
            pong = Message()
            rc = lib.engine_recv(handle, ctypes.byref(pong), 2_000_000)
            if rc != ENGINE_OK:
                sys.exit("engine_recv: %s" % lib.engine_strerror(rc).decode())
            print("ping %d -> pong %d at frame %d" % (seq, pong.id, pong.frame))
    finally:
        lib.engine_destroy(handle)


def backend_number(lib: ctypes.CDLL, name: str) -> int:
    """engine_backend for `name`, by the library's own names."""
    lib.engine_backend_name.restype = ctypes.c_char_p
    for number in range(64):
        known = lib.engine_backend_name(number).decode()
        if known == name:
            return number
        if known == "unknown":
            break
    sys.exit("no backend %r in this library" % name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="the library (default: found as ctypes finds it)")
    parser.add_argument("--backend", default="null",
                        help="a backend name: null (the default), offline (the blocks run "
                        "here), auto, jack, pulse, rtaudio")
    args = parser.parse_args()
    main(args.path, backend_number(load(args.path), args.backend))
