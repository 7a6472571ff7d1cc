// Meter alone and fed by Pan: its peak, RMS and clip count against the same
// figures computed here from the samples (for Pan, from the samples it
// added into a mix that started at 0), window by window.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "channels/snapshot.hpp"
#include "dsp/level.hpp"
#include "dsp/meter.hpp"
#include "dsp/pan.hpp"
#include "dsp_util.hpp"

namespace ringengine {
namespace {

using testing::Planes;
using testing::test_sample;

constexpr std::uint32_t kBlock = 256;

// Peak, RMS over `frames` and clips of samples, in double.
struct Figures {
  double peak = 0, squares = 0;
  std::uint64_t clips = 0;
  void add(const float* x, std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) {
      peak = std::max(peak, std::fabs(static_cast<double>(x[i])));
      squares += static_cast<double>(x[i]) * x[i];
      clips += std::fabs(x[i]) > 1.0f;
    }
  }
  double rms(std::uint32_t frames) const { return std::sqrt(squares / frames); }
};

// A loud test signal: the test samples scaled by 1.6, so some pass full scale.
float loud(std::uint64_t i, std::uint32_t c) { return 1.6f * test_sample(i, c); }

TEST(MeterTest, MeasureIsTheScalarPassAtEveryLength) {
  std::vector<float> x(64);
  for (std::uint32_t i = 0; i < x.size(); ++i)
    x[i] = loud(i * 7, 0) * (i % 2 ? -1.0f : 1.0f);
  for (std::uint32_t n = 0; n <= x.size(); ++n) {
    Figures want;
    want.add(x.data(), n);
    const PlaneLevel level = measure(x.data(), n);
    EXPECT_EQ(level.peak, static_cast<float>(want.peak)) << "n " << n;
    EXPECT_EQ(level.over, want.clips) << "n " << n;
    EXPECT_NEAR(level.squares, want.squares, 1e-6 * want.squares) << "n " << n;
  }
}

TEST(MeterTest, AWindowPublishesPeakRmsAndClipsOfEachChannel) {
  Meter meter;
  meter.init(2, 512);
  EXPECT_TRUE(meter.on());
  Snapshot<MeterReading> out;
  Figures want[2];
  for (std::uint32_t k = 0; k < 2; ++k) {
    for (std::uint32_t c = 0; c < 2; ++c) {
      std::vector<float> x(kBlock);
      for (std::uint32_t i = 0; i < kBlock; ++i) {
        x[i] = (c == 0 ? 0.5f : 1.0f) * loud(k * kBlock + i, c);
        meter.take(c, x[i]);
      }
      want[c].add(x.data(), kBlock);
    }
    meter.advance(kBlock, (k + 1) * kBlock, out);
    if (k == 0) {
      EXPECT_EQ(out.read().frame, 0u) << "published before the window's end";
    }
  }
  const MeterReading r = out.read();
  EXPECT_EQ(r.frame, 512u);
  EXPECT_EQ(r.frames, 512u);
  EXPECT_EQ(r.channels, 2u);
  for (std::uint32_t c = 0; c < 2; ++c) {
    EXPECT_EQ(r.peak[c], static_cast<float>(want[c].peak));
    EXPECT_NEAR(r.rms[c], want[c].rms(512), 1e-6);
  }
  EXPECT_GT(want[1].clips, 0u);
  EXPECT_EQ(r.clips, want[0].clips + want[1].clips);
  EXPECT_EQ(meter.clips(), r.clips);
  EXPECT_EQ(meter.last_peak(), std::max(r.peak[0], r.peak[1]));

  // The next window starts from nothing; the clips go on counting.
  meter.take(0, 0.25f);
  meter.advance(512, 1024, out);
  const MeterReading next = out.read();
  EXPECT_EQ(next.peak[0], 0.25f);
  EXPECT_EQ(next.peak[1], 0.0f);
  EXPECT_NEAR(next.rms[0], std::sqrt(0.0625 / 512), 1e-9);
  EXPECT_EQ(next.clips, r.clips);
}

TEST(MeterTest, AWindowClosesAtTheFirstBlockAtOrPastIt) {
  Meter meter;
  meter.init(1, 500);
  Snapshot<MeterReading> out;
  meter.take(0, 0.5f);
  meter.advance(kBlock, 256, out);
  EXPECT_EQ(out.read().frames, 0u);
  meter.advance(kBlock, 512, out); // 512 >= 500
  EXPECT_EQ(out.read().frames, 512u);
  // Frames nobody fed count as silence: one sample of 0.5 in 512.
  EXPECT_NEAR(out.read().rms[0], std::sqrt(0.25 / 512), 1e-9);
}

TEST(MeterTest, AWeightedTakeScalesThePeakByTheWeightAndTheSquaresByItsSquare) {
  std::vector<float> x(kBlock);
  for (std::uint32_t i = 0; i < kBlock; ++i)
    x[i] = 2.5f * test_sample(i, 1);
  for (float w : {1.0f, 0.3f, 0.55f}) {
    Meter meter;
    meter.init(1, kBlock);
    Snapshot<MeterReading> out;
    meter.take(0, measure(x.data(), kBlock), w, x.data(), kBlock);
    meter.advance(kBlock, kBlock, out);
    std::vector<float> y(kBlock);
    for (std::uint32_t i = 0; i < kBlock; ++i)
      y[i] = x[i] * w;
    Figures want;
    want.add(y.data(), kBlock);
    const MeterReading r = out.read();
    EXPECT_EQ(r.peak[0], static_cast<float>(want.peak)) << "w " << w;
    EXPECT_NEAR(r.rms[0], want.rms(kBlock), 1e-6) << "w " << w;
    EXPECT_EQ(r.clips, want.clips) << "w " << w;
  }
}

// What Pan adds is what its meter reads: under both laws, at off-centre
// places too (equal power weighs the sides by cos and sin, and the squares
// by their squares), steady and ramping, mono and stereo signals.
TEST(MeterTest, FedByPanItReadsWhatThePanAdded) {
  struct Case {
    PanLaw law;
    float from, to; // a ramp when they differ
    std::uint32_t channels;
  };
  const Case cases[] = {
      {PanLaw::equal_power, 0.5f, 0.5f, 1},  {PanLaw::equal_power, -0.3f, -0.3f, 1},
      {PanLaw::equal_power, 0.0f, 0.0f, 1},  {PanLaw::balance, 0.5f, 0.5f, 1},
      {PanLaw::balance, -0.8f, -0.8f, 2},    {PanLaw::equal_power, 0.7f, 0.7f, 2},
      {PanLaw::equal_power, -0.6f, 0.9f, 1}, {PanLaw::balance, 0.4f, -0.4f, 2}};
  for (const Case& k : cases) {
    Pan pan;
    pan.init(k.law);
    pan.set(k.from, 0);
    if (k.to != k.from)
      pan.set(k.to, 2 * kBlock);
    Meter meter;
    meter.init(2, 2 * kBlock);
    Snapshot<MeterReading> out;
    Figures want[2];
    for (std::uint32_t b = 0; b < 2; ++b) {
      Planes x{k.channels, kBlock};
      for (std::uint32_t c = 0; c < k.channels; ++c)
        for (std::uint32_t i = 0; i < kBlock; ++i)
          x[c][i] = loud(b * kBlock + i, c);
      Planes mix{2, kBlock};
      pan.mix_into(x.signal(k.channels, kBlock), mix.planes(), 2, meter);
      meter.advance(kBlock, (b + 1) * kBlock, out);
      for (std::uint32_t c = 0; c < 2; ++c)
        want[c].add(mix[c].data(), kBlock);
    }
    const MeterReading r = out.read();
    ASSERT_EQ(r.frames, 2 * kBlock);
    for (std::uint32_t c = 0; c < 2; ++c) {
      EXPECT_NEAR(r.peak[c], want[c].peak, 1e-6 * want[c].peak)
          << "law " << static_cast<int>(k.law) << " pan " << k.from << ".." << k.to
          << " channels " << k.channels << " output " << c;
      EXPECT_NEAR(r.rms[c], want[c].rms(2 * kBlock), 1e-5 * want[c].rms(2 * kBlock))
          << "law " << static_cast<int>(k.law) << " pan " << k.from << ".." << k.to
          << " channels " << k.channels << " output " << c;
    }
    EXPECT_EQ(r.clips, want[0].clips + want[1].clips)
        << "law " << static_cast<int>(k.law) << " pan " << k.from << ".." << k.to;
  }
}

TEST(MeterTest, OffItTakesNothing) {
  Meter meter; // window 0
  EXPECT_FALSE(meter.on());
  Pan pan;
  pan.init(PanLaw::balance);
  Planes x{1, kBlock, 3.0f};
  Planes mix{2, kBlock};
  pan.mix_into(x.signal(1, kBlock), mix.planes(), 2, meter);
  EXPECT_EQ(meter.clips(), 0u);
  EXPECT_EQ(mix[1][7], 3.0f);
}

// Issue 37: with every output sample NaN the master meter read peak 0.0
// (max() passes a NaN over). A NaN reads as an infinite peak and a clip,
// on the SSE path (a NaN among the first frames) and the scalar tail.
TEST(MeterTest, ANanReadsAsAnInfinitePeakAndAClipNotAsSilence) {
  for (const std::uint32_t at : {5u, kBlock - 1}) {
    std::vector<float> x(kBlock, 0.25f);
    x[at] = std::nanf("");
    const PlaneLevel level = measure(x.data(), kBlock - 1 + (at == kBlock - 1 ? 1 : 0));
    EXPECT_EQ(level.peak, INFINITY) << at;
    EXPECT_EQ(level.over, 1u) << at;
    for (const float w : {1.0f, 0.5f}) {
      Meter meter;
      meter.init(1, kBlock);
      Snapshot<MeterReading> out;
      meter.take(0, measure(x.data(), kBlock), w, x.data(), kBlock);
      meter.advance(kBlock, kBlock, out);
      EXPECT_EQ(out.read().peak[0], INFINITY) << at << " w " << w;
      EXPECT_EQ(out.read().clips, 1u) << at << " w " << w;
    }
    Meter one;
    one.init(1, kBlock);
    Snapshot<MeterReading> out;
    one.take(0, std::nanf(""));
    one.advance(kBlock, kBlock, out);
    EXPECT_EQ(out.read().peak[0], INFINITY);
    EXPECT_EQ(out.read().clips, 1u);
  }
}

} // namespace
} // namespace ringengine
