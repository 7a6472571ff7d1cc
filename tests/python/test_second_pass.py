"""Issue 37's rows on the Python and C ABI side: bad inputs to the files
and recording calls get a clear error or a documented result."""
import errno
import io
import os
import threading
import time

import pytest

np = pytest.importorskip("numpy", reason="the inputs are numpy values and arrays")
sf = pytest.importorskip("soundfile", reason="the files are written with soundfile")

import ringengine


def test_a_path_with_a_nul_is_refused_as_open_refuses_it(offline, tmp_path):
    path = str(tmp_path / "tone.wav")
    sf.write(path, np.zeros(100, dtype=np.float32), offline.sample_rate)
    with pytest.raises(ValueError, match="embedded null byte"):
        offline.load_file(path + "\0.junk")
    with pytest.raises(ValueError, match="embedded null byte"):
        offline.load_file_async(path + "\0.junk")
    with pytest.raises(ValueError, match="embedded null byte"):
        offline.record(str(tmp_path / "take.wav") + "\0x")
    with pytest.raises(ValueError, match="embedded null byte"):
        offline.record(os.fsencode(str(tmp_path / "take.wav")) + b"\0x")
    assert not (tmp_path / "take.wav").exists()


def test_a_missing_file_carries_errno_and_filename(offline, tmp_path):
    path = str(tmp_path / "missing.wav")
    with pytest.raises(FileNotFoundError) as caught:
        offline.load_file(path)
    assert caught.value.errno == errno.ENOENT
    assert caught.value.filename == path
    assert str(caught.value).startswith("load_file: " + path)  # the message as before
    error = offline.load_file_async(path).exception(timeout=10)
    assert isinstance(error, ringengine.FileMissingError)
    assert (error.errno, error.filename) == (errno.ENOENT, path)


def test_a_timeout_carries_etimedout(offline):
    with pytest.raises(TimeoutError) as caught:
        offline.recv(timeout=0.01)
    assert caught.value.errno == errno.ETIMEDOUT
    assert caught.value.filename is None


def test_a_very_long_path_keeps_its_reason(offline, tmp_path):
    path = str(tmp_path / ("a" * 5000 + ".wav"))
    with pytest.raises(ringengine.EngineError) as caught:
        offline.load_file(path)
    assert str(caught.value).endswith("File name too long"), str(caught.value)
    with pytest.raises(ringengine.EngineError) as caught:
        offline.record(path)
    assert str(caught.value).endswith("filename too long."), str(caught.value)


def test_a_numpy_integer_is_a_source(tmp_path):
    with ringengine.AudioEngine(backend="offline", inputs=1, buses=2) as engine:
        for source in (np.int64(1), np.uint8(0), np.int32(1)):
            take = engine.record_buffer(10, source=source)
            take.close()
        engine.record(str(tmp_path / "bus.wav"), source=np.int16(1)).close()
        with pytest.raises(ringengine.InvalidArgumentError, match="source"):
            engine.record_buffer(10, source=np.bool_(True))


def test_out_of_memory_for_a_take_says_the_size_asked(offline):
    with pytest.raises(ringengine.EngineError) as caught:
        offline.record_buffer(2**36, source="master")
    text = str(caught.value)
    assert "out of memory" in text and str(2**36) in text
    assert str(2**36 * offline.channels * 4) + " bytes" in text


def test_a_bytes_path_gives_a_str_recording_path(offline, tmp_path):
    path = os.fsencode(str(tmp_path / "take.wav"))
    recording = offline.record(path, frames=10)
    assert recording.path == str(tmp_path / "take.wav")
    assert isinstance(recording.path, str)
    recording.close()


def test_a_recording_after_closing_one_of_32_says_when_its_place_is_free(offline):
    takes = [offline.record_buffer(10, source="master") for _ in range(32)]
    takes[0].close()
    with pytest.raises(ringengine.EngineError) as caught:
        offline.record_buffer(10, source="master")
    text = str(caught.value)
    assert "32 recordings are in use" in text and "next block" in text, text
    assert "buffer" not in text.split(":", 1)[1], text
    offline.process()  # the closed one is let go of
    offline.record_buffer(10, source="master").close()
    for take in takes[1:]:
        take.close()


def _wav_bytes(rate, frames=4800):
    out = io.BytesIO()
    samples = (0.25 * np.sin(np.arange(frames) * 0.05)).astype(np.float32)
    sf.write(out, samples, rate, format="WAV", subtype="FLOAT")
    return out.getvalue(), samples


def _writer(path, data, outcome):
    try:
        with open(path, "wb") as pipe:  # blocks until a reader opens it
            pipe.write(data)
        outcome.append("written")
    except BrokenPipeError:
        outcome.append("broken pipe")


def test_a_named_pipe_is_loaded_whole(offline, tmp_path):
    path = str(tmp_path / "pipe.wav")
    os.mkfifo(path)
    data, samples = _wav_bytes(offline.sample_rate)
    outcome = []
    writer = threading.Thread(target=_writer, args=(path, data, outcome), daemon=True)
    writer.start()
    buf = offline.load_file(path)
    writer.join(timeout=10)
    assert outcome == ["written"]
    assert buf.frames == len(samples) and buf.path == path


def test_a_named_pipe_is_refused_by_load_file_async_and_its_writer_let_go(offline, tmp_path):
    path = str(tmp_path / "pipe.wav")
    os.mkfifo(path)
    data, _ = _wav_bytes(offline.sample_rate, frames=48000)
    outcome = []
    writer = threading.Thread(target=_writer, args=(path, data, outcome), daemon=True)
    writer.start()
    time.sleep(0.3)  # the writer attached: blocked in open() for a reader
    with pytest.raises(ringengine.InvalidArgumentError, match="named pipe"):
        offline.load_file_async(path)
    writer.join(timeout=10)
    assert not writer.is_alive(), "the writer was left blocked"
    assert outcome == ["broken pipe"]


@pytest.mark.parametrize("example", sorted(
    name for name in os.listdir(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir,
                                             "examples")) if name.endswith(".py")))
def test_every_example_takes_a_backend(example):
    import subprocess
    import sys

    from conftest import python_env
    path = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples", example)
    run = subprocess.run([sys.executable, path, "--help"], env=python_env(),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "--backend" in run.stdout, run.stdout + run.stderr


def test_an_example_plays_on_the_backend_it_is_told():
    import subprocess
    import sys

    from conftest import python_env
    path = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples", "buffer.py")
    run = subprocess.run([sys.executable, path, "--backend", "null"], env=python_env(),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert "released" in run.stdout
    path = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "examples", "ping.py")
    run = subprocess.run([sys.executable, path, "--backend", "offline"], env=python_env(),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "backend offline" in run.stdout, run.stdout + run.stderr
