"""Audio files in: decoded by libsndfile, resampled by libsoxr to the
engine's rate, off the audio thread. Every file is made here, by
python-soundfile, numpy, FFmpeg or sox; none is kept in the repository."""
import os
import platform
import shutil
import subprocess
import time

import pytest

from conftest import optional_module

from ringengine import (AudioEngine, BufferTableFullError, DecodeError, EngineError,
                        FileMissingError, InvalidArgumentError, LoadCancelledError)

np = optional_module("numpy")  # PyPy: the tests that need it skip
sf = optional_module("soundfile")


def sine(rate, seconds, freq=1000.0, amplitude=0.5, channels=1):
    n = np.arange(int(rate * seconds))
    x = amplitude * np.sin(2 * np.pi * freq * n / rate)
    return x if channels == 1 else np.stack([x * (c + 1) / channels for c in range(channels)], 1)


def played(engine, buf):
    """The buffer's samples as the engine plays them (gain 1, pan 0)."""
    engine.play(0, buf)
    return engine.render(buf.frames)


def error_against_ideal(out, rate, freq=1000.0, amplitude=0.5, edge=4800):
    """dB of the error against the ideal sine at `rate`, phase and amplitude
    fixed (no fit that would hide a delay or a gain), away from the edges."""
    n = np.arange(len(out))
    ideal = amplitude * np.sin(2 * np.pi * freq * n / rate)
    mid = slice(edge, len(out) - edge)
    err = out[mid].astype(np.float64) - ideal[mid]
    return 20 * np.log10(np.sqrt(np.mean(err ** 2)) / np.sqrt(np.mean(ideal[mid] ** 2)))


@pytest.mark.parametrize("source_rate", [44100, 96000])
def test_a_file_at_another_rate_is_resampled_120_db_clean(tmp_path, source_rate):
    path = str(tmp_path / "sine.wav")
    sf.write(path, sine(source_rate, 2.0).astype(np.float32), source_rate, subtype="FLOAT")
    with AudioEngine(backend="offline", channels=1) as e:
        buf = e.load_file(path)
        assert (buf.source_rate, buf.path, buf.channels) == (source_rate, path, 1)
        assert buf.frames == 96000
        out = played(e, buf)[:, 0]
        assert error_against_ideal(out, 48000) < -120
        if source_rate == 44100:  # 2:1 is easy even for cubic interpolation
            quick = e.load_file(path, quality="quick")
            assert error_against_ideal(played(e, quick)[:, 0], 48000) > -120, \
                "the recipe is taken: cubic interpolation is far worse"


@pytest.mark.parametrize("fmt, subtype", [("WAV", "PCM_16"), ("WAV", "PCM_24"), ("WAV", "PCM_32"),
                                          ("WAV", "FLOAT"), ("AIFF", "PCM_16"),
                                          ("FLAC", "PCM_16"), ("FLAC", "PCM_24")])
def test_a_file_at_the_engines_rate_loads_bit_exact(tmp_path, fmt, subtype):
    path = str(tmp_path / ("x." + fmt.lower()))
    rng = np.random.default_rng(7)
    sf.write(path, rng.uniform(-0.9, 0.9, (4000, 2)), 48000, format=fmt, subtype=subtype)
    expected, _ = sf.read(path, dtype="float32")
    with AudioEngine(backend="offline") as e:
        buf = e.load_file(path)
        assert (buf.frames, buf.channels, buf.source_rate) == (4000, 2, 48000)
        assert np.array_equal(played(e, buf), expected)


def ffmpeg_decode(path, channels):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "f32le", "-ac",
                          str(channels), "-ar", "48000", "-"], capture_output=True, check=True)
    return np.frombuffer(raw.stdout, np.float32).reshape(-1, channels)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="FFmpeg encodes and decodes these")
@pytest.mark.parametrize("codec, suffix", [("libmp3lame", "mp3"), ("libvorbis", "ogg"),
                                           ("libopus", "opus")])
def test_lossy_files_decode_as_ffmpeg_decodes_them(tmp_path, codec, suffix):
    wav = str(tmp_path / "in.wav")
    # A sweep, not a sine: its cross-correlation has one peak, at the delay.
    t = np.arange(48000) / 48000
    sweep = 0.5 * np.sin(2 * np.pi * (200 * t + 1900 * t * t))
    sf.write(wav, sweep, 48000, subtype="PCM_16")
    path = str(tmp_path / ("x." + suffix))
    subprocess.run(["ffmpeg", "-v", "error", "-i", wav, "-c:a", codec, "-b:a", "128k", path],
                   check=True)
    reference = ffmpeg_decode(path, 1)[:, 0]
    with AudioEngine(backend="offline", channels=1) as e:
        out = played(e, e.load_file(path))[:, 0]
    # Decoders differ by their delay (encoder padding they drop or keep):
    # align by cross-correlation, then compare sample by sample.
    # The segment of ours from frame 4800 slid along FFmpeg's: where it
    # matches, FFmpeg's frame 4800 + lag is our frame 4800.
    lag = int(np.argmax(np.correlate(reference, out[4800:9600], "valid"))) - 4800
    start = max(4800, 4800 - lag)
    n = min(len(out), len(reference) - lag) - start - 4800
    ours, theirs = out[start:start + n], reference[start + lag:start + lag + n]
    err_db = 20 * np.log10(np.sqrt(np.mean((ours - theirs) ** 2)) / np.sqrt(np.mean(theirs ** 2)))
    # Measured here: MP3 -121 dB (libsndfile's mpg123 against FFmpeg's own
    # decoder), Vorbis -136, Opus -137, at lag 0: the same sound, to float
    # rounding. -100 dB leaves room for another build of either library.
    assert err_db < -100, "%s: %.1f dB from FFmpeg's decode at lag %d" % (suffix, err_db, lag)


def test_bad_files_get_clear_errors_and_lose_nothing(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not audio\n" * 100)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    good = tmp_path / "good.wav"
    sf.write(str(good), np.zeros((48000, 2)), 48000, subtype="PCM_16")
    cut = tmp_path / "cut.wav"
    cut.write_bytes(good.read_bytes()[:100_000])  # the header says 48000 frames
    flac = tmp_path / "good.flac"
    sf.write(str(flac), sine(48000, 1.0), 48000, subtype="PCM_24")
    cut_flac = tmp_path / "cut.flac"
    cut_flac.write_bytes(flac.read_bytes()[:flac.stat().st_size // 2])
    with AudioEngine(backend="offline") as e:
        with pytest.raises(FileMissingError, match="nowhere.wav: No such file") as missing:
            e.load_file(str(tmp_path / "nowhere.wav"))
        assert isinstance(missing.value, FileNotFoundError)
        for path, reason in [(tmp_path, "is a directory"), (text, "Format not recognised"),
                             (empty, "empty"), (cut, "truncated"), (cut_flac, "cut.flac")]:
            with pytest.raises(DecodeError, match=reason):
                e.load_file(str(path))
        with pytest.raises(InvalidArgumentError, match="quality"):
            e.load_file(str(good), quality="best")
        with pytest.raises(InvalidArgumentError, match="path"):
            e.load_file(42)
        assert e.stats.buffers_live == 0
    with AudioEngine(backend="offline", max_load_bytes=100_000) as small:
        with pytest.raises(EngineError, match="max_load_bytes"):
            small.load_file(str(good))  # 48000 x 2 x 4 bytes
        short = tmp_path / "short.wav"
        sf.write(str(short), np.zeros(4800), 48000, subtype="PCM_16")  # 19200 bytes
        assert small.load_file(str(short)).frames == 4800


def test_ten_thousand_failed_loads_leave_memory_flat_and_the_engine_playing(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not audio\n")

    def rss_kib():
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))

    with AudioEngine(backend="null") as e:  # a real audio thread, playing
        e.set_param(0, "freq", 440.0)
        for _ in range(500):  # warm-up: the loader threads, the allocator
            with pytest.raises(DecodeError):
                e.load_file(str(text))
        before, frame = rss_kib(), e.frame
        for _ in range(10_000):
            with pytest.raises(DecodeError):
                e.load_file(str(text))
        assert e.state == "running" and e.frame > frame, "the engine kept playing"
        assert e.voice_state(0).sounding
        if any(name in os.environ.get("LD_PRELOAD", "") for name in ("libasan", "libtsan")):
            # A sanitizer's runtime keeps records of freed memory (ASan's
            # quarantine, TSan's shadow): 112 MiB and 2.6 MiB over the
            # 10,000 here. The bound holds in the plain build.
            return
        if platform.python_implementation() == "PyPy":
            # PyPy's collector grows its own heap by some 4 MiB over the
            # 10,000 exceptions, whatever the library does: the bound is
            # CPython's. The library's blocks are counted exactly, under any
            # Python, by FailedLoadTest (tests/engine) and LeakSanitizer.
            return
        assert rss_kib() - before < 2048, "grew by %d KiB" % (rss_kib() - before)


def test_loads_run_at_once_report_progress_and_can_be_cancelled(tmp_path):
    paths = []
    for i in range(4):
        path = str(tmp_path / ("f%d.flac" % i))
        sf.write(path, sine(44100, 20.0, freq=200.0 + i), 44100, subtype="PCM_16")
        paths.append(path)
    with AudioEngine(backend="offline", channels=1) as e:
        loads = [e.load_file_async(p) for p in paths]
        victim = e.load_file_async(paths[0], quality="very_high")
        assert victim.cancel(), "20 s of FLAC, just queued: still loading"
        buffers = [load.result(timeout=60) for load in loads]
        assert [b.path for b in buffers] == paths
        assert all(load.progress == 1.0 and load.done() for load in loads)
        with pytest.raises(LoadCancelledError, match="cancelled"):
            victim.result(timeout=60)
        assert not victim.cancel(), "finished: nothing to cancel"
        assert e.stats.buffers_live == 4, "the cancelled load holds nothing"
        for b in buffers:
            b.close()
        e.process()
        e.recv_many()
        assert e.stats.buffers_live == 0


def test_a_load_is_awaitable(tmp_path):
    import asyncio
    path = str(tmp_path / "x.wav")
    sf.write(path, sine(48000, 0.5), 48000)

    async def main(engine):
        return await engine.load_file_async(path)

    with AudioEngine(backend="offline") as e:
        assert asyncio.run(main(e)).frames == 24000


def test_a_full_table_fails_the_load_and_frees_what_it_decoded(tmp_path):
    path = str(tmp_path / "x.wav")
    sf.write(path, sine(48000, 0.1), 48000)
    with AudioEngine(backend="offline", buffers=1) as e:
        e.load_file(path)
        with pytest.raises(BufferTableFullError, match="buffers"):
            e.load_file(path)
        assert e.stats.buffers_live == 1


def test_the_play_command_says_what_it_loaded_and_plays_it(tmp_path):
    import json
    import sys
    from conftest import python_env
    path = str(tmp_path / "x.wav")
    sf.write(path, sine(44100, 0.5), 44100, subtype="PCM_16")
    run = subprocess.run([sys.executable, "-m", "ringengine", "play", path, "--backend",
                          "offline", "--gain", "0.5", "--json"], env=python_env(),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["resampled"] and report["source_rate"] == 44100
    assert report["frames"] == 24000
    assert abs(report["peak"] - 0.25) < 1e-3
    missing = subprocess.run([sys.executable, "-m", "ringengine", "play",
                              str(tmp_path / "none.wav"), "--backend", "offline"],
                             env=python_env(), capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "none.wav: No such file" in missing.stderr


def test_a_file_without_read_permission_is_refused_naming_the_reason(tmp_path):
    """As a user who may not read the file (as root, whom nothing stops, the
    load runs in a child as `nobody`)."""
    import stat
    import sys
    import tempfile
    from conftest import python_env
    folder = tempfile.mkdtemp(prefix="ringengine-perm-")
    try:
        os.chmod(folder, 0o755)
        path = os.path.join(folder, "secret.wav")
        sf.write(path, np.zeros(480), 48000, subtype="PCM_16")
        os.chmod(path, 0)
        code = ("import sys, ringengine\n"
                "e = ringengine.AudioEngine(backend='offline')\n"
                "try:\n    e.load_file(sys.argv[1])\n"
                "except ringengine.DecodeError as err:\n    print('refused:', err)\n")
        command = [sys.executable, "-c", code, path]
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("as root, setpriv is needed to run the load as another user")
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + command
        run = subprocess.run(command, env=python_env(), capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 0, run.stderr
        assert "refused: load_file: %s: Permission denied" % path in run.stdout, run.stdout
    finally:
        if os.path.exists(os.path.join(folder, "secret.wav")):  # (without soundfile: never written)
            os.chmod(os.path.join(folder, "secret.wav"), stat.S_IRUSR)
        shutil.rmtree(folder)


@pytest.mark.parametrize("frames", [1, 100, 500, 8191, 8192, 8193, 16385, 44100])
def test_every_length_resamples_whole_the_short_ones_too(tmp_path, frames):
    path = str(tmp_path / "x.wav")
    sf.write(path, np.full(frames, 0.5), 44100, subtype="FLOAT")
    with AudioEngine(backend="offline", channels=1) as e:
        buf = e.load_file(path)
        expected = frames * 48000 / 44100
        assert abs(buf.frames - expected) <= 1, (buf.frames, expected)


def test_a_cut_short_aiff_is_refused_and_a_file_written_to_a_pipe_is_whole(tmp_path):
    aiff = tmp_path / "x.aiff"
    sf.write(str(aiff), np.zeros((48000, 2)), 48000, subtype="PCM_16")
    cut = tmp_path / "cut.aiff"
    cut.write_bytes(aiff.read_bytes()[:100_000])
    with AudioEngine(backend="offline") as e:
        with pytest.raises(DecodeError, match="truncated"):
            e.load_file(str(cut))
        if shutil.which("ffmpeg") is None:
            pytest.skip("FFmpeg writes the files to a pipe")
        for fmt, suffix in (("wav", "wav"), ("flac", "flac")):
            piped = tmp_path / ("piped." + suffix)
            with open(piped, "wb") as out:  # a header written before the length was known
                subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                                "sine=frequency=440:duration=0.5:sample_rate=48000",
                                "-f", fmt, "pipe:1"], stdout=out, check=True)
            assert e.load_file(str(piped)).frames == 24000, fmt
    with AudioEngine(backend="offline", max_load_bytes=10_000) as small:
        with pytest.raises(EngineError, match="max_load_bytes"):
            small.load_file(str(tmp_path / "piped.flac"))  # its length unknown until read


def test_a_load_nobody_takes_leaves_nothing_behind(tmp_path):
    import gc
    path = str(tmp_path / "x.wav")
    sf.write(path, np.zeros(4800), 48000, subtype="PCM_16")
    with AudioEngine(backend="offline", buffers=2) as e:
        for i in range(20):
            load = e.load_file_async(path)
            if i % 2:
                time.sleep(0.01)  # finished by now, most likely: its buffer goes
            del load  # never asked: the library cancels it or closes its buffer
            gc.collect()
        deadline = time.monotonic() + 10
        while e.stats.buffers_live and time.monotonic() < deadline:
            e.process()
            e.recv_many()
            time.sleep(0.005)
        assert e.stats.buffers_live == 0
        assert e.load_file(path).frames == 4800, "the table has room again"


def test_a_float_file_with_a_nan_is_refused_as_load_buffer_refuses_it(tmp_path):
    path = str(tmp_path / "nan.wav")
    samples = np.zeros((100, 2), np.float32)
    samples[40, 1] = np.nan
    sf.write(path, samples, 48000, subtype="FLOAT")
    with AudioEngine(backend="offline") as e:
        with pytest.raises(DecodeError, match="frame 40, channel 1 is NaN"):
            e.load_file(path)
        assert e.stats.buffers_live == 0
