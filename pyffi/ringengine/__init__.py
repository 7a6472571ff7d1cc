"""ringengine: a real-time audio engine with a lock-free control path.

Python sends messages to the audio thread through a wait-free ring, and the
audio thread answers through a second ring; neither ever waits for the other.

>>> import ringengine
>>> with ringengine.AudioEngine(backend="offline") as engine:  # an OfflineEngine
...     seq = engine.send_ping()
...     engine.process()          # the offline backend runs a block on demand
...     engine.try_recv()
Pong(seq=0, frame=0)
"""
from ._buffers import Buffer
from ._devices import Device, DeviceList, query_devices
from ._engine import AudioEngine, OfflineEngine
from ._errors import (BackendError, BufferTableFullError, DecodeError, DeviceNotFoundError,
                      EngineBusyError, EngineClosedError, EngineError, EngineTimeoutError,
                      FileMissingError, InvalidArgumentError, LoadCancelledError,
                      RecordingError, RingFullError, UnsupportedError)
from ._files import QUALITIES, FileLoad
from ._record import FORMATS, BufferRecording, Recording
from ._replies import (BufferReleased, DspLoad, Transport, Event, EventsLost, KindInfo, Load, Meter,
                       MeterEvent, Meters, Pong, RecordEnded, Reply, Stats, VoiceEnded,
                       VoiceState, describe_kind)
from ._tables import BACKENDS, BUS_PARAMS, DEFAULTS, FEATURES, PAN_LAWS, PARAMS
from ._lib import ffi, lib
from ._lib import path as library_path

#: Version of the loaded library, "MAJOR.MINOR.PATCH".
__version__: str = ffi.string(lib.engine_version_string()).decode()

__all__ = [
    "AudioEngine", "OfflineEngine", "Buffer", "Pong", "VoiceEnded", "BufferReleased",
    "EventsLost", "Event",
    "Reply", "Stats", "Load", "VoiceState", "KindInfo", "describe_kind",
    "BACKENDS", "DEFAULTS", "PARAMS", "BUS_PARAMS", "PAN_LAWS", "FEATURES", "Device",
    "DeviceList",
    "MeterEvent", "Meter", "Meters", "DspLoad",
    "query_devices",
    "EngineError", "RingFullError", "BufferTableFullError", "EngineClosedError",
    "InvalidArgumentError", "DeviceNotFoundError", "BackendError", "EngineBusyError",
    "UnsupportedError", "EngineTimeoutError", "library_path",
    "FileLoad", "QUALITIES", "FileMissingError", "DecodeError", "LoadCancelledError",
    "Recording", "BufferRecording", "RecordingError", "FORMATS", "RecordEnded",
    "Transport",
]
