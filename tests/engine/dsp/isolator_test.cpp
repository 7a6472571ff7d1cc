// Isolator alone: a sine's level through it, at frequencies across the
// three bands and the crossovers, against the response of the Linkwitz-
// Riley isolator computed here from the analog prototypes (Butterworth
// sections of Q 1/sqrt 2, squared; the allpass of the high crossover on the
// low band) mapped by the bilinear transform prewarped at each crossover:
// the digital response at f is the analog one at tan(pi f / fs) /
// tan(pi fc / fs). And at 0 dB, out of the path bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <vector>

#include "dsp/isolator.hpp"
#include "dsp_util.hpp"

namespace ringengine {
namespace {

using testing::db;
using testing::Planes;
using testing::test_sample;

constexpr double kRate = 48000;
constexpr std::uint32_t kBlock = 256;
using Complex = std::complex<double>;

// s on the analog prototype's axis for the digital frequency f, at the
// crossover fc.
Complex s_at(double f, double fc) {
  return {0, std::tan(std::numbers::pi * f / kRate) / std::tan(std::numbers::pi * fc / kRate)};
}
Complex lowpass4(double f, double fc) {
  const Complex s = s_at(f, fc);
  const Complex b = 1.0 / (s * s + std::numbers::sqrt2 * s + 1.0);
  return b * b;
}
Complex highpass4(double f, double fc) {
  const Complex s = s_at(f, fc);
  const Complex b = s * s / (s * s + std::numbers::sqrt2 * s + 1.0);
  return b * b;
}
Complex allpass2(double f, double fc) {
  const Complex s = s_at(f, fc);
  return (s * s - std::numbers::sqrt2 * s + 1.0) / (s * s + std::numbers::sqrt2 * s + 1.0);
}
// The isolator's response with band gains gl, gm, gh.
double response(double f, double gl, double gm, double gh) {
  const double lo = Isolator::kLowHz, hi = Isolator::kHighHz;
  const Complex h = gl * lowpass4(f, lo) * allpass2(f, hi) +
                    gm * highpass4(f, lo) * lowpass4(f, hi) +
                    gh * highpass4(f, lo) * highpass4(f, hi);
  return std::abs(h);
}

// The amplitude of f in a 0.5 sine at f after 1 s through the isolator,
// measured over 0.1 s (a whole number of periods for f in tens of Hz).
double measured(Isolator& eq, double f) {
  const std::uint32_t settle = 48000, window = 4800;
  Planes p{1, kBlock};
  double a = 0, b = 0;
  for (std::uint32_t frame = 0; frame < settle + window; frame += kBlock) {
    for (std::uint32_t i = 0; i < kBlock; ++i)
      p[0][i] = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * f * (frame + i) / kRate));
    Signal s = p.signal(1, kBlock);
    eq.process(s);
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      const std::uint32_t n = frame + i;
      if (n < settle || n >= settle + window)
        continue;
      const double phase = 2 * std::numbers::pi * f * n / kRate;
      a += p[0][i] * std::sin(phase);
      b += p[0][i] * std::cos(phase);
    }
  }
  return 2 * std::hypot(a, b) / window / 0.5;
}

constexpr double kFrequencies[] = {40, 100, 250, 700, 1500, 2500, 6000, 15000};

struct Setting {
  double low, mid, high;
};

TEST(IsolatorTest, EachBandKilledOrKeptAsTheLinkwitzRileyResponse) {
  const Setting settings[] = {
      {0, 1, 1}, {1, 0, 1}, {1, 1, 0}, {0, 0, 1}, {2, 1, 1}, {1, 0.5, 1.5}};
  for (const Setting& g : settings) {
    Isolator eq;
    eq.init(kRate, 1);
    eq.set(Isolator::low, g.low, 0);
    eq.set(Isolator::mid, g.mid, 0);
    eq.set(Isolator::high, g.high, 0);
    EXPECT_TRUE(eq.engaged());
    for (double f : kFrequencies) {
      const double want = response(f, g.low, g.mid, g.high);
      const double have = measured(eq, f);
      EXPECT_NEAR(have, want, 1e-3 * want + 2e-6)
          << "bands " << g.low << "/" << g.mid << "/" << g.high << " at " << f << " Hz: "
          << db(have) << " dB, want " << db(want) << " dB";
    }
  }
}

TEST(IsolatorTest, AKilledBandIsGoneAndTheOthersKept) {
  // Far inside each band, the killed one below -40 dB, the others within 0.1 dB.
  struct Case {
    Isolator::Band band;
    double inside;  // a frequency inside the band
    double outside; // one inside another band
  };
  for (const Case& k : {Case{Isolator::low, 40, 6000}, Case{Isolator::high, 15000, 40},
                        Case{Isolator::mid, 790, 15000}}) {
    Isolator eq;
    eq.init(kRate, 1);
    eq.set(k.band, 0, 0);
    EXPECT_LT(db(measured(eq, k.inside)), k.band == Isolator::mid ? -25 : -40) << k.inside << " Hz";
    EXPECT_NEAR(db(measured(eq, k.outside)), 0, 0.1) << k.outside << " Hz";
  }
}

TEST(IsolatorTest, AtZeroDbItIsOutOfThePathBitForBit) {
  Isolator eq;
  eq.init(kRate, 3);
  eq.set(Isolator::mid, 1.0, 0); // 0 dB: nothing to do
  EXPECT_FALSE(eq.engaged());
  EXPECT_TRUE(eq.resting());
  Planes p{3, kBlock};
  for (std::uint32_t c = 0; c < 3; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i)
      p[c][i] = test_sample(i, c);
  const Planes before = p;
  Signal s = p.signal(3, kBlock);
  eq.process(s);
  EXPECT_EQ(p.data, before.data);
}

TEST(IsolatorTest, BackAtZeroDbItFadesOutAndLeavesThePath) {
  Isolator eq;
  eq.init(kRate, 2);
  eq.set(Isolator::low, 0.0, 0);
  Planes p{2, kBlock};
  auto block = [&](std::uint32_t k) {
    for (std::uint32_t c = 0; c < 2; ++c)
      for (std::uint32_t i = 0; i < kBlock; ++i)
        p[c][i] = test_sample(k * kBlock + i, c);
    Signal s = p.signal(2, kBlock);
    eq.process(s);
  };
  block(0);
  block(1);
  eq.set(Isolator::low, 1.0, 0);
  EXPECT_TRUE(eq.engaged()); // still in the path: it fades out first
  block(2);                  // notices it is flat
  block(3);                  // fades out over kEngageFrames
  EXPECT_FALSE(eq.engaged());
  block(4);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i)
      ASSERT_EQ(p[c][i], test_sample(4 * kBlock + i, c));
}

TEST(IsolatorTest, EachChannelIsFilteredOnItsOwn) {
  // A low tone on channel 0, silence on 1, the same tone on 2: with the low
  // band killed, channel 1 stays silent and 2 equals 0 bit for bit.
  Isolator eq;
  eq.init(kRate, 3);
  eq.set(Isolator::low, 0.0, 0);
  Planes p{3, kBlock};
  for (std::uint32_t k = 0; k < 20; ++k) {
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      const float x = static_cast<float>(std::sin(2 * std::numbers::pi * 60 * (k * kBlock + i) / kRate));
      p[0][i] = x;
      p[1][i] = 0;
      p[2][i] = x;
    }
    Signal s = p.signal(3, kBlock);
    eq.process(s);
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      ASSERT_EQ(p[1][i], 0.0f);
      ASSERT_EQ(p[2][i], p[0][i]);
    }
  }
}

TEST(IsolatorTest, ItRestsWhenItsInputHasStopped) {
  Isolator eq;
  eq.init(kRate, 1);
  eq.set(Isolator::high, 0.0, 0);
  Planes p{1, kBlock, 0.5f};
  Signal s = p.signal(1, kBlock);
  eq.process(s);
  EXPECT_FALSE(eq.resting()); // the fade in, the filters ringing
  for (int k = 0; k < 200 && !eq.resting(); ++k) {
    Planes silence{1, kBlock};
    Signal z = silence.signal(1, kBlock);
    eq.process(z);
  }
  EXPECT_TRUE(eq.resting());
  EXPECT_TRUE(eq.engaged()); // resting, but still in the path
}

TEST(IsolatorTest, ABandsGainRampsAndSkipMovesIt) {
  Isolator eq;
  eq.init(kRate, 1);
  eq.set(Isolator::mid, 0.0, 1000);
  eq.skip(250);
  EXPECT_NEAR(eq.gain(Isolator::mid), 0.75, 1e-12);
  eq.skip(1000);
  EXPECT_EQ(eq.gain(Isolator::mid), 0.0);
}

// Issue 37: a NaN handed to an engaged EQ left its state NaN, and every
// sample after it was NaN for ever (4800 frames later, all of them). The
// block that holds it may be NaN from there; the next one is finite.
TEST(IsolatorTest, AFilterHandedANanOrAnInfinityRecoversAtTheNextBlock) {
  for (const float bad : {std::nanf(""), INFINITY}) {
    Isolator eq;
    eq.init(kRate, 2);
    eq.set(Isolator::low, 0.5, 0);
    Planes out{2, kBlock};
    for (std::uint32_t i = 0; i < kBlock; ++i)
      out[0][i] = out[1][i] = test_sample(i, 0);
    out[0][10] = bad; // channel 0 only
    Signal s = out.signal(2, kBlock);
    eq.process(s);
    for (std::uint32_t i = 0; i < kBlock; ++i)
      ASSERT_TRUE(std::isfinite(out[1][i])) << "the other channel, " << i;
    for (std::uint32_t k = 0; k < 3; ++k) {
      for (std::uint32_t i = 0; i < kBlock; ++i)
        out[0][i] = out[1][i] = test_sample(i, 0);
      eq.process(s);
      for (std::uint32_t i = 0; i < kBlock; ++i)
        ASSERT_TRUE(std::isfinite(out[0][i])) << "block " << k << " frame " << i;
    }
    EXPECT_TRUE(eq.engaged());
  }
}

} // namespace
} // namespace ringengine
