"""Recording, proven by content on the offline backend: the master recorded
to a file is render()'s output bit for bit; an input fed in comes back in a
recorded buffer bit for bit from the frame asked; a full disk (a 64 KiB
tmpfs) ends a recording with an error naming the cause while the engine
plays on; the input is not heard unless a bus takes it."""
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import optional_module

from ringengine import AudioEngine, InvalidArgumentError, RecordEnded, RecordingError

np = optional_module("numpy")  # PyPy: the tests that need it skip
sf = optional_module("soundfile")


def _tones(engine):
    engine.set_param(0, "freq", 440.0)
    engine.set_param(0, "gain", 0.25)
    engine.set_param(1, "freq", 1234.5, at=300)
    engine.set_param(1, "gain", 0.5, at=300)


def test_master_recorded_to_wav_is_render_bit_for_bit(tmp_path):
    path = tmp_path / "master.wav"
    with AudioEngine(backend="offline", block_frames=128) as a, \
            AudioEngine(backend="offline", block_frames=128) as b:
        _tones(a)
        _tones(b)
        rec = a.record(path, at=1000, frames=5000)
        got = a.render(8000)
        want = b.render(8000)
        assert np.array_equal(got, want), "recording changed what is played"
        rec.wait(timeout=10)
        assert rec.frames == 5000 and rec.overruns == 0 and rec.start_frame == 1000
        ended = [r for r in a.recv_many() if isinstance(r, RecordEnded)]
        assert [(r.recording, r.cause, r.frame, r.frames) for r in ended] == \
            [(rec.id, 1, 6016, 5000)], "ended in the block of frame 6000 (blocks of 128)"
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    assert rate == 48000 and data.shape == (5000, 2)
    assert np.array_equal(data, want[1000:6000]), "the file is not the master, frame for frame"
    assert np.any(data != 0)


def test_stop_ends_the_file_at_the_exact_frame(tmp_path):
    path = tmp_path / "stopped.wav"
    with AudioEngine(backend="offline", block_frames=256) as e:
        _tones(e)
        rec = e.record(path)  # the next block: frame 0
        rec.stop(at=777)
        out = e.render(2048)
        rec.wait(timeout=10)
    data, _ = sf.read(str(path), dtype="float32", always_2d=True)
    assert data.shape == (777, 2)
    assert np.array_equal(data, out[:777])


def test_flac_holds_the_master_to_24_bits(tmp_path):
    path = tmp_path / "master.flac"
    with AudioEngine(backend="offline") as e:
        _tones(e)
        rec = e.record(path, at=0, frames=4096)
        out = e.render(4096)
        rec.wait(timeout=10)
    data, _ = sf.read(str(path), dtype="float32", always_2d=True)
    assert data.shape == (4096, 2)
    assert np.max(np.abs(data - out)) < 2.0 ** -22


def test_input_comes_back_in_a_buffer_bit_for_bit_from_the_frame_asked():
    rng = np.random.default_rng(23)
    with AudioEngine(backend="offline", inputs=2, block_frames=100) as e:
        signal = rng.uniform(-1, 1, (4000, 2)).astype(np.float32)
        handle = e.record_buffer(1500, source="input", at=1234)
        out = e.render(4000, input=signal)
        assert not np.any(out), "the input was heard without being asked"
        buf = handle.result(timeout=5)
        assert handle.start_frame == 1234
        assert (buf.frames, buf.channels) == (1500, 2)
        # Played back: the samples as they came in.
        e.play(2, buf, at=e.frame)
        back = e.render(1500)
        assert np.array_equal(back, signal[1234:2734])


def test_input_is_heard_through_a_bus_when_asked():
    rng = np.random.default_rng(5)
    with AudioEngine(backend="offline", inputs=1, channels=2) as e:
        signal = rng.uniform(-0.5, 0.5, (1024, 1)).astype(np.float32)
        e.set_input(bus=3, gain_db=0.0)
        out = e.render(1024, input=signal)
        assert np.array_equal(out[:, 0], signal[:, 0]) and np.array_equal(out[:, 1], signal[:, 0])
        e.set_input(bus=3, gain_db=float("-inf"))
        assert not np.any(e.render(512, input=signal[:512]))


def test_a_bus_recorded_alone_leaves_the_master_unchanged(tmp_path):
    with AudioEngine(backend="offline") as a, AudioEngine(backend="offline") as b:
        for e in (a, b):
            _tones(e)
            e.set_param(1, "bus", 2)
        rec = a.record(tmp_path / "bus2.wav", source=2, at=0, frames=3000)
        got = a.render(3000)
        assert np.array_equal(got, b.render(3000))
        rec.wait(timeout=10)
    with AudioEngine(backend="offline") as c:  # voice 1 alone
        c.set_param(1, "freq", 1234.5, at=300)
        c.set_param(1, "gain", 0.5, at=300)
        alone = c.render(3000)
    data, _ = sf.read(str(tmp_path / "bus2.wav"), dtype="float32", always_2d=True)
    assert np.array_equal(data, alone)


def test_bad_requests_say_why(tmp_path):
    with AudioEngine(backend="offline") as e:
        with pytest.raises(InvalidArgumentError, match="no inputs"):
            e.record_buffer(100, source="input")
        with pytest.raises(InvalidArgumentError, match="source"):
            e.record(tmp_path / "x.wav", source=99)
        with pytest.raises(InvalidArgumentError, match="suffix"):
            e.record(tmp_path / "x.mp9")
        with pytest.raises(Exception, match="cannot open"):
            e.record(tmp_path / "no" / "such" / "dir.wav")
        with pytest.raises(InvalidArgumentError, match="no inputs"):
            e.render(16, input=np.zeros((16, 1), np.float32))
    with AudioEngine(backend="offline", inputs=2) as e:
        with pytest.raises(InvalidArgumentError, match="inputs"):
            e.render(16, input=np.zeros((16, 3), np.float32))


@pytest.fixture
def tiny_disk():
    """A 64 KiB tmpfs: a disk that fills up after about 8000 stereo frames."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    np.float32  # without numpy the test skips here, before anything is mounted
    where = tempfile.mkdtemp(prefix="ringengine-full-")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", where],
                      capture_output=True).returncode != 0:
        os.rmdir(where)
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield where
    finally:
        subprocess.run(["umount", where], check=False)
        os.rmdir(where)


def test_a_full_disk_ends_the_recording_and_the_engine_plays_on(tiny_disk):
    with AudioEngine(backend="offline") as a, AudioEngine(backend="offline") as b:
        _tones(a)
        _tones(b)
        rec = a.record(os.path.join(tiny_disk, "big.wav"), at=0, ring_frames=4096)
        blocks = []
        for _ in range(100):
            blocks.append(a.render(1024))
            # Offline runs faster than any disk: the writer is given the time
            # to catch up, so what ends the recording is the disk, not an overrun.
            # (A writer that failed makes no progress: 0.2 s without any ends the wait.)
            last, still = rec.written, time.monotonic()
            while not rec.done() and rec.written < rec.frames:
                if rec.written != last:
                    last, still = rec.written, time.monotonic()
                elif time.monotonic() - still > 0.2:
                    break
                time.sleep(0.001)
        got = np.concatenate(blocks)
        with pytest.raises(RecordingError, match="No space left on device"):
            rec.wait(timeout=30)
        assert rec.overruns > 0
        assert rec.frames - rec.overruns <= 64 * 1024 // 8
        assert np.array_equal(got, b.render(len(got))), "the engine did not play on"
        assert a.stats.xruns == 0
        # The event that names the cause: a write error, for this recording.
        ended = [r for r in a.recv_many() if isinstance(r, RecordEnded)]
        assert [(r.recording, r.cause) for r in ended] == [(rec.id, 3)]
        assert ended[0].frames == rec.frames


def test_offline_rendering_waits_for_a_writer_behind_a_small_ring(tmp_path):
    with AudioEngine(backend="offline") as a, AudioEngine(backend="offline") as b:
        _tones(a)
        _tones(b)
        # A ring of 512 frames and 64 blocks rendered at once: offline, each
        # block waits for the writer to make room, so nothing is lost.
        rec = a.record(tmp_path / "fast.wav", at=0, ring_frames=512)
        got = a.render(64 * 1024)
        rec.stop()
        a.render(1024)
        rec.wait(timeout=10)
        assert rec.overruns == 0 and rec.written == rec.frames >= 64 * 1024
        assert np.array_equal(got, b.render(len(got)))
    data, _ = sf.read(str(tmp_path / "fast.wav"), dtype="float32", always_2d=True)
    assert np.array_equal(data[:len(got)], got), "the file is the master, frame for frame"


def test_a_five_second_offline_recording_with_the_default_ring_is_whole(tmp_path):
    # Longer than its ring (two seconds), rendered in one call: every lap of
    # the ring, its seams included, reaches the file sample for sample.
    path = tmp_path / "five.wav"
    with AudioEngine(backend="offline") as e:
        _tones(e)
        rec = e.record(path, at=100, frames=5 * 48000)
        out = e.render(5 * 48000 + 1024)
        rec.wait(timeout=30)
        assert rec.frames == rec.written == 5 * 48000 and rec.overruns == 0
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    assert rate == 48000 and data.shape == (5 * 48000, 2)
    wrong = np.flatnonzero(np.any(data != out[100:100 + 5 * 48000], axis=1))
    assert wrong.size == 0, f"{wrong.size} frames differ, the first {wrong[:5]}"


def test_the_null_backend_gives_silence_at_its_clock(tmp_path):
    with AudioEngine(backend="null", inputs=2, block_frames=128) as e:
        rec = e.record(tmp_path / "null-input.wav", source="input", frames=4800)
        rec.wait(timeout=10)
        assert rec.start_frame is not None and rec.start_frame % 128 == 0, "at a block"
    data, _ = sf.read(str(tmp_path / "null-input.wav"), dtype="float32", always_2d=True)
    assert data.shape == (4800, 2) and not np.any(data)
