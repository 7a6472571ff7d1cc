// Gain alone: every sample times the gain, and a ramp's gain at each frame
// on the line from where it was to where it goes, landing on its target.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "dsp/gain.hpp"
#include "dsp_util.hpp"

namespace ringengine {
namespace {

using testing::Planes;
using testing::test_sample;

constexpr std::uint32_t kBlock = 256;

Planes samples(std::uint32_t channels, std::uint32_t frames, std::uint64_t from = 0) {
  Planes p{channels, frames};
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i)
      p[c][i] = test_sample(from + i, c);
  return p;
}

template <typename GainOf>
::testing::AssertionResult scaled(Planes& out, std::uint32_t channels, std::uint32_t n,
                                  std::uint64_t from, GainOf gain) {
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < n; ++i) {
      const double x = test_sample(from + i, c);
      const double want = x * gain(i);
      if (!(std::fabs(out[c][i] - want) <= 1e-6 * std::fabs(x)))
        return ::testing::AssertionFailure() << "channel " << c << " frame " << i << ": "
                                             << out[c][i] << ", want " << want;
    }
  return ::testing::AssertionSuccess();
}

TEST(GainTest, OneLeavesTheSignalBitForBit) {
  Gain gain;
  gain.init();
  Planes p = samples(3, kBlock);
  const Planes before = p;
  Signal s = p.signal(3, kBlock);
  gain.process(s);
  EXPECT_EQ(p.data, before.data);
}

TEST(GainTest, ASteadyGainMultipliesEverySampleOfEveryChannel) {
  for (float g : {0.5f, 0.0f, 3.7f}) {
    Gain gain;
    gain.init();
    gain.set(g, 0);
    EXPECT_EQ(gain.value(), static_cast<double>(g));
    Planes p = samples(3, kBlock);
    Signal s = p.signal(3, kBlock);
    gain.process(s);
    for (std::uint32_t c = 0; c < 3; ++c)
      for (std::uint32_t i = 0; i < kBlock; ++i)
        ASSERT_EQ(p[c][i], test_sample(i, c) * g) << "gain " << g;
  }
}

TEST(GainTest, ARampMovesLinearlyToTheSampleAndLandsOnItsTarget) {
  // 1 to 0.25 over 100 frames inside a block.
  Gain gain;
  gain.init();
  gain.set(0.25f, 100);
  EXPECT_TRUE(gain.moving());
  Planes p = samples(2, kBlock);
  Signal s = p.signal(2, kBlock);
  gain.process(s);
  EXPECT_TRUE(scaled(p, 2, kBlock, 0, [](std::uint32_t i) {
    return i < 100 ? 1.0 - 0.75 * i / 100.0 : 0.25;
  }));
  EXPECT_FALSE(gain.moving());
  EXPECT_EQ(gain.value(), 0.25);
}

TEST(GainTest, ARampAcrossBlocksContinuesWhereItWas) {
  // 0.2 to 1.4 over 300 frames: 256 in the first block, 44 in the second.
  Gain gain;
  gain.init();
  gain.set(0.2f, 0);
  gain.set(1.4f, 300);
  const double from = static_cast<double>(0.2f), to = static_cast<double>(1.4f);
  auto g = [&](std::uint32_t frame) {
    return frame < 300 ? from + (to - from) * frame / 300.0 : to;
  };
  Planes a = samples(3, kBlock);
  Signal sa = a.signal(3, kBlock);
  gain.process(sa);
  EXPECT_TRUE(scaled(a, 3, kBlock, 0, g));
  Planes b = samples(3, kBlock, kBlock);
  Signal sb = b.signal(3, kBlock);
  gain.process(sb);
  EXPECT_TRUE(scaled(b, 3, kBlock, kBlock, [&](std::uint32_t i) { return g(i + kBlock); }));
  EXPECT_EQ(gain.value(), to);
}

TEST(GainTest, SkipMovesTheRampWithoutOutput) {
  Gain gain;
  gain.init();
  gain.set(0.0f, 200);
  gain.skip(50);
  Planes p = samples(1, kBlock);
  Signal s = p.signal(1, kBlock);
  gain.process(s);
  EXPECT_TRUE(scaled(p, 1, kBlock, 0, [](std::uint32_t i) {
    return i < 150 ? 1.0 - (50.0 + i) / 200.0 : 0.0;
  }));
  gain.skip(1000); // a skip past a ramp's end lands on its target
  gain.set(0.5f, 100);
  gain.skip(1000);
  EXPECT_EQ(gain.value(), 0.5);
}

TEST(GainTest, AudibleUnlessAtRestAtZero) {
  Gain gain;
  gain.init();
  EXPECT_TRUE(gain.audible());
  gain.set(0.0f, 10);
  EXPECT_TRUE(gain.audible()); // on its way
  gain.skip(10);
  EXPECT_FALSE(gain.audible());
  gain.set(0.1f, 10);
  EXPECT_TRUE(gain.audible());
}

} // namespace
} // namespace ringengine
