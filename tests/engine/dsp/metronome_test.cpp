// The metronome on its own: its clicks against a tempo map, to the frame.
#include "dsp/metronome.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace ringengine {
namespace {

constexpr std::uint32_t kRate = 48000;

// Renders [first, first + frames) in chunks of `chunk` into one channel.
std::vector<float> render(Metronome& m, const TempoMap& map, std::uint64_t first,
                          std::uint32_t frames, std::uint32_t chunk) {
  std::vector<float> out(frames, 0.0f);
  for (std::uint32_t done = 0; done < frames; done += chunk) {
    const std::uint32_t n = std::min(chunk, frames - done);
    float* planes[1] = {out.data() + done};
    m.render(map, first + done, planes, 1, n);
  }
  return out;
}

TEST(MetronomeTest, ClicksStartAtTheirBeatsFirstFrameAtFullGain) {
  TempoMap map(kRate, 98.0); // a beat is 29387.755... frames
  Metronome m;
  m.init(kRate);
  m.set(true, 0.5f, 0);
  const std::vector<float> out = render(m, map, 0, 200000, 256);
  for (int k = 0; k < 6; ++k) {
    const std::uint64_t f = map.frame_at(k);
    EXPECT_EQ(out[f], 0.5f) << "beat " << k;             // cos(0) at the gain
    if (f > 0)
      EXPECT_EQ(out[f - 1], 0.0f) << "silent before beat " << k;
    EXPECT_EQ(out[f + 1440], 0.0f) << "30 ms long";
    EXPECT_NE(out[f + 1439], 0.0f);
  }
}

TEST(MetronomeTest, TheBarIsTwoKilohertzAndTheOtherBeatsOne) {
  TempoMap map(kRate);
  Metronome m;
  m.init(kRate);
  m.set(true, 1.0f, 0);
  const std::vector<float> out = render(m, map, 0, 4 * 24000, 128);
  // At 1 kHz, 24 samples a half period: the 24th sample after the onset is
  // about -1 x decay; at 2 kHz a whole period: about +1 x decay.
  const double decay = std::pow(1.0 - 24.0 / 1440, 2);
  EXPECT_NEAR(out[0 + 24], decay, 1e-5) << "beat 0 is a bar line";
  EXPECT_NEAR(out[24000 + 24], -decay, 1e-5);
  EXPECT_NEAR(out[48000 + 24], -decay, 1e-5);
}

TEST(MetronomeTest, ChunksOfAnySizeRenderTheSameSamples) {
  TempoMap map(kRate, 133.0);
  ASSERT_TRUE(map.change(0, 70001, 77.0, 3));
  Metronome a, b;
  a.init(kRate);
  b.init(kRate);
  a.set(true, 0.25f, 0);
  b.set(true, 0.25f, 0);
  EXPECT_EQ(render(a, map, 0, 300000, 256), render(b, map, 0, 300000, 7));
}

TEST(MetronomeTest, OffIsSilentAndCutsAClickUnderWay) {
  TempoMap map(kRate);
  Metronome m;
  m.init(kRate);
  m.set(true, 1.0f, 0);
  std::vector<float> out = render(m, map, 0, 100, 100);
  EXPECT_NE(out[99], 0.0f);
  m.set(false, 1.0f, 0);
  out = render(m, map, 100, 60000, 256);
  for (float x : out)
    ASSERT_EQ(x, 0.0f);
}

} // namespace
} // namespace ringengine
