// Channels by traffic: the parameter path (latest value wins, never fills
// the command ring), the per-block budget (a burst is spread, not dropped),
// events_lost (a reader always learns of a loss), and the snapshots (read
// whole by any thread while the audio thread writes).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "channels/param_path.hpp"
#include "channels/snapshot.hpp"
#include "core/engine.hpp"
#include "test_util.hpp"

namespace ringengine {
namespace {

using namespace ringengine::testing;

void block(Engine& engine, std::uint32_t frames = 256) {
  std::vector<float> out(std::size_t{frames} * engine.config().channels);
  engine.process(AudioOut{out.data(), nullptr}, frames);
}

TEST(ParamPathTest, ABurstOfChangesLeavesTheCommandRingToTriggers) {
  Engine engine{with_capacity(16)};
  for (int i = 0; i < 10000; ++i)
    engine.set_param_latest(i % 32, Param::gain, static_cast<float>(i % 100) / 100, 0);
  for (int i = 0; i < 16; ++i) {
    Message stop = Message::stop(0);
    ASSERT_TRUE(engine.send(stop)) << "trigger " << i << " found the command ring full";
  }
  EXPECT_EQ(engine.stats().commands_rejected, 0u);
  EXPECT_EQ(engine.stats().params_set, 10000u);
}

TEST(ParamPathTest, OfSeveralValuesForOneParameterOnlyTheLastIsApplied) {
  Engine engine{EngineConfig{}};
  for (int i = 1; i <= 9; ++i)
    engine.set_param_latest(5, Param::gain, i / 10.0f, 0);
  engine.set_param_latest(5, Param::pan, -0.25f, 0);
  block(engine);
  const EngineStats s = engine.stats();
  EXPECT_EQ(s.params_set, 10u);
  EXPECT_EQ(s.params_applied, 2u) << "one gain and one pan";
  EXPECT_EQ(engine.voice_state(5).gain, 0.9f);
  EXPECT_EQ(engine.voice_state(5).pan, -0.25);
  block(engine);
  EXPECT_EQ(engine.stats().params_applied, 2u) << "nothing changed since";
}

TEST(ParamPathTest, AValueWrittenWhileTheAudioThreadDrainsIsNeverLost) {
  Engine engine{EngineConfig{}};
  std::atomic<bool> stop{false};
  std::thread audio([&] {
    while (!stop.load())
      block(engine, 32);
  });
  for (int i = 0; i <= 20000; ++i)
    engine.set_param_latest(1, Param::gain, (i % 1000) / 1000.0f, 0);
  engine.set_param_latest(1, Param::gain, 0.625f, 0);
  // Each value is taken within two blocks of being written.
  std::uint64_t until = engine.frame() + 64 * 4;
  while (engine.frame() < until)
    std::this_thread::yield();
  stop.store(true);
  audio.join();
  EXPECT_EQ(engine.voice_state(1).gain, 0.625);
}

TEST(BudgetTest, ABurstLargerThanTheBudgetIsSpreadOverBlocksWithoutADrop) {
  EngineConfig c;
  c.capacity = 64;
  c.messages_per_block = 8;
  Engine engine{c};
  std::uint32_t first;
  ASSERT_EQ(engine.send_pings(20, first), 20u);
  for (int v = 0; v < 20; ++v)
    engine.set_param_latest(v, Param::gain, 0.5f, 0);
  std::vector<std::size_t> pongs, params;
  for (int b = 0; b < 4; ++b) {
    const std::uint64_t applied = engine.stats().params_applied;
    block(engine);
    pongs.push_back(drain(engine).size());
    params.push_back(engine.stats().params_applied - applied);
  }
  EXPECT_EQ(pongs, (std::vector<std::size_t>{8, 8, 4, 0}));
  EXPECT_EQ(params, (std::vector<std::size_t>{8, 8, 4, 0}));
  const EngineStats s = engine.stats();
  EXPECT_EQ(s.pongs_dropped + s.pings_rejected + s.dropped, 0u);
  EXPECT_EQ(s.commands_handled, 20u);
}

TEST(EventsLostTest, AReaderLearnsHowManyRepliesAFullRingDropped) {
  EngineConfig c;
  c.capacity = 64;
  c.reply_capacity = 4;
  Engine engine{c};
  std::uint32_t first;
  ASSERT_EQ(engine.send_pings(10, first), 10u);
  block(engine);
  EXPECT_EQ(drain(engine).size(), 4u);
  EXPECT_EQ(engine.stats().pongs_dropped, 6u);
  std::uint32_t seq;
  ASSERT_TRUE(engine.send_ping(seq));
  block(engine);
  const std::vector<Message> replies = drain(engine);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].kind, MessageKind::events_lost);
  EXPECT_EQ(field::events_lost::dropped(replies[0]), 6u);
  EXPECT_EQ(replies[1].kind, MessageKind::pong);
  EXPECT_EQ(field::pong::seq(replies[1]), seq);
}

struct Wide {
  std::uint64_t words[8];
};

// A torn read would show words of two writes: the reader checks that all
// eight words of every snapshot it reads are equal.
TEST(SnapshotTest, ReadersSeeWholeWritesWhileTheWriterRuns) {
  Snapshot<Wide> slot;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (std::uint64_t i = 1; !stop.load(std::memory_order_relaxed); ++i) {
      Wide w;
      for (auto& word : w.words)
        word = i;
      slot.write(w);
    }
  });
  // Until the reader has seen the writer move many times (a loaded machine
  // may not run the writer for a while: with a load average of 13 on two
  // cores it saw 456 changes in 10 s), for 60 s at the most; an idle
  // machine is done in milliseconds.
  std::uint64_t last = 0, changes = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (int r = 0; (r < 200000 || changes < 1000) && std::chrono::steady_clock::now() < deadline;
       ++r) {
    const Wide w = slot.read();
    for (auto word : w.words)
      ASSERT_EQ(word, w.words[0]) << "a torn read at read " << r;
    ASSERT_GE(w.words[0], last) << "went back in time";
    changes += w.words[0] != last;
    last = w.words[0];
  }
  stop.store(true);
  writer.join();
  EXPECT_GE(changes, 1000u) << "the reader saw the writer move too seldom to test anything";
}

TEST(SnapshotTest, TheLoadAndVoiceStatesDescribeTheLastBlock) {
  Engine engine{EngineConfig{}};
  std::vector<float> samples(1000, 0.1f);
  const std::uint32_t id = engine.load_buffer(samples.data(), 1000, 1);
  Message play = Message::play(2, id, kFrameNext, true);
  ASSERT_TRUE(engine.send(play));
  block(engine);
  block(engine);
  const EngineLoad load = engine.load();
  EXPECT_EQ(load.frame, 512u);
  EXPECT_EQ(load.callbacks, 2u);
  EXPECT_EQ(load.active_voices, 1u);
  EXPECT_GT(load.last, 0.0);
  const VoiceState v = engine.voice_state(2);
  EXPECT_EQ(v.frame, 512u);
  EXPECT_EQ(v.buffer, id);
  EXPECT_EQ(v.position, 512u);
  EXPECT_EQ(v.flags, kVoicePlaying | kVoiceLooping);
  Message stop = Message::stop(2);
  ASSERT_TRUE(engine.send(stop));
  block(engine);
  EXPECT_EQ(engine.voice_state(2).flags, 0u) << "at rest";
  EXPECT_EQ(engine.voice_state(2).buffer, 0u);
  EXPECT_EQ(engine.voice_state(0).frame, 0u) << "never sounded: never written";
}

} // namespace
} // namespace ringengine
