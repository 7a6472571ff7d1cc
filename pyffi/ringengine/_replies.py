"""What comes back from the audio thread: the reply types, decoded by the
library's own description of each kind (engine_describe_kind), and the
snapshots and counters read without a message.

A reply of a kind this package has no class for (a newer library's) comes
as an `Event` carrying its kind, its name and its fields as the library
names them: never a KeyError.
"""
from __future__ import annotations

import operator
from typing import (TYPE_CHECKING, Any, Callable, Dict, List, NamedTuple, Optional, Tuple,
                    Union)

from ._lib import ffi, lib


class Pong(NamedTuple):
    """The audio thread's answer to a ping.

    Attributes
    ----------
    seq : int
        Sequence number of the ping answered (as send_ping() returned it).
    frame : int
        The engine's sample position when the ping was handled: the number of
        frames processed before the block that took it.
    """
    seq: int
    frame: int


class VoiceEnded(NamedTuple):
    """A voice stopped playing its buffer (its end, stop(), a new play(), a
    freq, or the buffer's close).

    Attributes
    ----------
    voice : int
    frame : int
        The engine frame just past the last sample it played.
    """
    voice: int
    frame: int


class BufferReleased(NamedTuple):
    """The audio thread let go of a closed buffer: its memory is freed (or
    is, at the next receive). `frame`: the engine position then."""
    buffer_id: int
    frame: int


class EventsLost(NamedTuple):
    """`dropped` replies were dropped because the reply ring was full, since
    the last EventsLost; it comes before the next reply that fits, so a
    reader always learns of a loss. `frame`: the engine position then."""
    dropped: int
    frame: int


class RecordEnded(NamedTuple):
    """A recording's audio side ended (AudioEngine.record, record_buffer).

    Attributes
    ----------
    cause : int
        1 its frames or a stop, 2 an overrun (the writer fell behind), 3 a
        write error (a full disk, ...): ENGINE_RECORD_END_*. The error's
        text is the Recording's `error` once it is done.
    recording : int
        The recording's id (Recording.id).
    frame : int
        The engine position then.
    frames : int
        Frames taken (saturates at 2**32 - 1).
    """
    cause: int
    recording: int
    frame: int
    frames: int


class MeterEvent(NamedTuple):
    """A meter's latest window, sent meter_events_hz times a second while
    the reply ring is less than half full (`stats.meter_events_dropped`
    counts the others). For every channel's peak and RMS, read `meters()`.

    Attributes
    ----------
    source : int
        0 a voice, 1 a bus, 2 the master (ENGINE_METER_*).
    number : int
        The voice's or the bus's number (0 for the master).
    frame : int
        The engine position when it was sent.
    peak : float
        The loudest peak of its last window over the channels, linear.
    clips : int
        Samples past full scale (+-1.0) since the engine started.
    """
    source: int
    number: int
    frame: int
    peak: float
    clips: int


class Event(NamedTuple):
    """A reply of a kind this package has no class for (a newer library's).

    Attributes
    ----------
    kind : int
        Its engine_message_kind.
    name : str
        Its name in the library's table ('' when the library has none).
    fields : tuple of (str, value)
        Its fields as the library names them, in the table's order.
    """
    kind: int
    name: str
    fields: Tuple[Tuple[str, Union[int, float]], ...]


Reply = Union[Pong, VoiceEnded, BufferReleased, EventsLost, MeterEvent, RecordEnded, Event]

#: The classes of the reply kinds this package knows, by the library's names.
REPLY_CLASSES: Dict[str, Any] = {
    "pong": Pong, "voice_ended": VoiceEnded, "buffer_released": BufferReleased,
    "events_lost": EventsLost, "meter": MeterEvent, "record_ended": RecordEnded,
}

# engine_message's members, in order: what a decoder's tuple holds.
MEMBERS = ("kind", "param", "id", "frame", "value", "arg")


class KindInfo(NamedTuple):
    """One kind of message as the library's table describes it."""
    kind: int
    name: str
    direction: str                  # 'command', 'reply' or 'reserved'
    fields: Tuple[Tuple[str, str], ...]  # (field name, engine_message member)


_DIRECTIONS = {lib.ENGINE_DIRECTION_COMMAND: "command", lib.ENGINE_DIRECTION_REPLY: "reply",
               lib.ENGINE_DIRECTION_RESERVED: "reserved"}


def describe_kind(kind: int) -> Optional[KindInfo]:
    """The library's description of message kind `kind`, or None."""
    info = ffi.new("engine_kind_info *")
    if not 0 <= kind < 65536 or lib.engine_describe_kind(kind, info, ffi.sizeof(info[0])):
        return None
    fields = tuple((ffi.string(info.field_names[i]).decode(),
                    ffi.string(info.field_members[i]).decode())
                   for i in range(info.field_count))
    return KindInfo(kind, ffi.string(info.name).decode(),
                    _DIRECTIONS.get(info.direction, "reserved"), fields)


new_tuple: Any = tuple.__new__  # a NamedTuple without the Python-level __new__
Decoder = Callable[[Tuple[Any, ...]], Any]


def _decoder(kind: int) -> Decoder:
    """How to make a reply of `kind` from engine_message's six members."""
    info = describe_kind(kind)
    if info is None or any(member not in MEMBERS for _, member in info.fields):
        # Unknown, or carried in a way this package cannot read: the raw members.
        name = "" if info is None else info.name
        return lambda m: new_tuple(Event, (m[0], name, tuple(zip(MEMBERS[1:], m[1:]))))
    index = [MEMBERS.index(member) for _, member in info.fields]
    names = tuple(name for name, _ in info.fields)
    cls = REPLY_CLASSES.get(info.name)
    if cls is not None and cls._fields == names and index:
        pick = operator.itemgetter(*index)
        if len(index) == 1:
            return lambda m: new_tuple(cls, (pick(m),))
        return lambda m: new_tuple(cls, pick(m))
    # A kind without a class here, or whose fields the library names
    # otherwise than the class does: the generic Event, as the library has it.
    name = info.name
    return lambda m: new_tuple(Event, (m[0], name, tuple(zip(names, (m[i] for i in index)))))


class _Decoders(Dict[int, Decoder]):
    """kind -> decoder, each asked of the library on first use."""

    def __missing__(self, kind: int) -> Decoder:
        decoder = self[kind] = _decoder(kind)
        return decoder


DECODERS = _Decoders()


def decode(m: Tuple[Any, ...]) -> Reply:
    """The reply for engine_message's members (kind, param, id, frame, value, arg)."""
    reply: Reply = DECODERS[m[0]](m)
    return reply


def known_kinds() -> List[KindInfo]:
    """Every kind the library describes."""
    return [info for info in map(describe_kind, range(65536)) if info is not None]


# -- read without a message ---------------------------------------------------

#: Counters since the engine started: the fields of engine_stats in
#: ringengine.h, in its order (built from the C declaration, so the two
#: cannot drift).
if TYPE_CHECKING:
    class Stats(Tuple[int, ...]):
        """Counters since the engine started: the fields of engine_stats."""
        _fields: Tuple[str, ...]

        def __getattr__(self, name: str) -> int: ...
else:
    Stats = NamedTuple("Stats", [(name, int) for name, _ in ffi.typeof("engine_stats").fields])


class Load(NamedTuple):
    """How much of each block the audio thread used, from the snapshot it
    writes at the end of every block (engine_load)."""
    frame: int           # the engine position after that block
    callbacks: int       # blocks processed
    last: float          # that block's time in the engine / the block's duration
    average: float       # the same, smoothed over about a second
    active_voices: int   # voices still sounding (or moving) at that block's end


class Transport(NamedTuple):
    """Where the transport is, as at the end of the last block
    (engine_transport)."""
    frame: int          # the frame the next block starts at
    beat: float         # the beat at `frame` (beat 0: a downbeat at frame 0)
    bpm: float          # the tempo in force there
    beats_per_bar: int


class DspLoad(NamedTuple):
    """The share of the block period the audio callback spent in the
    engine over the blocks since the last read (as jack_cpu_load()):
    `average` over them, `peak` the most of any one. 1.0 is all of it."""
    average: float
    peak: float


class Meter(NamedTuple):
    """One meter's last window (engine_meter): what a voice adds into its
    bus, a bus into the master, or the master into the output.

    Attributes
    ----------
    peak, rms : tuple of float
        Per output channel, linear (1.0 is full scale).
    clips : int
        Samples past +-1.0 on any channel since the engine started.
    frame : int
        The engine position at the window's end (0: none closed yet).
    """
    peak: Tuple[float, ...]
    rms: Tuple[float, ...]
    clips: int
    frame: int


class Meters(NamedTuple):
    """Every meter, as `AudioEngine.meters()` reads them."""
    master: Meter
    buses: Tuple[Meter, ...]
    voices: Tuple[Meter, ...]


class VoiceState(NamedTuple):
    """A voice as it was at the end of the last block it sounded in, or when
    it came to rest (engine_voice_state)."""
    frame: int       # the engine position this describes
    position: int    # the buffer's next frame, while one plays
    buffer: int      # the id of the buffer playing, or 0
    flags: int       # ENGINE_VOICE_PLAYING | _LOOPING | _SOUNDING
    freq: float
    gain: float
    pan: float

    @property
    def playing(self) -> bool:
        """A buffer plays."""
        return bool(self.flags & lib.ENGINE_VOICE_PLAYING)

    @property
    def looping(self) -> bool:
        """A buffer plays, looped."""
        return bool(self.flags & lib.ENGINE_VOICE_LOOPING)

    @property
    def sounding(self) -> bool:
        """The sine sounds."""
        return bool(self.flags & lib.ENGINE_VOICE_SOUNDING)

    @property
    def buffer_id(self) -> int:
        """The id of the buffer playing (Buffer.id), or 0: `buffer` by the
        name BufferReleased uses."""
        return self.buffer
