"""Uses every public name of ringengine, as a typed program would, for
`mypy --strict` (Meson test suite 'typing'): the package's inline hints must
let a strict program through. tests/python/test_abi.py checks that every
name in ringengine.__all__ is used here."""
import array
import asyncio
from typing import Dict, List, Optional, Tuple

import ringengine
from ringengine import (BACKENDS, BUS_PARAMS, DEFAULTS, FEATURES, PAN_LAWS, PARAMS, AudioEngine,
                        OfflineEngine,
                        BackendError, Buffer, DspLoad, Meter, MeterEvent, Meters,
                        BufferReleased, BufferTableFullError, DecodeError, Device, DeviceList,
                        DeviceNotFoundError, EngineBusyError, EngineClosedError, EngineError,
                        EngineTimeoutError, Event, EventsLost, FileLoad, FileMissingError,
                        InvalidArgumentError, KindInfo, LoadCancelledError, QUALITIES,
                        Load, Pong, Reply, RingFullError, Stats, UnsupportedError, VoiceEnded,
                        VoiceState, describe_kind, library_path, query_devices,
                        FORMATS, BufferRecording, Recording, RecordingError, RecordEnded,
                        Transport)


def describe(reply: Reply) -> str:
    if isinstance(reply, Pong):
        return "pong %d at %d" % (reply.seq, reply.frame)
    if isinstance(reply, VoiceEnded):
        return "voice %d ended at %d" % (reply.voice, reply.frame)
    if isinstance(reply, EventsLost):
        return "%d replies lost before %d" % (reply.dropped, reply.frame)
    if isinstance(reply, MeterEvent):
        return "meter %d/%d: %.3f, %d clips at %d" % (reply.source, reply.number, reply.peak,
                                                      reply.clips, reply.frame)
    if isinstance(reply, RecordEnded):
        return "recording %d ended (%d) at %d after %d frames" % (
            reply.recording, reply.cause, reply.frame, reply.frames)
    if isinstance(reply, Event):
        return "%s (%d): %r" % (reply.name, reply.kind, dict(reply.fields))
    released: BufferReleased = reply
    return "buffer %d released at %d" % (released.buffer_id, released.frame)


def perform(engine: AudioEngine, buf: Buffer) -> int:
    voice: int = engine.play(None, buf, loop=True, start=10, loop_start=20, loop_end=40,
                             crossfade=4, fade=96, fade_in=True, bus=0)
    engine.set_param(voice, "rate", -0.5, ramp=64)
    engine.set_loop(voice, 0, None, at=engine.frame + 100, crossfade=8)
    engine.set_speed(1.25, ramp=480)
    engine.stop(voice, fade=0)
    engine.set_tempo(98.0, quantize="bar", beats_per_bar=3)
    engine.play(voice, buf, quantize=0.25)
    engine.play(voice, buf, loop=True, bpm=98.0, quantize="bar")
    engine.stop(voice, quantize=1)
    engine.metronome(True, gain_db=-6.0, bus="master")
    engine.sync_to(voice, quantize="bar")
    line: int = engine.grid_line("bar", at=0)
    engine.cancel(voice, quantize=1)
    engine.set_input(bus=0, gain_db=-6.0, quantize="bar")
    where: Transport = engine.transport
    beat: float = engine.beat_at(where.frame)
    frame: int = engine.frame_at(beat + 1.0)
    print(frame)
    keylocked: bool = "keylock" in engine.features and engine.keylock_voices > 0
    print(keylocked)
    return voice


def mix(engine: OfflineEngine) -> Tuple[float, float]:
    engine.set_bus(1, "gain_db", -6.0, at=engine.frame, ramp=480)
    engine.set_bus("master", "eq_low", float("-inf"))
    engine.set_param(0, "bus", 1)
    engine.process()
    meters: Meters = engine.meters()
    master: Meter = meters.master
    bus: Meter = meters.buses[1]
    voice: Meter = meters.voices[0]
    peak: float = max(master.peak + bus.peak + voice.peak)
    print(master.rms, master.clips, master.frame, BUS_PARAMS, PAN_LAWS, FEATURES)
    load: DspLoad = engine.read_dsp_load()
    alias: DspLoad = engine.dsp_load  # its first name: the same read
    return peak, load.average + load.peak + alias.average


def control(engine: OfflineEngine) -> Tuple[int, Optional[Reply], Stats]:
    seq: int = engine.send_ping()
    first, sent = engine.send_pings(4)
    engine.set_param(0, "freq", 440.0, at=engine.frame + 480, ramp=48)
    engine.set_param(0, "gain", 0.5)
    engine.set_param_latest(0, "pan", -0.5, ramp=64)
    engine.process()
    engine.process(128)
    reply: Optional[Reply] = engine.try_recv()
    many: List[Reply] = engine.recv_many(16)
    buf: Buffer = engine.load_buffer(array.array("f", [0.5] * 64))
    engine.play(1, buf, at=engine.frame + 10, loop=True)
    engine.stop(1, at=engine.frame + 40)
    engine.cancel(1)
    engine.cancel(at=engine.frame + 100)
    print(buf.id, buf.frames, buf.channels, buf.closed, [describe(r) for r in many])
    print(buf.read(0, 16).shape, buf.read().dtype)
    buf.close()
    seqs, frames = engine.recv_many_columns()
    assert seq + first + sent + len(many) + len(seqs) + len(frames) >= 0
    load: Load = engine.cpu_load
    same: Load = engine.load  # its first name
    voice: VoiceState = engine.voice_state(1)
    print(load.last, load.average, same.frame, voice.playing, voice.looping, voice.sounding,
          voice.gain)
    kind: Optional[KindInfo] = describe_kind(1)
    if kind is not None:
        print(kind.name, kind.direction, kind.fields)
    stats: Stats = engine.stats
    counted: int = stats.pings_sent + stats.late + stats.dropped
    assert counted >= 0
    return seq, reply, stats


async def wait_async(engine: AudioEngine) -> List[int]:
    got: List[int] = []
    engine.send_pings(2)
    reply: Reply = await engine.recv_async(timeout=1.0)
    if isinstance(reply, Pong):
        got.append(reply.seq)
    async for event in engine.events():
        print(describe(event))
        break
    return got


def main() -> None:
    names: Dict[str, int] = {**BACKENDS, **DEFAULTS, **PARAMS}
    version: str = ringengine.__version__
    where: str = library_path
    devices: DeviceList = query_devices("jack")
    listed: List[Device] = list(devices)
    print(len(names), version, where, devices.notes, len(listed))
    with AudioEngine(backend="offline", voices=2, schedule=16, messages_per_block=64,
                     reply_capacity=32, buses=2, meter_ms=20, meter_events_hz=10,
                     pan_law="equal_power") as engine:
        control(engine)
        mix(engine)
        perform(engine, engine.load_buffer(array.array("f", bytes(4 * 64))))
        frames: int = engine.render_into(array.array("f", bytes(8 * 4 * engine.channels)))
        latency: float = engine.latency
        state: str = engine.state
        reason: str = engine.stop_reason
        warnings: List[str] = engine.pop_warnings()
        print(frames, latency, state, reason, warnings, engine.closed)
        try:
            engine.recv(timeout=0.0)
        except EngineTimeoutError as e:
            code: int = e.code
            print(code)
    with AudioEngine(backend="null") as live:
        asyncio.run(wait_async(live))
    with OfflineEngine(voices=2) as direct:
        direct.process()
        rendered: int = direct.render_into(array.array("f", bytes(4 * direct.channels)))
        print(rendered)
    with AudioEngine(backend="null") as live_engine:
        if isinstance(live_engine, OfflineEngine):  # never: narrowed for the type checker
            live_engine.process()
    try:
        engine_for_files = AudioEngine(backend="offline")
        load: FileLoad = engine_for_files.load_file_async("/nonexistent.wav",
                                                          quality=list(QUALITIES)[0])
        print(load.done(), load.progress, load.cancel())
        played: Buffer = engine_for_files.load_file("/nonexistent.wav", quality="high")
        print(played.source_rate, played.path)
    except (FileMissingError, DecodeError, LoadCancelledError) as missing:
        print(missing)
    with AudioEngine(backend="offline", inputs=1) as looper:
        take: BufferRecording = looper.record_buffer(256, source="input", at=0, quantize=None)
        to_file: Recording = looper.record("/tmp/ringengine-typing.wav", source="master",
                                           at=0, frames=256, format=list(FORMATS)[0])
        looper.set_input(bus=0, gain_db=-6.0)
        looper.render(256, input=array.array("f", [0.0] * 256))
        try:
            to_file.wait(timeout=5.0)
            loop: Buffer = take.result(timeout=5.0)
            print(loop.frames, to_file.frames, to_file.overruns, to_file.done(),
                  to_file.written, to_file.start_frame, to_file.error, to_file.state)
        except RecordingError as failed:
            print(failed)
        to_file.stop(at=None)
        to_file.close()
    errors: Tuple[type, ...] = (EngineError, RingFullError, BufferTableFullError,
                                EngineClosedError,
                                InvalidArgumentError, DeviceNotFoundError, BackendError,
                                EngineBusyError, UnsupportedError, EngineTimeoutError)
    print(errors)


if __name__ == "__main__":
    main()
