// Pan alone: what it adds into each output channel, against the two laws
// written from their definitions (balance: the far side scaled down
// linearly; equal power: cos and sin of (pan + 1) pi / 4), on top of what
// the mix held already.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>

#include "dsp/meter.hpp"
#include "dsp/pan.hpp"
#include "dsp_util.hpp"

namespace ringengine {
namespace {

using testing::Planes;
using testing::test_sample;

constexpr std::uint32_t kBlock = 256;
constexpr float kAlready = 0.125f; // what the mix holds before the pan adds

Planes samples(std::uint32_t channels, std::uint32_t frames) {
  Planes p{channels, frames};
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < frames; ++i)
      p[c][i] = test_sample(i, c);
  return p;
}

// The weights of the left and right outputs.
struct Weights {
  double left, right;
};
Weights balance(double pan) { return {pan > 0 ? 1 - pan : 1, pan < 0 ? 1 + pan : 1}; }
Weights equal_power(double pan) {
  const double theta = (pan + 1) * std::numbers::pi / 4; // 0 at the left, pi/2 at the right
  return {std::cos(theta), std::sin(theta)};
}

// Checks mix[c][i] == kAlready + x[c or 0][i] * w(c) for every c, i.
template <typename WeightOf>
::testing::AssertionResult added(Planes& mix, std::uint32_t channels, Planes& x,
                                 std::uint32_t from_channels, WeightOf w) {
  for (std::uint32_t c = 0; c < channels; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      const double want = kAlready + x[from_channels == 1 ? 0 : c][i] * w(c, i);
      if (!(std::fabs(mix[c][i] - want) <= 1e-6))
        return ::testing::AssertionFailure() << "output " << c << " frame " << i << ": "
                                             << mix[c][i] << ", want " << want;
    }
  return ::testing::AssertionSuccess();
}

constexpr double kPositions[] = {-1, -0.6, -0.25, 0, 0.3, 0.5, 0.8, 1};

TEST(PanTest, BalanceScalesTheFarSideOfAMonoSignalLinearly) {
  for (double pan : kPositions) {
    Pan p;
    p.init(PanLaw::balance);
    p.set(static_cast<float>(pan), 0);
    Planes x = samples(1, kBlock);
    Planes mix{2, kBlock, kAlready};
    Meter off;
    p.mix_into(x.signal(1, kBlock), mix.planes(), 2, off);
    const Weights w = balance(pan);
    EXPECT_TRUE(added(mix, 2, x, 1, [&](std::uint32_t c, std::uint32_t) {
      return c == 0 ? w.left : w.right;
    })) << "pan " << pan;
  }
}

TEST(PanTest, EqualPowerPlacesAMonoSignalByCosAndSin) {
  for (double pan : kPositions) {
    Pan p;
    p.init(PanLaw::equal_power);
    p.set(static_cast<float>(pan), 0);
    Planes x = samples(1, kBlock);
    Planes mix{2, kBlock, kAlready};
    Meter off;
    p.mix_into(x.signal(1, kBlock), mix.planes(), 2, off);
    const Weights w = equal_power(pan);
    EXPECT_TRUE(added(mix, 2, x, 1, [&](std::uint32_t c, std::uint32_t) {
      return c == 0 ? w.left : w.right;
    })) << "pan " << pan;
    // The power is the same at every position.
    const double l = (mix[0][10] - kAlready) / x[0][10], r = (mix[1][10] - kAlready) / x[0][10];
    EXPECT_NEAR(l * l + r * r, 1.0, 1e-5) << "pan " << pan;
  }
  // -3.01 dB on each side at the centre.
  const Weights centre = equal_power(0);
  EXPECT_NEAR(testing::db(centre.left), -3.0103, 1e-4);
}

TEST(PanTest, SeveralChannelsAreBalancedUnderEitherLaw) {
  for (PanLaw law : {PanLaw::balance, PanLaw::equal_power})
    for (double pan : kPositions) {
      Pan p;
      p.init(law);
      p.set(static_cast<float>(pan), 0);
      Planes x = samples(2, kBlock);
      Planes mix{2, kBlock, kAlready};
      Meter off;
      p.mix_into(x.signal(2, kBlock), mix.planes(), 2, off);
      const Weights w = balance(pan);
      EXPECT_TRUE(added(mix, 2, x, 2, [&](std::uint32_t c, std::uint32_t) {
        return c == 0 ? w.left : w.right;
      })) << "pan " << pan << " law " << static_cast<int>(law);
    }
}

TEST(PanTest, OutputsPastTheFirstTwoCarryTheSignalInFull) {
  for (PanLaw law : {PanLaw::balance, PanLaw::equal_power}) {
    Pan p;
    p.init(law);
    p.set(0.5f, 0);
    Planes x = samples(1, kBlock);
    Planes mix{4, kBlock, kAlready};
    Meter off;
    p.mix_into(x.signal(1, kBlock), mix.planes(), 4, off);
    const Weights w = law == PanLaw::balance ? balance(0.5) : equal_power(0.5);
    EXPECT_TRUE(added(mix, 4, x, 1, [&](std::uint32_t c, std::uint32_t) {
      return c == 0 ? w.left : c == 1 ? w.right : 1.0;
    }));
    // Three channels onto three outputs: channel c to output c.
    Planes x3 = samples(3, kBlock);
    Planes mix3{3, kBlock, kAlready};
    p.mix_into(x3.signal(3, kBlock), mix3.planes(), 3, off);
    const Weights b = balance(0.5);
    EXPECT_TRUE(added(mix3, 3, x3, 3, [&](std::uint32_t c, std::uint32_t) {
      return c == 0 ? b.left : c == 1 ? b.right : 1.0;
    }));
  }
}

TEST(PanTest, AMonoOutputIgnoresThePan) {
  for (PanLaw law : {PanLaw::balance, PanLaw::equal_power}) {
    Pan p;
    p.init(law);
    p.set(-0.7f, 0);
    Planes x = samples(1, kBlock);
    Planes mix{1, kBlock, kAlready};
    Meter off;
    p.mix_into(x.signal(1, kBlock), mix.planes(), 1, off);
    for (std::uint32_t i = 0; i < kBlock; ++i)
      ASSERT_EQ(mix[0][i], kAlready + x[0][i]);
  }
}

TEST(PanTest, ARampMovesThePlaceFrameByFrame) {
  // From -0.5 to 0.5 over 200 frames, then steady.
  for (PanLaw law : {PanLaw::balance, PanLaw::equal_power}) {
    Pan p;
    p.init(law);
    p.set(-0.5f, 0);
    p.set(0.5f, 200);
    EXPECT_TRUE(p.moving());
    Planes x = samples(1, kBlock);
    Planes mix{2, kBlock, kAlready};
    Meter off;
    p.mix_into(x.signal(1, kBlock), mix.planes(), 2, off);
    EXPECT_TRUE(added(mix, 2, x, 1, [&](std::uint32_t c, std::uint32_t i) {
      const double pan = i < 200 ? -0.5 + i / 200.0 : 0.5;
      const Weights w = law == PanLaw::balance ? balance(pan) : equal_power(pan);
      return c == 0 ? w.left : w.right;
    })) << "law " << static_cast<int>(law);
    EXPECT_FALSE(p.moving());
    EXPECT_EQ(p.value(), 0.5);
  }
}

TEST(PanTest, SkipMovesTheRampOn) {
  Pan p;
  p.init(PanLaw::balance);
  p.set(1.0f, 100);
  p.skip(60);
  EXPECT_NEAR(p.value(), 0.6, 1e-12);
  p.skip(100);
  EXPECT_EQ(p.value(), 1.0);
}

} // namespace
} // namespace ringengine
