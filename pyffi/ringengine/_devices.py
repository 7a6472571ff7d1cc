"""The output devices each audio API lists."""
from typing import List, NamedTuple, Optional

from ._errors import error, last_error
from ._lib import ffi, lib


class Device(NamedTuple):
    """An output device, as query_devices() lists it."""
    api: str               # 'jack', 'pulse' or 'alsa'
    name: str              # what AudioEngine(device=...) matches
    output_channels: int
    is_default: bool       # the API's default output device


class DeviceList(List[Device]):
    """A list of Device; `.notes` says what each API that listed nothing
    answered (for example "Jack: no server running")."""
    notes = ""


def query_devices(api: Optional[str] = None) -> DeviceList:
    """Lists the output devices, of one API or of every API in the order
    backend='auto' tries them (JACK, PulseAudio, ALSA).

    Finding none is not an error: the list is empty and its `.notes` says why.
    Asks the audio servers, so it may take up to a second.
    """
    count = ffi.new("uint32_t *")
    name = ffi.NULL if api is None else ffi.new("char[]", str(api).encode())
    _check_query(lib.engine_list_devices(name, ffi.NULL, 0, count))
    buf = ffi.new("engine_device[]", max(count[0], 1))
    _check_query(lib.engine_list_devices(name, buf, count[0], count))
    found = DeviceList(
        Device(ffi.string(d.api).decode(), ffi.string(d.name).decode(errors="replace"),
               d.output_channels, bool(d.is_default))
        for d in ffi.unpack(buf, min(count[0], len(buf))))
    found.notes = last_error()
    return found


def _check_query(rc: int) -> None:
    if rc != lib.ENGINE_OK:
        raise error(rc, "query_devices", last_error())
