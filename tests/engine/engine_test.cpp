// The Engine's command and reply paths: both rings, process() answering
// pings, full and empty rings, the counters, concurrent control-side callers.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/engine.hpp"
#include "rt_guard.hpp"
#include "test_util.hpp"

namespace ringengine {
namespace {

using namespace ringengine::testing;

TEST(EngineTest, DefaultsToRingsOf1024Messages) {
  EXPECT_EQ(EngineConfig{}.capacity, 1024u);
  Engine engine{EngineConfig{}};
  EXPECT_EQ(engine.config().capacity, 1024u);
}

// 1024 means 1024: the 1025th ping is refused, and the reply ring holds
// exactly as many pongs.
TEST(EngineTest, CommandAndReplyRingsHoldExactlyTheirCapacity) {
  Engine engine{with_capacity(1024)};
  std::uint32_t seq = 0;
  for (int i = 0; i < 1024; ++i)
    ASSERT_TRUE(engine.send_ping(seq)) << i;
  EXPECT_FALSE(engine.send_ping(seq)) << "the 1025th ping must be refused";

  engine.process(AudioOut{}, 256); // 1024 pongs fill the reply ring exactly
  EXPECT_EQ(engine.stats().pongs_sent, 1024u);
  EXPECT_EQ(engine.stats().pongs_dropped, 0u);

  ASSERT_TRUE(engine.send_ping(seq));
  engine.process(AudioOut{}, 256); // the reply ring is full: this pong is dropped
  EXPECT_EQ(engine.stats().pongs_dropped, 1u);
  EXPECT_EQ(drain(engine).size(), 1024u);
}

TEST(EngineTest, RejectsCapacityOutOfRange) {
  EXPECT_THROW(Engine{with_capacity(0)}, std::invalid_argument);
  EXPECT_THROW(Engine{with_capacity(Engine::kMaxCapacity + 1)}, std::invalid_argument);
  EXPECT_NO_THROW(Engine{with_capacity(1)});
}

TEST(EngineTest, AnswersEachPingWithAPongCarryingItsSeqAndTheSamplePosition) {
  Engine engine{EngineConfig{}};
  engine.process(AudioOut{}, 256);
  engine.process(AudioOut{}, 256); // position is now 512

  std::uint32_t a = 99, b = 99;
  ASSERT_TRUE(engine.send_ping(a));
  ASSERT_TRUE(engine.send_ping(b));
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 1u);
  EXPECT_TRUE(drain(engine).empty()) << "no pong before the audio thread runs";

  engine.process(AudioOut{}, 128);
  const std::vector<Message> pongs = drain(engine);
  ASSERT_EQ(pongs.size(), 2u);
  EXPECT_EQ(pongs[0].kind, MessageKind::pong);
  EXPECT_EQ(pongs[0].id, 0u);
  EXPECT_EQ(pongs[0].frame, 512u);
  EXPECT_EQ(pongs[1].id, 1u);
  EXPECT_EQ(pongs[1].frame, 512u);

  ASSERT_TRUE(engine.send_ping(a));
  engine.process(AudioOut{}, 128);
  const std::vector<Message> later = drain(engine);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].id, 2u);
  EXPECT_EQ(later[0].frame, 640u);

  const EngineStats s = engine.stats();
  EXPECT_EQ(s.callbacks, 4u);
  EXPECT_EQ(s.frames, 768u);
  EXPECT_EQ(s.pings_sent, 3u);
  EXPECT_EQ(s.pings_handled, 3u);
  EXPECT_EQ(s.pongs_sent, 3u);
  EXPECT_EQ(s.pongs_received, 3u);
  EXPECT_EQ(s.pongs_dropped, 0u);
  EXPECT_EQ(s.pings_rejected, 0u);
}

TEST(EngineTest, FullCommandRingDropsThePingAndCountsIt) {
  Engine engine{with_capacity(4)};
  std::uint32_t seq = 0;
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(engine.send_ping(seq));
  seq = 1234;
  EXPECT_FALSE(engine.send_ping(seq));
  EXPECT_FALSE(engine.send_ping(seq));
  EXPECT_EQ(seq, 1234u) << "a refused ping gets no sequence number";
  EXPECT_EQ(engine.stats().pings_rejected, 2u);
  EXPECT_EQ(engine.stats().pings_sent, 4u);

  engine.process(AudioOut{}, 64); // the audio thread frees the ring
  ASSERT_TRUE(engine.send_ping(seq));
  EXPECT_EQ(seq, 4u) << "sequence numbers count accepted pings only";
}

TEST(EngineTest, EmptyRingsGiveNothingAndTheBlockCompletes) {
  Engine engine{EngineConfig{}};
  Message m = Message::ping(777);
  EXPECT_FALSE(engine.try_recv(m));
  EXPECT_EQ(m.id, 777u) << "an empty receive leaves the output untouched";
  engine.process(AudioOut{}, 256);
  const EngineStats s = engine.stats();
  EXPECT_EQ(s.callbacks, 1u);
  EXPECT_EQ(s.frames, 256u);
  EXPECT_EQ(s.pings_handled, 0u);
  EXPECT_FALSE(engine.try_recv(m));
}

TEST(EngineTest, FullReplyRingDropsPongsAndCountsThemWithoutWaiting) {
  Engine engine{with_capacity(4)};
  std::uint32_t seq;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i)
      ASSERT_TRUE(engine.send_ping(seq));
    engine.process(AudioOut{}, 32); // nobody drains the replies
  }
  const EngineStats s = engine.stats();
  EXPECT_EQ(s.pings_handled, 12u);
  EXPECT_EQ(s.pongs_sent, 4u);
  EXPECT_EQ(s.pongs_dropped, 8u);
  // The first four pongs are the ones kept, in order.
  const std::vector<Message> pongs = drain(engine);
  ASSERT_EQ(pongs.size(), 4u);
  for (std::uint32_t i = 0; i < 4; ++i)
    EXPECT_EQ(pongs[i].id, i);
}

TEST(EngineTest, BulkSendTakesWhatFitsWithConsecutiveSeqs) {
  Engine engine{with_capacity(100)};
  std::uint32_t seq;
  ASSERT_TRUE(engine.send_ping(seq));
  std::uint32_t first = 0;
  EXPECT_EQ(engine.send_pings(150, first), 99u);
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(engine.stats().pings_sent, 100u);
  EXPECT_EQ(engine.stats().pings_rejected, 51u);

  engine.process(AudioOut{}, 64);
  std::vector<Message> out(200);
  ASSERT_EQ(engine.recv_many(out.data(), out.size()), 100u);
  for (std::uint32_t i = 0; i < 100; ++i)
    EXPECT_EQ(out[i].id, i);
  EXPECT_EQ(engine.recv_many(out.data(), out.size()), 0u);
}

TEST(EngineTest, MaxCallbackTimeIsRecorded) {
  Engine engine{EngineConfig{}};
  std::uint32_t seq;
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(engine.send_ping(seq));
  engine.process(AudioOut{}, 256);
  EXPECT_GT(engine.stats().max_callback_ns, 0u);
}

// Four threads send at once while the audio thread runs and two threads
// receive: every accepted ping gets a distinct sequence number, every pong
// reaches exactly one receiver, and the counters add up.
TEST(EngineTest, ConcurrentSendersAndReceiversLoseNothing) {
  constexpr int kSenders = 4, kReceivers = 2, kPerSender = 50'000;
  Engine engine{with_capacity(256)};
  std::atomic<bool> done{false};
  std::atomic<int> rejected{0};

  std::thread audio([&] {
    while (!done.load())
      engine.process(AudioOut{}, 64);
  });
  std::vector<std::vector<std::uint32_t>> sent(kSenders), got(kReceivers);
  std::vector<std::uint64_t> lost(kReceivers);
  std::vector<std::thread> threads;
  for (int t = 0; t < kSenders; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerSender; ++i) {
        std::uint32_t seq;
        if (engine.send_ping(seq))
          sent[t].push_back(seq);
        else
          rejected.fetch_add(1);
      }
    });
  std::atomic<bool> senders_done{false};
  for (int r = 0; r < kReceivers; ++r)
    threads.emplace_back([&, r] {
      Message m;
      for (;;) {
        if (engine.try_recv(m)) {
          if (m.kind == MessageKind::pong)
            got[r].push_back(m.id);
          else if (m.kind == MessageKind::events_lost)
            lost[r] += field::events_lost::dropped(m);
        } else if (senders_done.load() && engine.stats().pongs_sent ==
                                            engine.stats().pongs_received)
          return;
      }
    });
  for (int t = 0; t < kSenders; ++t)
    threads[t].join();
  // Let the audio thread take what is still in the command ring.
  while (engine.stats().pings_handled != engine.stats().pings_sent)
    std::this_thread::yield();
  senders_done = true;
  for (std::size_t t = kSenders; t < threads.size(); ++t)
    threads[t].join();
  done = true;
  audio.join();

  std::set<std::uint32_t> sent_seqs, got_seqs;
  std::size_t sent_total = 0, got_total = 0;
  for (auto& v : sent) {
    sent_total += v.size();
    sent_seqs.insert(v.begin(), v.end());
  }
  for (auto& v : got) {
    got_total += v.size();
    got_seqs.insert(v.begin(), v.end());
  }
  const EngineStats s = engine.stats();
  EXPECT_EQ(sent_seqs.size(), sent_total) << "two pings shared a sequence number";
  ASSERT_FALSE(sent_seqs.empty());
  EXPECT_EQ(*sent_seqs.rbegin(), sent_total - 1) << "sequence numbers have gaps";
  EXPECT_EQ(got_seqs.size(), got_total) << "a pong was delivered twice";
  EXPECT_EQ(sent_total + rejected.load(), std::size_t{kSenders} * kPerSender);
  EXPECT_EQ(s.pings_sent, sent_total);
  EXPECT_EQ(s.pings_rejected, static_cast<std::uint64_t>(rejected.load()));
  EXPECT_EQ(s.pongs_received, got_total);
  EXPECT_EQ(s.pongs_sent + s.pongs_dropped, s.pings_handled);
  EXPECT_EQ(got_total, s.pongs_sent);
  for (std::uint32_t seq : got_seqs)
    EXPECT_TRUE(sent_seqs.count(seq)) << "pong for a ping never sent: " << seq;
  // Every loss the receivers were told of happened; the last ones may still
  // wait for a reply to come before.
  std::uint64_t told = 0;
  for (std::uint64_t n : lost)
    told += n;
  EXPECT_LE(told, s.pongs_dropped);
}

} // namespace
} // namespace ringengine
