// Voice alone: its chain (a source, then Fade, Gain and Pan into a mix)
// given scratch planes by the test as the Engine would lend them. What it
// adds is checked against the stages' definitions (a fade's line, a gain,
// the pan laws' weights, the sine) and against the stand-alone stages run
// in the chain's order by the test.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "channels/snapshot.hpp"
#include "dsp/fade.hpp"
#include "dsp/gain.hpp"
#include "dsp/pan.hpp"
#include "dsp/sample_player.hpp"
#include "dsp_util.hpp"
#include "voices/voice.hpp"

namespace ringengine {
namespace {

using testing::make_buffer;
using testing::Planes;

constexpr double kRate = 48000;
constexpr std::uint32_t kBlock = 256;
constexpr float kAlready = 0.125f; // what the mix (the bus's input) holds already

// What the Engine lends a voice: scratch planes for it and its tail, and
// room for its rates.
struct Scratch {
  explicit Scratch(std::uint32_t channels) : planes(channels, kBlock), tail(channels, kBlock) {}
  VoiceScratch lend(double speed = 1.0, const double* speeds = nullptr) {
    return VoiceScratch{planes.planes(), tail.planes(), rates.data(), speeds, speed};
  }
  Planes planes, tail;
  std::vector<double> rates = std::vector<double>(kBlock);
};

Voice make_voice(std::uint32_t channels, PanLaw law = PanLaw::balance, std::uint32_t meter = 0) {
  Voice v;
  v.init(kRate, channels, law, meter);
  return v;
}

double sample(const SampleBuffer& b, std::uint64_t frame, std::uint32_t c) {
  return b.samples[frame * b.channels + c];
}

TEST(VoiceTest, ABufferPlaysThroughGainAndPanIntoTheMix) {
  const SampleBuffer b = make_buffer(2000, 1);
  Voice v = make_voice(2);
  v.set(Param::gain, 0.5f, 0);
  v.set(Param::pan, 0.5f, 0);
  v.play(&b, 3, false, 0, false, false);
  EXPECT_EQ(v.buffer_id(), 3u);
  Scratch scratch{2};
  Planes mix{2, kBlock, kAlready};
  EXPECT_EQ(v.render(mix.planes(), 2, kBlock, scratch.lend()), Voice::kStillPlaying);
  for (std::uint32_t i = 0; i < kBlock; ++i) {
    ASSERT_EQ(mix[0][i], kAlready + static_cast<float>(sample(b, i, 0)) * 0.5f * 0.5f);
    ASSERT_EQ(mix[1][i], kAlready + static_cast<float>(sample(b, i, 0)) * 0.5f);
  }
}

TEST(VoiceTest, AFadeInThenGainThenEqualPowerPanToTheSample) {
  const SampleBuffer b = make_buffer(2000, 1);
  Voice v = make_voice(2, PanLaw::equal_power);
  v.set(Param::gain, 0.5f, 0);
  v.set(Param::pan, -0.5f, 0);
  v.play(&b, 1, false, 64, true, false);
  Scratch scratch{2};
  Planes mix{2, kBlock, kAlready};
  v.render(mix.planes(), 2, kBlock, scratch.lend());
  const double theta = (-0.5 + 1) * std::numbers::pi / 4;
  for (std::uint32_t i = 0; i < kBlock; ++i) {
    const double fade = i < 64 ? i / 64.0 : 1.0;
    const double y = sample(b, i, 0) * fade * 0.5;
    ASSERT_NEAR(mix[0][i], kAlready + y * std::cos(theta), 1e-6) << "frame " << i;
    ASSERT_NEAR(mix[1][i], kAlready + y * std::sin(theta), 1e-6) << "frame " << i;
  }
}

// The voice is its stages in order: a stereo and a three-channel buffer at
// 1.5 (the voice's rate times the engine's speed), with a gain ramp and a
// pan, equal the stand-alone player, gain and pan run by the test.
TEST(VoiceTest, ItsChainIsThePlayerThenGainThenPan) {
  for (std::uint32_t channels : {2u, 3u}) {
    const SampleBuffer b = make_buffer(5000, channels);
    Voice v = make_voice(channels);
    v.next_region() = PlayRegion{100, 0, 0, 0};
    v.set(Param::rate, 3.0f, 0);
    v.set(Param::gain, 0.3f, 300);
    v.set(Param::pan, -0.4f, 0);
    v.play(&b, 1, false, 0, false, false);
    EXPECT_EQ(v.next_region().start, 0u) << "the staged region is taken";
    SamplePlayer player;
    player.start(&b, 1, false, PlayRegion{100, 0, 0, 0});
    Gain gain;
    gain.init();
    gain.set(0.3f, 300);
    Pan pan;
    pan.init(PanLaw::balance);
    pan.set(-0.4f, 0);
    Meter off;
    Scratch scratch{channels};
    for (std::uint32_t k = 0; k < 3; ++k) {
      Planes mix{channels, kBlock, kAlready}, want{channels, kBlock, kAlready};
      v.render(mix.planes(), channels, kBlock, scratch.lend(0.5)); // 3 x 0.5
      Planes own{channels, kBlock};
      Signal s = own.signal(1, kBlock);
      player.render(s, channels, nullptr, 1.5);
      gain.process(s);
      pan.mix_into(s, want.planes(), channels, off);
      EXPECT_EQ(mix.data, want.data) << channels << " channels, block " << k;
    }
  }
}

TEST(VoiceTest, TheEnginesSpeedPerFrameTimesTheRate) {
  const SampleBuffer b = make_buffer(5000, 2);
  std::vector<double> speeds(kBlock);
  for (std::uint32_t i = 0; i < kBlock; ++i)
    speeds[i] = 0.5 + i / 256.0;
  Voice v = make_voice(2);
  v.set(Param::rate, -1.25f, 0);
  v.next_region() = PlayRegion{3000, 0, 0, 0};
  v.play(&b, 1, false, 0, false, false);
  Scratch scratch{2};
  Planes mix{2, kBlock};
  v.render(mix.planes(), 2, kBlock, scratch.lend(1.0, speeds.data()));
  std::vector<double> rates(kBlock);
  for (std::uint32_t i = 0; i < kBlock; ++i)
    rates[i] = -1.25 * speeds[i];
  SamplePlayer player;
  player.start(&b, 1, false, PlayRegion{3000, 0, 0, 0});
  Planes want{2, kBlock};
  Signal s = want.signal(1, kBlock);
  player.render(s, 2, rates.data(), 0.0);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i)
      ASSERT_EQ(mix[c][i], want[c][i]) << "channel " << c << " frame " << i;
}

TEST(VoiceTest, AOneShotEndsWhereItsBufferDoes) {
  const SampleBuffer b = make_buffer(300, 2);
  Voice v = make_voice(2);
  v.play(&b, 1, false, 0, false, false);
  Scratch scratch{2};
  Planes first{2, kBlock, kAlready}, second{2, kBlock, kAlready};
  EXPECT_EQ(v.render(first.planes(), 2, kBlock, scratch.lend()), Voice::kStillPlaying);
  EXPECT_EQ(v.render(second.planes(), 2, kBlock, scratch.lend()), 44u);
  EXPECT_EQ(v.buffer_id(), 0u);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i)
      ASSERT_EQ(second[c][i], i < 44 ? kAlready + static_cast<float>(sample(b, 256 + i, c))
                                     : kAlready)
          << "channel " << c << " frame " << i;
  EXPECT_TRUE(v.resting());
}

TEST(VoiceTest, AFadeOutEndsThePlayAtItsFrame) {
  const SampleBuffer b = make_buffer(2000, 1);
  Voice v = make_voice(2);
  v.play(&b, 1, true, 0, false, false);
  v.fade_out(100);
  Scratch scratch{2};
  Planes mix{2, kBlock};
  EXPECT_EQ(v.render(mix.planes(), 2, kBlock, scratch.lend()), 100u);
  for (std::uint32_t i = 0; i < kBlock; ++i) {
    const double want = i < 100 ? sample(b, i, 0) * (1 - i / 100.0) : 0.0;
    ASSERT_NEAR(mix[0][i], want, 1e-6) << "frame " << i;
  }
  EXPECT_FALSE(v.player().playing());
}

TEST(VoiceTest, ARetriggerFadesTheOldPlayOutUnderTheNewOne) {
  const SampleBuffer a = make_buffer(2000, 1), b = make_buffer(2000, 2);
  Voice v = make_voice(2);
  v.play(&a, 1, false, 0, false, false);
  Scratch scratch{2};
  Planes first{2, kBlock};
  v.render(first.planes(), 2, kBlock, scratch.lend());
  v.play(&b, 2, false, 64, true, false); // a fades out over 64 frames as b fades in
  Planes mix{2, kBlock};
  EXPECT_EQ(v.render(mix.planes(), 2, kBlock, scratch.lend()), Voice::kStillPlaying);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      const double in = i < 64 ? i / 64.0 : 1.0, out = i < 64 ? 1 - i / 64.0 : 0.0;
      const double want = sample(b, i, c) * in + sample(a, kBlock + i, 0) * out;
      ASSERT_NEAR(mix[c][i], want, 1e-6) << "channel " << c << " frame " << i;
    }
  EXPECT_EQ(v.buffer_id(), 2u);
}

TEST(VoiceTest, ASineSoundsAtItsFrequency) {
  Voice v = make_voice(2);
  EXPECT_FALSE(v.sounding());
  v.set(Param::freq, 1000.0f, 0);
  v.set(Param::gain_db, -6.0206f, 0);
  EXPECT_NEAR(v.gain(), 0.5, 1e-5);
  EXPECT_TRUE(v.sounding());
  Scratch scratch{2};
  for (std::uint32_t k = 0; k < 2; ++k) {
    Planes mix{2, kBlock};
    v.render(mix.planes(), 2, kBlock, scratch.lend());
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      const double want =
          v.gain() * std::sin(2 * std::numbers::pi * 1000 * (k * kBlock + i) / kRate);
      ASSERT_NEAR(mix[0][i], want, 1e-6) << "frame " << k * kBlock + i;
      ASSERT_EQ(mix[1][i], mix[0][i]);
    }
  }
}

TEST(VoiceTest, AtRestItAddsNothing) {
  Voice v = make_voice(2);
  EXPECT_TRUE(v.resting());
  Scratch scratch{2};
  Planes mix{2, kBlock, kAlready};
  EXPECT_EQ(v.render(mix.planes(), 2, kBlock, scratch.lend()), Voice::kStillPlaying);
  for (std::uint32_t c = 0; c < 2; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i)
      ASSERT_EQ(mix[c][i], kAlready);
  v.set(Param::gain, 0.0f, 0);
  v.set(Param::freq, 440.0f, 0);
  EXPECT_FALSE(v.sounding()); // a sine at gain 0
  v.set(Param::bus, 3.0f, 0);
  EXPECT_EQ(v.bus(), 3u);
}

TEST(VoiceTest, AThreeChannelBufferOnFourOutputsLeavesTheFourth) {
  const SampleBuffer b = make_buffer(1000, 3);
  Voice v = make_voice(4);
  v.play(&b, 1, false, 0, false, false);
  Scratch scratch{4};
  Planes mix{4, kBlock, kAlready};
  v.render(mix.planes(), 4, kBlock, scratch.lend());
  for (std::uint32_t i = 0; i < kBlock; ++i) {
    for (std::uint32_t c = 0; c < 3; ++c)
      ASSERT_EQ(mix[c][i], kAlready + static_cast<float>(sample(b, i, c)));
    ASSERT_EQ(mix[3][i], kAlready);
  }
}

TEST(VoiceTest, ItsMeterReadsWhatItAdded) {
  const SampleBuffer b = make_buffer(1000, 1);
  Voice v = make_voice(2, PanLaw::equal_power, kBlock);
  v.set(Param::pan, 0.5f, 0);
  v.set(Param::gain, 1.7f, 0);
  v.play(&b, 1, false, 0, false, false);
  Scratch scratch{2};
  Planes mix{2, kBlock};
  v.render(mix.planes(), 2, kBlock, scratch.lend());
  Snapshot<MeterReading> out;
  v.meter().advance(kBlock, kBlock, out);
  const MeterReading r = out.read();
  std::uint64_t clips = 0;
  for (std::uint32_t c = 0; c < 2; ++c) {
    double peak = 0, squares = 0;
    for (float y : mix[c]) {
      peak = std::max(peak, std::fabs(static_cast<double>(y)));
      squares += static_cast<double>(y) * y;
      clips += std::fabs(y) > 1.0f;
    }
    EXPECT_NEAR(r.peak[c], peak, 1e-6 * peak) << "channel " << c;
    EXPECT_NEAR(r.rms[c], std::sqrt(squares / kBlock), 1e-5 * std::sqrt(squares / kBlock));
  }
  EXPECT_GT(clips, 0u);
  EXPECT_EQ(r.clips, clips);
}

TEST(VoiceTest, StopBufferSaysWhetherOnePlayed) {
  const SampleBuffer b = make_buffer(1000, 1);
  Voice v = make_voice(2);
  EXPECT_FALSE(v.stop_buffer());
  v.play(&b, 1, true, 0, false, false);
  EXPECT_TRUE(v.stop_buffer());
  EXPECT_FALSE(v.stop_buffer());
  EXPECT_TRUE(v.resting());
}

} // namespace
} // namespace ringengine
