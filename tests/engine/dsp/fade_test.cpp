// Fade alone: the gain it puts on each frame, against a line from where it
// starts to where it goes over the frames asked, and the frame at which a
// fade out reaches 0.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "dsp/fade.hpp"
#include "dsp_util.hpp"

namespace ringengine {
namespace {

using testing::Planes;
using testing::test_sample;

constexpr std::uint32_t kBlock = 256;

// `channels` planes of test samples.
Planes samples(std::uint32_t channels, std::uint32_t frames, std::uint64_t from = 0) {
  Planes p{channels, frames};
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i)
      p[c][i] = test_sample(from + i, c);
  return p;
}

// Checks that frames [0, n) of `out` are the test samples from `from` times
// gain(frame), on every channel.
template <typename GainOf>
::testing::AssertionResult scaled(Planes& out, std::uint32_t channels, std::uint32_t n,
                                  std::uint64_t from, GainOf gain) {
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < n; ++i) {
      const double x = test_sample(from + i, c);
      const double want = x * gain(i);
      if (!(std::fabs(out[c][i] - want) <= 1e-6 * std::fabs(x)))
        return ::testing::AssertionFailure()
               << "channel " << c << " frame " << i << ": " << out[c][i] << ", want " << want
               << " (gain " << gain(i) << ")";
    }
  return ::testing::AssertionSuccess();
}

TEST(FadeTest, AtRestPassesTheSignalBitForBit) {
  Fade fade;
  fade.reset();
  EXPECT_FALSE(fade.active());
  Planes p = samples(3, kBlock);
  const Planes before = p;
  Signal s = p.signal(3, kBlock);
  EXPECT_EQ(fade.process(s), Fade::kNotSilent);
  EXPECT_EQ(p.data, before.data);
}

TEST(FadeTest, InRisesFromZeroToOneOverItsFrames) {
  for (std::uint32_t frames : {1u, 64u, 100u, 256u}) {
    Fade fade;
    fade.reset();
    fade.in(frames);
    Planes p = samples(2, kBlock);
    Signal s = p.signal(2, kBlock);
    EXPECT_EQ(fade.process(s), Fade::kNotSilent);
    EXPECT_TRUE(scaled(p, 2, kBlock, 0, [&](std::uint32_t i) {
      return i < frames ? static_cast<double>(i) / frames : 1.0;
    })) << "over " << frames;
    EXPECT_FALSE(fade.active()) << "at 1, the fade is out of the way";
  }
}

TEST(FadeTest, InOfZeroFramesIsAtOnce) {
  Fade fade;
  fade.in(0);
  EXPECT_FALSE(fade.active());
}

TEST(FadeTest, OutFallsToZeroAndSaysTheFrameItGotThere) {
  for (std::uint32_t frames : {1u, 50u, 200u}) {
    Fade fade;
    fade.reset();
    fade.out(frames);
    EXPECT_TRUE(fade.fading_out());
    Planes p = samples(3, kBlock);
    Signal s = p.signal(3, kBlock);
    EXPECT_EQ(fade.process(s), frames);
    EXPECT_TRUE(scaled(p, 3, kBlock, 0, [&](std::uint32_t i) {
      return i < frames ? 1.0 - static_cast<double>(i) / frames : 0.0;
    })) << "over " << frames;
    for (std::uint32_t c = 0; c < 3; ++c)
      for (std::uint32_t i = frames; i < kBlock; ++i)
        ASSERT_EQ(p[c][i], 0.0f) << "silent from frame " << frames;
  }
}

TEST(FadeTest, OutOfZeroFramesLeavesOneFrameAndSilencesTheRest) {
  Fade fade;
  fade.reset();
  fade.out(0);
  Planes p = samples(1, 8);
  Signal s = p.signal(1, 8);
  EXPECT_EQ(fade.process(s), 1u);
  EXPECT_EQ(p[0][0], test_sample(0, 0));
  for (std::uint32_t i = 1; i < 8; ++i)
    EXPECT_EQ(p[0][i], 0.0f);
}

TEST(FadeTest, OutAcrossBlocksEndsInTheSecond) {
  Fade fade;
  fade.reset();
  fade.out(300);
  Planes a = samples(2, kBlock);
  Signal sa = a.signal(2, kBlock);
  EXPECT_EQ(fade.process(sa), Fade::kNotSilent);
  EXPECT_TRUE(scaled(a, 2, kBlock, 0, [](std::uint32_t i) { return 1.0 - i / 300.0; }));
  Planes b = samples(2, kBlock, kBlock);
  Signal sb = b.signal(2, kBlock);
  EXPECT_EQ(fade.process(sb), 300u - kBlock);
  EXPECT_TRUE(scaled(b, 2, kBlock, kBlock, [](std::uint32_t i) {
    return i < 44 ? 1.0 - (i + kBlock) / 300.0 : 0.0;
  }));
  // Exactly at a block's end: the whole block is the fade, and it says so.
  Fade exact;
  exact.reset();
  exact.out(kBlock);
  Planes c = samples(1, kBlock);
  Signal sc = c.signal(1, kBlock);
  EXPECT_EQ(exact.process(sc), kBlock);
}

TEST(FadeTest, OutFromTheMiddleOfAnInStartsWhereItIs) {
  Fade fade;
  fade.reset();
  fade.in(100);
  Planes a = samples(1, 50);
  Signal sa = a.signal(1, 50);
  fade.process(sa); // now at 0.5
  fade.out(100);    // 0.5 down to 0 over 100
  Planes b = samples(1, kBlock, 50);
  Signal sb = b.signal(1, kBlock);
  EXPECT_EQ(fade.process(sb), 100u);
  EXPECT_TRUE(scaled(b, 1, kBlock, 50, [](std::uint32_t i) {
    return i < 100 ? 0.5 - 0.5 * i / 100.0 : 0.0;
  }));
}

TEST(FadeTest, SkipMovesTheFadeOnWithoutOutput) {
  Fade fade;
  fade.reset();
  fade.in(100);
  fade.skip(40);
  Planes p = samples(2, kBlock);
  Signal s = p.signal(2, kBlock);
  fade.process(s);
  EXPECT_TRUE(scaled(p, 2, kBlock, 0, [](std::uint32_t i) {
    return i < 60 ? (40.0 + i) / 100.0 : 1.0;
  }));
}

} // namespace
} // namespace ringengine
