"""What the library names: its backends, voice parameters, defaults and
states. Read from the library itself, so no table is kept here by hand."""
from typing import Any, Dict, FrozenSet

from ._lib import ffi, lib


def _names(function: Any, limit: int = 64) -> Dict[str, int]:
    """{name: value} for value = 0, 1, ... until the library says "unknown"."""
    names: Dict[str, int] = {}
    for value in range(limit):
        name = ffi.string(function(value)).decode()
        if name == "unknown":
            break
        names[name] = value
    return names


#: The backends, by name: the values of the C enum engine_backend.
BACKENDS: Dict[str, int] = _names(lib.engine_backend_name)

#: The voice parameters set_param() takes, by name: engine_param, as the
#: library names them (engine_param_name).
PARAMS: Dict[str, int] = _names(lib.engine_param_name)

#: The bus and master parameters set_bus() takes, by name: engine_bus_param
#: (engine_bus_param_name).
BUS_PARAMS: Dict[str, int] = _names(lib.engine_bus_param_name)

#: The pan laws, by name: engine_pan_law.
PAN_LAWS: Dict[str, int] = {"balance": lib.ENGINE_PAN_BALANCE,
                            "equal_power": lib.ENGINE_PAN_EQUAL_POWER}

#: What this build of the library can do (engine_features): 'files'
#: (load_file: libsndfile and libsoxr), 'keylock' (Rubber Band, GPL-2+).
FEATURES: FrozenSet[str] = frozenset(
    name for name, bit in (("files", lib.ENGINE_FEATURE_FILES),
                           ("keylock", lib.ENGINE_FEATURE_KEYLOCK))
    if lib.engine_features() & bit)

STATES: Dict[int, str] = {lib.ENGINE_STATE_RUNNING: "running",
                          lib.ENGINE_STATE_STOPPED: "stopped",
                          lib.ENGINE_STATE_CLOSED: "closed"}


def new_config() -> Any:
    """An engine_config filled with the library's defaults, the whole of it."""
    config = ffi.new("engine_config *")
    lib.engine_config_init_size(config, ffi.sizeof("engine_config"))
    return config


#: The config fields AudioEngine takes as keywords, with the least value each.
CONFIG_FIELDS: Dict[str, int] = {
    "capacity": 1, "sample_rate": 1, "block_frames": 1, "channels": 1, "voices": 0,
    "schedule": 1, "buffers": 1, "messages_per_block": 1, "reply_capacity": 0,
    "max_load_bytes": 0, "buses": 1, "meter_ms": 0, "meter_events_hz": 0,
    "keylock_voices": 0, "inputs": 0,
}

#: engine_config_init_size()'s defaults: the library's, not a copy kept here
#: (pan_law by its name).
DEFAULTS: Dict[str, Any] = {name: getattr(new_config(), name) for name in CONFIG_FIELDS}
DEFAULTS["pan_law"] = next(name for name, value in PAN_LAWS.items()
                           if value == new_config().pan_law)
