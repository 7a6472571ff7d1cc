"""An engine's configuration: the constructor's arguments as an
engine_config. The fields are the struct's (_tables.CONFIG_FIELDS, read from
the header), the defaults the library's (engine_config_init_size), and the
ranges the library's to check (engine_create refuses, naming the field):
here values only become the C types (a Python or numpy integer, a name, a
text), and what a C type cannot hold is refused."""
import inspect
from typing import Any, Dict, List, Tuple

from ._args import uint32
from ._errors import InvalidArgumentError
from ._lib import ffi, lib
from ._tables import CONFIG_FIELDS, NAMED_FIELDS, NUMBER_FIELDS, TEXT_FIELDS, new_config


def signature(backend: str) -> inspect.Signature:
    """The constructor's signature (for help() and inspect), from the struct:
    every field a keyword that may also be given in its place, None (the
    library's default) but `backend`."""
    first = inspect.Parameter("backend", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              default=backend, annotation=str)
    rest = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                              annotation="Optional[%s]" % ("int" if name in NUMBER_FIELDS
                                                           else "str"))
            for name in CONFIG_FIELDS[1:]]
    return inspect.Signature([first] + rest)


def bind(sig: inspect.Signature, args: Tuple[Any, ...], kwargs: Dict[str, Any],
         owner: str) -> Dict[str, Any]:
    """The arguments by field name, as a call of `owner` with `sig` binds
    them; TypeError for an unknown one or one given twice, as Python's own."""
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError("%s(): %s (its fields: %s)" % (owner, e, ", ".join(CONFIG_FIELDS))) \
            from None
    bound.apply_defaults()
    return dict(bound.arguments)


def make(values: Dict[str, Any]) -> Tuple[Any, List[Any]]:
    """(an engine_config of the library's defaults with `values` set in it,
    the texts it points to, to be kept referenced until engine_create has
    copied them). None leaves a field at its default."""
    config = new_config()
    keep: List[Any] = []
    for name, value in values.items():
        if value is None:
            continue
        if name in NAMED_FIELDS:
            names = NAMED_FIELDS[name]
            if not isinstance(value, str) or value not in names:
                raise InvalidArgumentError(
                    lib.ENGINE_ERR_INVALID,
                    "%s must be one of %s, not %r" % (name, ", ".join(names), value))
            setattr(config, name, names[value])
        elif name in TEXT_FIELDS:
            keep.append(ffi.new("char[]", str(value).encode()))
            setattr(config, name, keep[-1])
        else:
            least, most = NUMBER_FIELDS[name]
            setattr(config, name, uint32(name, value, least, most))
    return config, keep
