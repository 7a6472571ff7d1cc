"""Property-based: random sequences of calls with random arguments, from one
thread and from several, on the offline backend. Each call either succeeds
or raises a ringengine error whose message says what was wrong; never
another exception, a crash, a hang, NaN in the output or a leaked buffer.

Hypothesis (Debian's python3-hypothesis) draws the calls; the run is
derandomized (a fixed seed) with a bounded number of examples, so CI sees
the same calls every time.
"""
import math
import threading

import pytest

import ringengine
from ringengine import AudioEngine, Buffer, EngineError

hypothesis = pytest.importorskip("hypothesis")
np = pytest.importorskip("numpy", reason="numpy values are among the arguments")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

NUMPY_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                np.uint64, np.float16, np.float32, np.float64, np.complex64, np.bool_]

numbers = st.one_of(
    st.integers(min_value=-2**70, max_value=2**70),
    st.integers(min_value=-3, max_value=70),  # near the ranges that matter
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.5, 16.0, 24000.0, 2**32, 2**63, 2**64, math.nan, math.inf]),
    st.tuples(st.sampled_from(NUMPY_DTYPES), st.integers(-300, 300)).map(
        lambda t: np.array(t[1]).astype(t[0])[()]),
)
anything = st.one_of(numbers, st.none(), st.booleans(), st.text(max_size=4),
                     st.sampled_from(["freq", "gain", "pan", "speed", b"gain"]),
                     st.lists(st.integers(), max_size=3), st.complex_numbers())
arrays = st.one_of(
    st.tuples(st.sampled_from(NUMPY_DTYPES),
              st.sampled_from([(0,), (1,), (7,), (5, 1), (5, 2), (3, 3), (2, 70), (2, 2, 2)]),
              st.sampled_from([0.0, 0.5, -1.0, 1e9, math.nan, math.inf])).map(
        lambda t: np.full(t[1], t[2]).astype(t[0]) if t[0] is not np.bool_
        else np.ones(t[1], bool)),
    anything)

# (method, how many positional arguments, the words its errors may name)
METHODS = {
    "set_param": (["voice", "name", "value", "at", "ramp"], st.sampled_from([3, 4, 5])),
    "set_param_latest": (["voice", "name", "value", "ramp"], st.sampled_from([3, 4])),
    "play": (["voice", "buf", "at", "loop", "bus", "start", "loop_start", "loop_end",
              "crossfade"], st.sampled_from([2, 3, 4, 6, 8, 9])),
    # Added since the first pass (issue 37): regions, the mixer, recording,
    # the input.
    "set_loop": (["voice", "loop_start", "loop_end", "at", "crossfade"],
                 st.sampled_from([3, 4, 5])),
    "set_speed": (["speed", "at", "ramp"], st.sampled_from([1, 2, 3])),
    "set_bus": (["bus", "param", "value", "at", "ramp"], st.sampled_from([3, 4, 5])),
    "set_input": (["bus", "gain_db", "at"], st.sampled_from([0, 1, 2, 3])),
    "record_buffer": (["frames", "source", "at"], st.sampled_from([1, 2, 3])),
    "take_a_recording": ([], st.just(0)),
    "render_input": (["frames", "input"], st.just(2)),
    "stop": (["voice", "at"], st.sampled_from([1, 2])),
    "cancel": (["voice", "at"], st.sampled_from([0, 1, 2])),
    "load_buffer": (["samples"], st.just(1)),
    "process": (["frames"], st.sampled_from([0, 1])),
    "render": (["frames"], st.just(1)),
    "render_into": (["out"], st.just(1)),
    "recv_many": (["max_count"], st.sampled_from([0, 1])),
    "voice_state": (["voice"], st.just(1)),
    "send_pings": (["count"], st.just(1)),
    "close_a_buffer": ([], st.just(0)),
}
# Words a message may use for what it refuses beside the argument's name.
REASONS = ["freq", "gain", "pan", "buffer", "closed", "frames", "samples", "shape", "voice",
           "ring", "finite", "integer", "number", "name", "open", "let go", "at ",
           # two threads processing at once (the three-thread test): the
           # second is told so, by name
           "another thread is processing",
           # the calls since the first pass
           "bus", "source", "input", "param", "recording", "memory", "kept", "buffers",
           "speed", "loop", "gain_db", "quantize"]

call = st.sampled_from(sorted(METHODS)).flatmap(
    lambda m: METHODS[m][1].flatmap(
        lambda n: st.tuples(st.just(m), st.lists(
            arrays if m in ("load_buffer", "render_into") else
            st.tuples(anything, arrays) if m == "render_input" else
            st.one_of(anything, st.just("BUFFER")), min_size=n, max_size=n))))


def run(engine, buffers, method, args):
    """One call; the exceptions it may raise are checked by the caller."""
    if method == "render_input":
        args = list(args[0])
    args = [buffers[0] if isinstance(a, str) and a == "BUFFER" and buffers else a
            for a in args]
    if method == "render_input":
        frames, data = args
        if isinstance(frames, int) and frames > 4096:
            frames = 4096  # the shape decides; a huge render only takes time
        if isinstance(data, np.ndarray):
            data = data.copy()
        out = engine.render(frames, input=data)
        assert np.isfinite(out).all(), "render(%r, input=%r) gave NaN or inf" % (frames, data)
        return None
    if method == "record_buffer" and args and isinstance(args[0], (int, np.integer)) \
            and not isinstance(args[0], bool) and args[0] > 100000:
        args[0] = 100000  # a take is memory touched at once: kept small on a shared machine
    if method == "take_a_recording":
        for rec in list(engine.__dict__.get("_property_takes", [])):
            if rec.done():
                engine._property_takes.remove(rec)
                buffers.append(rec.result(timeout=10))
        return None
    if method == "close_a_buffer":
        if buffers:
            buffers.pop().close()
        return None
    if method == "render_into" and args and isinstance(args[0], np.ndarray):
        args = [args[0].copy()]
    result = getattr(engine, method)(*args)
    if isinstance(result, Buffer):
        buffers.append(result)
    if method == "record_buffer":
        engine.__dict__.setdefault("_property_takes", []).append(result)
    return result


def check_call(engine, buffers, method, args):
    try:
        result = run(engine, buffers, method, args)
    except EngineError as e:
        message = str(e)
        words = METHODS[method][0] + REASONS
        assert any(w in message for w in words), "%s%r: %r names nothing" % (method, args, e)
        return
    if method == "render" and result is not None:
        assert np.isfinite(result).all(), "%s%r gave NaN or inf" % (method, args)


def finish(engine, buffers):
    """Whatever the calls did: the output is finite, and once every buffer is
    closed and a block has run, no buffer is left."""
    out = engine.render(512)
    assert np.isfinite(out).all()
    for b in buffers:
        b.close()
    engine.process()
    engine.recv_many()
    assert engine.stats.buffers_live == 0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy casting NaN to int, drawing
@SETTINGS
@given(st.lists(call, min_size=1, max_size=25))
def test_random_calls_either_work_or_raise_a_clear_error(calls):
    buffers = []
    with AudioEngine(backend="offline", voices=4, buffers=4, capacity=16, schedule=8,
                     inputs=1) as engine:
        for method, args in calls:
            check_call(engine, buffers, method, args)
        finish(engine, buffers)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@SETTINGS
@given(st.lists(st.lists(call, min_size=1, max_size=10), min_size=3, max_size=3))
def test_random_calls_from_three_threads_at_once(per_thread):
    buffers = []  # shared: list operations are atomic enough for this
    failures = []
    with AudioEngine(backend="offline", voices=4, buffers=6, capacity=16, schedule=8,
                     inputs=1) as engine:
        def work(calls):
            try:
                for method, args in calls:
                    mine = []
                    check_call(engine, mine, method, args)
                    buffers.extend(mine)
            except BaseException as e:  # reported by the main thread
                failures.append(e)

        threads = [threading.Thread(target=work, args=(calls,)) for calls in per_thread]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
            assert not t.is_alive(), "a call hung"
        if failures:
            raise failures[0]
        finish(engine, buffers)


def test_a_closed_engine_refuses_every_call_clearly():
    engine = AudioEngine(backend="offline")
    buf = engine.load_buffer(np.ones(4, np.float32))
    engine.close()
    for method, args in [("set_param", (0, "gain", 1.0)), ("play", (0, buf)), ("stop", (0,)),
                         ("cancel", ()), ("load_buffer", (np.ones(2, np.float32),)),
                         ("process", ()), ("render", (10,)), ("recv_many", ()),
                         ("voice_state", (0,)), ("send_ping", ()), ("set_param_latest",
                                                                     (0, "pan", 0.0))]:
        with pytest.raises(ringengine.EngineClosedError, match="closed"):
            getattr(engine, method)(*args)
    buf.close()  # nothing: the engine is closed


FILE_SUBTYPES = {"WAV": ["PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE", "PCM_U8"],
                 "FLAC": ["PCM_16", "PCM_24"], "AIFF": ["PCM_16", "FLOAT"]}
file_kinds = st.sampled_from([(f, s) for f, ss in FILE_SUBTYPES.items() for s in ss])


@SETTINGS
@given(file_kinds, st.integers(1, 3000), st.integers(1, 8), st.integers(0, 2**32 - 1),
       st.integers(0, 3100), st.one_of(st.none(), st.integers(0, 4000)))
def test_a_file_of_any_format_loads_as_libsndfile_reads_it_and_reads_back(
        kind, frames, channels, seed, start, count):
    """load_file (issue 37, item 3: files among the property tests): a file
    of any of libsndfile's formats at the engine's rate loads as
    python-soundfile reads it as float32, to the bit, and Buffer.read gives
    any stretch of it back; a start past the end is refused clearly."""
    import tempfile
    sf = pytest.importorskip("soundfile")
    fmt, subtype = kind
    samples = np.random.default_rng(seed).uniform(-0.99, 0.99, (frames, channels))
    with tempfile.TemporaryDirectory() as d:
        path = "%s/x.%s" % (d, fmt.lower())
        sf.write(path, samples, 48000, format=fmt, subtype=subtype)
        expected, _ = sf.read(path, dtype="float32", always_2d=True)
        with AudioEngine(backend="offline", sample_rate=48000) as e:
            buf = e.load_file(path)
            assert (buf.frames, buf.channels, buf.source_rate) == (frames, channels, 48000)
            assert np.array_equal(buf.read(), expected)
            if start > frames:
                with pytest.raises(EngineError, match="start must be"):
                    buf.read(start, count)
            else:
                end = frames if count is None else min(frames, start + count)
                assert np.array_equal(buf.read(start, count), expected[start:end])
