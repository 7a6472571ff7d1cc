"""Something to wait on (issue 37): FileLoad and Recording follow
concurrent.futures.Future, and engine.fileno() wakes an event loop while
replies wait (asyncio's add_reader; Tk's createfilehandler under Xvfb)."""
import asyncio
import os
import select
import shutil
import subprocess
import sys
import threading
import time

import array

import pytest

import ringengine
from conftest import run_python


def _wav(path, rate, frames=48000):
    # numpy and soundfile only where a file is written (PyPy has neither).
    np = pytest.importorskip("numpy", reason="the test file is written with numpy")
    sf = pytest.importorskip("soundfile", reason="the test file is written with soundfile")
    sf.write(str(path), np.zeros(frames, dtype=np.float32), rate)
    return str(path)


# -- FileLoad and Recording as futures --------------------------------------

def test_a_load_calls_its_callback_once_on_another_thread(null, tmp_path):
    path = _wav(tmp_path / "a.wav", 44100, 441000)  # resampled: takes a while
    load = null.load_file_async(path)
    called = []
    done = threading.Event()

    def callback(handle):
        called.append((handle, threading.current_thread().name))
        done.set()
    load.add_done_callback(callback)
    assert done.wait(30)
    load.result()
    time.sleep(0.05)
    assert len(called) == 1 and called[0][0] is load
    assert called[0][1] in ("ringengine-done", threading.current_thread().name)
    assert load.exception() is None and not load.cancelled() and not load.running()


def test_a_callback_added_when_done_is_called_at_once_on_this_thread(offline, tmp_path):
    load = offline.load_file_async(_wav(tmp_path / "a.wav", offline.sample_rate))
    load.result(timeout=30)
    called = []
    load.add_done_callback(lambda h: called.append(threading.current_thread().name))
    assert called == [threading.current_thread().name]


def test_a_failed_load_gives_its_exception_and_calls_back(offline, tmp_path):
    load = offline.load_file_async(str(tmp_path / "missing.wav"))
    got = threading.Event()
    load.add_done_callback(lambda h: got.set())
    assert got.wait(10)
    error = load.exception(timeout=10)
    assert isinstance(error, ringengine.FileMissingError)
    with pytest.raises(ringengine.FileMissingError):
        load.result()


def test_a_cancelled_load_says_so(null, tmp_path):
    path = _wav(tmp_path / "long.wav", 44100, 44100 * 120)
    load = null.load_file_async(path)
    called = threading.Event()
    load.add_done_callback(lambda h: called.set())
    if load.cancel():
        assert called.wait(10)
        assert load.cancelled()
        assert isinstance(load.exception(), ringengine.LoadCancelledError)
    else:  # it had finished already (a fast machine)
        assert not load.cancelled()


def test_a_callback_that_raises_is_logged_and_the_others_run(offline, tmp_path, caplog):
    load = offline.load_file_async(str(tmp_path / "missing.wav"))
    calls = []

    def bad(handle):
        raise RuntimeError("boom")
    load.add_done_callback(bad)
    load.add_done_callback(lambda h: calls.append(h))
    load.exception(timeout=10)
    # Not one after the other: a callback added once the waiter thread has
    # taken the list runs at once on this thread, while the waiter may still
    # be inside `bad`. Both must happen, in any order.
    deadline = time.monotonic() + 5
    while (not calls or "boom" not in caplog.text) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls == [load]
    assert "boom" in caplog.text


def test_a_recording_calls_back_when_done(offline, tmp_path):
    take = offline.record_buffer(512, source="master")
    called = threading.Event()
    take.add_done_callback(lambda h: called.set())
    assert not take.running() and not take.cancelled()
    for _ in range(4):  # 1024 frames (render() needs numpy, which PyPy lacks)
        offline.process()
    assert called.wait(10)
    assert take.exception(timeout=5) is None
    recording = offline.record(str(tmp_path / "m.wav"), frames=256)
    names = []
    recording.add_done_callback(lambda h: names.append(threading.current_thread().name))
    for _ in range(2):
        offline.process()
    recording.wait(timeout=10)
    deadline = time.monotonic() + 5
    while not names and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(names) == 1


def test_closing_the_engine_ends_a_waiting_callback(tmp_path):
    engine = ringengine.AudioEngine(backend="offline")
    take = engine.record_buffer(10**6, source="master")  # never ends: nothing renders
    called = threading.Event()
    take.add_done_callback(lambda h: called.set())
    engine.close()
    assert called.wait(10)


# -- engine.fileno() -----------------------------------------------------------

def _readable(fd, timeout):
    return bool(select.select([fd], [], [], timeout)[0])


def test_fileno_is_readable_while_a_pong_waits(offline):
    fd = offline.fileno()
    assert fd >= 0 and offline.fileno() == fd
    assert not _readable(fd, 0.05)
    offline.send_ping()
    assert not _readable(fd, 0.02), "no block ran: no pong"
    offline.process()
    assert _readable(fd, 2)
    assert offline.recv_many()
    assert _lowered(fd), "lowered once the pongs were taken"


def _lowered(fd, patience=10.0):
    """Whether fd stops being readable within `patience` seconds: the
    watcher looks every millisecond, but a loaded machine (or a sanitizer
    build) may not run it for a while."""
    deadline = time.monotonic() + patience
    while _readable(fd, 0):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_fileno_is_readable_while_any_reply_waits_not_only_a_pong(offline):
    """A VoiceEnded (no ping sent) raises it as a pong does."""
    fd = offline.fileno()
    buf = offline.load_buffer(array.array("f", [0.0] * 100))
    offline.process()
    offline.recv_many()
    assert _lowered(fd)
    offline.play(0, buf)
    offline.process()  # the 100 frames play and end within the block
    assert _readable(fd, 2), "a VoiceEnded waits"
    assert any(isinstance(r, ringengine.VoiceEnded) for r in offline.recv_many())
    assert _lowered(fd)


def test_fileno_wakes_asyncio_add_reader_on_the_null_backend(null):
    async def main():
        loop = asyncio.get_running_loop()
        woke = asyncio.Event()
        fd = null.fileno()
        loop.add_reader(fd, woke.set)
        try:
            for _ in range(5):
                seq = null.send_ping()
                pongs = []
                while not pongs:  # level-triggered: a wake may find none
                    woke.clear()
                    await asyncio.wait_for(woke.wait(), 2)
                    pongs = [r for r in null.recv_many() if isinstance(r, ringengine.Pong)]
                assert pongs[-1].seq == seq
        finally:
            loop.remove_reader(fd)
    asyncio.run(main())


def test_fileno_wakes_asyncio_add_reader_offline_after_process(offline):
    async def main():
        loop = asyncio.get_running_loop()
        woke = asyncio.Event()
        fd = offline.fileno()
        loop.add_reader(fd, woke.set)
        try:
            offline.send_ping()
            await asyncio.sleep(0.02)
            assert not woke.is_set()
            offline.process()
            await asyncio.wait_for(woke.wait(), 2)
            assert isinstance(offline.try_recv(), ringengine.Pong)
        finally:
            loop.remove_reader(fd)
    asyncio.run(main())


def test_fileno_stays_readable_after_close_and_receives_say_closed():
    engine = ringengine.AudioEngine(backend="offline")
    fd = engine.fileno()
    engine.close()
    assert _readable(fd, 1)
    with pytest.raises(ringengine.EngineClosedError):
        engine.try_recv()
    with pytest.raises(ringengine.EngineClosedError):
        engine.fileno()


def test_fileno_leaks_no_thread_or_descriptor():
    code = """
        import os, threading, ringengine
        def fds():
            return len(os.listdir("/proc/self/fd"))
        before = fds(), threading.active_count(), len(os.listdir("/proc/self/task"))
        for _ in range(50):
            engine = ringengine.AudioEngine(backend="offline")
            engine.fileno()
            engine.close()
            del engine
        import gc; gc.collect()
        after = fds(), threading.active_count(), len(os.listdir("/proc/self/task"))
        print(before, after)
        assert after[0] <= before[0] + 1 and after[2] <= before[2] + 1, (before, after)
    """
    run = run_python(code)
    assert run.returncode == 0, run.stdout + run.stderr


def _display():
    """A display for Tk: $DISPLAY, else an Xvfb of our own (or None)."""
    if os.environ.get("DISPLAY"):
        return os.environ["DISPLAY"], None
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        return None, None
    for number in range(97, 120):
        if os.path.exists("/tmp/.X11-unix/X%d" % number) or os.path.exists("/tmp/.X%d-lock" % number):
            continue
        server = subprocess.Popen([xvfb, ":%d" % number, "-nolisten", "tcp"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists("/tmp/.X11-unix/X%d" % number):
                return ":%d" % number, server
            if server.poll() is not None:
                break
            time.sleep(0.05)
        server.kill()
        server.wait()
    return None, None


def test_fileno_wakes_tk_createfilehandler():
    pytest.importorskip("tkinter")
    display, server = _display()
    if display is None:
        pytest.skip("no display: no $DISPLAY and no Xvfb to make one (apt-get install xvfb)")
    try:
        code = """
            import time, tkinter, ringengine
            root = tkinter.Tk()
            engine = ringengine.AudioEngine(backend="null")
            got = []
            def on_replies(fd, mask):
                got.extend(r for r in engine.recv_many() if isinstance(r, ringengine.Pong))
                if len(got) >= 3:
                    root.quit()
            root.tk.createfilehandler(engine.fileno(), tkinter.READABLE, on_replies)
            for i in range(3):
                root.after(50 * i, engine.send_ping)
            root.after(5000, root.quit)  # a guard: the test fails below
            start = time.monotonic()
            root.mainloop()
            root.tk.deletefilehandler(engine.fileno())
            print(len(got), time.monotonic() - start)
            assert len(got) == 3, got
            engine.close()
        """
        env_display = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = display
        try:
            run = run_python(code)
        finally:
            if env_display is None:
                del os.environ["DISPLAY"]
            else:
                os.environ["DISPLAY"] = env_display
        assert run.returncode == 0, run.stdout + run.stderr
    finally:
        if server is not None:
            server.kill()
            server.wait()
