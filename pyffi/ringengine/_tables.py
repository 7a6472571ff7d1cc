"""What the library names: its backends, voice parameters, defaults and
states. Read from the library itself, so no table is kept here by hand."""
from typing import Any, Dict, FrozenSet, Tuple

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


# engine_config's fields, as cffi reads them from the header's declaration.
_STRUCT_FIELDS = ffi.typeof("engine_config").fields

#: The fields of engine_config the constructor takes, in its order: backend
#: and device first (the two a program names most, and the first two
#: positions since 1.0), then every other in the struct's order. Read from
#: the header's declaration, so a field the library adds is taken at once;
#: `size` is the struct's own.
CONFIG_FIELDS: Tuple[str, ...] = ("backend", "device") + tuple(
    name for name, _ in _STRUCT_FIELDS if name not in ("size", "backend", "device"))

#: The fields given by name rather than number: {field: {name: value}}.
NAMED_FIELDS: Dict[str, Dict[str, int]] = {"backend": BACKENDS, "pan_law": PAN_LAWS}

#: The fields given as text (a char *): the device's and the API's names.
TEXT_FIELDS: FrozenSet[str] = frozenset(
    name for name, field in _STRUCT_FIELDS if field.type.kind == "pointer")

#: The fields given as numbers, with the range of their C type (what the
#: struct can hold; the library checks the range it takes).
NUMBER_FIELDS: Dict[str, Tuple[int, int]] = {
    name: ((0, 2 ** (8 * ffi.sizeof(field.type)) - 1) if field.type.cname.startswith("uint")
           else (-2 ** (8 * ffi.sizeof(field.type) - 1), 2 ** (8 * ffi.sizeof(field.type) - 1) - 1))
    for name, field in _STRUCT_FIELDS
    if name in CONFIG_FIELDS and name not in NAMED_FIELDS and name not in TEXT_FIELDS}

_DEFAULT = new_config()

#: engine_config_init_size()'s defaults: the library's, not a copy kept here
#: (pan_law by its name), for every field given as a number or a name but
#: the backend.
DEFAULTS: Dict[str, Any] = {
    name: (getattr(_DEFAULT, name) if name in NUMBER_FIELDS else
           next(text for text, value in NAMED_FIELDS[name].items()
                if value == getattr(_DEFAULT, name)))
    for name in CONFIG_FIELDS if name in NUMBER_FIELDS or name == "pan_law"}
