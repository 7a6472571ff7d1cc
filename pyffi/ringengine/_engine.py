"""AudioEngine, the Python face of one engine, and OfflineEngine, the one
whose blocks the caller runs. The top of the package but for the command
line: it imports every module below it and none imports it (see
tests/python/test_layering.py)."""
from __future__ import annotations

import math
import os
import platform
import struct
import threading
import time
from typing import (TYPE_CHECKING, Any, AsyncIterator, Dict, FrozenSet, List, Literal,
                    Optional, Tuple, Type, TypeVar, Union, overload)

from . import _config
from ._args import as_float32, path_bytes
from ._args import at as _at
from ._args import bus as _bus
from ._args import frame as _frame
from ._args import grid as _grid
from ._args import index as _index
from ._args import number as _number
from ._args import param as _param
from ._args import uint32 as _uint32
from ._buffers import Buffer, buffer_id
from ._errors import (EngineClosedError, InvalidArgumentError, OfflineOnlyError,
                      check, check_command, error, fail)
from ._files import FileLoad
from ._files import load as _load
from ._files import start as _start_load
from ._handle import Handle
from ._lib import ffi, lib
from ._record import FORMATS, BufferRecording, Recording, source_code
from ._replies import (Transport, DspLoad, KindInfo, Load, Meter, Meters, Pong, Reply, Stats, VoiceState,
                       decode, describe_kind, new_tuple)
from ._tables import BACKENDS, BUS_PARAMS, FEATURES, STATES

# engine_recv() is called in slices this long, so that Ctrl-C (and any other
# signal handler) runs within this time even during a long recv().
_RECV_SLICE_US = 50_000

# recv_async()'s poll, as engine_recv()'s: the nap doubles from the first to
# the last, so a reply that comes at once is seen at once and a long wait
# costs about as little as recv(). (asyncio's timers have millisecond
# resolution under epoll: the naps are 1 ms in practice.)
_ASYNC_FIRST_NAP = 50e-6
_ASYNC_LAST_NAP = 500e-6

# The most samples render() allocates in one call: 2**32 floats (16 GiB).
_MAX_RENDER_SAMPLES = 2**32

# engine_message as numpy sees it (recv_many_array); built on first use.
_MESSAGE_DTYPE: Any = None

_PONG = lib.ENGINE_MSG_PONG
# try_recv()'s shortcut for the common reply holds while the library's table
# carries a pong's fields where it always has.
_PONG_SHORTCUT = describe_kind(_PONG) == KindInfo(_PONG, "pong", "reply",
                                                  (("seq", "id"), ("frame", "frame")))

# engine_message's six members, as bytes: what decode() takes.
_MESSAGE = struct.Struct("=HHIQfI")
assert _MESSAGE.size == ffi.sizeof("engine_message")
_MESSAGE_SIZE = _MESSAGE.size
# Bulk receives: on CPython, per-element work in C (struct, memoryview) is
# fastest; on PyPy, a plain loop over the cffi structs, which its JIT compiles.
_PYPY = platform.python_implementation() == "PyPy"


class _Scratch(threading.local):
    """Per-thread output buffers, so concurrent calls never share one."""

    def __init__(self) -> None:
        self.message = ffi.new("engine_message *")
        self.count = ffi.new("uint32_t *")
        self.bulk = ffi.new("engine_message[]", 1024)
        self.play_options = ffi.new("engine_play_options *")
        self.voice_out = ffi.new("uint32_t *")
        self.quantized = ffi.new("engine_message[4]")
        self.transport = ffi.new("engine_transport *")
        self.beat = ffi.new("double *")
        self.frame = ffi.new("uint64_t *")


# The hot calls, bound once: a module global is found faster than lib.X.
_send_ping: Any = lib.engine_send_ping
_try_recv: Any = lib.engine_try_recv

# What the constructor's arguments may be: a number (Python or numpy
# integer), a name or a text, or None (the library's default).
_Value = Union[int, str, None]
_E = TypeVar("_E", bound="AudioEngine")



class _OfflineOnly:
    """What AudioEngine has in place of the methods only an OfflineEngine
    has: reading it raises OfflineOnlyError (an AttributeError too, so
    hasattr() says False), naming backend='offline'. A descriptor rather
    than __getattr__, which would slow every attribute read of the engine
    (CPython specializes reads only for classes without it)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, engine: Any, owner: Optional[type] = None) -> Any:
        backend = "" if engine is None else "; this one's backend is %r" % engine.backend
        raise OfflineOnlyError(
            lib.ENGINE_ERR_UNSUPPORTED, "%s: only an engine made with backend='offline' (an "
            "OfflineEngine) runs blocks on demand%s" % (self.name, backend))


class AudioEngine:
    """An audio engine with a lock-free control path.

    Creating one allocates its two rings and starts the audio: from then on the
    audio thread answers every ping with a pong.

    Parameters
    ----------
    backend : {'auto', 'jack', 'pulse', 'rtaudio', 'null', 'offline'}
        'auto' opens the first audio server that answers, JACK, then
        PulseAudio (or PipeWire's Pulse layer), then ALSA, and falls back to
        'null' otherwise (`note` says why). 'jack' is a JACK client (jackd or
        PipeWire-JACK); 'pulse' a PulseAudio stream at block latency;
        'rtaudio' an RtAudio stream on ALSA (or, with api='pulse', RtAudio's
        own PulseAudio code). 'null' runs a thread paced by the clock, no
        device needed. 'offline' runs nothing by itself: it makes an
        `OfflineEngine`, whose `process()` and `render()` run blocks.
    device : str, optional
        Output device name, or a substring matching exactly one device.
        Default: the default output device.
    capacity : int
        Messages each ring holds, exactly (1 to 1048576). Default 1024.
    sample_rate, block_frames, channels : int
        The stream asked of the backend (default 48000 Hz, 256 frames, 2
        channels). The backend may grant another block size;
        `block_frames` tells what it granted.
    api : {'jack', 'pulse', 'alsa'}, optional
        With 'auto', the one server API to try; with 'rtaudio', RtAudio's
        API ('alsa' by default). Default: the environment variable
        RINGENGINE_API, and when that is unset, each in that order.
    voices : int
        Voices in the pool, allocated now (0 to 4096). Default 32.
    schedule : int
        Commands for later frames the audio thread can hold (1 to 1048576);
        more are dropped and counted in `stats.dropped`. Default 1024.
    buffers : int
        Sample buffers loaded at once (1 to 65536). Default 256.
    messages_per_block : int
        Messages the audio thread takes per block from each path, the command
        ring and the parameter path (at least 1); the rest wait for the next
        block, none is dropped. Default 1024.
    reply_capacity : int
        Replies the reply ring holds (0 to 1048576); 0, the default: as many
        as `capacity`.
    max_load_bytes : int
        The largest buffer `load_file()` makes, in bytes of decoded float
        samples (default 2 GiB; 0: no limit).
    buses : int
        Buses between the voices and the master (1 to 64; default 8).
        Every voice plays into bus 0 until `play(..., bus=b)` or
        `set_param(voice, "bus", b)` moves it; `set_bus()` sets a bus's or
        the master's gain, pan, mute and EQ.
    meter_ms : int
        The meters' window in ms (0 to 10000; default 50): `meters()` reads
        the peak and RMS of each voice, bus and the master over the last
        one. 0: no meters, and nothing spent on them.
    meter_events_hz : int
        MeterEvent replies a second (0 to 1000; default 0: none), dropped
        and counted while the reply ring is half full.
    keylock_voices : int
        Voices 0 .. keylock_voices - 1 may play key-locked (`play(...,
        keylock=True)`): a Rubber Band stretcher each, made and primed now,
        about 0.2 s apiece, and 15-20 % of a core each while they play
        (docs/benchmarks.md). Default 0. Needs a build with key lock
        (`features`); Rubber Band is GPL-2+, so such a build is too.
    pan_law : {'balance', 'equal_power'}
        'balance' (the default): at 0 both sides in full, towards one side
        the other falls linearly to nothing. 'equal_power': cos and sin of
        (pan + 1) pi / 4, -3 dB each side at the centre.

    The parameters are engine_config's fields, read from the C header's
    declaration (a field a newer library adds is taken as it is), in this
    order after backend and device; defaults and ranges are the library's own
    (engine_config_init_size, listed in `ringengine.DEFAULTS`; engine_create
    checks the ranges). An argument that is no field raises TypeError.

    Raises
    ------
    InvalidArgumentError
        An argument is out of range.
    DeviceNotFoundError
        No device matched `device`; the message names the devices there are.
    BackendError
        The backend could not be started.

    Notes
    -----
    Every method may be called from any thread, concurrently. Calls on a closed
    engine raise EngineClosedError.
    """

    # The constructor's arguments are engine_config's fields, read from the
    # header (_tables.CONFIG_FIELDS): a field the library adds is taken with
    # no change here. The work is done in __new__, which chooses the class
    # (OfflineEngine for backend='offline'), so that a type checker sees, as
    # the program gets, an OfflineEngine from AudioEngine(backend="offline").
    # (With an __init__ beside it, mypy would take __init__'s type.)
    @overload
    def __new__(cls, backend: Literal["offline"],  # type: ignore[misc]
                *args: _Value, **config: _Value) -> OfflineEngine: ...

    @overload
    def __new__(cls: Type[_E], backend: str = ..., *args: _Value, **config: _Value) -> _E: ...

    def __new__(cls, *args: _Value, **config: _Value) -> Any:
        values = _config.bind(cls._signature, args, config, cls.__name__)
        backend = values["backend"]
        if not isinstance(backend, str) or backend not in BACKENDS:
            raise InvalidArgumentError(
                lib.ENGINE_ERR_INVALID,
                "backend must be one of %s, not %r" % (", ".join(BACKENDS), backend))
        chosen: Type[AudioEngine] = cls
        if backend == "offline" and not issubclass(cls, OfflineEngine):
            chosen = OfflineEngine
        elif backend != "offline" and issubclass(cls, OfflineEngine):
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "an OfflineEngine's backend is "
                                       "'offline', not %r: use AudioEngine" % (backend,))
        engine: AudioEngine = object.__new__(chosen)
        engine._open(values)
        return engine

    #: The constructor's signature, from the struct (help() shows it).
    _signature = _config.signature("auto")
    __signature__ = _signature

    def _open(self, values: Dict[str, Any]) -> None:
        """Makes the engine of the constructor's arguments `values`."""
        config, keep = _config.make(values)
        out = ffi.new("engine **")
        rc = lib.engine_create(config, out)
        del keep  # engine_create has copied the texts
        if rc != lib.ENGINE_OK:
            raise fail(rc, "engine_create")
        # Freed by the garbage collector once no thread can still be using it:
        # close() only stops the engine, so a call racing with close() gets
        # EngineClosedError instead of touching freed memory. The Handle is
        # what the engine's buffers, loads and recordings hold of it.
        self._handle = Handle(ffi.gc(out[0], lib.engine_destroy))
        self._h: Any = self._handle.ptr  # the hot calls' argument, looked up once
        self._scratch = _Scratch()

        info = ffi.new("engine_info *")
        check(lib.engine_get_info(self._h, info, ffi.sizeof(info[0])), "engine_get_info")
        #: Backend in use: 'jack', 'pulse', 'rtaudio', 'null' or 'offline'
        #: (never 'auto').
        self.backend: str = ffi.string(lib.engine_backend_name(info.backend)).decode()
        #: Device in use, as the backend names it.
        self.device: str = ffi.string(info.device).decode(errors="replace")
        #: Why 'auto' chose this backend ('' when no fallback happened).
        self.note: str = ffi.string(info.note).decode(errors="replace")
        self.capacity: int = info.capacity
        #: Replies the reply ring holds (`reply_capacity`, or `capacity`).
        self.reply_capacity: int = info.reply_capacity
        self.sample_rate: int = info.sample_rate
        self.block_frames: int = info.block_frames
        self.channels: int = info.channels
        #: Voices in the pool: set_param() takes 0 .. voices - 1.
        self.voices: int = info.voices
        #: Buses between the voices and the master: set_bus() takes
        #: 0 .. buses - 1 and "master".
        self.buses: int = config.buses
        #: Input channels (0: none). Heard only through a bus: set_input().
        self.inputs: int = config.inputs
        #: The meters' window in ms (0: no meters).
        self.meter_ms: int = config.meter_ms
        #: Voices 0 .. keylock_voices - 1 may play key-locked.
        self.keylock_voices: int = config.keylock_voices
        #: What this build can do: 'files' (load_file), 'keylock' (Rubber Band).
        self.features: FrozenSet[str] = FEATURES
        #: The output latency the backend reports, in seconds (as
        #: python-sounddevice's Stream.latency): JACK's playback port
        #: latency, the PulseAudio server's buffer for the stream; 0 for
        #: 'null' and 'offline'.
        self.latency: float = info.latency_frames / info.sample_rate
        #: The input latency the backend reports, in seconds (inputs > 0):
        #: JACK's capture port latency; on Pulse the depth of the FIFO
        #: between the record and the playback stream; a period on
        #: RtAudio; 0 for the others. `latency + input_latency` is the
        #: round trip, what a looper shifts its takes by.
        self.input_latency: float = info.input_latency_frames / info.sample_rate

    # -- commands ---------------------------------------------------------

    def send_ping(self) -> int:
        """Sends a ping to the audio thread; returns its sequence number.

        Never blocks on the audio thread.

        Raises
        ------
        RingFullError
            The command ring is full: the ping was dropped and counted in
            `stats.pings_rejected`.
        """
        seq: int = _send_ping(self._h)
        if seq < 0:
            raise error(seq, "send_ping")
        return seq

    def send_pings(self, count: int) -> Tuple[int, int]:
        """Sends up to `count` pings in one call.

        Returns
        -------
        (first_seq, sent) : tuple of int
            The pings sent have sequence numbers first_seq, first_seq + 1, ...
            (modulo 2**32). Pings beyond `sent` found the ring full and were
            dropped and counted; no exception is raised for them.
        """
        _uint32("count", count, 0)
        out = ffi.new("uint32_t[2]")
        rc = lib.engine_send_pings(self._h, count, out, out + 1)
        if rc < 0 and rc != lib.ENGINE_ERR_FULL:
            raise error(rc, "send_pings")
        first: int = out[0]
        sent: int = out[1]
        return first, sent

    def set_param(self, voice: int, name: str, value: float, at: Optional[int] = None,
                  ramp: int = 0, quantize: Any = None) -> None:
        """Sets a voice's parameter at an exact frame, without waiting.

        Parameters
        ----------
        voice : int
            0 .. voices - 1.
        name : {'freq', 'gain', 'gain_db', 'pan', 'bus', 'rate', 'pitch'}
            'freq' in Hz, 0 (silence, the default) .. sample_rate / 2;
            'gain' linear, 0 .. 16 (default 1); 'gain_db' the same gain in
            dB, -inf .. +24.08 (ramped in linear gain); 'pan' -1 (left) ..
            +1 (right), by the engine's pan law (default 0); 'bus' the bus
            the voice plays into, a whole number 0 .. buses - 1 (default 0),
            changed at one frame, no ramp; 'pitch' a key-locked play's pitch
            shift, -12 .. 12 semitones (default 0); 'rate' a buffer's playback rate,
            -16 .. 16 (default 1: its own speed, bit for bit; negative
            backwards, 0 holds), read with cubic interpolation and
            multiplied by the engine's speed (set_speed).
        value : float
        at : int, optional
            The engine frame (see `frame`) at which the change takes effect,
            exactly, also in the middle of a block. None: the start of the
            next block. A frame that has passed when the audio thread takes
            the command is applied at the start of that block and counted in
            `stats.late`.
        ramp : int
            Frames over which the value moves linearly from where it is to
            `value`, starting at `at`. 0: at once.

        Raises
        ------
        InvalidArgumentError
            An unknown voice or parameter, a value out of range or NaN.
        RingFullError
            The command ring is full: the command was dropped and counted in
            `stats.commands_rejected`.
        """
        param = _param(name)
        at = _at(at)
        value = _number("value", value)
        if quantize is not None:
            self._quantized("set_param", at, quantize, [(
                lib.ENGINE_MSG_SET_PARAM, param, _uint32("voice", voice, 0), value,
                _uint32("ramp", ramp, 0))])
            return
        check_command(lib.engine_set_param(self._h, _uint32("voice", voice, 0), param, value,
                                            at, _uint32("ramp", ramp, 0)), "set_param")

    def set_param_latest(self, voice: int, name: str, value: float, ramp: int = 0) -> None:
        """Sets a voice's parameter through the parameter path: for a knob
        that turns.

        Each (voice, parameter) has one slot where the latest value wins: at
        the start of the next block, after that block's commands, the audio
        thread takes it and the value moves there over `ramp` frames. However
        fast it is called it never fills the command ring, so triggers (play,
        stop, set_param at a frame) keep their room and their order. For an
        exact frame, use `set_param()`.

        Raises
        ------
        InvalidArgumentError
            As `set_param()`. Never RingFullError.
        """
        param = _param(name)
        value = _number("value", value)
        check_command(lib.engine_set_param_latest(self._h, _uint32("voice", voice, 0), param,
                                                   value, _uint32("ramp", ramp, 0)),
                       "set_param_latest")

    def load_buffer(self, samples: Any) -> Buffer:
        """Copies `samples` into a buffer the engine owns and returns it; the
        caller may change or drop its array afterwards.

        Parameters
        ----------
        samples : numpy.ndarray or buffer
            Shape (frames,) for mono or (frames, channels): a numpy array
            of floats (made float32) or of integer PCM, scaled to [-1, 1) as
            python-soundfile reads it (int16 by 2**15, int32 by 2**31, int8
            by 2**7, uint8 offset by 128), or any C-contiguous float32
            object of the buffer protocol. When played, channel c plays on
            output channel c, a mono buffer on every output channel;
            channels past the output's are not played.

        Raises
        ------
        InvalidArgumentError
            Not samples of that shape or of a dtype above (complex, bool,
            64-bit integers), no frames, over 64 channels, or a NaN or an
            infinity among them (the message says where).
        BufferTableFullError
            `buffers` buffers are open already (the engine's parameter).
            A buffer closed does not count, also before the audio thread
            has let go of it.
        """
        view, frames, channels = as_float32(samples)
        if frames < 1 or not 1 <= channels <= 64:
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                       "a buffer needs at least one frame and 1 to 64 channels")
        out = ffi.new("uint32_t *")
        rc = lib.engine_load_buffer(self._h, ffi.from_buffer("float[]", view), frames, channels,
                                    out)
        if rc:
            raise fail(rc, "load_buffer")
        return Buffer(self._handle, out[0], frames, channels)

    def load_file(self, path: Any, *, quality: str = "high") -> Buffer:
        """Decodes an audio file into a buffer the engine owns, at the
        engine's rate, and returns it; blocks the caller (never the audio
        thread) until it is loaded.

        libsndfile reads WAV, AIFF, FLAC, Ogg Vorbis, Opus, MP3 and more;
        integer formats read as float in [-1, 1), as python-soundfile reads
        them. A file at another rate is resampled by libsoxr with the
        recipe `quality`: 'quick', 'low', 'medium', 'high' (20-bit, the
        default) or 'very_high' (28-bit). The Buffer plays as one from
        `load_buffer()` does, and says `source_rate` and `path`.

        Raises
        ------
        FileMissingError
            (a FileNotFoundError) no file at `path`.
        DecodeError
            Not a file libsndfile reads, cut short, unreadable; the message
            names the path and the reason.
        BufferTableFullError, EngineError
            No slot; larger than `max_load_bytes` (an EngineError for
            ENGINE_ERR_NOMEM).
        InvalidArgumentError
            (a ValueError) a NUL in `path`, as open() refuses one.

        A named pipe is read whole (to its writer's end) before it is
        decoded; `load_file_async()` refuses one (InvalidArgumentError),
        letting a writer blocked on it go (its writes then fail, EPIPE).
        """
        return _load(self._handle, path, quality)

    def load_file_async(self, path: Any, *, quality: str = "high") -> FileLoad:
        """As `load_file()`, without waiting: returns a `FileLoad` at once,
        whose `result()` (or ``await``) gives the Buffer. Several loads may
        run at once, on the engine's loader threads."""
        return _start_load(self._handle, path, quality)

    def play(self, voice: Optional[int], buf: Buffer, at: Optional[int] = None,
             loop: bool = False, bus: Optional[int] = None, start: int = 0,
             loop_start: Optional[int] = None, loop_end: Optional[int] = None,
             crossfade: int = 0, fade: Optional[int] = None, fade_in: bool = False,
             keylock: bool = False, quantize: Any = None,
             bpm: Optional[float] = None) -> int:
        """The voice plays `buf` from engine frame `at` (None: the next
        block), with its gain, pan and rate, instead of its sine; returns the
        voice's number.

        Parameters
        ----------
        voice : int or None
            0 .. voices - 1, or None: a free voice (or, when none is free,
            the one whose play began longest ago, faded out).
        loop : bool
            Loop over the region until stop(); else play to the buffer's end
            (a VoiceEnded reply says where).
        bus : int, optional
            The bus the voice plays into from this play on (see set_bus).
        start : int
            The buffer's frame the play starts at.
        loop_start, loop_end : int, optional
            The loop's region, [loop_start, loop_end) in the buffer's frames
            (None: its start and its end); a play from before it runs into
            it. `set_loop()` moves it while the voice plays.
        crossfade : int
            Frames crossfaded at the loop's seam (0: none).
        fade : int, optional
            Frames over which a play already under way on the voice fades
            out while this one starts (None: 3 ms; 0: a cut, as before).
        fade_in : bool
            Fade this play in over `fade` frames too.
        keylock : bool
            Keep the pitch while the rate changes (and take the voice's
            `pitch` parameter, in semitones), through Rubber Band's
            real-time stretcher: voices 0 .. keylock_voices - 1 only (see
            the constructor), in builds with key lock (`features`). The rate
            then counts from 0.25 to 4, taken at each chunk of at most 256
            frames. The stretcher's sound starts its latency (2048 frames at
            48 kHz, less at a higher pitch) after the play is carried out:
            given `at` or `quantize`, the play (and its settings) is carried
            out that much early, so that its sound starts on its frame; sent
            too late for that, at once, counted in stats.late. Without
            either, it is heard the latency late. A key-locked play cuts the
            one before it (when pre-rolled, at the pre-roll's start).
        quantize : float or "bar", optional
            Start on the first line of a grid of this many beats (1 the
            next beat, 0.25 the next sixteenth, 4, or "bar" the next bar
            line) at or after `at` (None: the block the play arrives in),
            counted from the downbeat; a line on `at` itself counts. See
            set_tempo().
        bpm : float, optional
            Lock the play to the transport's tempo, the buffer's clip being
            at `bpm` (1 .. 999, held as a 32-bit float): it plays at its
            rate x tempo / bpm and follows every tempo change at its frame.
            Its position follows from the transport's beat, so a loop started
            on the grid wraps on the grid for ever; a loop within a frame of
            a whole number of 64th beats is taken as exactly that many. The
            engine's speed (set_speed) does not move a locked play, and a
            rate change applies at once. None: not locked.

        With gain 1, pan 0, rate 1 and the bus and master at their defaults,
        a play from a whole frame comes out as the buffer's samples, bit for
        bit. `set_param(voice, "freq", f)` makes the voice a sine again.

        Raises
        ------
        InvalidArgumentError
            A closed buffer, one of another engine, a bad voice, region or
            `at`.
        RingFullError
            The command ring is full: nothing of the play was sent, and it
            was counted.
        """
        id_ = buffer_id(self._handle, buf)
        o = self._scratch.play_options
        lib.engine_play_options_init_size(o, ffi.sizeof("engine_play_options"))
        o.voice = lib.ENGINE_ANY_VOICE if voice is None else _uint32("voice", voice, 0,
                                                                       2**32 - 2)
        o.buffer = id_
        o.loop = 1 if loop else 0
        o.at = _at(at)
        o.start = _uint32("start", start, 0)
        o.loop_start = 0 if loop_start is None else _uint32("loop_start", loop_start, 0)
        o.loop_end = 0 if loop_end is None else _uint32("loop_end", loop_end, 1)
        o.crossfade = _uint32("crossfade", crossfade, 0)
        o.fade = lib.ENGINE_FADE_DEFAULT if fade is None else _uint32("fade", fade, 0, 2**24)
        o.fade_in = 1 if fade_in else 0
        o.keylock = 1 if keylock else 0
        o.quantize = 0.0 if quantize is None else _grid(quantize)
        if bpm is not None:
            clip_bpm = _number("bpm", bpm)
            if not 1 <= clip_bpm <= 999:
                raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                           "play: bpm must be 1 .. 999 BPM, not %r" % (bpm,))
            o.bpm = clip_bpm
        if bus is not None:
            o.bus = _uint32("bus", bus, 0, 2**32 - 3)
        chosen = self._scratch.voice_out
        check_command(lib.engine_play_with(self._h, o, chosen), "play")
        played: int = chosen[0]
        return played

    def set_loop(self, voice: int, loop_start: int, loop_end: Optional[int],
                 at: Optional[int] = None, crossfade: int = 0, quantize: Any = None) -> None:
        """Moves the loop's region of the voice's play under way to
        [loop_start, loop_end) (None: the buffer's end) at engine frame `at`
        (None: the next block; with `quantize`, the first line of that grid
        at or after it, as play()'s), to the sample, with `crossfade` frames
        crossfaded at the seam. Both ends move at once (one message).

        A play that has entered its loop and is outside the new region (past
        its end, or before its start) jumps at `at` to the frame that keeps
        its phase in the loop, as a DJ's loop move does: ``loop_start +
        (position - old loop_start) % (loop_end - loop_start)``; with a
        `crossfade`, the jump is crossfaded over that many frames (where it
        was fading out linearly while where it jumped to fades in; not for a
        key-locked play). A play inside the new region, or not yet in its
        loop, plays on. A region past the buffer's end is cut to it."""
        v = _uint32("voice", voice, 0)
        start = _uint32("loop_start", loop_start, 0)
        end = 0 if loop_end is None else _uint32("loop_end", loop_end, 1)
        fade = _uint32("crossfade", crossfade, 0, 2**24)
        if quantize is not None:
            if end != 0 and end <= start:
                raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                           "set_loop: loop_end must be after loop_start "
                                           "(or None: the end)")
            if v > 0xffff:
                raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                           "set_loop: no such voice %d" % v)
            self._quantized("set_loop", _at(at), quantize, [
                (lib.ENGINE_MSG_SET_LOOP, v, start, float(fade), end)])
            return
        check_command(lib.engine_set_loop(self._h, v, start, end, fade, _at(at)), "set_loop")

    def set_speed(self, speed: float, at: Optional[int] = None, ramp: int = 0,
                  quantize: Any = None) -> None:
        """Sets the engine's speed, which multiplies every voice's rate
        (-16 .. 16; default 1), at engine frame `at` (or on the first line
        of a `quantize` grid at or after it, as play()'s), moving there over
        `ramp` frames."""
        if quantize is not None:
            self._quantized("set_speed", _at(at), quantize, [(
                lib.ENGINE_MSG_SET_SPEED, 0, 0, _number("speed", speed),
                _uint32("ramp", ramp, 0))])
            return
        check_command(lib.engine_set_speed(self._h, _number("speed", speed), _at(at),
                                            _uint32("ramp", ramp, 0)), "set_speed")

    def set_bus(self, bus: Any, param: str, value: float, at: Optional[int] = None,
                ramp: int = 0, quantize: Any = None) -> None:
        """Sets a parameter of a bus, or of the master, at an exact frame,
        moving there over `ramp` frames, as `set_param()` does for a voice.

        Parameters
        ----------
        bus : int or 'master'
            0 .. buses - 1, or 'master'.
        param : {'gain', 'gain_db', 'pan', 'mute', 'eq_low', 'eq_mid', 'eq_high'}
            'gain' linear, 0 .. 16 (default 1); 'gain_db' the same in dB,
            -inf .. +24.08; 'pan' -1 .. +1 by the engine's pan law (default
            0); 'mute' 1 (muted) or 0 (heard; the default), ramped as a gain;
            'eq_low', 'eq_mid', 'eq_high' the three-band kill EQ's bands in
            dB, -inf .. +12 (default 0), at or below -60 (or -inf) a full
            kill of the band; crossovers at 250 and 2500 Hz. An EQ leaving
            0 dB on every band fades into the path over 256 frames, and out
            again once every band is back at 0 dB, bit for bit.
        value : float
        at, ramp : as `set_param()`.

        Raises
        ------
        InvalidArgumentError
            No such bus or parameter, a value out of range or NaN.
        RingFullError
            The command ring is full: dropped and counted.
        """
        target = _bus(bus)
        code = BUS_PARAMS.get(param) if isinstance(param, str) else None
        if code is None:
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "param must be one of %s, not %r"
                                       % (", ".join(BUS_PARAMS), param))
        value = _number("value", value)
        if quantize is not None:
            self._quantized("set_bus", _at(at), quantize, [(
                lib.ENGINE_MSG_SET_BUS, code, target, value, _uint32("ramp", ramp, 0))])
            return
        check_command(lib.engine_set_bus(self._h, target, code, value, _at(at),
                                          _uint32("ramp", ramp, 0)), "set_bus")

    def stop(self, voice: int, at: Optional[int] = None, fade: Optional[int] = None,
             quantize: Any = None) -> None:
        """Silences the voice from exactly engine frame `at` (None: the next
        block), fading out over `fade` frames (None: 3 ms; 0: a cut, bit for
        bit the stop before fades): a buffer playing ends where the fade
        reaches 0 (VoiceEnded says where), a sine falls silent there.
        With `quantize` (beats, or "bar"), on the first grid line at or
        after `at`, as play()'s.
        Commands for the voice still waiting for later frames stay and are
        carried out at their frames: `cancel(voice)` takes them back."""
        frames = lib.ENGINE_FADE_DEFAULT if fade is None else _uint32("fade", fade, 0, 2**24)
        v = _uint32("voice", voice, 0)
        if quantize is None:
            check_command(lib.engine_stop_fade(self._h, v, _at(at), frames), "stop")
            return
        if frames == lib.ENGINE_FADE_DEFAULT:
            frames = self.sample_rate * 3 // 1000
        self._quantized("stop", _at(at), quantize, [(lib.ENGINE_MSG_STOP, 0, v, 0.0, frames)])

    # -- the transport --------------------------------------------------------

    def _quantized(self, what: str, at: int, quantize: Any,
                   messages: List[Tuple[int, int, int, float, int]]) -> None:
        """Sends (kind, param, id, value, arg) messages as one group on the
        first line of the `quantize` grid at or after `at`
        (engine_send_quantized(): checked there, all or none)."""
        grid = _grid(quantize)
        m = self._scratch.quantized
        for i, (kind, param, id_, value, arg) in enumerate(messages):
            # A finite value beyond float's range is refused, as the typed
            # C calls do, not made an infinity (-inf dB is silence).
            if math.isfinite(value) and abs(value) >= 1e30:
                value = math.nan
            m[i].kind, m[i].param, m[i].id = kind, param, id_
            m[i].frame, m[i].value, m[i].arg = 0, value, arg
        check_command(lib.engine_send_quantized(self._h, at, grid, m, len(messages)), what)

    def set_tempo(self, bpm: float, at: Optional[int] = None, quantize: Any = None,
                  beats_per_bar: Optional[int] = None) -> None:
        """Sets the transport's tempo (1 .. 999 BPM) from engine frame `at`
        (None: the next block) on, or from the first line of a `quantize`
        grid (beats, or "bar") at or after it; and its beats per bar (1 ..
        64; None: as they are). The beat is continuous across the change; a
        change of beats per bar starts a bar at its frame. The engine holds
        up to 64 changes to come: beat_at() and frame_at() count them."""
        bpb = 0 if beats_per_bar is None else _uint32("beats_per_bar", beats_per_bar, 1)
        value = _number("bpm", bpm)
        if quantize is None:
            check_command(lib.engine_set_tempo(self._h, value, _at(at), bpb), "set_tempo")
            return
        self._quantized("set_tempo", _at(at), quantize,
                        [(lib.ENGINE_MSG_SET_TEMPO, 0, 0, value, bpb)])

    def grid_line(self, quantize: Any, at: Optional[int] = None) -> int:
        """The first line of the `quantize` grid (beats, or "bar") at or
        after engine frame `at` (None: the frame the next block starts at),
        as a quantized command sent now would find it: from the tempo map
        the audio thread last published (C: engine_grid_line()). A line on
        `at` itself counts."""
        out = ffi.new("uint64_t *")
        check(lib.engine_grid_line(self._h, _at(at), _grid(quantize), out), "grid_line")
        line: int = out[0]
        return line

    def sync_to(self, voice: int, at: Optional[int] = None, quantize: Any = None) -> None:
        """Moves the downbeat at engine frame `at` (None: the next block; with
        `quantize`, the first line of that grid at or after it) so that the
        voice's loop start falls on a bar line from then on, without moving
        the voice: bars, and every grid, count from the beat at which its
        play reads its loop's start (where it will, before it is in its
        loop), found from its position and speed then. The beats stay
        (beat_at and frame_at do not change). A locked play (play(...,
        bpm=)) stays on the bars for ever. A voice playing no buffer then
        moves nothing (counted in stats.unhandled). Nothing else moves the
        downbeat."""
        v = _uint32("voice", voice, 0)
        if quantize is None:
            check_command(lib.engine_sync_to(self._h, v, _at(at)), "sync_to")
            return
        self._quantized("sync_to", _at(at), quantize, [(lib.ENGINE_MSG_SYNC_TO, 0, v, 0.0, 0)])

    def metronome(self, on: bool = True, gain_db: float = -12.0, bus: Any = None) -> None:
        """Turns the metronome on (or off) from the next block: a click on
        every beat of the transport, accented on the bar, sample-exact to it
        (a click starts at its beat's first frame, as a quantized command
        does): 30 ms of a 1 kHz tone from its peak, 2 kHz on a bar line,
        decaying as (1 - t / 30 ms)^2, at `gain_db` (up to +24.08; -inf: silent), into
        `bus` (None or "master": the master)."""
        target = lib.ENGINE_BUS_MASTER if bus is None else _bus(bus)
        if not isinstance(on, (bool, int)) or on not in (0, 1):
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                       "on must be True or False, not %r" % (on,))
        check_command(lib.engine_metronome(self._h, 1 if on else 0,
                                            _number("gain_db", gain_db), target), "metronome")

    @property
    def transport(self) -> Transport:
        """Where the transport is, as at the end of the last block: a
        Transport(frame, beat, bpm, beats_per_bar). Read from the snapshot
        the audio thread writes; no message is sent."""
        out = self._scratch.transport
        check(lib.engine_get_transport(self._h, out, ffi.sizeof("engine_transport")),
              "transport")
        return Transport(out.frame, out.beat, out.bpm, out.beats_per_bar)

    def beat_at(self, frame: int) -> float:
        """The beat at engine frame `frame`, under every tempo change the
        engine has applied (its last 64) or holds for later:
        beat(f) = beat(c) + (f - c) x bpm / (60 x sample_rate) from the last
        change c at or before f, in double precision."""
        out = self._scratch.beat
        check(lib.engine_beat_at(self._h, _frame(frame), out), "beat_at")
        beat: float = out[0]
        return beat

    def frame_at(self, beat: float) -> int:
        """The first engine frame whose beat (beat_at()) is at or after
        `beat`: frame_at(beat_at(f)) == f."""
        out = self._scratch.frame
        check(lib.engine_frame_at(self._h, _number("beat", beat), out), "frame_at")
        frame: int = out[0]
        return frame

    def cancel(self, voice: Optional[int] = None, at: Optional[int] = None,
               quantize: Any = None) -> None:
        """Takes back the commands for `voice` (None: for every voice) that
        wait in the audio thread's schedule for later frames: from engine
        frame `at` (None: the next block) those due are dropped, and counted
        in `stats.cancelled`. What was carried out before stays done;
        commands sent after a cancel for now are not affected (a cancel for
        a later frame takes back, at that frame, what is then waiting, those
        sent after it too).

        Raises
        ------
        InvalidArgumentError
            No such voice, or a bad `at`.
        RingFullError
            The command ring is full: the cancel was dropped and counted.
        """
        target = lib.ENGINE_ALL_VOICES if voice is None else _uint32("voice", voice, 0)
        if quantize is None:
            check_command(lib.engine_cancel(self._h, target, _at(at)), "cancel")
            return
        # On the wire, every voice is a flag and voice 0 (engine_cancel()'s rule).
        every = target == lib.ENGINE_ALL_VOICES
        self._quantized("cancel", _at(at), quantize,
                        [(lib.ENGINE_MSG_CANCEL, lib.ENGINE_CANCEL_ALL_VOICES if every else 0,
                          0 if every else target, 0.0, 0)])

    @property
    def frame(self) -> int:
        """The engine's position: the frames processed so far. A command
        `at` this frame or earlier is late."""
        out = ffi.new("uint64_t *")
        check(lib.engine_get_frame(self._h, out), "frame")
        frame: int = out[0]
        return frame

    # -- replies ----------------------------------------------------------

    def try_recv(self) -> Optional[Reply]:
        """Returns the next reply (a Pong, VoiceEnded, BufferReleased,
        EventsLost, or an Event of a kind this package has no class for), or
        None at once if none is waiting."""
        m = self._scratch.message
        rc = _try_recv(self._h, m)
        if rc:
            if rc == lib.ENGINE_EMPTY:
                return None
            raise error(rc, "try_recv")
        if m.kind == _PONG and _PONG_SHORTCUT:  # the common reply, without the table
            pong: Pong = new_tuple(Pong, (m.id, m.frame))
            return pong
        return decode((m.kind, m.param, m.id, m.frame, m.value, m.arg))

    def recv(self, timeout: Optional[float] = None) -> Reply:
        """Waits for the next reply (a Pong, VoiceEnded or BufferReleased) and
        returns it.

        Sleeps while waiting (no busy loop: a few percent of a core) and wakes
        within about 0.6 ms of a pong's arrival. Other Python threads run meanwhile, and Ctrl-C
        interrupts it.

        Parameters
        ----------
        timeout : float, optional
            Seconds to wait at most; None waits until a pong comes.

        Raises
        ------
        EngineTimeoutError
            (a TimeoutError) when nothing came within `timeout`.
        BackendError
            The backend stopped by itself (the audio server went away), so no
            pong will come; `state` is then 'stopped'.
        """
        if timeout is not None and not timeout >= 0:
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                       "timeout must be >= 0 or None, not %r" % (timeout,))
        m = self._scratch.message
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if deadline is None:
                slice_us = _RECV_SLICE_US
            else:
                left = deadline - time.monotonic()
                slice_us = max(0, min(_RECV_SLICE_US, int(left * 1e6)))
            rc = lib.engine_recv(self._h, m, slice_us)
            if rc == lib.ENGINE_OK:
                return decode((m.kind, m.param, m.id, m.frame, m.value, m.arg))
            if rc == lib.ENGINE_ERR_BACKEND:
                raise error(rc, "recv", "the audio stopped: " + self.stop_reason)
            if rc != lib.ENGINE_ERR_TIMEOUT:
                raise error(rc, "recv")
            if deadline is not None and time.monotonic() >= deadline:
                raise error(rc, "recv", "no pong within %s s" % timeout)

    def _recv_bulk(self, max_count: int) -> Tuple[Any, int]:
        """Takes up to max_count replies into this thread's buffer: (buf, n)."""
        # More than the reply ring holds can never be waiting.
        max_count = min(_uint32("max_count", max_count, 0), self.reply_capacity)
        scratch = self._scratch
        if len(scratch.bulk) < max_count:
            scratch.bulk = ffi.new("engine_message[]", max_count)
        check(lib.engine_recv_many(self._h, scratch.bulk, max_count, scratch.count),
               "recv_many")
        return scratch.bulk, scratch.count[0]

    def recv_many(self, max_count: int = 1024) -> List[Reply]:
        """Takes up to `max_count` waiting replies in one call; returns a list
        (empty when none is waiting). Never blocks."""
        buf, n = self._recv_bulk(max_count)
        if _PYPY:
            return [decode((m.kind, m.param, m.id, m.frame, m.value, m.arg))
                    for m in (buf[i] for i in range(n))]
        return [decode(fields)
                for fields in _MESSAGE.iter_unpack(ffi.buffer(buf, _MESSAGE_SIZE * n))]

    def fileno(self) -> int:
        """A file descriptor that is readable while replies wait, for an
        event loop to wait on without polling: asyncio's
        ``loop.add_reader(engine.fileno(), on_replies)``, Qt's
        ``QSocketNotifier(engine.fileno(), QSocketNotifier.Read)``, Tk's
        ``root.tk.createfilehandler(engine.fileno(), tkinter.READABLE,
        on_replies)``. The callback then takes the replies (`recv_many()`,
        or `try_recv()` until None).

        Level-triggered, and never to be read, written or closed by the
        caller. It may stay readable up to about 1 ms after the last reply
        was taken (a callback may find none). Every reply kind makes it
        readable (Pong, VoiceEnded, BufferReleased, meter and record
        events). The audio thread makes no system
        call for it: the first call starts a watcher thread that looks every
        millisecond (see engine_fileno() in docs/c-api.md). After close()
        it stays readable (a receive then raises EngineClosedError); it is
        closed when the engine is freed: remove it from the loop before.
        """
        fd: int = lib.engine_fileno(self._h)
        if fd < 0:
            raise fail(fd, "fileno")
        return fd

    async def recv_async(self, timeout: Optional[float] = None) -> Reply:
        """Awaits the next reply without blocking the event loop, and
        returns it (a Pong, VoiceEnded or BufferReleased).

        For programs with an asyncio event loop: no thread of its own, the
        loop runs other tasks meanwhile. It polls the reply ring with naps
        that grow as recv()'s do (the audio thread never makes a system call
        to wake anyone), so a long wait costs about what recv() costs.
        Cancelling it leaves nothing behind: no reply is taken that the
        caller does not get.

        Raises
        ------
        EngineTimeoutError
            Nothing came within `timeout` seconds (None: wait as long as it
            takes).
        BackendError
            The backend stopped by itself (see `state`): no reply will come.
        EngineClosedError
            The engine was closed, also while waiting.
        """
        import asyncio

        if timeout is not None and not timeout >= 0:
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                       "timeout must be >= 0 or None, not %r" % (timeout,))
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        nap = _ASYNC_FIRST_NAP
        while True:
            reply = self.try_recv()
            if reply is not None:
                return reply
            if lib.engine_get_state(self._h, ffi.NULL, 0) == lib.ENGINE_STATE_STOPPED:
                raise error(lib.ENGINE_ERR_BACKEND, "recv_async",
                            "the audio stopped: " + self.stop_reason)
            wait = nap
            if deadline is not None:
                left = deadline - loop.time()
                if left <= 0:
                    raise error(lib.ENGINE_ERR_TIMEOUT, "recv_async",
                                "no reply within %s s" % timeout)
                wait = min(wait, left)
            await asyncio.sleep(wait)
            nap = min(nap * 2, _ASYNC_LAST_NAP)

    async def events(self) -> AsyncIterator[Reply]:
        """The replies as they come, for ``async for``: each awaited with
        `recv_async()`. Ends when the engine is closed; raises BackendError
        when the backend stops by itself."""
        while True:
            try:
                reply = await self.recv_async()
            except EngineClosedError:
                return
            yield reply

    def recv_many_array(self, max_count: int = 1024) -> Any:
        """Takes up to `max_count` waiting replies in one call, as a numpy
        structured array with the fields of engine_message ('kind', 'param',
        'id', 'frame', 'value', 'arg'): for programs that drain thousands of
        replies. Needs numpy; the other receive methods do not."""
        import numpy

        global _MESSAGE_DTYPE
        if _MESSAGE_DTYPE is None:
            _MESSAGE_DTYPE = numpy.dtype({
                "names": [name for name, _ in ffi.typeof("engine_message").fields],
                "formats": ["<u2", "<u2", "<u4", "<u8", "<f4", "<u4"],
                "offsets": [ffi.offsetof("engine_message", name)
                            for name, _ in ffi.typeof("engine_message").fields],
                "itemsize": ffi.sizeof("engine_message")})
        buf, n = self._recv_bulk(max_count)
        replies = numpy.frombuffer(ffi.buffer(buf, _MESSAGE_SIZE * n), dtype=_MESSAGE_DTYPE)
        return replies.copy()

    def recv_many_columns(self, max_count: int = 1024) -> Tuple[List[int], List[int]]:
        """Takes up to `max_count` waiting replies in one call and returns
        the pongs among them, as columns.

        The fastest way to drain many pongs: no object per pong. Replies of
        other kinds (VoiceEnded, EventsLost, ...) taken with them are not
        returned: use `recv_many()` where those matter.

        Returns
        -------
        (seqs, frames) : tuple of two lists of int
            seqs[i] and frames[i] are the i-th pong's fields.
        """
        buf, n = self._recv_bulk(max_count)
        if _PYPY:
            pongs = [buf[i] for i in range(n) if buf[i].kind == _PONG]
            return [m.id for m in pongs], [m.frame for m in pongs]
        view = memoryview(ffi.buffer(buf, _MESSAGE_SIZE * n))
        # engine_message as 16-bit words: kind first of every 12; as 32-bit
        # words: (kind, param), id, frame (2 words), value, arg; as 64-bit
        # words: (kind, param, id), frame, (value, arg).
        kinds = view.cast("H")[0::12].tolist()
        seqs, frames = view.cast("I")[1::6].tolist(), view.cast("Q")[1::3].tolist()
        if kinds.count(_PONG) == n:  # the common case: only pongs
            return seqs, frames
        keep = [i for i, kind in enumerate(kinds) if kind == _PONG]
        return [seqs[i] for i in keep], [frames[i] for i in keep]

    # -- input and recording ----------------------------------------------

    def set_input(self, bus: Any = 0, gain_db: float = 0.0, at: Optional[int] = None,
                  ramp: int = 0, quantize: Any = None) -> None:
        """Lets the engine's input be heard through `bus` (a number, or
        'master') at `gain_db` (-inf: not heard, the default of every bus,
        so there is no feedback unless asked). Input channel c % inputs
        feeds the bus's channel c. The same as set_bus(bus, 'input_db', ...).
        """
        self.set_bus(bus, "input_db", gain_db, at=at, ramp=ramp, quantize=quantize)

    def record(self, path: Any, source: Any = "master", at: Optional[int] = None,
               frames: Optional[int] = None, format: Optional[str] = None,
               ring_frames: int = 0, quantize: Any = None) -> Recording:
        """Records `source` ('master': what the output gets; 'input'; or a
        bus number: its output before the master) to the file `path`, from
        engine frame `at` (None: the next block), for `frames` frames (None:
        until Recording.stop()). `format`: 'wav' (32-bit float, the samples
        bit for bit) or 'flac' (24-bit); None: by the suffix. `quantize`
        (beats, or "bar"): from the first line of that grid at or after `at`
        instead, found now (grid_line()): a tempo change sent later does
        not move it.

        The file is opened here; the audio thread copies each block into a
        ring of `ring_frames` frames (0: two seconds) and a writer thread
        writes it. A disk that falls behind or fills up never holds the
        audio thread: the recording ends, its `overruns` counted and its
        `error` naming the cause, and the engine plays on. Offline,
        `render()` and `process()` wait for the writer before a block the
        ring has no room for: nothing recorded offline is lost.
        """
        raw = path_bytes(path)
        if format is not None and format not in FORMATS:
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "format must be None or one of "
                                       "%s, not %r" % (", ".join(FORMATS), format))
        code = FORMATS[format] if format is not None else lib.ENGINE_FORMAT_AUTO
        count = 0 if frames is None else _uint32("frames", frames, 1, 2**63 - 1)
        ring = _uint32("ring_frames", ring_frames, 0, 2**32)
        out = ffi.new("uint32_t *")
        start = _at(at) if quantize is None else self.grid_line(quantize, at)
        rc = lib.engine_record_file(self._h, raw, source_code(self.buses, source), start,
                                    count, code, ring, out)
        if rc:
            raise fail(rc, "record")
        return Recording(self._handle, out[0], os.fsdecode(raw))

    def record_buffer(self, frames: int, source: Any = "input",
                      at: Optional[int] = None, quantize: Any = None) -> BufferRecording:
        """Records `frames` frames of `source` (as record()) from engine
        frame `at` (None: the next block; with `quantize`, as record's) into
        memory prepared now; the handle's result() is then a Buffer, played
        as any other."""
        count = _uint32("frames", frames, 1, 2**63 - 1)
        start = _at(at) if quantize is None else self.grid_line(quantize, at)
        out = ffi.new("uint32_t *")
        rc = lib.engine_record_buffer(self._h, source_code(self.buses, source), start,
                                      count, out)
        if rc:
            raise fail(rc, "record_buffer")
        return BufferRecording(self._handle, out[0])

    # -- inspection -------------------------------------------------------

    @property
    def stats(self) -> Stats:
        """The counters now, as a Stats tuple."""
        s = ffi.new("engine_stats *")
        check(lib.engine_get_stats(self._h, s, ffi.sizeof(s[0])), "stats")
        return Stats(*(getattr(s, field) for field in Stats._fields))

    @property
    def cpu_load(self) -> Load:
        """How much of its blocks the audio thread uses (the processor's
        time, not a loading of anything), from the snapshot it writes at the
        end of every block: no message, and it never waits for the audio
        thread. Reading it changes nothing."""
        out = ffi.new("engine_load *")
        check(lib.engine_get_load(self._h, out, ffi.sizeof(out[0])), "load")
        return Load(out.frame, out.callbacks, out.last, out.average, out.active_voices)

    @property
    def load(self) -> Load:
        """`cpu_load`, by its first name (kept: an alias)."""
        return self.cpu_load

    def read_dsp_load(self) -> DspLoad:
        """The share of the block period the audio callback spent in the
        engine since the last read (the first: since the start), average and
        peak, as jack_cpu_load() reports it; measured with a clock the audio
        thread reads without a system call. Each read starts the next
        interval: two readers share the intervals. DspLoad(0, 0) when no
        block ran."""
        out = ffi.new("engine_dsp_load *")
        check(lib.engine_get_dsp_load(self._h, out, ffi.sizeof(out[0])), "dsp_load")
        return DspLoad(out.average, out.peak)

    @property
    def dsp_load(self) -> DspLoad:
        """`read_dsp_load()`, as a property by its first name (kept: an
        alias). Each read starts the next interval, as the method's does."""
        return self.read_dsp_load()

    def meters(self) -> Meters:
        """Every meter's last window: `.master`, `.buses[i]`, `.voices[i]`,
        each a Meter with `peak` and `rms` (one value per output channel,
        linear) and `clips`. Read from snapshots: no message, and it never
        waits for the audio thread.

        Raises
        ------
        UnsupportedError
            The engine was made with meter_ms=0 (no meters).
        """
        if self.meter_ms == 0:
            raise error(lib.ENGINE_ERR_UNSUPPORTED, "meters",
                        "the engine has no meters: it was made with meter_ms=0")
        out = ffi.new("engine_meter *")
        size = ffi.sizeof(out[0])
        get = lib.engine_get_meter

        def read(source: int, index: int) -> Meter:
            check(get(self._h, source, index, out, size), "meters")
            n = out.channels
            return Meter(tuple(out.peak[0:n]), tuple(out.rms[0:n]), out.clips, out.frame)

        return Meters(read(lib.ENGINE_METER_MASTER, 0),
                      tuple(read(lib.ENGINE_METER_BUS, b) for b in range(self.buses)),
                      tuple(read(lib.ENGINE_METER_VOICE, v) for v in range(self.voices)))

    def voice_state(self, voice: int) -> VoiceState:
        """Voice `voice` as it was at the end of the last block it sounded
        in (or when it came to rest), from its snapshot: no message, and it
        never waits for the audio thread."""
        out = ffi.new("engine_voice_state *")
        rc = lib.engine_get_voice_state(self._h, _uint32("voice", voice, 0), out,
                                        ffi.sizeof(out[0]))
        if rc == lib.ENGINE_ERR_INVALID:
            raise InvalidArgumentError(rc, "voice_state: no such voice %d (0 .. %d)"
                                       % (voice, self.voices - 1))
        check(rc, "voice_state")
        return VoiceState(out.frame, out.position, out.buffer, out.flags, out.freq, out.gain,
                          out.pan)

    @property
    def state(self) -> str:
        """'running', 'stopped' (the backend stopped by itself, for example
        because the audio server went away: see `stop_reason`) or 'closed'."""
        return STATES[lib.engine_get_state(self._h, ffi.NULL, 0)]

    @property
    def stop_reason(self) -> str:
        """Why the backend stopped by itself, or ''."""
        buf = ffi.new("char[]", 256)
        lib.engine_get_state(self._h, buf, len(buf))
        reason: str = ffi.string(buf).decode(errors="replace")
        return reason

    def pop_warnings(self) -> List[str]:
        """The warnings the audio library reported about this engine's stream
        since the last call, oldest first, as a list of str; they are
        forgotten once returned. RtAudio's, such as "RtApiPulse::callbackEvent:
        audio write error, Connection terminated."; the library itself never
        prints them. Up to 16 are kept between calls; `stats.warnings_dropped`
        counts the rest. Also works on a closed engine.
        """
        buf = ffi.new("char[]", lib.ENGINE_WARNING_MAX)
        found: List[str] = []
        while True:
            rc = lib.engine_next_warning(self._h, buf, len(buf))
            if rc == lib.ENGINE_EMPTY:
                return found
            check(rc, "pop_warnings")
            found.append(ffi.string(buf).decode(errors="replace"))

    @property
    def closed(self) -> bool:
        """True once close() was called."""
        return self._handle.closed

    # -- life cycle -------------------------------------------------------

    def close(self) -> None:
        """Stops the audio. Calls after this raise EngineClosedError; calling
        close() again does nothing. Blocks until the audio thread has left its
        current block."""
        self._handle.closed = True
        check(lib.engine_close(self._h), "close")

    def __enter__(self: _E) -> _E:
        if self._handle.closed:
            raise EngineClosedError(lib.ENGINE_ERR_CLOSED, "engine is closed")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._handle.closed else "open"
        return "<AudioEngine %s backend=%r device=%r sample_rate=%d block_frames=%d>" % (
            state, self.backend, self.device, self.sample_rate, self.block_frames)

    if not TYPE_CHECKING:  # for a type checker, such an engine has no such method
        process, render, render_into = _OfflineOnly(), _OfflineOnly(), _OfflineOnly()


class OfflineEngine(AudioEngine):
    """An engine on the offline backend, what `AudioEngine(backend="offline")`
    makes (and `OfflineEngine(...)` too, whose backend is 'offline' by
    default): no thread runs its blocks, the caller does, with the methods
    only it has, `process()`, `render()` and `render_into()`. The same
    commands give the same samples, bit for bit, faster than real time.

    Parameters: as AudioEngine's.
    """

    _signature = _config.signature("offline")
    __signature__ = _signature

    def process(self, frames: Optional[int] = None) -> None:
        """Runs one block of `frames` frames (default: block_frames) on the
        calling thread, as the audio thread would.

        Raises
        ------
        EngineBusyError
            Another thread is inside process() on this engine.
        """
        if frames is None:
            frames = self.block_frames
        rc = lib.engine_process(self._h, _uint32("frames", frames, 1, 65536))
        if rc:
            raise fail(rc, "process")

    def render(self, frames: int, input: Any = None) -> Any:
        """Runs `frames` frames in blocks of `block_frames` (the last may be
        shorter) on the calling thread and returns what the engine played.
        Needs numpy (`render_into()` does not).

        Returns
        -------
        numpy.ndarray
            float32, shape (frames, channels), unclipped: voices are summed,
            and a sum above 1.0 stays above 1.0. The same commands give the
            same samples, bit for bit.
        """
        import numpy  # only render() needs it

        count = _uint32("frames", frames, 0, _MAX_RENDER_SAMPLES // self.channels)
        out = numpy.zeros((count, self.channels), dtype=numpy.float32)
        self.render_into(out, input=input)
        return out

    def render_into(self, out: Any, input: Any = None) -> int:
        """As `render()`, into `out`: a writable, C-contiguous buffer of
        float32 (a numpy array, an ``array.array('f')``, ...) whose length is
        a whole number of frames of `channels` samples, interleaved. Returns
        the number of frames written.

        `input` (render() takes it too): the engine's input over those
        frames, C-contiguous float32 of shape (frames, inputs) (or flat, for
        one input), for an engine made with `inputs`; None: silence."""
        try:
            view = memoryview(out)
        except TypeError:
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                       "out must support the buffer protocol, not %r"
                                       % type(out).__name__) from None
        if view.readonly or not view.c_contiguous or view.format not in ("f", "<f", "=f"):
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID,
                                       "out must be a writable, C-contiguous float32 buffer")
        samples = view.nbytes // 4
        shape: Tuple[int, ...] = view.shape or ()
        if len(shape) > 2 or (len(shape) == 2 and shape[1] != self.channels):
            raise InvalidArgumentError(
                lib.ENGINE_ERR_INVALID, "out has shape %r: an engine of %d channels renders "
                "into (frames, %d) or a flat buffer" % (shape, self.channels,
                                                        self.channels))
        if samples % self.channels:
            raise InvalidArgumentError(
                lib.ENGINE_ERR_INVALID, "out holds %d samples, not a whole number of %d-channel "
                "frames" % (samples, self.channels))
        frames = samples // self.channels
        buf = ffi.from_buffer("float[]", out, require_writable=True) if samples else ffi.NULL
        if input is not None:
            inbuf = self._input_buffer(input, frames)
            rc = lib.engine_render_input(self._h, buf, inbuf, frames)
            if rc:
                raise fail(rc, "render")
            return frames
        rc = lib.engine_render(self._h, buf, frames)
        if rc:
            raise fail(rc, "render")
        return frames

    def _input_buffer(self, input: Any, frames: int) -> Any:
        """render_into()'s `input` as a cffi float[] of frames * inputs."""
        if self.inputs == 0:
            raise InvalidArgumentError(lib.ENGINE_ERR_INVALID, "input given, but the engine "
                                       "has no inputs (AudioEngine(inputs=N))")
        view, count, channels = as_float32(input)
        if channels == 1 and self.inputs != 1 and count == frames * self.inputs:
            count, channels = frames, self.inputs  # flat and interleaved
        if count != frames or channels != self.inputs:
            raise InvalidArgumentError(
                lib.ENGINE_ERR_INVALID, "input holds %d frames of %d channels: the render is "
                "%d frames and the engine has %d inputs" % (count, channels, frames,
                                                            self.inputs))
        return ffi.from_buffer("float[]", view) if frames else ffi.NULL
