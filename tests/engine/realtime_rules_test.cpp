// The audio side's real-time rules: process() on every path neither
// allocates, frees, locks nor sleeps, checked with rt_guard, which is first
// shown to catch each violation.
#include <gtest/gtest.h>

#include <pthread.h>
#include <semaphore.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

#include "core/engine.hpp"
#include "rt_guard.hpp"
#include "test_util.hpp"

namespace ringengine {
namespace {

using namespace ringengine::testing;

// The guard must be able to fail: each kind of violation is caught.
TEST(RtGuardTest, CatchesDeliberateViolations) {
  rt_guard::arm();
  // Through a volatile pointer, or the compiler may elide the pair.
  int* volatile escaped = new int(1);
  delete escaped;
  std::mutex m;
  m.lock();
  m.unlock();
  std::this_thread::sleep_for(std::chrono::microseconds(1));
  const rt_guard::Violations v = rt_guard::disarm();
  EXPECT_EQ(v.allocations, 1);
  EXPECT_EQ(v.frees, 1);
  EXPECT_EQ(v.locks, 1);
  EXPECT_GE(v.sleeps, 1);
}

// The C allocator and the waits the engine could reach without a lock.
TEST(RtGuardTest, CatchesMallocFreeAndWaits) {
  if (!rt_guard::wraps_malloc())
    GTEST_SKIP() << "under ASan or TSan, whose runtime owns malloc: only new and delete are counted";
  sem_t sem;
  ASSERT_EQ(sem_init(&sem, 0, 3), 0);
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
  ASSERT_EQ(pthread_mutex_lock(&m), 0);
  timespec past{};
  rt_guard::arm();
  // Through volatile pointers, or the compiler may elide the pairs.
  void* volatile a = std::malloc(24);
  void* volatile b = std::calloc(3, 8);
  void* volatile c = std::realloc(nullptr, 40);
  void* volatile d = std::aligned_alloc(64, 64);
  std::free(a);
  std::free(b);
  std::free(c);
  std::free(d);
  sem_wait(&sem);       // posted: returns at once
  sem_timedwait(&sem, &past);
  pthread_cond_timedwait(&cond, &m, &past); // past: times out at once
  const rt_guard::Violations v = rt_guard::disarm();
  pthread_mutex_unlock(&m);
  sem_destroy(&sem);
  EXPECT_EQ(v.allocations, 4);
  EXPECT_EQ(v.frees, 4);
  EXPECT_EQ(v.waits, 3);
}

TEST(RtGuardTest, ControlSideLocksAreSeen) {
  Engine engine{EngineConfig{}};
  std::uint32_t seq;
  rt_guard::arm();
  ASSERT_TRUE(engine.send_ping(seq));
  EXPECT_GE(rt_guard::disarm().locks, 1) << "send_ping locks the control side";
}

TEST(EngineRealTimeTest, ProcessNeitherAllocatesNorLocksNorSleeps) {
  Engine engine{with_capacity(1024)};
  std::uint32_t seq;
  for (int round = 0; round < 50; ++round) {
    // Every path: empty block, pings answered, pongs dropped (full reply ring).
    for (int i = 0; i < round * 20 && engine.send_ping(seq); ++i) {
    }
    rt_guard::arm();
    engine.process(AudioOut{}, 256);
    engine.note_xrun();
    const rt_guard::Violations v = rt_guard::disarm();
    ASSERT_EQ(v.total(), 0) << "round " << round << ": allocations " << v.allocations
                            << ", frees " << v.frees << ", locks " << v.locks
                            << ", sleeps " << v.sleeps;
  }
  EXPECT_GT(engine.stats().pongs_dropped, 0u) << "the test must reach the full-reply path";
}

// Voices sounding, ramps moving, commands at frames inside and beyond the
// block, the schedule overflowing, pings answered: none of it allocates,
// locks or sleeps on the audio thread.
TEST(EngineRealTimeTest, SoundAndThousandsOfCommandsNeitherAllocateNorLock) {
  EngineConfig c;
  c.voices = 64;
  c.schedule = 256;
  Engine engine{c};
  std::vector<float> out(256 * 2);
  std::uint64_t frame = 0;
  for (int round = 0; round < 40; ++round) {
    for (std::uint32_t i = 0; i < 100; ++i) {
      const auto v = (round * 100 + i) % 64;
      const std::uint64_t at = i % 3 == 0 ? kFrameNext : frame + (i * 37) % 2000;
      Message m = Message::set_param(v, static_cast<Param>(i % 3),
                                     i % 3 == 0 ? 100.0f + i : 0.5f, at, i % 2 ? 64 : 0);
      (void)engine.send(m);
    }
    // One command for a frame that has passed: the late path.
    Message late = Message::set_param(1, Param::gain, 0.25f, frame > 0 ? frame - 1 : 0);
    (void)engine.send(late);
    std::uint32_t seq;
    (void)engine.send_ping(seq);
    rt_guard::arm();
    engine.process(AudioOut{out.data(), nullptr}, 256);
    const rt_guard::Violations v = rt_guard::disarm();
    ASSERT_EQ(v.total(), 0) << "round " << round;
    frame += 256;
    Message reply;
    while (engine.try_recv(reply)) {
    }
  }
  const EngineStats s = engine.stats();
  EXPECT_EQ(s.commands_sent, 40u * 102);
  EXPECT_GT(s.dropped, 0u) << "the test must reach the full-schedule path";
  EXPECT_GT(s.late, 0u) << "and the late path";
  bool sound = false;
  for (float x : out)
    sound = sound || x != 0.0f;
  EXPECT_TRUE(sound);
}

TEST(EngineRealTimeTest, BuffersComeAndGoWhileTheAudioThreadNeverAllocatesOrFrees) {
  EngineConfig c;
  c.buffers = 8;
  Engine engine{c};
  std::vector<float> samples(2048, 0.25f), out(256 * 2);
  for (int round = 0; round < 200; ++round) {
    const std::uint32_t id = engine.load_buffer(samples.data(), 1024, 2);
    ASSERT_NE(id, 0u) << "round " << round;
    Message play = Message::play(round % 32, id, kFrameNext, round % 2 == 0);
    ASSERT_TRUE(engine.send(play));
    rt_guard::arm();
    engine.process(AudioOut{out.data(), nullptr}, 256);
    rt_guard::Violations v = rt_guard::disarm();
    ASSERT_EQ(v.total(), 0) << "playing, round " << round;
    ASSERT_TRUE(engine.close_buffer(id));
    rt_guard::arm();
    engine.process(AudioOut{out.data(), nullptr}, 256); // lets go; the control side frees
    v = rt_guard::disarm();
    ASSERT_EQ(v.total(), 0) << "letting go, round " << round;
    Message reply;
    while (engine.try_recv(reply)) {
    }
  }
  EXPECT_EQ(engine.stats().buffers_live, 0u);
  EXPECT_EQ(engine.stats().unhandled, 0u);
}

} // namespace
} // namespace ringengine
