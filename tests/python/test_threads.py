"""Many Python threads on one engine at once: nothing lost, nothing doubled."""
import threading

import ringengine
from ringengine import AudioEngine, RingFullError


def test_many_threads_sending_and_receiving_lose_nothing():
    senders, receivers, per_sender = 8, 4, 3000
    with AudioEngine(backend="null", capacity=256) as engine:
        sent = [[] for _ in range(senders)]
        got = [[] for _ in range(receivers)]
        told = [0] * receivers
        rejected = [0] * senders
        done_sending = threading.Event()

        def send(i):
            for _ in range(per_sender):
                try:
                    sent[i].append(engine.send_ping())
                except RingFullError:
                    rejected[i] += 1

        def receive(i):
            while True:
                try:
                    reply = engine.recv(timeout=0.05)
                    if isinstance(reply, ringengine.EventsLost):
                        told[i] += reply.dropped
                    else:
                        got[i].append(reply.seq)
                except ringengine.EngineTimeoutError:
                    s = engine.stats
                    if done_sending.is_set() and s.pings_handled == s.pings_sent \
                            and s.pongs_received == s.pongs_sent:
                        return

        threads = [threading.Thread(target=send, args=(i,)) for i in range(senders)]
        readers = [threading.Thread(target=receive, args=(i,)) for i in range(receivers)]
        for t in threads + readers:
            t.start()
        for t in threads:
            t.join()
        done_sending.set()
        for t in readers:
            t.join(timeout=60)
            assert not t.is_alive()

        all_sent = [seq for part in sent for seq in part]
        all_got = [seq for part in got for seq in part]
        stats = engine.stats
        assert len(set(all_sent)) == len(all_sent), "two pings shared a sequence number"
        assert sorted(all_sent) == list(range(len(all_sent))), "sequence numbers have gaps"
        assert len(all_sent) + sum(rejected) == senders * per_sender
        assert stats.pings_sent == len(all_sent)
        assert stats.pings_rejected == sum(rejected)
        assert len(set(all_got)) == len(all_got), "a pong was delivered twice"
        # Every accepted ping was answered by one received pong or one counted drop.
        assert len(all_got) + stats.pongs_dropped == len(all_sent)
        assert set(all_got) <= set(all_sent)
        # Each loss a receiver was told of happened; the last may wait for a reply.
        assert sum(told) <= stats.pongs_dropped
        for part in got:
            assert part == sorted(part), "each receiver sees pongs in order"
