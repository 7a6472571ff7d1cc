// Key lock on the audio thread, under RealtimeSanitizer (tools/rtsan.sh):
// after a Keylock is made (and primed) on the control side, 4000 blocks of
// 256 frames with the rate and the pitch changing every block, and a
// reset() (a new play) now and then, all inside a RealtimeScope: any
// allocation, lock or blocking call aborts with a stack trace. R3, the
// engine key lock uses (with its standard and its short window): R2 allocates here even after priming
// (R2Stretcher::reconfigure -> ChannelData::setOutbufSize -> RingBuffer::
// resized, malloc, measured with 3.1.2), one reason for R3
// (docs/architecture.md). In other builds the scope checks nothing and
// this is a plain run (no crash, sound out).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "backends/realtime_scope.hpp"
#include "dsp/keylock.hpp"

namespace ringengine {
namespace {

constexpr std::uint32_t kBlock = 256;
constexpr int kBlocks = 4000;

class KeylockRealtimeTest : public testing::TestWithParam<Keylock::Stretcher> {};

TEST_P(KeylockRealtimeTest, RateAndPitchChangeEveryBlock) {
  if (!Keylock::available())
    GTEST_SKIP() << "built without Rubber Band (-Drubberband)";
  Keylock keylock(48000.0, 2, kBlock, GetParam());
  std::vector<float> left(kBlock), right(kBlock);
  float* out[2] = {left.data(), right.data()};
  double phase = 0.0;
  std::uint64_t pulled = 0;
  auto tone = [&phase, &pulled](float* const* in, std::uint32_t n) noexcept {
    pulled += n;
    for (std::uint32_t i = 0; i < n; ++i) {
      in[0][i] = in[1][i] = static_cast<float>(0.5 * std::sin(phase));
      phase += 2.0 * std::numbers::pi * 440.0 / 48000.0;
    }
    return n;
  };
  std::uint64_t frames = 0;
  double loudest = 0.0;
  std::uint32_t seed = 1;
  {
    RealtimeScope realtime;
    for (int b = 0; b < kBlocks; ++b) {
      // A slow sweep across the whole range, and a random jump every 50th
      // block: every ratio and pitch the priming covered, and some it hit
      // only nearby.
      seed = seed * 1664525u + 1013904223u;
      const double u = static_cast<double>(seed >> 8) / 16777216.0;
      const double sweep = std::sin(b * 0.01);
      const double rate = b % 50 == 0 ? Keylock::kMinRate + u * (Keylock::kMaxRate - Keylock::kMinRate)
                                      : std::exp2(sweep * 2.0); // 1/4 .. 4
      const double semitones = b % 50 == 0 ? (u * 2.0 - 1.0) * 12.0 : std::cos(b * 0.013) * 12.0;
      keylock.set(rate, semitones);
      if (b % 1000 == 999)
        keylock.reset();
      frames += keylock.render(out, 2, kBlock, tone);
      for (float x : left)
        loudest = std::max(loudest, static_cast<double>(std::fabs(x)));
    }
  }
  EXPECT_EQ(frames, static_cast<std::uint64_t>(kBlocks) * kBlock);
  EXPECT_GT(loudest, 0.1);
  // The stretcher ran: every frame asked went through it, and it took its
  // input at the rates asked (1/4 .. 4, averaging above 1 over the sweep),
  // not one frame in per frame out.
  EXPECT_EQ(keylock.frames_rendered(), static_cast<std::uint64_t>(kBlocks) * kBlock);
  EXPECT_GT(static_cast<double>(pulled), 1.2 * static_cast<double>(frames))
      << pulled << " frames pulled for " << frames;
}

// R3 both ways (standard and short window); not R2 (see above).
INSTANTIATE_TEST_SUITE_P(KeylockEngines, KeylockRealtimeTest,
                         testing::Values(Keylock::Stretcher::finer,
                                         Keylock::Stretcher::finer_short),
                         [](const auto& info) {
                           return info.param == Keylock::Stretcher::finer ? "R3" : "R3short";
                         });

} // namespace
} // namespace ringengine
