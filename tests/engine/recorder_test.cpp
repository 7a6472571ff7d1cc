// Recording in the core: buffers filled from the exact frame, the master's
// tap equal to the output, a stop at its frame, the rules of the audio
// thread kept while recordings (files and buffers) run, and the memory
// freed on the control side once both other threads let go.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <stdexcept>
#include <thread>
#include <vector>

#include "backends/backend.hpp"
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

// A ring without room for a block ends the recording there as an overrun,
// the block's frames counted lost and none of them stored (on a real-time
// backend, whose audio thread never waits; offline, the backend waits for
// the writer first: lacks_room() says when).
TEST(RecorderTest, ARingWithoutRoomForABlockEndsTheRecordingAsAnOverrun) {
  Recorder r;
  r.channels = 1;
  r.capacity = 100;
  r.ring = true;
  r.memory = std::make_unique<float[]>(100);
  r.install(0);
  const std::vector<float> x = noise(64, 5);
  const float* planes[1] = {x.data()};
  EXPECT_FALSE(r.lacks_room(64));
  EXPECT_FALSE(r.capture(planes, 0, 64));
  EXPECT_TRUE(r.lacks_room(64)) << "36 frames of room";
  EXPECT_FALSE(r.lacks_room(36));
  r.tail.store(10); // the writer took 10: 46 of room, still not 64
  EXPECT_TRUE(r.lacks_room(64));
  EXPECT_TRUE(r.capture(planes, 64, 64));
  EXPECT_EQ(r.end.load(), static_cast<int>(RecordEnd::overrun));
  EXPECT_EQ(r.overruns.load(), 64u);
  EXPECT_EQ(r.head.load(), 64u);
  EXPECT_FALSE(r.lacks_room(64)) << "an ended recording waits for nothing";
  for (std::size_t i = 0; i < 64; ++i)
    ASSERT_EQ(r.memory[i], x[i]);
}

// The samples of a float WAV that libsndfile wrote (its chunks walked to
// "data"), interleaved; empty when it is not one.
std::vector<float> read_float_wav(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr)
    return {};
  std::vector<char> bytes;
  char chunk[65536];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;)
    bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0)
    return {};
  for (std::size_t at = 12; at + 8 <= bytes.size();) {
    std::uint32_t size;
    std::memcpy(&size, &bytes[at + 4], 4);
    if (std::memcmp(&bytes[at], "data", 4) == 0) {
      size = static_cast<std::uint32_t>(std::min<std::size_t>(size, bytes.size() - at - 8));
      std::vector<float> samples(size / sizeof(float));
      std::memcpy(samples.data(), &bytes[at + 8], samples.size() * sizeof(float));
      return samples;
    }
    at += 8 + size + (size & 1);
  }
  return {};
}

// Offline, a recording many times longer than its ring is whole and exact:
// the offline backend waits for the writer whenever the ring has no room
// for the next block (nothing recorded offline is lost), and every lap of
// the ring, its seam included, reaches the file as the master played it.
TEST(RecorderTest, AnOfflineRecordingLongerThanItsRingIsWholeFrameForFrame) {
  EngineConfig c;
  c.block_frames = 256;
  Engine e{c};
  // A different sound on each channel: a stereo noise buffer, looped.
  const std::vector<float> sound = noise(2 * 10007, 11);
  const std::uint32_t buffer = e.load_buffer(sound.data(), 10007, 2);
  Message m = Message::play(0, buffer, kFrameNext, true);
  ASSERT_TRUE(e.send(m));
  m = Message::set_param(1, Param::freq, 440.0f);
  ASSERT_TRUE(e.send(m));
  OfflineBackend offline(e);
  const std::string path = ::testing::TempDir() + "ringengine-recorder-long.wav";
  RecordRequest q;
  q.path = path;
  q.at = 300;
  constexpr std::uint64_t kRing = 4096, kFrames = 7 * kRing + 1234;
  q.frames = kFrames;
  q.ring_frames = kRing;
  std::uint32_t id = 0;
  try {
    id = e.record(q);
  } catch (const std::runtime_error& error) {
    GTEST_SKIP() << error.what(); // built without libsndfile
  }
  // In one call: blocks run on while the writer empties the ring between them.
  std::vector<float> out(2 * (kFrames + 2000));
  ASSERT_TRUE(offline.render(out.data(), kFrames + 2000));
  for (int i = 0; i < 10000 && status_of(e, id).state != 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const RecordStatus s = status_of(e, id);
  EXPECT_EQ(s.state, 3u);
  EXPECT_EQ(s.error, "");
  EXPECT_EQ(s.overruns, 0u);
  EXPECT_EQ(s.frames, kFrames);
  EXPECT_EQ(s.written, kFrames);
  EXPECT_TRUE(e.record_close(id));
  const std::vector<float> file = read_float_wav(path);
  ASSERT_EQ(file.size(), 2 * kFrames);
  for (std::size_t i = 0; i < file.size(); ++i)
    ASSERT_EQ(file[i], out[2 * 300 + i])
        << "frame " << i / 2 << " (lap " << i / 2 / kRing << "), channel " << i % 2;
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
