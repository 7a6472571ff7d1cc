"""asyncio: recv_async() and events() wait for replies without a thread and
without blocking the loop; cancellation leaves no waiter behind; the wait
costs about what recv() costs on CPython. And the numpy bulk receive."""
import asyncio
import platform
import time

import pytest

import ringengine
from ringengine import (AudioEngine, EngineClosedError, EngineTimeoutError,
                        InvalidArgumentError, Pong)


def test_recv_async_returns_the_pong_from_a_real_audio_thread(null):
    async def main():
        seq = null.send_ping()
        return seq, await null.recv_async(timeout=5)
    seq, pong = asyncio.run(main())
    assert isinstance(pong, Pong) and pong.seq == seq


def test_the_loop_stays_responsive_while_one_task_waits(null):
    """A ticker due every 5 ms keeps its schedule while another task waits
    half a second for a reply that never comes."""
    async def ticker(lateness):
        loop = asyncio.get_running_loop()
        for _ in range(50):
            due = loop.time() + 0.005
            await asyncio.sleep(0.005)
            lateness.append(loop.time() - due)

    async def main():
        lateness = []
        tick = asyncio.create_task(ticker(lateness))
        with pytest.raises(EngineTimeoutError):
            await null.recv_async(timeout=0.5)
        await tick
        return lateness
    lateness = asyncio.run(main())
    assert len(lateness) == 50
    # Late by a few ms at most on a busy machine; blocking the loop for the
    # wait would make one tick half a second late.
    assert max(lateness) < 0.1, max(lateness)


def test_cancelling_a_wait_leaves_no_waiter_behind(offline):
    async def main():
        waiter = asyncio.create_task(offline.recv_async())
        await asyncio.sleep(0.02)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        seq = offline.send_ping()
        offline.process()
        await asyncio.sleep(0.02)  # a leftover waiter would take the pong now
        return seq
    seq = asyncio.run(main())
    assert offline.try_recv() == Pong(seq, 0), "the pong went to no one else"


def test_events_yields_every_reply_and_ends_when_the_engine_closes():
    engine = AudioEngine(backend="null")

    async def main():
        for _ in range(5):
            engine.send_ping()
        got = []
        async for event in engine.events():
            got.append(event.seq)
            if len(got) == 5:
                engine.close()  # the next wait sees the engine closed
        return got
    assert asyncio.run(main()) == [0, 1, 2, 3, 4]


def test_recv_async_on_a_closed_engine_and_bad_timeouts(offline):
    async def main():
        with pytest.raises(InvalidArgumentError):
            await offline.recv_async(timeout=-1)
        with pytest.raises(EngineTimeoutError):
            await offline.recv_async(timeout=0)
        offline.close()
        with pytest.raises(EngineClosedError):
            await offline.recv_async()
    asyncio.run(main())


def test_waiting_costs_no_more_cpu_than_recv(offline):
    """A 1-second wait, both ways, in this process: the asynchronous wait
    naps and may not spin. Its polls of the ring are counted: naps that
    double from 50 us to 0.5 ms poll at most about 2000 times a second,
    where a busy poll makes hundreds of thousands; this holds under any
    load, on any interpreter. On CPython it also costs about the CPU time
    recv() costs. (On PyPy the CPU time of the first seconds of asyncio is
    mostly the JIT's warm-up, 0.1-0.4 s depending on the machine's load, so
    there the count is the check.)"""
    def cpu_of(wait):
        t0 = time.process_time()
        with pytest.raises(EngineTimeoutError):
            wait()
        return time.process_time() - t0
    polls = 0
    try_recv = offline.try_recv

    def counted_try_recv():
        nonlocal polls
        polls += 1
        return try_recv()
    offline.try_recv = counted_try_recv
    sync = cpu_of(lambda: offline.recv(timeout=1.0))
    asynchronous = cpu_of(lambda: asyncio.run(offline.recv_async(timeout=1.0)))
    assert 100 < polls <= 2100, (polls, asynchronous, sync)
    if platform.python_implementation() == "CPython":
        assert asynchronous < max(3 * sync, 0.15), (asynchronous, sync)


def test_recv_many_array_gives_the_replies_as_a_structured_array(offline):
    np = pytest.importorskip("numpy", reason="recv_many_array needs numpy")
    offline.send_pings(100)
    offline.process()
    replies = offline.recv_many_array()
    assert replies.dtype.names == ("kind", "param", "id", "frame", "value", "arg")
    assert len(replies) == 100
    assert np.array_equal(replies["id"], np.arange(100))
    assert (replies["kind"] == ringengine.lib.ENGINE_MSG_PONG).all()
    assert (replies["frame"] == 0).all()
    assert len(offline.recv_many_array()) == 0


def test_recv_and_friends_work_without_numpy():
    """The control path never imports numpy: a child where importing it
    fails still pings and receives."""
    from conftest import run_python
    code = ("import sys; sys.modules['numpy'] = None\n"
            "import ringengine\n"
            "e = ringengine.AudioEngine(backend='offline')\n"
            "s = e.send_ping(); e.process(); assert e.recv(timeout=1).seq == s\n"
            "e.send_pings(3); e.process(); assert len(e.recv_many()) == 3\n"
            "print('ok')\n")
    run = run_python(code)
    assert run.stdout.strip() == "ok", run.stderr
