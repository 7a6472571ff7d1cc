// Bus alone: processors over a sum. Its input planes (given by the test, as
// the Engine gives them), what voices add into them, and what it adds into
// the next stage: at its defaults the sum bit for bit; otherwise the EQ,
// gain, mute and pan in that order, checked against their definitions and
// against the stand-alone stages run in order by the test.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>

#include "channels/snapshot.hpp"
#include "dsp/isolator.hpp"
#include "dsp_util.hpp"
#include "voices/bus.hpp"

namespace ringengine {
namespace {

using testing::Planes;
using testing::test_sample;

constexpr double kRate = 48000;
constexpr std::uint32_t kBlock = 256;
constexpr float kAlready = 0.125f; // what the next stage holds already

// Two sources a block long (voices' contributions): a and b.
float a_at(std::uint64_t i, std::uint32_t c) { return test_sample(i, c); }
float b_at(std::uint64_t i, std::uint32_t c) { return 0.5f * test_sample(i + 777, c + 1); }

struct Fixture {
  explicit Fixture(std::uint32_t channels, PanLaw law = PanLaw::balance, std::uint32_t meter = 0)
      : input(channels, kBlock, -7.0f), channels(channels) {
    bus.init(kRate, channels, law, input.planes(), meter);
  }
  // Adds a and b for block k, as two voices would.
  void feed(std::uint32_t k) {
    float* const* to = bus.input(kBlock);
    for (std::uint32_t c = 0; c < channels; ++c)
      for (std::uint32_t i = 0; i < kBlock; ++i)
        to[c][i] += a_at(k * kBlock + i, c);
    to = bus.input(kBlock); // the second voice: not cleared again
    for (std::uint32_t c = 0; c < channels; ++c)
      for (std::uint32_t i = 0; i < kBlock; ++i)
        to[c][i] += b_at(k * kBlock + i, c);
  }
  Planes input;
  std::uint32_t channels;
  Bus bus;
};

float sum_at(std::uint64_t i, std::uint32_t c) { return a_at(i, c) + b_at(i, c); }

TEST(BusTest, AtItsDefaultsItAddsTheSumBitForBit) {
  for (std::uint32_t channels : {1u, 2u, 3u}) {
    Fixture f{channels};
    EXPECT_FALSE(f.bus.sounding());
    for (std::uint32_t k = 0; k < 2; ++k) {
      f.feed(k);
      EXPECT_TRUE(f.bus.sounding());
      Planes next{channels, kBlock, kAlready};
      f.bus.render(next.planes(), kBlock);
      EXPECT_FALSE(f.bus.sounding());
      for (std::uint32_t c = 0; c < channels; ++c)
        for (std::uint32_t i = 0; i < kBlock; ++i)
          ASSERT_EQ(next[c][i], kAlready + sum_at(k * kBlock + i, c))
              << channels << " channels, channel " << c << " frame " << i;
    }
  }
}

TEST(BusTest, ItsInputIsClearedByTheFirstThatAsksEachChunk) {
  Fixture f{2};
  float* const* in = f.bus.input(kBlock);
  EXPECT_EQ(in[1][10], 0.0f); // the -7 it held is gone
  in[1][10] = 0.25f;
  EXPECT_EQ(f.bus.input(kBlock)[1][10], 0.25f); // the second asker keeps it
  Planes next{2, kBlock};
  f.bus.render(next.planes(), kBlock);
  EXPECT_EQ(next[1][10], 0.25f);
  EXPECT_EQ(f.bus.input(kBlock)[1][10], 0.0f); // the next chunk starts clean
}

TEST(BusTest, GainThenPanOverTheSum) {
  // A bus carries several channels: balanced under either law.
  for (PanLaw law : {PanLaw::balance, PanLaw::equal_power}) {
    Fixture f{2, law};
    f.bus.set(BusParam::gain, 0.5f, 0);
    f.bus.set(BusParam::pan, 0.5f, 0);
    f.feed(0);
    Planes next{2, kBlock, kAlready};
    f.bus.render(next.planes(), kBlock);
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      ASSERT_NEAR(next[0][i], kAlready + sum_at(i, 0) * 0.5 * 0.5, 1e-7);
      ASSERT_NEAR(next[1][i], kAlready + sum_at(i, 1) * 0.5, 1e-7);
    }
  }
}

TEST(BusTest, GainInDecibelsIsTheLinearGain) {
  Fixture f{2};
  f.bus.set(BusParam::gain_db, -6.0206f, 0);
  EXPECT_NEAR(f.bus.gain(), 0.5, 1e-5);
  f.bus.set(BusParam::gain_db, -INFINITY, 0);
  EXPECT_EQ(f.bus.gain(), 0.0);
  EXPECT_EQ(Bus::band_gain(-60.0f), 0.0);  // the kill floor
  EXPECT_EQ(Bus::band_gain(-100.0f), 0.0);
  EXPECT_NEAR(Bus::band_gain(-59.0f), std::pow(10.0, -59.0 / 20), 1e-12);
  EXPECT_NEAR(Bus::band_gain(6.0f), std::pow(10.0, 6.0 / 20), 1e-12);
}

TEST(BusTest, AMuteRampsToSilenceToTheSample) {
  Fixture f{2};
  f.bus.set(BusParam::mute, 1.0f, 100);
  f.feed(0);
  Planes next{2, kBlock};
  f.bus.render(next.planes(), kBlock);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      const double g = i < 100 ? 1 - i / 100.0 : 0.0;
      ASSERT_NEAR(next[c][i], sum_at(i, c) * g, 1e-6) << "channel " << c << " frame " << i;
    }
  f.bus.set(BusParam::mute, 0.0f, 0); // heard again at once
  f.feed(1);
  Planes again{2, kBlock};
  f.bus.render(again.planes(), kBlock);
  EXPECT_EQ(again[0][5], sum_at(kBlock + 5, 0));
}

// The EQ, gain and pan of a bus are the stand-alone Isolator, Gain and Pan
// over the sum, in that order, to the bit.
TEST(BusTest, ItsChainIsTheIsolatorThenGainThenPan) {
  Fixture f{2};
  f.bus.set(BusParam::eq_low, -80.0f, 0); // killed
  f.bus.set(BusParam::eq_high, 6.0f, 0);
  f.bus.set(BusParam::gain, 0.7f, 200);
  f.bus.set(BusParam::pan, -0.25f, 0);
  Isolator eq;
  eq.init(kRate, 2);
  eq.set(Isolator::low, 0.0, 0);
  eq.set(Isolator::high, Bus::band_gain(6.0f), 0);
  Gain gain;
  gain.init();
  gain.set(0.7f, 200);
  Pan pan;
  pan.init(PanLaw::balance);
  pan.set(-0.25f, 0);
  Meter off;
  for (std::uint32_t k = 0; k < 4; ++k) {
    f.feed(k);
    Planes next{2, kBlock, kAlready}, want{2, kBlock, kAlready};
    f.bus.render(next.planes(), kBlock);
    Planes sum{2, kBlock};
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < kBlock; ++i)
        sum[c][i] = sum_at(k * kBlock + i, c);
    Signal s = sum.signal(2, kBlock);
    eq.process(s);
    gain.process(s);
    pan.mix_into(s, want.planes(), 2, off);
    EXPECT_EQ(next.data, want.data) << "block " << k;
  }
}

TEST(BusTest, ARingingEqKeepsItSoundingAfterItsInputStops) {
  Fixture f{1};
  f.bus.set(BusParam::eq_mid, -80.0f, 0);
  f.feed(0);
  Planes next{1, kBlock};
  f.bus.render(next.planes(), kBlock);
  EXPECT_TRUE(f.bus.sounding()); // nobody fed it, but its filters ring
  f.bus.render(next.planes(), kBlock);
  int blocks = 0;
  while (f.bus.sounding() && blocks < 1000) {
    f.bus.render(next.planes(), kBlock);
    ++blocks;
  }
  EXPECT_FALSE(f.bus.sounding());
}

TEST(BusTest, TheEnginesInputIsHeardAtItsGain) {
  Fixture f{3};
  EXPECT_FALSE(f.bus.hears_input());
  f.bus.set(BusParam::input_db, -6.0206f, 0);
  EXPECT_TRUE(f.bus.hears_input());
  Planes in{2, kBlock}, scratch{3, kBlock};
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i)
      in[c][i] = test_sample(i, c + 4);
  const float* const from[] = {in[0].data(), in[1].data()};
  f.bus.add_input(from, 2, kBlock, scratch.planes());
  Planes next{3, kBlock};
  f.bus.render(next.planes(), kBlock);
  for (std::uint32_t c = 0; c < 3; ++c) // channel c takes input c % 2
    for (std::uint32_t i = 0; i < kBlock; ++i)
      ASSERT_NEAR(next[c][i], in[c % 2][i] * 0.5, 1e-6) << "channel " << c << " frame " << i;
}

TEST(BusTest, ItsMeterReadsWhatItAdded) {
  Fixture f{2, PanLaw::equal_power, kBlock};
  f.bus.set(BusParam::gain, 2.0f, 0);
  f.bus.set(BusParam::pan, 0.6f, 0);
  f.feed(0);
  Planes next{2, kBlock};
  f.bus.render(next.planes(), kBlock);
  Snapshot<MeterReading> out;
  f.bus.meter().advance(kBlock, kBlock, out);
  const MeterReading r = out.read();
  std::uint64_t clips = 0;
  for (std::uint32_t c = 0; c < 2; ++c) {
    double peak = 0, squares = 0;
    for (float y : next[c]) {
      peak = std::max(peak, std::fabs(static_cast<double>(y)));
      squares += static_cast<double>(y) * y;
      clips += std::fabs(y) > 1.0f;
    }
    EXPECT_NEAR(r.peak[c], peak, 1e-6 * peak);
    EXPECT_NEAR(r.rms[c], std::sqrt(squares / kBlock), 1e-5 * std::sqrt(squares / kBlock));
  }
  EXPECT_GT(clips, 0u);
  EXPECT_EQ(r.clips, clips);
}

TEST(BusTest, SkipMovesItsParametersOn) {
  Fixture f{2};
  f.bus.set(BusParam::gain, 0.0f, 1000);
  f.bus.skip(250);
  EXPECT_NEAR(f.bus.gain(), 0.75, 1e-12);
}

} // namespace
} // namespace ringengine
