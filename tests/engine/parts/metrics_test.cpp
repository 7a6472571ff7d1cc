// The metrics (telemetry/metrics.hpp) on their own, without the Engine: what
// end_block() counts and records of a block, the load and the DSP load of
// blocks whose time is known (given in the clock's ticks, which the metrics
// turn into shares of the period), the DSP load's epochs, and the meters'
// snapshots.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>

#include "telemetry/metrics.hpp"

namespace ringengine {
namespace {

// The metrics' clock turns ticks into ns by the ratio of the system clock
// to the ticks since it was made, measured at each call: let it run long
// enough that the ratio is steady (a preemption between its two reads must
// last 50 ms to move it by 25 %).
void let_the_clock_run() { std::this_thread::sleep_for(std::chrono::milliseconds(200)); }

// The share of the period `ticks_per_frame` are at `rate`, by the metrics'
// own clock (max_callback_ns() turns the longest block's ticks into ns).
// Another measurement of the clock than the metrics' own: only near.
double share(const Metrics& m, std::uint64_t longest_ticks, double ticks_per_frame, double rate) {
  const double ns_per_tick = static_cast<double>(m.max_callback_ns()) / longest_ticks;
  return ticks_per_frame * ns_per_tick * rate / 1e9;
}

// Values of one load() or dsp_load() call share one reading of the clock,
// so their ratios are exact.
constexpr double kExact = 1e-9;
// Against share(): two readings of the clock, on a busy machine.
constexpr double kNear = 0.25;

TEST(MetricsTest, EndBlockCountsTheBlockAndRecordsWhereTheEngineIs) {
  Metrics m(48000, 4, 2, 2);
  const AudioCounters& c = m.counters();
  EXPECT_EQ(c.callbacks.load(), 0u);
  EXPECT_EQ(m.load().callbacks, 0u);
  EXPECT_EQ(m.load().last, 0.0) << "no block yet";
  m.end_block(256, 256, 5000, 3);
  EXPECT_EQ(m.load().active_voices, 3u);
  m.end_block(384, 128, 9000, 1);
  m.end_block(448, 64, 2000, 0);
  EXPECT_EQ(c.callbacks.load(), 3u);
  EXPECT_EQ(c.frames.load(), 448u);
  EXPECT_EQ(c.max_callback_ticks.load(), 9000u) << "the longest, not the last";
  const EngineLoad load = m.load();
  EXPECT_EQ(load.frame, 448u);
  EXPECT_EQ(load.callbacks, 3u);
  EXPECT_EQ(load.active_voices, 0u) << "the last block's";
  EXPECT_EQ(c.pings_handled.load() + c.late.load() + c.dropped.load() + c.unhandled.load() +
                c.xruns.load(),
            0u)
      << "a block counts only itself";
}

// Blocks of 256 frames at 48 kHz last 5.33 ms; the load is the block's time
// over that. The average moves 256/48000 of the way to each block's.
TEST(MetricsTest, TheLoadIsTheBlocksTimeOverItsDuration) {
  constexpr std::uint64_t kLong = 4'000'000'000; // ticks: a second or more on any clock
  Metrics m(48000, 1, 1, 2);
  let_the_clock_run();
  m.end_block(256, 256, kLong, 1);
  const EngineLoad first = m.load();
  const double expected = share(m, kLong, kLong / 256.0, 48000);
  EXPECT_GT(expected, 0.0);
  EXPECT_NEAR(first.last, expected, expected * kNear);
  const double alpha = 256.0 / 48000;
  EXPECT_NEAR(first.average / first.last, alpha, kExact);

  m.end_block(512, 256, kLong / 4, 1);
  const EngineLoad second = m.load();
  const double x1 = kLong / 256.0, x2 = kLong / 4 / 256.0; // ticks per frame
  EXPECT_NEAR(second.last, expected / 4, expected / 4 * kNear);
  EXPECT_NEAR(second.average / second.last, (alpha * x1 + alpha * (x2 - alpha * x1)) / x2,
              kExact);
  EXPECT_EQ(m.counters().max_callback_ticks.load(), kLong);
}

// At a rate of 512 Hz a block of 256 frames moves the average half way, and
// one of 512 (a second) all the way.
TEST(MetricsTest, TheAverageLoadIsSmoothedOverASecondOfFrames) {
  constexpr std::uint64_t kLong = 4'000'000'000;
  Metrics m(512, 1, 1, 2);
  let_the_clock_run();
  m.end_block(256, 256, kLong, 0);
  EngineLoad l = m.load();
  EXPECT_NEAR(l.average / l.last, 0.5, kExact);
  m.end_block(512, 256, kLong / 2, 0);
  l = m.load();
  const double x1 = kLong / 256.0, x2 = kLong / 2 / 256.0;
  EXPECT_NEAR(l.average / l.last, (0.25 * x1 + 0.5 * x2) / x2, kExact);
  m.end_block(1024, 512, kLong / 8, 0);
  l = m.load();
  EXPECT_NEAR(l.average / l.last, 1.0, kExact) << "a second's block replaces it";
}

// dsp_load(): the blocks since the last call, on average (their time over
// their frames) and the most of any one; each call starts a new epoch.
TEST(MetricsTest, TheDspLoadCoversTheBlocksSinceTheLastCall) {
  constexpr std::uint64_t kLong = 4'000'000'000;
  Metrics m(48000, 1, 1, 2);
  let_the_clock_run();
  const DspLoad none = m.dsp_load();
  EXPECT_EQ(none.frames, 0u) << "no block ran";
  EXPECT_EQ(none.average, 0.0);
  EXPECT_EQ(none.peak, 0.0);

  m.end_block(256, 256, kLong / 4, 0);
  m.end_block(384, 128, kLong, 0); // four times the ticks in half the frames: 8x per frame
  m.end_block(640, 256, kLong / 4, 0);
  const DspLoad three = m.dsp_load();
  EXPECT_EQ(three.frames, 640u);
  const double average = share(m, kLong, kLong * 1.5 / 640, 48000);
  EXPECT_NEAR(three.average, average, average * kNear);
  EXPECT_NEAR(three.peak / three.average, (kLong / 128.0) / (kLong * 1.5 / 640), kExact)
      << "the peak is the 128-frame block's";

  // A new epoch: its peak is of its blocks only, though lower than the last.
  m.end_block(896, 256, kLong / 8, 0);
  m.end_block(1152, 256, kLong / 16, 0);
  const DspLoad two = m.dsp_load();
  EXPECT_EQ(two.frames, 512u);
  const double eighth = share(m, kLong, kLong / 8 / 256.0, 48000);
  EXPECT_NEAR(two.peak, eighth, eighth * kNear) << "not the last epoch's peak";
  EXPECT_NEAR(two.peak / two.average, (kLong / 8.0 / 256) / (kLong * (3.0 / 16) / 512), kExact);

  const DspLoad empty = m.dsp_load();
  EXPECT_EQ(empty.frames, 0u);
  EXPECT_EQ(empty.average, 0.0);
  EXPECT_EQ(empty.peak, 0.0);
  EXPECT_EQ(m.load().frame, 1152u) << "dsp_load() leaves load() alone";
  EXPECT_EQ(m.load().callbacks, 5u);
}

TEST(MetricsTest, MetersStartSilentWithTheirChannelsAndShowTheLastWrite) {
  Metrics m(48000, 3, 2, 5);
  for (std::uint32_t v = 0; v < 3; ++v) {
    EXPECT_EQ(m.voice_meter(v).channels, 5u);
    EXPECT_EQ(m.voice_meter(v).frames, 0u);
    EXPECT_EQ(m.voice_meter(v).peak[0], 0.0f);
  }
  for (std::uint32_t b = 0; b <= 2; ++b)
    EXPECT_EQ(m.bus_meter(b).channels, 5u) << "bus " << b << " (2: the master)";
  MeterReading r;
  r.frame = 480;
  r.frames = 480;
  r.channels = 5;
  r.peak[4] = 0.5f;
  r.clips = 2;
  m.voice_meters()[2].write(r);
  m.bus_meters()[2].write(r); // the master
  EXPECT_EQ(m.voice_meter(2).peak[4], 0.5f);
  EXPECT_EQ(m.voice_meter(2).clips, 2u);
  EXPECT_EQ(m.voice_meter(1).frames, 0u) << "another voice's untouched";
  EXPECT_EQ(m.bus_meter(2).frame, 480u);
  EXPECT_EQ(m.bus_meter(1).frame, 0u);
}

} // namespace
} // namespace ringengine
