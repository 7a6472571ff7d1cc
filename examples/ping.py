"""Pings the engine from Python: ten pings, each answered by the audio thread.

Run from the checkout after tools/setup.sh:  PYTHONPATH=pyffi python3 examples/ping.py [--backend NAME]
or with ringengine installed:               python3 examples/ping.py
"""
import argparse

import ringengine


def main(backend: str = "null") -> None:
    with ringengine.AudioEngine(backend=backend) as engine:
        print("ringengine %s, backend %s, device %s"
              % (ringengine.__version__, engine.backend, engine.device))
        for _ in range(10):
            seq = engine.send_ping()
            if isinstance(engine, ringengine.OfflineEngine):  # backend="offline"
                engine.process()  # runs a block here: no thread runs them
            pong = engine.recv(timeout=2.0)
            assert isinstance(pong, ringengine.Pong)  # no voice plays here: no other reply
            print("ping %d -> pong %d at frame %d" % (seq, pong.seq, pong.frame))
        print(engine.stats)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default=None, choices=list(ringengine.BACKENDS),
                        help="the backend (default: null; 'offline' runs the blocks here)")
    parser.add_argument("backend_name", nargs="?", default="null", metavar="BACKEND",
                        help="the same, as a positional argument (as before --backend)")
    args = parser.parse_args()
    main(args.backend or args.backend_name)
