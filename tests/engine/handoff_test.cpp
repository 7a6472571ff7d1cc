// The staged hand-off: ids that never name two objects, installs before the
// block's commands, retires after them, what the audio side lets go of by
// itself, and freeing exactly what the audio thread handed back.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <set>
#include <stdexcept>
#include <vector>

#include "core/engine.hpp"
#include "resources/handoff.hpp"
#include "test_util.hpp"

namespace ringengine {
namespace {

using namespace ringengine::testing;

// Stands in for the audio thread: one block's take, commands, finish.
// `done`: the commands the engine has taken, which retires wait for.
template <typename T>
std::vector<std::uint32_t> audio_block(Handoff<T>& h, std::uint64_t done = 0) {
  std::vector<std::uint32_t> let_go;
  h.take();
  h.finish(done, [&](std::uint32_t id, const T*) { let_go.push_back(id); });
  return let_go;
}

TEST(HandoffTest, AnIdNamesOneObjectForTheLifeOfTheHandoff) {
  Handoff<int> h(1);
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 100000; ++i) {
    const std::uint32_t id = h.install(std::make_unique<int>(i));
    ASSERT_NE(id, 0u) << "use " << i;
    ASSERT_TRUE(seen.insert(id).second) << "id " << id << " came back at use " << i;
    EXPECT_EQ(h.install(std::make_unique<int>(-1)), 0u) << "one slot: a second is refused";
    audio_block(h);
    const int* seen_by_audio = h.find(id);
    ASSERT_NE(seen_by_audio, nullptr);
    ASSERT_EQ(*seen_by_audio, i);
    ASSERT_TRUE(h.retire(id, 0));
    ASSERT_FALSE(h.retire(id, 0)) << "retired twice";
    ASSERT_FALSE(h.live(id));
    ASSERT_EQ(audio_block(h), std::vector<std::uint32_t>{id});
    ASSERT_EQ(h.find(id), nullptr) << "let go of: never read again";
    ASSERT_EQ(h.collect(), 1u);
  }
  EXPECT_EQ(h.held(), 0u);
}

TEST(HandoffTest, WhatReleasedTellsIsAlreadyHandedBack) {
  // The engine sends BUFFER_RELEASED from `released`: a control thread that
  // takes that reply and then collects must find the object to free.
  Handoff<int> h(2);
  const std::uint32_t a = h.install(std::make_unique<int>(1));
  audio_block(h);
  ASSERT_TRUE(h.retire(a, 0));
  h.take();
  std::vector<std::uint32_t> stopped, told;
  std::size_t collected_when_told = 0;
  h.finish(
      0, [&](std::uint32_t id, const int*) { stopped.push_back(id); },
      [&](std::uint32_t id) {
        told.push_back(id);
        collected_when_told = h.collect(); // as a receive on another thread would
      });
  EXPECT_EQ(stopped, std::vector<std::uint32_t>{a});
  EXPECT_EQ(told, std::vector<std::uint32_t>{a});
  EXPECT_EQ(collected_when_told, 1u) << "told before it was handed back";
  EXPECT_EQ(h.held(), 0u);
}

TEST(HandoffTest, FreesExactlyWhatTheAudioThreadHandedBack) {
  Handoff<int> h(4);
  const std::uint32_t a = h.install(std::make_unique<int>(1));
  const std::uint32_t b = h.install(std::make_unique<int>(2));
  const std::uint32_t c = h.install(std::make_unique<int>(3));
  audio_block(h);
  ASSERT_TRUE(h.retire(b, 0));
  EXPECT_EQ(h.collect(), 0u) << "not let go of yet: nothing is freed";
  EXPECT_EQ(h.held(), 3u);
  EXPECT_EQ(audio_block(h), std::vector<std::uint32_t>{b});
  EXPECT_EQ(h.collect(), 1u);
  EXPECT_EQ(h.held(), 2u);
  EXPECT_NE(h.find(a), nullptr);
  EXPECT_EQ(h.find(b), nullptr);
  EXPECT_NE(h.find(c), nullptr);
}

TEST(HandoffTest, AnInstallAndItsRetireInOneBlockAreBothSeen) {
  Handoff<int> h(2);
  const std::uint32_t id = h.install(std::make_unique<int>(7));
  ASSERT_TRUE(h.retire(id, 0));
  EXPECT_EQ(audio_block(h), std::vector<std::uint32_t>{id});
  EXPECT_EQ(h.collect(), 1u);
}

TEST(HandoffTest, EveryRetireFitsEvenWithEverySlotRetiredAtOnce) {
  constexpr std::uint32_t kSlots = 64;
  Handoff<int> h(kSlots);
  std::vector<std::uint32_t> ids;
  for (std::uint32_t i = 0; i < kSlots; ++i)
    ids.push_back(h.install(std::make_unique<int>(static_cast<int>(i))));
  for (std::uint32_t id : ids)
    ASSERT_TRUE(h.retire(id, 0)) << "the ring holds an install and a retire per slot";
  EXPECT_EQ(audio_block(h).size(), kSlots);
  EXPECT_EQ(h.collect(), kSlots);
}

TEST(HandoffTest, ARetireWaitsForTheCommandsSentBeforeIt) {
  Handoff<int> h(2);
  const std::uint32_t id = h.install(std::make_unique<int>(1));
  ASSERT_TRUE(h.retire(id, 5));
  EXPECT_TRUE(audio_block(h, 4).empty()) << "4 of the 5 commands before it taken";
  EXPECT_NE(h.find(id), nullptr) << "still lent";
  EXPECT_EQ(audio_block(h, 5), std::vector<std::uint32_t>{id});
  EXPECT_EQ(h.collect(), 1u);
}

// What ends on the audio side (a recorder's take) is let go of there,
// unretired: the control side keeps it, readable, until it retires it,
// which frees it at once (nothing more goes to the audio side).
TEST(HandoffTest, WhatTheAudioSideLetsGoOfIsKeptUntilRetired) {
  Handoff<int> h(2);
  const std::uint32_t id = h.install(std::make_unique<int>(5));
  std::vector<std::uint32_t> installed;
  h.take([&](std::uint32_t each, int* p) {
    installed.push_back(each);
    *p += 1; // the audio side writes into what it is lent
  });
  EXPECT_EQ(installed, std::vector<std::uint32_t>{id});
  EXPECT_TRUE(h.lent(id));
  h.let_go(id);
  EXPECT_EQ(h.find(id), nullptr) << "let go of: never read again";
  EXPECT_TRUE(h.lent(id)) << "not seen back before collect()";
  EXPECT_EQ(h.collect(), 0u) << "kept: not retired";
  EXPECT_FALSE(h.lent(id));
  EXPECT_TRUE(h.live(id));
  ASSERT_NE(h.peek(id), nullptr);
  EXPECT_EQ(*h.peek(id), 6);
  EXPECT_EQ(h.held(), 1u);
  EXPECT_EQ(h.open(), 1u);
  ASSERT_TRUE(h.retire(id, 0));
  EXPECT_EQ(h.held(), 0u) << "freed by the retire";
  EXPECT_FALSE(h.retire(id, 0));
  EXPECT_TRUE(audio_block(h).empty()) << "nothing went to the audio side";
  EXPECT_EQ(h.collect(), 0u);
}

TEST(HandoffTest, ALetGoDropsARetireTakenForTheSameId) {
  Handoff<int> h(2);
  const std::uint32_t id = h.install(std::make_unique<int>(1));
  ASSERT_TRUE(h.retire(id, 5));
  EXPECT_TRUE(audio_block(h, 0).empty()) << "the retire waits for 5 commands";
  h.let_go(id); // it ended on the audio side first
  h.let_go(id); // a second let go of the same id does nothing
  EXPECT_TRUE(audio_block(h, 5).empty()) << "handed back once, not again by the retire";
  EXPECT_EQ(h.collect(), 1u);
  EXPECT_EQ(h.held(), 0u);
  EXPECT_EQ(h.collect(), 0u) << "one id back, not two";
}

// A retire made as the audio side lets go of the same id by itself leaves a
// retire in the ops ring for an id already freed; the slot's next install
// and retire come after it. Every one of them fits, for every slot at once.
TEST(HandoffTest, RetiresRacingLetGoesStillFitTheRing) {
  constexpr std::uint32_t kSlots = 16;
  Handoff<int> h(kSlots);
  std::vector<std::uint32_t> first;
  for (std::uint32_t i = 0; i < kSlots; ++i)
    first.push_back(h.install(std::make_unique<int>(static_cast<int>(i))));
  h.take();
  for (std::uint32_t id : first)
    h.let_go(id); // handed back, not yet collected
  for (std::uint32_t id : first)
    ASSERT_TRUE(h.retire(id, 0)) << "retired before collect() saw it back";
  EXPECT_EQ(h.collect(), kSlots);
  std::vector<std::uint32_t> second;
  for (std::uint32_t i = 0; i < kSlots; ++i) {
    second.push_back(h.install(std::make_unique<int>(100 + static_cast<int>(i))));
    ASSERT_NE(second.back(), 0u);
    ASSERT_TRUE(h.retire(second.back(), 0));
  }
  std::vector<std::uint32_t> installed;
  h.take([&](std::uint32_t id, int*) { installed.push_back(id); });
  EXPECT_EQ(installed, second) << "every install reached the audio side";
  std::vector<std::uint32_t> let_go;
  h.finish(0, [&](std::uint32_t id, int* p) {
    EXPECT_EQ(*p, 100 + static_cast<int>(let_go.size()));
    let_go.push_back(id);
  });
  EXPECT_EQ(let_go, second) << "the stale retires did nothing";
  EXPECT_EQ(h.collect(), kSlots);
  EXPECT_EQ(h.held(), 0u);
}

// The audio side's hand-back is its last touch: the control side frees
// what came back at once, while the audio thread goes on. Under ASan or
// TSan a read or write after the hand-back (the recorders' use-after-free
// of before) is a report.
TEST(HandoffTest, TheControlSideFreesWhatCameBackWhileTheAudioSideRuns) {
  struct Take {
    std::uint64_t frames[64] = {};
    std::uint64_t wanted = 0;
  };
  constexpr std::uint32_t kSlots = 8;
  Handoff<Take> h(kSlots);
  std::atomic<bool> stop{false};
  std::thread audio([&] {
    std::uint32_t ids[kSlots];
    Take* takes[kSlots];
    std::uint32_t n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      h.take([&](std::uint32_t id, Take* t) {
        ids[n] = id;
        takes[n++] = t;
      });
      std::uint32_t kept = 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        Take* t = takes[i];
        t->frames[t->wanted % 64] = t->wanted; // written up to the hand-back
        if (++t->wanted < 200) {
          ids[kept] = ids[i];
          takes[kept++] = t;
        } else {
          h.let_go(ids[i]); // the last touch
        }
      }
      n = kept;
      h.finish(0, [](std::uint32_t, Take*) {});
    }
  });
  std::uint32_t freed = 0;
  std::vector<std::uint32_t> lent;
  while (freed < 500) {
    while (h.held() < kSlots) {
      const std::uint32_t id = h.install(std::make_unique<Take>());
      ASSERT_NE(id, 0u);
      lent.push_back(id);
    }
    h.collect();
    std::erase_if(lent, [&](std::uint32_t id) {
      if (h.lent(id))
        return false;
      EXPECT_EQ(h.peek(id)->wanted, 200u);
      EXPECT_TRUE(h.retire(id, 0)); // frees it while the audio side runs on
      ++freed;
      return true;
    });
    std::this_thread::yield();
  }
  stop.store(true);
  audio.join();
}

// The budget leaves the play for the next block; the close sent after it
// must wait for it, then stop it (before, the close let go at once and the
// play was lost, the voice playing on what it played before).
TEST(HandoffTest, ACloseWaitsForAPlayTheBudgetLeftInTheRing) {
  EngineConfig c;
  c.messages_per_block = 1;
  Engine engine{c};
  std::vector<float> a(512, 0.25f), b(512, 0.5f);
  const std::uint32_t first = engine.load_buffer(a.data(), 512, 1);
  const std::uint32_t second = engine.load_buffer(b.data(), 512, 1);
  Message play_first = Message::play(0, first, kFrameNext, true);
  ASSERT_TRUE(engine.send(play_first));
  render(engine, 64);
  std::uint32_t seq;
  ASSERT_TRUE(engine.send_ping(seq));
  Message play_second = Message::play(0, second, kFrameNext, true);
  ASSERT_TRUE(engine.send(play_second));
  ASSERT_TRUE(engine.close_buffer(second));
  render(engine, 64); // the ping
  render(engine, 64); // the play, then the close
  const std::vector<float> out = render(engine, 64);
  EXPECT_EQ(engine.stats().unhandled, 0u) << "the play was carried out";
  for (std::size_t i = 0; i < out.size(); ++i)
    ASSERT_EQ(out[i], 0.0f) << "the voice was stopped, not left playing the first buffer";
  bool ended = false;
  for (const Message& m : drain(engine))
    ended = ended || (m.kind == MessageKind::voice_ended && field::voice_ended::voice(m) == 0);
  EXPECT_TRUE(ended);
}

// A play sent right after its load, while the audio thread runs: the play
// always finds the buffer (the audio thread takes the installs after each
// batch of commands it pops, not only at the block's start).
TEST(HandoffTest, APlaySentRightAfterItsLoadAlwaysFindsTheBuffer) {
  EngineConfig c;
  c.buffers = 4;
  Engine engine{c};
  std::atomic<bool> stop{false};
  std::thread audio([&] {
    std::vector<float> out(16 * 2);
    while (!stop.load(std::memory_order_relaxed))
      engine.process(AudioOut{out.data(), nullptr}, 16);
  });
  std::vector<float> samples(32, 0.5f);
  for (int i = 0; i < 3000; ++i) {
    const std::uint32_t id = engine.load_buffer(samples.data(), 32, 1);
    ASSERT_NE(id, 0u) << "cycle " << i;
    Message play = Message::play(static_cast<std::uint32_t>(i) % 32, id);
    ASSERT_TRUE(engine.send(play));
    ASSERT_TRUE(engine.close_buffer(id));
    Message m;
    while (engine.try_recv(m)) {
    }
    while (engine.stats().buffers_live > 2) {
      std::this_thread::yield();
      while (engine.try_recv(m)) {
      }
    }
  }
  stop.store(true);
  audio.join();
  EXPECT_EQ(engine.stats().unhandled, 0u);
}

// In the engine: a play sent before a close is carried out, then the close
// stops it in the same block, and the buffer is freed without a scan.
TEST(HandoffTest, TheCloseComesAfterTheCommandsSentBeforeIt) {
  Engine engine{EngineConfig{}};
  std::vector<float> samples(512, 0.5f), out(256 * 2);
  const std::uint32_t id = engine.load_buffer(samples.data(), 512, 1);
  ASSERT_NE(id, 0u);
  Message play = Message::play(3, id);
  ASSERT_TRUE(engine.send(play));
  ASSERT_TRUE(engine.close_buffer(id));
  EXPECT_FALSE(engine.buffer_live(id));
  engine.process(AudioOut{out.data(), nullptr}, 256);
  const std::vector<Message> replies = drain(engine);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].kind, MessageKind::voice_ended);
  EXPECT_EQ(field::voice_ended::voice(replies[0]), 3u);
  EXPECT_EQ(replies[1].kind, MessageKind::buffer_released);
  EXPECT_EQ(field::buffer_released::buffer_id(replies[1]), id);
  EXPECT_EQ(engine.stats().unhandled, 0u) << "the play was carried out";
  EXPECT_EQ(engine.stats().buffers_live, 0u) << "freed by the receive";
  for (float s : out)
    EXPECT_EQ(s, 0.0f) << "stopped before it sounded";
}

TEST(HandoffTest, AFullBufferTableRefusesWithNoIdAndKeepsWhatIsLoaded) {
  EngineConfig c;
  c.buffers = 2;
  Engine engine{c};
  float sample = 1.0f;
  const std::uint32_t a = engine.load_buffer(&sample, 1, 1);
  const std::uint32_t b = engine.load_buffer(&sample, 1, 1);
  ASSERT_NE(a, 0u);
  ASSERT_NE(b, 0u);
  EXPECT_EQ(engine.load_buffer(&sample, 1, 1), 0u);
  EXPECT_TRUE(engine.buffer_live(a));
  EXPECT_TRUE(engine.buffer_live(b));
}

// Engine::load_buffer checks what it is given itself, not only the C layer.
TEST(HandoffTest, LoadBufferRefusesNothingAndTooMuch) {
  Engine engine{EngineConfig{}};
  float sample = 0.5f;
  EXPECT_THROW(engine.load_buffer(&sample, 0, 1), std::invalid_argument);
  EXPECT_THROW(engine.load_buffer(&sample, 1, 0), std::invalid_argument);
  EXPECT_THROW(engine.load_buffer(&sample, 1, 65), std::invalid_argument);
  EXPECT_THROW(engine.load_buffer(nullptr, 1, 1), std::invalid_argument);
  // frames * channels would wrap around 2^64: refused before any allocation.
  EXPECT_THROW(engine.load_buffer(&sample, std::uint64_t{1} << 63, 4), std::length_error);
  EXPECT_EQ(engine.stats().buffers_live, 0u);
  EXPECT_NE(engine.load_buffer(&sample, 1, 1), 0u);
}

} // namespace
} // namespace ringengine
