"""Every message kind is known to every layer: the library's table
(engine_describe_kind), the C header's enum (through cffi), and Python's
reply types; a kind Python has no class for still arrives, as an Event."""
import array
import typing

import ringengine
from ringengine import Event, EventsLost, describe_kind
from ringengine._lib import ffi, lib
from ringengine._replies import MEMBERS, REPLY_CLASSES, _decoder, decode, known_kinds


def test_every_kind_of_the_library_is_in_the_header_with_its_number():
    kinds = known_kinds()
    assert [k.name for k in kinds][:3] == ["ping", "pong", "set_param"]
    header = {name[len("ENGINE_MSG_"):].lower(): getattr(lib, name)
              for name in dir(lib) if name.startswith("ENGINE_MSG_")}
    header.pop("none")
    assert {k.name: k.kind for k in kinds} == header


def test_every_reply_kind_has_a_class_with_the_librarys_field_names():
    replies = [k for k in known_kinds() if k.direction == "reply"]
    assert {k.name for k in replies} == set(REPLY_CLASSES)
    for k in replies:
        assert REPLY_CLASSES[k.name]._fields == tuple(name for name, _ in k.fields), k.name
        assert all(member in MEMBERS for _, member in k.fields)


def test_the_reply_type_is_every_reply_class_and_event():
    """`Reply`, what a receive returns, names every reply kind's class (it
    once lacked RecordEnded), each exported by the package, and Event."""
    members = set(typing.get_args(ringengine.Reply))
    for k in known_kinds():
        if k.direction == "reply":
            cls = REPLY_CLASSES[k.name]
            assert cls in members, "%s's class %s is not in Reply" % (k.name, cls.__name__)
            assert getattr(ringengine, cls.__name__) is cls and cls.__name__ in ringengine.__all__
    assert members == set(REPLY_CLASSES.values()) | {Event}


def test_a_reply_kind_python_does_not_know_arrives_as_an_event():
    # A kind the library does not describe at all: its raw fields.
    raw = (4242, 7, 11, 12345, 0.5, 99)
    assert decode(raw) == Event(4242, "", (("param", 7), ("id", 11), ("frame", 12345),
                                           ("value", 0.5), ("arg", 99)))
    # A kind the library describes but Python has no class for: its named
    # fields (the table's own command kind stands in for a newer reply).
    play = _decoder(lib.ENGINE_MSG_PLAY)((lib.ENGINE_MSG_PLAY, 1, 3, 480, 96.0, 17))
    assert play == Event(lib.ENGINE_MSG_PLAY, "play",
                         (("flags", 1), ("voice", 3), ("at", 480), ("buffer", 17),
                          ("fade", 96.0)))


def test_an_unknown_kind_from_the_ring_is_an_event_not_a_key_error(offline):
    # Replies that come through the ring are decoded by the same table.
    m = ffi.new("engine_message *")
    m.kind, m.id, m.frame = lib.ENGINE_MSG_EVENTS_LOST, 3, 256
    assert decode((m.kind, m.param, m.id, m.frame, m.value, m.arg)) == EventsLost(3, 256)


def test_params_come_from_the_library():
    assert ringengine.PARAMS == {ffi.string(lib.engine_param_name(i)).decode(): i
                                 for i in range(7)}
    assert list(ringengine.PARAMS) == ["freq", "gain", "pan", "gain_db", "bus", "rate",
                                       "pitch"]
    assert ffi.string(lib.engine_param_name(len(ringengine.PARAMS))) == b"unknown"
    assert ringengine.BUS_PARAMS == {ffi.string(lib.engine_bus_param_name(i)).decode(): i
                                     for i in range(8)}
    assert ffi.string(lib.engine_bus_param_name(len(ringengine.BUS_PARAMS))) == b"unknown"


def test_describe_kind_names_the_members_that_carry_each_field():
    pong = describe_kind(lib.ENGINE_MSG_PONG)
    assert pong is not None and pong.fields == (("seq", "id"), ("frame", "frame"))
    assert describe_kind(0) is None and describe_kind(-1) is None and describe_kind(70000) is None


# Each command kind, the C function that sends it, and the AudioEngine call
# that does, with arguments that make it send exactly one such command.
SENDERS = {
    "ping": ("engine_send_ping", lambda e, b: e.send_ping()),
    "set_param": ("engine_set_param", lambda e, b: e.set_param(0, "gain", 0.5)),
    "play": ("engine_play_with", lambda e, b: e.play(0, b)),
    "stop": ("engine_stop_fade", lambda e, b: e.stop(0)),
    "cancel": ("engine_cancel", lambda e, b: e.cancel(0)),
    "set_bus": ("engine_set_bus", lambda e, b: e.set_bus(0, "gain", 0.5)),
    "set_voice": ("engine_play_with", lambda e, b: e.play(0, b, start=1)),
    "set_loop": ("engine_set_loop", lambda e, b: e.set_loop(0, 0, None)),
    "set_speed": ("engine_set_speed", lambda e, b: e.set_speed(0.5)),
    "set_tempo": ("engine_set_tempo", lambda e, b: e.set_tempo(98)),
    "quantize": ("engine_send_quantized", lambda e, b: e.stop(0, quantize=1)),
    "metronome": ("engine_metronome", lambda e, b: e.metronome()),
    "sync_to": ("engine_sync_to", lambda e, b: e.sync_to(0)),
}


def test_every_command_kind_has_a_c_wrapper_and_a_python_call_that_sends_it():
    """A command kind added to messages.def fails here until the C layer and
    Python each have a way to send it (and this table names them)."""
    commands = {k.name for k in known_kinds() if k.direction == "command"}
    assert commands == set(SENDERS)
    with ringengine.AudioEngine(backend="offline") as e:
        b = e.load_buffer(array.array("f", [0.0] * 8))
        for name, (c_function, send) in SENDERS.items():
            assert callable(getattr(lib, c_function)), c_function
            before = e.stats.commands_sent
            send(e, b)
            assert e.stats.commands_sent >= before + 1, name
            e.process()
