"""send_ping() called cold, beside cold floors timed the same way (issue 25).

Each call is timed alone after a 1 ms sleep and a drain of the replies, as
`ringengine ping` calls send_ping(), in rotation: the bare engine_nop(), a
cffi call of one pointer that does nothing (engine_config_init(NULL)), the
least a method can do around a call of one pointer (python_bench's
MethodFloor), the cffi call engine_send_ping(handle) without the method,
and AudioEngine.send_ping(). So send_ping() - raw is the method's part,
raw - one-pointer floor the library's, one-pointer floor - bare nop the
argument's conversion by cffi. Null backend: the audio thread takes the
pings.

Usage: PYTHONPATH=pyffi python3 benchmarks/send_ping_floors.py [ROUNDS]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ringengine  # noqa: E402
from ringengine import ffi, lib  # noqa: E402
from python_bench import MethodFloor  # noqa: E402
from measure import clock_overhead_ns, percentile  # noqa: E402

clock = time.perf_counter_ns


def main(rounds):
    engine = ringengine.AudioEngine(backend="null")
    handle = engine._h
    nop, nop_1, null = lib.engine_nop, lib.engine_config_init, ffi.NULL
    raw, method = lib.engine_send_ping, MethodFloor().call
    overhead = clock_overhead_ns()
    names = ["engine_nop() (bare call)", "engine_config_init(NULL) (one pointer)",
             "MethodFloor.call() (method floor)", "engine_send_ping(handle) (cffi alone)",
             "send_ping()"]
    # Each case is timed inline, so that none pays for a call the others do not.
    samples = [[] for _ in names]
    for _ in range(rounds):
        for k in range(len(names)):
            time.sleep(0.001)
            while engine.try_recv() is not None:
                pass
            if k == 0:
                t0 = clock()
                nop()
                t1 = clock()
            elif k == 1:
                t0 = clock()
                nop_1(null)
                t1 = clock()
            elif k == 2:
                t0 = clock()
                method()
                t1 = clock()
            elif k == 3:
                t0 = clock()
                raw(handle)
                t1 = clock()
            else:
                t0 = clock()
                engine.send_ping()
                t1 = clock()
            samples[k].append(max(0, t1 - t0 - overhead))
    engine.close()
    bare = sorted(samples[0])
    print("%-40s %8s %8s %10s %10s" % ("cold, after 1 ms", "median", "p99", "/ bare", "/ bare p99"))
    for name, xs in zip(names, samples):
        xs.sort()
        print("%-40s %6d ns %6d ns %9.2fx %9.2fx" % (
            name, percentile(xs, 50), percentile(xs, 99),
            percentile(xs, 50) / percentile(bare, 50), percentile(xs, 99) / percentile(bare, 99)))
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
