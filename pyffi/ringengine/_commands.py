"""What the command-line tools (python3 -m ringengine ping, tone, play) do
and report. Only __main__ uses this module; the benchmarks and tests run the
commands (`ping --json --samples`) rather than import it, and keep their own
statistics in benchmarks/measure.py."""
from __future__ import annotations

import array
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

if TYPE_CHECKING:
    from ._engine import AudioEngine
    from ._replies import Reply

from ._engine import OfflineEngine
from ._replies import Pong
from ._errors import EngineTimeoutError, RingFullError
from ._lib import lib

clock = time.perf_counter_ns


def percentile(sorted_values: Sequence[int], p: float) -> Optional[int]:
    """Nearest-rank percentile of an ascending list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, int(-(-len(sorted_values) * p // 100)))  # ceil(n * p / 100)
    return sorted_values[min(rank, len(sorted_values)) - 1]


def clock_overhead_ns(samples: int = 2000) -> int:
    """Median cost of reading the clock, subtracted from each timed call."""
    diffs = []
    for _ in range(samples):
        t0 = clock()
        diffs.append(clock() - t0)
    diffs.sort()
    return diffs[len(diffs) // 2]


def run_ping(engine: AudioEngine, count: int, rate: float, keep_samples: bool = False,
             created_ns: Optional[int] = None) -> Dict[str, Any]:
    """Sends `count` pings at `rate` per second; returns the measurements
    (with every round trip, in ms, under "rtt_samples_ms" if keep_samples).

    The first pong says when the audio started answering: its time since
    `created_ns` (when the engine's constructor returned; default now) is
    reported as the start-up, and only pings sent after it count in the
    steady-state round trip.

    Each steady round trip is measured twice: on the wall clock (what a
    program waits, scheduler included) and on the engine's own clock, as
    the pong's frame less the engine's frame read right after the send
    ("rtt_frames_max"). The block that started at that frame began after
    the ping was in the ring, so an engine that takes every ping in the
    first block it starts after the send answers within one block of
    frames, however late the machine ran either thread.

    send_ping() is timed cold, as a program that pings now and then calls
    it: right after the wait for the ping's turn. Every other ping, a bare
    cffi call of the library's no-op is timed in its place under the same
    conditions (and the ping sent untimed after it), as the floor."""
    overhead = clock_overhead_ns()
    period_ns = int(1e9 / rate)
    offline = engine if isinstance(engine, OfflineEngine) else None
    nop = lib.engine_nop
    # seq -> (clock() before the send, engine.frame after it)
    sent_at: Dict[int, Tuple[int, int]] = {}
    costs, floor, rtts = [], [], []
    rtt_frames: List[int] = []
    rejected = 0

    first_pong: List[int] = []    # [clock() of the first pong]

    def take(reply: Reply, now: int) -> None:
        if not isinstance(reply, Pong):
            return  # an event of some voice: not a ping's answer
        sent = sent_at.pop(reply.seq, None)
        if not first_pong:
            first_pong.append(now)
        elif sent is not None and sent[0] >= first_pong[0]:
            rtts.append(now - sent[0])
            rtt_frames.append(reply.frame - sent[1])

    start = clock()
    if created_ns is None:
        created_ns = start
    for i in range(count):
        # Until this ping is due, wait for pongs (recv sleeps between polls).
        due = start + i * period_ns
        while True:
            left = due - clock()
            if left <= 0:
                break
            try:
                pong = engine.recv(timeout=left / 1e9)
            except EngineTimeoutError:
                break
            take(pong, clock())
        floor_turn = i % 2 == 1
        if floor_turn:
            t0 = clock()
            nop()
            floor.append(max(0, clock() - t0 - overhead))
        t0 = clock()
        try:
            seq = engine.send_ping()
        except RingFullError:
            rejected += 1
            continue
        t1 = clock()
        if not floor_turn:
            costs.append(max(0, t1 - t0 - overhead))
        sent_at[seq] = (t0, engine.frame)
        if offline is not None:
            offline.process()
        waiting = engine.try_recv()
        while waiting is not None:
            take(waiting, clock())
            waiting = engine.try_recv()

    # The last pongs: allow 3 s (a sound server may take seconds to start a
    # stream), or four blocks if those are longer.
    grace_ns = max(3_000_000_000, 4 * engine.block_frames * 1_000_000_000 // engine.sample_rate)
    deadline = clock() + grace_ns
    while sent_at and clock() < deadline:
        try:
            pong = engine.recv(timeout=max(0, deadline - clock()) / 1e9)
        except EngineTimeoutError:
            break
        take(pong, clock())

    costs.sort()
    floor.sort()
    rtts.sort()
    stats = engine.stats

    def ms(ns: Optional[float]) -> Optional[float]:
        return None if ns is None else round(ns / 1e6, 3)

    report = {
        "backend": engine.backend,
        "device": engine.device,
        "note": engine.note,
        "sample_rate": engine.sample_rate,
        "block_frames": engine.block_frames,
        "capacity": engine.capacity,
        "count": count,
        "rate": rate,
        "pings_sent": count - rejected,
        "pongs_received": count - rejected - len(sent_at),
        "first_pong_ms": ms(first_pong[0] - created_ns) if first_pong else None,
        "steady_pings": len(rtts),
        "latency_ms": round(engine.latency * 1000, 3),
        "pings_rejected": stats.pings_rejected,
        "pongs_dropped": stats.pongs_dropped,
        "xruns": stats.xruns,
        "send_ping_ns_median": percentile(costs, 50),
        "send_ping_ns_p99": percentile(costs, 99),
        "bare_call_ns_median": percentile(floor, 50),
        "bare_call_ns_p99": percentile(floor, 99),
        "rtt_ms_p50": ms(percentile(rtts, 50)),
        "rtt_ms_p99": ms(percentile(rtts, 99)),
        "rtt_ms_max": ms(rtts[-1] if rtts else None),
        "rtt_frames_max": max(rtt_frames) if rtt_frames else None,
        "warnings": engine.pop_warnings(),
    }
    if keep_samples:
        report["rtt_samples_ms"] = [ns / 1e6 for ns in rtts]
    return report


Tick = Optional[Callable[..., None]]


def _render_offline(engine: OfflineEngine, frames: int, tick: Tick) -> float:
    """Renders `frames` on the offline backend, in slices of a twelfth of a
    second of audio when `tick` is given, shown after each (rendering runs
    faster than time); returns the peak of what was rendered."""
    step = frames if tick is None else max(1, engine.sample_rate // 12)
    peak = 0.0
    done = 0
    while done < frames:
        n = min(step, frames - done)
        out = array.array("f", bytes(4 * n * engine.channels))
        engine.render_into(out)
        peak = max(peak, max((abs(x) for x in out), default=0.0))
        done += n
        if tick is not None:
            tick(force=True)
    return peak


def _wait_while_playing(engine: AudioEngine, until_frame: int, deadline: float,
                        tick: Tick, nap: float = 0.01) -> None:
    """Waits until the engine reaches `until_frame`, stops, or the deadline
    (time.monotonic()) passes, calling `tick` as it goes."""
    while engine.frame < until_frame and engine.state == "running" and \
            time.monotonic() < deadline:
        if tick is not None:
            tick()
        time.sleep(nap)


def run_tone(engine: AudioEngine, freq: float, gain: float, seconds: float,
             tick: Tick = None) -> Dict[str, Any]:
    """Plays `freq` Hz at `gain` on voice 0 for `seconds` (rendered, on the
    offline backend); returns what happened. `tick`, when given, is called
    as it plays (the live meters)."""
    fade = max(1, engine.sample_rate // 200)  # 5 ms in and out: no click
    engine.set_param(0, "gain", 0.0)
    engine.set_param(0, "freq", freq)
    engine.set_param(0, "gain", gain, ramp=fade)
    frames = int(round(seconds * engine.sample_rate))
    peak = None
    if isinstance(engine, OfflineEngine):
        peak = _render_offline(engine, frames, tick)
    else:
        start = engine.frame
        deadline = time.monotonic() + seconds + 5  # a server may take a moment to start
        _wait_while_playing(engine, start + frames, deadline, tick)
        engine.set_param(0, "gain", 0.0, ramp=fade)
        end = engine.frame + fade + 2 * engine.block_frames
        _wait_while_playing(engine, end, deadline, None, nap=0.005)
        if tick is not None:
            tick(force=True)
    stats = engine.stats
    return {
        "backend": engine.backend,
        "device": engine.device,
        "note": engine.note,
        "sample_rate": engine.sample_rate,
        "channels": engine.channels,
        "freq": freq,
        "gain": gain,
        "seconds": seconds,
        "frames_played": stats.frames,
        "latency_ms": round(engine.latency * 1000, 3),
        "peak": peak,
        "state": engine.state,
        "stop_reason": engine.stop_reason,
        "xruns": stats.xruns,
        "late": stats.late,
        "warnings": engine.pop_warnings(),
    }


def run_play(engine: AudioEngine, path: str, loop: bool, gain: float,
             seconds: Optional[float], tick: Tick = None) -> Dict[str, Any]:
    """Loads `path` and plays it on voice 0 at `gain` (looped when `loop`),
    for its length or `seconds`; rendered on the offline backend. Returns
    what was loaded and played. `tick` as run_tone()'s."""
    t0 = time.monotonic()
    buf = engine.load_file(path)
    load_s = time.monotonic() - t0
    length = buf.frames / engine.sample_rate
    play_s = seconds if seconds is not None else (length if not loop else length)
    frames = int(round(play_s * engine.sample_rate))
    engine.set_param(0, "gain", gain)
    engine.play(0, buf, loop=loop)
    peak = None
    if isinstance(engine, OfflineEngine):
        peak = _render_offline(engine, frames, tick)
    else:
        start = engine.frame
        deadline = time.monotonic() + play_s + 5
        _wait_while_playing(engine, start + frames, deadline, tick)
        if tick is not None:
            tick(force=True)
        engine.stop(0)
    buf.close()
    stats = engine.stats
    return {
        "backend": engine.backend, "device": engine.device, "note": engine.note,
        "path": path, "source_rate": buf.source_rate, "sample_rate": engine.sample_rate,
        "resampled": buf.source_rate != engine.sample_rate, "channels": buf.channels,
        "frames": buf.frames, "seconds_loaded": round(length, 3),
        "load_ms": round(load_s * 1000, 1), "played_seconds": round(play_s, 3),
        "loop": loop, "gain": gain, "peak": peak, "state": engine.state,
        "stop_reason": engine.stop_reason, "xruns": stats.xruns,
    }
