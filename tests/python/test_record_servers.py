"""Input and recording on real servers, proven by tools no one here wrote:
a known buffer played into the engine's JACK input ports by sndfile-jackplay
(Debian's sndfile-tools) is found in the engine's recording of its input
(correlation above 0.99 at one offset), and the master the engine records
on JACK holds what jack_rec, the server's own recorder, took at the same
time."""
import shutil
import subprocess
import time

import pytest

from conftest import system_env
from test_recorded import NOISE, best_alignment, play_buffer, read_wav, recorded_back
from ringengine import AudioEngine

np = pytest.importorskip("numpy", reason="the analysis needs numpy")
sf = pytest.importorskip("soundfile", reason="python-soundfile writes the buffer's file")


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
        at_mine, c_mine = best_alignment(mine[:, 0], NOISE.astype(np.float64))
        at_server, c_server = best_alignment(server[:, 0], NOISE.astype(np.float64))
        n = len(NOISE)
        both = float(np.corrcoef(mine[at_mine:at_mine + n, 0],
                                 server[at_server:at_server + n, 0])[0, 1]) \
            if at_mine + n <= len(mine) and at_server + n <= len(server) else 0.0
        return [(at_mine, c_mine), (at_server, c_server), (0, both)], xruns
    recorded_back(attempt)
