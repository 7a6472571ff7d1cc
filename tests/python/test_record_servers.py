"""Input and recording on real servers, proven by tools no one here wrote:
a known buffer played into the engine's JACK input ports by sndfile-jackplay
(Debian's sndfile-tools) is found in the engine's recording of its input
(correlation above test_recorded.HOLDS at one offset), and the master the
engine records on JACK holds what jack_rec, the server's own recorder, took
at the same time; on PulseAudio the same with paplay into the source the engine records
and parecord, on PipeWire's Pulse layer the same, and for
RtAudio's duplex streams (on ALSA through its pulse plugin, and on RtAudio's
Pulse code)."""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import run_python, system_env
from test_recorded import (NOISE, best_alignment, frames_after, parecord, play_buffer, read_raw,
                           read_wav, recorded_back, recording)
from ringengine import AudioEngine

np = pytest.importorskip("numpy", reason="the analysis needs numpy")
sf = pytest.importorskip("soundfile", reason="python-soundfile writes the buffer's file")


def both_hold_the_buffer(mine, server):
    """[(offset, correlation)] of NOISE in our recording, in the server's
    recorder's, and of the two recordings aligned on it with each other (the
    last two marked "recorder", see recorded_back)."""
    at_mine, c_mine = best_alignment(mine, NOISE.astype(np.float64))
    at_server, c_server = best_alignment(server, NOISE.astype(np.float64))
    n = len(NOISE)
    both = float(np.corrcoef(mine[at_mine:at_mine + n], server[at_server:at_server + n])[0, 1]) \
        if at_mine + n <= len(mine) and at_server + n <= len(server) else 0.0
    return [(at_mine, c_mine), (at_server, c_server, "recorder"), (0, both, "recorder")]


def test_a_buffer_played_into_the_jack_inputs_is_in_the_recording(jack_server, tmp_path):
    if shutil.which("sndfile-jackplay") is None:
        pytest.skip("sndfile-jackplay (sndfile-tools) is not installed")
    played = tmp_path / "noise.wav"
    sf.write(str(played), NOISE, 48000, subtype="FLOAT")

    def attempt(i):
        wav = tmp_path / ("input%d.wav" % i)
        with AudioEngine(backend="jack", inputs=1) as engine:
            assert engine.inputs == 1
            xruns = engine.stats.xruns
            rec = engine.record(wav, source="input")
            master = engine.record(tmp_path / ("master%d.wav" % i))
            player = subprocess.run(["sndfile-jackplay", "-a=ringengine:in_1", str(played)],
                                    env=system_env(), capture_output=True, timeout=30)
            assert player.returncode == 0, player.stderr
            time.sleep(0.3)
            rec.stop()
            master.stop()
            rec.wait(timeout=10)
            master.wait(timeout=10)
            assert rec.overruns == 0
            xruns = engine.stats.xruns - xruns
        # The input is not heard unless asked: the master stayed silent.
        heard, _ = read_wav(tmp_path / ("master%d.wav" % i))
        assert len(heard) > 48000 and not np.any(heard)
        samples, rate = read_wav(wav)
        assert rate == 48000 and samples.shape[1] == 1
        return [best_alignment(samples[:, 0], NOISE.astype(np.float64))], xruns
    recorded_back(attempt)


def test_the_master_recorded_on_jack_is_what_jack_rec_took(jack_server, tmp_path):
    if shutil.which("jack_rec") is None:
        pytest.skip("jack_rec is not installed")

    def attempt(i):
        ours, theirs = tmp_path / ("ours%d.wav" % i), tmp_path / ("theirs%d.wav" % i)
        with AudioEngine(backend="jack") as engine:
            rec = engine.record(ours)
            recorder = subprocess.Popen(
                ["jack_rec", "-f", str(theirs), "-d", "3", "-b", "32", "ringengine:out_1"],
                env=system_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            xruns = play_buffer(engine, NOISE)
            recorder.wait(timeout=30)
            rec.stop()
            rec.wait(timeout=10)
            assert rec.overruns == 0
        mine, _ = read_wav(ours)
        server, _ = read_wav(theirs)
        # Both hold the buffer; and aligned, each other.
        return both_hold_the_buffer(mine[:, 0], server[:, 0]), xruns
    recorded_back(attempt)


PAPLAY = ["paplay", "--device=null"]


def record_input_while_playing(engine, played, wav, player=PAPLAY):
    """Records `engine`'s input to `wav` while `player` (paplay by default)
    plays the file `played` into the null sink, whose monitor is the
    server's default source; the xruns the backend reported meanwhile."""
    xruns = engine.stats.xruns
    rec = engine.record(wav, source="input")
    time.sleep(0.3)
    run = subprocess.run(player + [str(played)], env=system_env(), capture_output=True,
                         timeout=30)
    assert run.returncode == 0, run.stderr
    frames_after(engine, 48000)  # the server plays what the player left it
    rec.stop()
    rec.wait(timeout=10)
    assert rec.overruns == 0
    return engine.stats.xruns - xruns


def paplay_is_in_the_pulse_input(tmp_path, sink):
    """The buffer paplay plays into `sink` is in the pulse backend's
    recorded input: its record stream takes the server's default source,
    the sink's monitor. parecord takes the same monitor meanwhile, the
    witness of what was played (see recorded_back). The buffer comes after
    a quarter of a second of silence: the first 10 to 25 frames paplay
    plays reach the null sink's monitor as zeros (in both recordings alike,
    a correlation of 0.9998), and then fall on the silence."""
    if shutil.which("paplay") is None or shutil.which("parecord") is None:
        pytest.skip("paplay and parecord are not installed")
    played = tmp_path / "noise.wav"
    sf.write(str(played), np.concatenate([np.zeros(12000, np.float32), NOISE]), 48000,
             subtype="FLOAT")

    def attempt(i):
        wav, raw = tmp_path / ("input%d.wav" % i), tmp_path / ("witness%d.raw" % i)
        with AudioEngine(backend="pulse", inputs=1) as engine:
            # The record stream's fragment: a block (256 frames) or what the server granted.
            assert 0 < engine.input_latency <= 0.5
            with recording(parecord(sink + ".monitor", raw, channels=1), system_env()):
                xruns = record_input_while_playing(engine, played, wav,
                                                   ["paplay", "--device=" + sink])
        samples, _ = read_wav(wav)
        witness = read_raw(raw)
        return [best_alignment(samples[:, 0], NOISE.astype(np.float64)),
                best_alignment(witness, NOISE.astype(np.float64)) + ("witness",)], xruns
    recorded_back(attempt)


def test_a_buffer_played_by_paplay_is_in_the_pulse_input(pulse_server, tmp_path):
    paplay_is_in_the_pulse_input(tmp_path, "null")


def test_a_buffer_played_by_paplay_is_in_the_pipewire_input(pipewire_server, tmp_path):
    """PipeWire's Pulse layer, where the record stream needs a connection
    of its own. (Not pw-play: on this VM its stream underran now and then,
    a gap in what was played that no xrun of ours can report.)"""
    paplay_is_in_the_pulse_input(tmp_path, "auto_null")


def round_trip_is_the_latency_reported(tmp_path, sink, blocks, block_frames=256):
    """Through a null sink, whose monitor is the input: the engine plays
    NOISE and records its master and its input; the buffer's offset in the
    input less its offset in the master, the round trip, is the output's
    and the input's latency reported (`latency + input_latency`, what a
    looper shifts its takes by) within `blocks` blocks. Before the input's
    latency counted the FIFO between the two streams, the sum fell short by
    2.5 to 3 blocks. Both recordings start at one frame, a quarter of a
    second ahead: started each at its command's block, the second began
    up to 4 blocks after the first under TSan, and the trip measured long
    by as much. parecord takes the sink's monitor meanwhile, the witness
    (see recorded_back). On PipeWire, once in about ten CI runs, a quantum
    (1024 frames) was gone from the input and not from the master, and no
    xrun was reported: a loss upstream of our record stream (between our
    playback and the sink's monitor, in the server) is in the witness too,
    and the attempt is made again; a loss our record stream alone took,
    with the witness holding the buffer, fails the test."""
    if shutil.which("parecord") is None:
        pytest.skip("parecord is not installed")
    trips = []

    def attempt(i):
        mine, master = tmp_path / ("in%d.wav" % i), tmp_path / ("master%d.wav" % i)
        raw = tmp_path / ("witness%d.raw" % i)
        # The witness first: a record stream joining the monitor after ours
        # had primed moved the delay ours then had (measured 2 blocks long
        # on PipeWire, 13 on PulseAudio under TSan).
        with recording(parecord(sink + ".monitor", raw, channels=1), system_env()), \
                AudioEngine(backend="pulse", inputs=1, block_frames=block_frames) as engine:
            at = engine.frame + engine.sample_rate // 4
            takes = [engine.record(mine, source="input", at=at), engine.record(master, at=at)]
            frames_after(engine, at - engine.frame)
            xruns = play_buffer(engine, NOISE)
            for take in takes:
                take.stop()
                take.wait(timeout=10)
                assert take.overruns == 0
            reported = round((engine.latency + engine.input_latency) * engine.sample_rate)
            block = engine.block_frames
        heard, _ = read_wav(mine)
        played, _ = read_wav(master)
        at_in, c_in = best_alignment(heard[:, 0], NOISE.astype(np.float64))
        at_out, c_out = best_alignment(played[:, 0], NOISE.astype(np.float64))
        witness = best_alignment(read_raw(raw), NOISE.astype(np.float64)) + ("witness",)
        trips.append((at_in - at_out, reported, block))
        return [(at_in, c_in), (at_out, c_out), witness], xruns
    recorded_back(attempt)
    measured, reported, block = trips[-1]  # the attempt that held the buffer
    assert abs(measured - reported) <= blocks * block, trips


def test_the_round_trip_on_pulseaudio_is_the_latency_reported(pulse_server, tmp_path):
    """Measured 24 to 48 frames short, in the plain build and under TSan
    alike, but 264 short once under TSan while the hypervisor stole time:
    the depth is read at one instant, and PulseAudio's output latency, its
    buffer, is not exactly the delay then."""
    round_trip_is_the_latency_reported(tmp_path, "null", blocks=2)


def test_the_round_trip_on_pipewire_is_the_latency_reported(pipewire_server, tmp_path):
    """At PipeWire's quantum, 1024 frames, in which the record data comes:
    measured to the frame, or a block long (where in the quantum's cycle
    the FIFO is primed); at 256-frame blocks the same, to the frame or 256
    frames long."""
    round_trip_is_the_latency_reported(tmp_path, "auto_null", blocks=1, block_frames=1024)


def test_the_master_recorded_on_pipewire_is_what_parecord_took(pipewire_server, tmp_path):
    """pipewire-pulse's recorder, parecord, from auto_null's monitor. (Not
    pw-record: in about one server of three here it took the buffer with a
    correlation of 0.1 to 0.4 in five attempts running, while ours held it
    and no xrun was reported, its own loss.)"""
    if shutil.which("parecord") is None:
        pytest.skip("parecord is not installed")

    def attempt(i):
        ours, raw = tmp_path / ("ours%d.wav" % i), tmp_path / ("theirs%d.raw" % i)
        with AudioEngine(backend="pulse") as engine:
            rec = engine.record(ours)
            with recording(parecord("auto_null.monitor", raw), system_env()):
                xruns = play_buffer(engine, NOISE)
            rec.stop()
            rec.wait(timeout=10)
            assert rec.overruns == 0
        mine, _ = read_wav(ours)
        server = read_raw(raw)[0::2]
        return both_hold_the_buffer(mine[:, 0], server), xruns
    recorded_back(attempt)


def test_the_master_recorded_on_pulse_is_what_parecord_took(pulse_server, tmp_path):
    if shutil.which("parecord") is None:
        pytest.skip("parecord is not installed")

    def attempt(i):
        ours, raw = tmp_path / ("ours%d.wav" % i), tmp_path / ("theirs%d.raw" % i)
        with recording(parecord("null.monitor", raw), system_env()):
            with AudioEngine(backend="pulse") as engine:
                rec = engine.record(ours)
                xruns = play_buffer(engine, NOISE)
                rec.stop()
                rec.wait(timeout=10)
                assert rec.overruns == 0
        mine, _ = read_wav(ours)
        server = read_raw(raw)[0::2]
        return both_hold_the_buffer(mine[:, 0], server), xruns
    recorded_back(attempt)




ALSA_PULSE_PLUGIN = "/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so"


# In a child process: ALSA reads its configuration, and with it whether
# PulseAudio runs (the pulse plugin's hook), once per process, at its first
# use; this process used ALSA before this test's server started.
RECORD_IN_A_CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from test_record_servers import record_input_while_playing
from ringengine import AudioEngine
with AudioEngine(backend="rtaudio", api=sys.argv[2], inputs=1) as engine:
    xruns = record_input_while_playing(engine, sys.argv[3], sys.argv[4])
    print(json.dumps({"device": engine.device, "inputs": engine.inputs, "xruns": xruns,
                      "input_latency": engine.input_latency,
                      "period": engine.block_frames / engine.sample_rate}))
"""


@pytest.mark.parametrize("api", ["alsa", "pulse"])
def test_a_buffer_played_by_paplay_is_in_the_rtaudio_duplex_input(api, pulse_server, tmp_path):
    """RtAudio's duplex stream: on ALSA, the "default" device, which
    Debian's alsa-plugins route to the running PulseAudio (the hook in
    /etc/alsa/conf.d/99-pulse.conf), so its capture is the server's default
    source, the null sink's monitor, where paplay plays; and on RtAudio's
    own PulseAudio code. Either stream's callbacks wait for the capture,
    which an idle (suspended) sink's monitor does not give: the file paplay
    plays starts with a second of silence, which runs the sink before the
    buffer comes. parecord takes the monitor meanwhile, the witness (see
    recorded_back), started first: once under ASan, with the machine loaded,
    the recording lost some 6,000 frames and RtAudio reported no xrun (its
    Pulse code reads with pa_simple, which says nothing of an overflow);
    a loss the witness has too is upstream of the engine."""
    if shutil.which("paplay") is None or shutil.which("parecord") is None:
        pytest.skip("paplay and parecord are not installed")
    if api == "alsa" and not os.path.exists(ALSA_PULSE_PLUGIN):
        pytest.skip("ALSA's pulse plugin (libasound2-plugins) is not installed")
    played = tmp_path / "noise.wav"
    silence = np.zeros(48000, np.float32)
    sf.write(str(played), np.concatenate([silence, NOISE, silence[:24000]]), 48000,
             subtype="FLOAT")

    def attempt(i):
        wav, raw = tmp_path / ("input%d.wav" % i), tmp_path / ("witness%d.raw" % i)
        with recording(parecord("null.monitor", raw, channels=1), system_env()):
            child = run_python(RECORD_IN_A_CHILD, api, str(played), str(wav))
        assert child.returncode == 0, child.stderr
        report = json.loads(child.stdout)
        assert report["inputs"] == 1
        # A period: what the callback reads was captured over the one before.
        assert report["input_latency"] == report["period"] > 0
        assert report["device"].startswith("ALSA" if api == "alsa" else "Pulse"), report
        samples, _ = read_wav(wav)
        witness = best_alignment(read_raw(raw), NOISE.astype(np.float64)) + ("witness",)
        return ([best_alignment(samples[:, 0], NOISE.astype(np.float64)), witness],
                report["xruns"])
    recorded_back(attempt)
