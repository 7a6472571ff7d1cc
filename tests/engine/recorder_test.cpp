// Recording in the core: buffers filled from the exact frame, the master's
// tap equal to the output, a stop at its frame, the rules of the audio
// thread kept while recordings (files and buffers) run, and the memory
// freed on the control side once both other threads let go.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/engine.hpp"
#include "rt_guard.hpp"
#include "test_util.hpp"

namespace ringengine {
namespace {

using namespace ringengine::testing;

RecordStatus status_of(Engine& e, std::uint32_t id) {
  RecordStatus s;
  EXPECT_TRUE(e.record_status(id, s));
  return s;
}

std::vector<float> noise(std::size_t n, unsigned seed) {
  std::vector<float> v(n);
  for (float& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<float>(static_cast<int>(seed >> 8) - (1 << 23)) / (1 << 23);
  }
  return v;
}

TEST(RecorderTest, InputComesBackInABufferFromTheExactFramePlanarOrInterleaved) {
  EngineConfig c;
  c.inputs = 3;
  c.channels = 3;
  Engine e{c};
  const std::vector<float> in = noise(3 * 1000, 7);
  RecordRequest q;
  q.source = kRecordInput;
  q.at = 333;
  q.frames = 400;
  q.to_buffer = true;
  const std::uint32_t id = e.record(q);
  // Blocks of 100, interleaved for the first 500 frames, planar after.
  std::vector<float> out(3 * 100);
  for (std::uint32_t b = 0; b < 10; ++b) {
    std::vector<float> planes[3];
    const float* p[3];
    for (int ch = 0; ch < 3; ++ch) {
      for (std::uint32_t i = 0; i < 100; ++i)
        planes[ch].push_back(in[(b * 100 + i) * 3 + ch]);
      p[ch] = planes[ch].data();
    }
    const AudioIn block = b < 5 ? AudioIn{&in[b * 100 * 3], nullptr} : AudioIn{nullptr, p};
    e.process(AudioOut{out.data(), nullptr}, 100, block);
    for (float x : out)
      ASSERT_EQ(x, 0.0f) << "the input is heard without being asked";
  }
  const RecordStatus s = status_of(e, id);
  EXPECT_EQ(s.state, 3u);
  EXPECT_EQ(s.start_frame, 333u);
  EXPECT_EQ(s.frames, 400u);
  EXPECT_EQ(s.error, "");
  const std::uint32_t buffer = e.record_take_buffer(id);
  ASSERT_NE(buffer, 0u);
  SampleBuffer info;
  ASSERT_TRUE(e.buffer_info(buffer, info));
  EXPECT_EQ(info.frames, 400u);
  EXPECT_EQ(info.channels, 3u);
  RecordStatus gone;
  EXPECT_FALSE(e.record_status(id, gone)) << "taking the buffer closes the recording";
  // Played: the input's frames 333 .. 733, channel for channel, bit for bit
  // (across the interleaved and the planar blocks).
  Message m = Message::play(0, buffer);
  ASSERT_TRUE(e.send(m));
  const std::vector<float> back = render(e, 400);
  for (std::size_t i = 0; i < back.size(); ++i)
    ASSERT_EQ(back[i], in[333 * 3 + i]) << "sample " << i;
}

TEST(RecorderTest, TheMastersTapIsTheOutputAndAStopEndsItAtItsFrame) {
  EngineConfig c;
  c.block_frames = 64;
  Engine e{c};
  Message m = Message::set_param(0, Param::freq, 500.0f);
  ASSERT_TRUE(e.send(m));
  m = Message::set_param(1, Param::freq, 3000.0f, 1000);
  ASSERT_TRUE(e.send(m));
  RecordRequest q;
  q.frames = 5000;
  q.to_buffer = true;
  const std::uint32_t id = e.record(q); // the next block: frame 0
  ASSERT_TRUE(e.record_stop(id, 2222));
  const std::vector<float> out = render(e, 4096);
  const RecordStatus s = status_of(e, id);
  EXPECT_EQ(s.state, 3u);
  EXPECT_EQ(s.start_frame, 0u);
  EXPECT_EQ(s.frames, 2222u) << "stopped at 2222, before the 5000 asked";
  // Played back alone (the sines stopped): the same samples as were heard.
  const std::uint32_t buffer = e.record_take_buffer(id);
  ASSERT_NE(buffer, 0u);
  for (std::uint32_t v : {0u, 1u}) {
    m = Message::stop(v);
    ASSERT_TRUE(e.send(m));
  }
  m = Message::play(2, buffer);
  ASSERT_TRUE(e.send(m));
  const std::vector<float> back = render(e, 2222);
  for (std::size_t i = 0; i < back.size(); ++i)
    ASSERT_EQ(back[i], out[i]) << "sample " << i;
}

TEST(RecorderTest, RecordingsRunWithoutTheAudioThreadAllocatingLockingOrWaiting) {
  EngineConfig c;
  c.inputs = 2;
  c.block_frames = 256;
  Engine e{c};
  Message m = Message::set_param(0, Param::freq, 440.0f);
  ASSERT_TRUE(e.send(m));
  const std::string path = ::testing::TempDir() + "ringengine-recorder-rt.wav";
  RecordRequest file;
  file.path = path;
  file.at = 100;
  file.frames = 20000;
  const std::uint32_t a = e.record(file);
  RecordRequest buffer;
  buffer.source = kRecordInput;
  buffer.frames = 3000;
  buffer.to_buffer = true;
  const std::uint32_t b = e.record(buffer);
  RecordRequest bus;
  bus.source = 0;
  bus.frames = 5000;
  bus.to_buffer = true;
  const std::uint32_t d = e.record(bus);
  const std::vector<float> in = noise(2 * 256, 3);
  std::vector<float> out(2 * 256);
  for (int round = 0; round < 100; ++round) {
    rt_guard::arm();
    e.process(AudioOut{out.data(), nullptr}, 256, AudioIn{in.data(), nullptr});
    const rt_guard::Violations v = rt_guard::disarm();
    ASSERT_EQ(v.total(), 0) << "round " << round << ": allocations " << v.allocations
                            << ", frees " << v.frees << ", locks " << v.locks
                            << ", waits " << v.waits << ", sleeps " << v.sleeps;
    // Keep the writer ahead of an offline engine (which is faster than a disk).
    for (int i = 0; i < 2000 && status_of(e, a).written < status_of(e, a).frames; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (int i = 0; i < 5000 && status_of(e, a).state != 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(status_of(e, a).state, 3u);
  EXPECT_EQ(status_of(e, a).written, 20000u);
  EXPECT_EQ(status_of(e, a).overruns, 0u);
  EXPECT_EQ(status_of(e, a).error, "");
  EXPECT_EQ(status_of(e, b).frames, 3000u);
  EXPECT_EQ(status_of(e, d).frames, 5000u);
  EXPECT_TRUE(e.record_close(a));
  EXPECT_TRUE(e.record_close(b));
  EXPECT_TRUE(e.record_close(d));
  std::remove(path.c_str());
}

// The audio thread runs on while the control side takes, closes and frees
// the recordings it let go of: one let go of is not read again (its
// record_ended event was once built from a recorder already freed: under
// ASan or TSan that is a report).
TEST(RecorderTest, RecordingsAreFreedWhileTheAudioThreadRunsOn) {
  EngineConfig c;
  c.block_frames = 16;
  c.buffers = 4;
  Engine e{c};
  std::atomic<bool> stop{false};
  std::thread audio([&] {
    std::vector<float> out(16 * 2);
    while (!stop.load(std::memory_order_relaxed))
      e.process(AudioOut{out.data(), nullptr}, 16);
  });
  std::uint32_t started = 0, ended = 0;
  const auto count_ended = [&] {
    for (const Message& m : drain(e))
      ended += m.kind == MessageKind::record_ended;
  };
  while (started < 400) {
    RecordRequest q;
    q.to_buffer = true;
    q.frames = 1 + started % 40;
    std::uint32_t id = 0;
    try {
      id = e.record(q);
    } catch (const std::length_error&) { // 32 held: the audio thread lets go soon
      count_ended();
      std::this_thread::yield();
      continue;
    }
    ++started;
    if (started % 2 == 0) {
      ASSERT_TRUE(e.record_close(id)); // freed once let go of, as the audio thread runs
      continue;
    }
    RecordStatus s;
    while (e.record_status(id, s) && s.state != 3) {
      count_ended();
      std::this_thread::yield();
    }
    ASSERT_EQ(s.state, 3u);
    ASSERT_EQ(s.frames, q.frames);
    const std::uint32_t buffer = e.record_take_buffer(id);
    ASSERT_NE(buffer, 0u);
    ASSERT_TRUE(e.close_buffer(buffer));
  }
  stop.store(true);
  audio.join();
  render(e, 16); // lets go of the last closed
  count_ended();
  EXPECT_EQ(ended + e.stats().events_dropped, started);
}

TEST(RecorderTest, AtMost32RecordingsAndBadRequestsAreRefusedWithTheirReason) {
  Engine e{EngineConfig{}};
  RecordRequest q;
  q.to_buffer = true;
  q.frames = 16;
  std::vector<std::uint32_t> ids;
  for (std::uint32_t i = 0; i < Engine::kMaxRecordings; ++i)
    ids.push_back(e.record(q));
  EXPECT_THROW(e.record(q), std::length_error);
  // Closed, but the audio thread has not let go yet: still held.
  EXPECT_TRUE(e.record_close(ids[0]));
  EXPECT_THROW(e.record(q), std::length_error);
  render(e, 256); // lets go of what was closed (stopped at that block)
  EXPECT_NO_THROW(e.record(q));
  q.frames = 0;
  EXPECT_THROW(e.record(q), std::invalid_argument);
  q.frames = 10;
  q.source = kRecordInput;
  EXPECT_THROW(e.record(q), std::invalid_argument) << "no inputs";
  q.source = 8;
  EXPECT_THROW(e.record(q), std::invalid_argument) << "no bus 8 of 8";
  EXPECT_FALSE(e.record_stop(9999, 0));
  EXPECT_FALSE(e.record_close(9999));
}

} // namespace
} // namespace ringengine
