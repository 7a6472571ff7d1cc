"""Command-line tools: python3 -m ringengine {ping,tone,play,devices} [options]

ping     starts an engine, sends pings at a steady rate, collects the pongs
         and reports the backend chosen, the time to the first pong, the cost
         of send_ping(), the steady round-trip latency and every drop count.
         Exits 1 when a ping went unanswered.
tone     plays a sine on the chosen backend (as speaker-test answers "does it
         make sound?"). Exits 1 when the audio stopped.
play     loads an audio file (resampled to the engine's rate) and plays it, as
         sox's play does, saying what it loaded. Exits 1 when the audio stopped.
         Both take --meter: live meters of the master, the buses and the
         voices heard, and the DSP load, while it plays.
devices  lists the output devices, the one `auto` would open marked '>'.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List, Optional, TextIO

from . import (BACKENDS, DEFAULTS, AudioEngine, DeviceList, EngineError, __version__,
               query_devices)
from ._commands import clock, run_ping, run_play, run_tone
from ._monitor import MeterView, watch


def print_report(r: Dict[str, Any], out: TextIO) -> None:
    block_ms = r["block_frames"] * 1000 / r["sample_rate"]
    print("ringengine %s: backend %s, device %r" % (__version__, r["backend"], r["device"]), file=out)
    if r["note"]:
        print("  (%s)" % r["note"], file=out)
    print("  %d Hz, blocks of %d frames (%.2f ms), rings of %d messages, "
          "output latency %.2f ms" % (r["sample_rate"], r["block_frames"], block_ms,
                                      r["capacity"], r["latency_ms"]), file=out)
    print("%d pings sent at %g/s, %d pongs received"
          % (r["pings_sent"], r["rate"], r["pongs_received"]), file=out)

    def num(v: Optional[float], fmt: str) -> str:
        return "n/a" if v is None else fmt % v

    print("start-up:     first pong %s after create" % num(r["first_pong_ms"], "%.3f ms"),
          file=out)
    print("send_ping():  median %s, p99 %s, called cold (bare cffi call: median %s, p99 %s)"
          % (num(r["send_ping_ns_median"], "%d ns"), num(r["send_ping_ns_p99"], "%d ns"),
             num(r["bare_call_ns_median"], "%d ns"), num(r["bare_call_ns_p99"], "%d ns")),
          file=out)
    print("round trip:   p50 %s, p99 %s, max %s (the %d pings after the first pong)"
          % (num(r["rtt_ms_p50"], "%.3f ms"), num(r["rtt_ms_p99"], "%.3f ms"),
             num(r["rtt_ms_max"], "%.3f ms"), r["steady_pings"]), file=out)
    print("              on the engine's clock: taken within %s of the send (a block is %d)"
          % (num(r["rtt_frames_max"], "%d frames"), r["block_frames"]), file=out)
    print("drops:        pings_rejected %d, pongs_dropped %d, xruns %d"
          % (r["pings_rejected"], r["pongs_dropped"], r["xruns"]), file=out)
    for warning in r["warnings"]:
        print("warning: %s" % warning, file=out)


def print_tone(r: Dict[str, Any], out: TextIO) -> None:
    print("ringengine %s: backend %s, device %r" % (__version__, r["backend"], r["device"]), file=out)
    if r["note"]:
        print("  (%s)" % r["note"], file=out)
    print("played %g Hz at gain %g for %g s: %d frames at %d Hz, %d channels, "
          "output latency %.2f ms, xruns %d"
          % (r["freq"], r["gain"], r["seconds"], r["frames_played"], r["sample_rate"],
             r["channels"], r["latency_ms"], r["xruns"]), file=out)
    if r["state"] != "running":
        print("the audio stopped: %s" % r["stop_reason"], file=out)
    for warning in r["warnings"]:
        print("warning: %s" % warning, file=out)


def print_play(r: Dict[str, Any], out: TextIO) -> None:
    print("ringengine %s: backend %s, device %r" % (__version__, r["backend"], r["device"]), file=out)
    if r["note"]:
        print("  (%s)" % r["note"], file=out)
    print("loaded %s: %d channel%s at %d Hz, %.3f s, %s, in %.1f ms"
          % (r["path"], r["channels"], "" if r["channels"] == 1 else "s", r["source_rate"],
             r["seconds_loaded"], "resampled to %d Hz" % r["sample_rate"] if r["resampled"]
             else "at the engine's rate", r["load_ms"]), file=out)
    print("played %.3f s%s at gain %g, xruns %d"
          % (r["played_seconds"], " looped" if r["loop"] else "", r["gain"], r["xruns"]),
          file=out)
    if r["state"] != "running":
        print("the audio stopped: %s" % r["stop_reason"], file=out)


def print_devices(devices: DeviceList, out: TextIO) -> None:
    """Prints devices as python -m sounddevice does: the one `auto` would open
    (the first API's default) marked '>'."""
    if not devices:
        print("no output devices found (%s)" % (devices.notes or "no audio API answered"), file=out)
        return
    chosen = next((d for d in devices if d.is_default and d.api == devices[0].api), devices[0])
    for i, d in enumerate(devices):
        mark = ">" if d is chosen else " "
        default = ", default" if d.is_default else ""
        print("%s %2d %s, %s (%d out%s)" % (mark, i, d.name, d.api, d.output_channels, default),
              file=out)
    if devices.notes:
        print("(%s)" % devices.notes, file=out)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1, not %d" % value)
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be greater than 0, not %s" % text)
    return value


def add_engine_arguments(command: argparse.ArgumentParser) -> None:
    """The options of the commands that open an engine and play."""
    command.add_argument("--backend", choices=list(BACKENDS), default="auto")
    command.add_argument("--device", help="output device name or unique substring")
    command.add_argument("--api", help="jack, pulse or alsa")
    command.add_argument("--sample-rate", type=positive_int, default=DEFAULTS["sample_rate"])
    command.add_argument("--block-frames", type=positive_int, default=DEFAULTS["block_frames"])
    command.add_argument("--json", action="store_true",
                         help="print one JSON object (with --meter: one a line for each "
                              "snapshot of the meters, then the report)")
    command.add_argument("--meter", action="store_true",
                         help="show live meters (peak and RMS of the master, the buses and "
                              "the voices heard, clip marks) and the DSP load while it plays")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m ringengine",
                                     description="ringengine command-line tools")
    commands = parser.add_subparsers(dest="command", required=True)
    ping = commands.add_parser(
        "ping", help="ping the audio thread and report costs and latency",
        description="Start an engine, send pings at a steady rate, collect the pongs, and "
                    "report the backend, the cost of send_ping() (clock overhead "
                    "subtracted), the round-trip latency and every drop count. Exits 1 "
                    "when a ping went unanswered.")
    ping.add_argument("--backend", choices=list(BACKENDS), default="auto")
    ping.add_argument("--device", help="output device name or unique substring")
    ping.add_argument("--api", help="RtAudio API: jack, pulse or alsa "
                                    "(default: $RINGENGINE_API, else each in that order)")
    ping.add_argument("--count", type=positive_int, default=1000, help="pings to send (1000)")
    ping.add_argument("--rate", type=positive_float, default=1000.0,
                      help="pings per second (1000)")
    ping.add_argument("--sample-rate", type=positive_int, default=DEFAULTS["sample_rate"])
    ping.add_argument("--block-frames", type=positive_int, default=DEFAULTS["block_frames"])
    ping.add_argument("--json", action="store_true", help="print one JSON object")
    ping.add_argument("--samples", action="store_true",
                      help="with --json: every steady round trip, in ms, as rtt_samples_ms")
    tone = commands.add_parser(
        "tone", help="play a sine tone",
        description="Play a sine on voice 0 of an engine on the chosen backend, with 5 ms "
                    "fades, and report what was played. On the null backend nothing is "
                    "heard; on offline the tone is rendered and its peak reported.")
    tone.add_argument("freq", type=positive_float, help="frequency in Hz")
    tone.add_argument("--gain", type=float, default=0.2, help="linear gain, 0..16 (0.2)")
    tone.add_argument("--seconds", type=float, default=2.0, help="how long (2)")
    add_engine_arguments(tone)
    play = commands.add_parser(
        "play", help="play an audio file",
        description="Load a file (WAV, AIFF, FLAC, Ogg Vorbis, Opus, MP3, ...; resampled to "
                    "the engine's rate) and play it on voice 0, as sox's play does, and say "
                    "what was loaded. On offline it is rendered (--json gives its peak).")
    play.add_argument("file", help="the audio file")
    play.add_argument("--loop", action="store_true", help="loop it (for --seconds)")
    play.add_argument("--gain", type=float, default=1.0, help="linear gain, 0..16 (1)")
    play.add_argument("--seconds", type=positive_float, help="how long (default: the file's length)")
    add_engine_arguments(play)
    devices = commands.add_parser(
        "devices", help="list the output devices",
        description="List the output devices of every audio API (or of --api), the one "
                    "backend 'auto' would open marked '>'. Says so when no server runs.")
    devices.add_argument("--api", help="jack, pulse or alsa (default: all)")
    args = parser.parse_args(argv)

    if args.command == "devices":
        try:
            print_devices(query_devices(args.api), sys.stdout)
        except EngineError as e:
            print("ringengine: %s" % e, file=sys.stderr)
            return 2
        return 0

    try:
        with AudioEngine(backend=args.backend, device=args.device, api=args.api,
                         sample_rate=args.sample_rate, block_frames=args.block_frames) as engine:
            created_ns = clock()
            view = None
            if getattr(args, "meter", False):
                what = ("tone %g Hz" % args.freq if args.command == "tone"
                        else "play %s" % args.file)
                view = MeterView(engine, sys.stdout, args.json, "ringengine %s %s: backend %s, "
                                 "%d Hz, %d channels" % (__version__, what, engine.backend,
                                                        engine.sample_rate, engine.channels))
            if args.command == "tone":
                if not args.seconds >= 0:
                    parser.error("--seconds must be >= 0")
                report = run_tone(engine, args.freq, args.gain, args.seconds, watch(view))
            elif args.command == "play":
                report = run_play(engine, args.file, args.loop, args.gain, args.seconds,
                                  watch(view))
            else:
                report = run_ping(engine, args.count, args.rate, keep_samples=args.samples,
                                  created_ns=created_ns)
    except EngineError as e:
        print("ringengine: %s" % e, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report))
    elif args.command == "tone":
        print_tone(report, sys.stdout)
    elif args.command == "play":
        print_play(report, sys.stdout)
    else:
        print_report(report, sys.stdout)
    if args.command in ("tone", "play"):
        return 0 if report["state"] == "running" else 1
    return 0 if report["pongs_received"] == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
