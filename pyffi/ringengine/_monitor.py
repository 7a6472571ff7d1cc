"""The live meters of the command line (`tone ... --meter`, `play FILE
--meter`): the master, the buses and the voices that sound, and the DSP
load, drawn as bars in the terminal a dozen times a second (as alsamixer and
pavumeter do), or printed as one JSON object a line with --json."""
from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, TextIO

if TYPE_CHECKING:
    from ._engine import AudioEngine
    from ._replies import Meter

#: The bars' range: FLOOR_DB at the left end, 0 dBFS at the right.
FLOOR_DB = -60.0
BAR_WIDTH = 40
#: How often the view is drawn, in seconds.
INTERVAL = 1 / 12

# Home, then clear to the end of the screen: each frame is drawn over the last.
_REDRAW = "\x1b[H\x1b[J"


def decibels(level: float) -> float:
    """20 log10(level), or -inf for silence."""
    return 20 * math.log10(level) if level > 0 else -math.inf


def bar(level: float) -> str:
    """`level` (linear) as BAR_WIDTH characters: '#' up to it on the dB
    scale, '-' after; a level past full scale ends in '!' marks."""
    db = decibels(level)
    filled = 0 if db <= FLOOR_DB else round(min(1.0, (db - FLOOR_DB) / -FLOOR_DB) * BAR_WIDTH)
    text = "#" * filled + "-" * (BAR_WIDTH - filled)
    return text[:-3] + "!!!" if level > 1.0 else text


def _label_db(level: float) -> str:
    db = decibels(level)
    return "  -inf" if db == -math.inf else "%+6.1f" % db


def _heard(meter: Meter) -> bool:
    return any(p > 0 for p in meter.peak) or meter.clips > 0


class MeterView:
    """Draws (or prints) the engine's meters each time `show()` is called."""

    def __init__(self, engine: AudioEngine, out: TextIO, as_json: bool, title: str) -> None:
        self.engine = engine
        self.out = out
        self.as_json = as_json
        self.title = title
        self.clips_seen: Dict[str, int] = {}

    def snapshot(self) -> Dict[str, Any]:
        """What is shown: the frame, the DSP load since the last snapshot,
        the master, and the buses and voices heard in their last window."""
        e = self.engine
        meters = e.meters()
        load = e.read_dsp_load()

        def one(m: Meter) -> Dict[str, Any]:
            return {"peak": list(m.peak), "rms": list(m.rms), "clips": m.clips}

        return {
            "frame": e.frame,
            "dsp_load": {"average": load.average, "peak": load.peak},
            "master": one(meters.master),
            "buses": {str(i): one(m) for i, m in enumerate(meters.buses) if _heard(m)},
            "voices": {str(i): one(m) for i, m in enumerate(meters.voices) if _heard(m)},
        }

    def show(self) -> Dict[str, Any]:
        snap = self.snapshot()
        if self.as_json:
            print(json.dumps(snap), file=self.out, flush=True)
        else:
            self.out.write(_REDRAW + "\n".join(self.lines(snap)) + "\n")
            self.out.flush()
        return snap

    def lines(self, snap: Dict[str, Any]) -> List[str]:
        load = snap["dsp_load"]
        lines = [self.title,
                 "frame %d   DSP load %5.1f %% (peak %5.1f %%)   scale %d .. 0 dBFS, '!' past 0"
                 % (snap["frame"], 100 * load["average"], 100 * load["peak"], FLOOR_DB), ""]
        rows = [("master", snap["master"])]
        rows += [("bus %s" % i, m) for i, m in snap["buses"].items()]
        rows += [("voice %s" % i, m) for i, m in snap["voices"].items()]
        names = "LR" if len(snap["master"]["peak"]) == 2 else None
        for name, m in rows:
            clipped = m["clips"] > self.clips_seen.get(name, 0)
            self.clips_seen[name] = m["clips"]
            for c, (peak, rms) in enumerate(zip(m["peak"], m["rms"])):
                channel = names[c] if names else str(c + 1)
                lines.append("%-9s %s [%s] peak %s rms %s dB%s"
                             % (name if c == 0 else "", channel, bar(peak), _label_db(peak),
                                _label_db(rms), "  CLIP %d" % m["clips"]
                                if c == 0 and (clipped or m["clips"]) else ""))
        return lines


def watch(view: Optional[MeterView]) -> Optional[Callable[..., None]]:
    """The callback the commands call while they play: shows the view at
    most every INTERVAL seconds (None: no view, nothing to do)."""
    import time

    if view is None:
        return None
    shown = view
    last = [0.0]

    def tick(force: bool = False) -> None:
        now = time.monotonic()
        if force or now - last[0] >= INTERVAL:
            last[0] = now
            shown.show()

    return tick
