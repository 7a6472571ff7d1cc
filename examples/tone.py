"""Plays an A major chord for two seconds on the default backend, each note
entering at an exact frame, then fades it out without a click."""
import time

import ringengine

with ringengine.AudioEngine(voices=3) as engine:
    start = engine.frame + engine.sample_rate // 10  # 100 ms from now
    for voice, (freq, delay) in enumerate([(440.0, 0.0), (554.37, 0.25), (659.25, 0.5)]):
        at = start + int(delay * engine.sample_rate)
        engine.set_param(voice, "gain", 0.0, at=at)
        engine.set_param(voice, "freq", freq, at=at)
        engine.set_param(voice, "gain", 0.2, at=at, ramp=240)  # 5 ms fade-in
    time.sleep(2.0)
    for voice in range(3):
        engine.set_param(voice, "gain", 0.0, ramp=engine.sample_rate // 10)
    time.sleep(0.2)
    print("played on %s (%s); late commands: %d" % (engine.backend, engine.device,
                                                     engine.stats.late))
