// SamplePlayer alone: its samples, channel by channel, against a player
// written here from the definition (a position moving by the rate, the
// Catmull-Rom curve through the four frames around it, 0 outside the
// buffer, a loop's region going around with its seam's neighbours).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp/sample_player.hpp"
#include "dsp_util.hpp"

namespace ringengine {
namespace {

using testing::catmull_rom;
using testing::make_buffer;
using testing::Planes;

constexpr std::uint32_t kBlock = 256;

// The reference: a position in double, the frames around it, and the loop
// as a region the position goes around (by its length, keeping the
// fraction).
struct ModelPlayer {
  const SampleBuffer& b;
  bool loop = false;
  std::int64_t ls = 0, le = 0;
  std::uint32_t crossfade = 0;
  double pos = 0;
  bool entered = false;
  bool playing = true;

  ModelPlayer(const SampleBuffer& buffer, bool looping, PlayRegion r) : b(buffer), loop(looping) {
    ls = static_cast<std::int64_t>(r.loop_start);
    le = r.loop_end == 0 ? static_cast<std::int64_t>(b.frames)
                         : static_cast<std::int64_t>(r.loop_end);
    crossfade = r.crossfade;
    pos = static_cast<double>(r.start);
  }
  std::int64_t index() const { return static_cast<std::int64_t>(std::floor(pos)); }
  // Channel c (or the mean of all, c = -1) at frame j; across the seam when asked.
  double tap(std::int64_t j, int c, bool seam) const {
    if (seam) {
      if (j >= le)
        j -= le - ls;
      else if (j < ls)
        j += le - ls;
    }
    if (j < 0 || j >= static_cast<std::int64_t>(b.frames))
      return 0;
    if (c >= 0)
      return b.samples[static_cast<std::size_t>(j) * b.channels + static_cast<std::uint32_t>(c)];
    double sum = 0;
    for (std::uint32_t k = 0; k < b.channels; ++k)
      sum += b.samples[static_cast<std::size_t>(j) * b.channels + k];
    return sum / b.channels;
  }
  double at(std::int64_t i, double t, int c, bool seam) const {
    return catmull_rom(tap(i - 1, c, seam), tap(i, c, seam), tap(i + 1, c, seam),
                       tap(i + 2, c, seam), t);
  }
  // The next frame into y[c] for c < channels (c = -1: averaged into y[0]);
  // false when a one-shot ran off the buffer.
  bool next(double rate, std::vector<double>& y, int channels) {
    if (loop) {
      const double length = static_cast<double>(le - ls);
      while (index() >= le)
        pos -= length;
      while (index() < ls && (entered || index() < 0))
        pos += length;
      if (index() >= ls)
        entered = true;
    } else if (index() < 0 || index() >= static_cast<std::int64_t>(b.frames)) {
      playing = false;
      return false;
    }
    const std::int64_t i = index();
    const double t = pos - static_cast<double>(i);
    for (int c = 0; c < (channels < 0 ? 1 : channels); ++c) {
      const int ch = channels < 0 ? -1 : c;
      double v = at(i, t, ch, loop && entered);
      if (loop && crossfade != 0 && rate > 0 && i >= le - crossfade) {
        const double w = (static_cast<double>(i - (le - crossfade)) + t) / crossfade;
        v += w * (at(i - (le - ls), t, ch, false) - v);
      }
      y[static_cast<std::size_t>(c)] = v;
    }
    pos += rate;
    return true;
  }
};

// Renders `blocks` blocks at `rate` (or the per-frame `rates`) and checks
// every channel of every frame against the model, within `tolerance`.
::testing::AssertionResult plays_as_model(const SampleBuffer& b, bool loop, PlayRegion region,
                                          std::uint32_t output_channels, double rate,
                                          std::uint32_t blocks, double tolerance,
                                          const std::vector<double>* rates = nullptr) {
  SamplePlayer player;
  player.start(&b, 1, loop, region);
  ModelPlayer model{b, loop, region};
  const bool average = output_channels == 1 && b.channels > 1;
  const int channels = average ? -1 : static_cast<int>(std::min(b.channels, output_channels));
  std::vector<double> y(b.channels);
  for (std::uint32_t k = 0; k < blocks; ++k) {
    Planes out{output_channels, kBlock, -7.0f};
    Signal s = out.signal(1, kBlock);
    const double* r = rates != nullptr ? rates->data() + std::size_t{k} * kBlock : nullptr;
    const std::uint32_t got = player.render(s, output_channels, r, rate);
    if (s.channels != std::min(b.channels, output_channels))
      return ::testing::AssertionFailure() << "signal channels " << s.channels;
    for (std::uint32_t i = 0; i < kBlock; ++i) {
      const double ri = r != nullptr ? r[i] : rate;
      if (!model.next(ri, y, channels)) {
        if (got != i)
          return ::testing::AssertionFailure()
                 << "block " << k << ": rendered " << got << " frames, the model " << i;
        if (player.playing())
          return ::testing::AssertionFailure() << "still playing past the end";
        return ::testing::AssertionSuccess();
      }
      if (i >= got)
        return ::testing::AssertionFailure() << "block " << k << " ended at " << got
                                             << ", the model plays on";
      for (int c = 0; c < (channels < 0 ? 1 : channels); ++c) {
        const double want = y[static_cast<std::size_t>(c)];
        const float have = out[static_cast<std::size_t>(c)][i];
        if (!(std::fabs(have - want) <= tolerance))
          return ::testing::AssertionFailure()
                 << "rate " << ri << ", " << b.channels << " channels, channel " << c
                 << ", block " << k << " frame " << i << ": " << have << ", want " << want;
      }
      // Planes past the signal's channels are left alone.
      for (std::uint32_t c = static_cast<std::uint32_t>(channels < 0 ? 1 : channels);
           c < output_channels; ++c)
        if (out[c][i] != -7.0f)
          return ::testing::AssertionFailure() << "plane " << c << " written";
    }
  }
  return ::testing::AssertionSuccess();
}

// The run() loop computes in float: a few units of 1e-7 from the double curve.
constexpr double kCurve = 4e-6;

TEST(SamplePlayerTest, RateOneFromAWholeFrameIsTheBufferBitForBit) {
  for (std::uint32_t channels : {1u, 2u, 3u}) {
    const SampleBuffer b = make_buffer(2000, channels);
    SamplePlayer player;
    player.start(&b, 7, false, PlayRegion{10, 0, 0, 0});
    EXPECT_EQ(player.buffer_id(), 7u);
    for (std::uint32_t k = 0; k < 3; ++k) {
      Planes out{channels, kBlock};
      Signal s = out.signal(1, kBlock);
      ASSERT_EQ(player.render(s, channels, nullptr, 1.0), kBlock);
      ASSERT_EQ(s.channels, channels);
      for (std::uint32_t c = 0; c < channels; ++c)
        for (std::uint32_t i = 0; i < kBlock; ++i)
          ASSERT_EQ(out[c][i], b.samples[(10 + k * kBlock + i) * channels + c])
              << channels << " channels, channel " << c << " frame " << i;
    }
    EXPECT_EQ(player.position(), 10u + 3 * kBlock);
  }
}

// The steady path (a run of frames without checks, mono four at a time):
// every channel at its own stride. A mono-only test misses a lost stride.
TEST(SamplePlayerTest, SteadyRatesFollowCatmullRomOnEveryChannel) {
  for (std::uint32_t channels : {1u, 2u, 3u}) {
    const SampleBuffer b = make_buffer(20000, channels);
    for (double rate : {0.73, 1.5, -1.25, 0.5, 2.25, -0.31})
      EXPECT_TRUE(plays_as_model(b, false, PlayRegion{10000, 0, 0, 0}, channels, rate, 8, kCurve));
  }
}

TEST(SamplePlayerTest, SteadyRatesFromAFractionFollowTheCurve) {
  // A first block at 0.37 leaves the position between frames; the next at
  // 1.5 continues from there.
  for (std::uint32_t channels : {2u, 3u}) {
    const SampleBuffer b = make_buffer(8000, channels);
    std::vector<double> rates(4 * kBlock, 1.5);
    for (std::uint32_t i = 0; i < kBlock; ++i)
      rates[i] = 0.37;
    SamplePlayer player;
    player.start(&b, 1, false, PlayRegion{3000, 0, 0, 0});
    ModelPlayer model{b, false, PlayRegion{3000, 0, 0, 0}};
    std::vector<double> y(channels);
    for (std::uint32_t k = 0; k < 4; ++k) {
      Planes out{channels, kBlock};
      Signal s = out.signal(1, kBlock);
      ASSERT_EQ(player.render(s, channels, nullptr, rates[k * kBlock]), kBlock);
      for (std::uint32_t i = 0; i < kBlock; ++i) {
        ASSERT_TRUE(model.next(rates[k * kBlock + i], y, static_cast<int>(channels)));
        for (std::uint32_t c = 0; c < channels; ++c)
          ASSERT_NEAR(out[c][i], y[c], kCurve) << "block " << k << " frame " << i << " channel " << c;
      }
    }
  }
}

TEST(SamplePlayerTest, PerFrameRatesFollowTheCurveOnEveryChannel) {
  for (std::uint32_t channels : {1u, 2u, 3u}) {
    const SampleBuffer b = make_buffer(20000, channels);
    std::vector<double> up(6 * kBlock), down(6 * kBlock);
    for (std::size_t i = 0; i < up.size(); ++i) {
      up[i] = 0.6 + 1.3 * static_cast<double>(i) / up.size();
      down[i] = -0.4 - 1.1 * static_cast<double>(i) / down.size();
    }
    EXPECT_TRUE(plays_as_model(b, false, PlayRegion{8000, 0, 0, 0}, channels, 0.0, 6, 1e-6, &up));
    EXPECT_TRUE(plays_as_model(b, false, PlayRegion{8000, 0, 0, 0}, channels, 0.0, 6, 1e-6, &down));
  }
}

TEST(SamplePlayerTest, ABufferWiderThanTheOutputPlaysItsFirstChannels) {
  const SampleBuffer b = make_buffer(6000, 3);
  for (double rate : {1.0, 1.5, 0.73, -1.25})
    EXPECT_TRUE(plays_as_model(b, false, PlayRegion{3000, 0, 0, 0}, 2, rate, 4, kCurve));
}

TEST(SamplePlayerTest, SeveralChannelsOnAMonoOutputPlayTheirAverage) {
  for (std::uint32_t channels : {2u, 3u}) {
    const SampleBuffer b = make_buffer(6000, channels);
    for (double rate : {1.0, 0.73, 1.5, -1.25})
      EXPECT_TRUE(plays_as_model(b, false, PlayRegion{3000, 0, 0, 0}, 1, rate, 4, 1e-6));
  }
}

TEST(SamplePlayerTest, AOneShotStopsAtTheBuffersEnd) {
  const SampleBuffer b = make_buffer(1000, 2);
  {
    SamplePlayer player;
    player.start(&b, 1, false, PlayRegion{900, 0, 0, 0});
    Planes out{2, kBlock};
    Signal s = out.signal(1, kBlock);
    EXPECT_EQ(player.render(s, 2, nullptr, 1.0), 100u);
    EXPECT_FALSE(player.playing());
    EXPECT_EQ(player.buffer_id(), 0u);
    for (std::uint32_t i = 0; i < 100; ++i)
      ASSERT_EQ(out[1][i], b.samples[(900 + i) * 2 + 1]);
  }
  { // Running out exactly at the end of the frames asked for.
    SamplePlayer player;
    player.start(&b, 1, false, PlayRegion{1000 - kBlock, 0, 0, 0});
    Planes out{2, kBlock};
    Signal s = out.signal(1, kBlock);
    EXPECT_EQ(player.render(s, 2, nullptr, 1.0), kBlock);
    EXPECT_FALSE(player.playing());
  }
  // At other rates, to the frame the position leaves the buffer, the last
  // frames' neighbours past the end read as 0: 667 frames at 1.5 from 0
  // (frame 666 reads 999), 241 at -1.25 from 300.
  EXPECT_TRUE(plays_as_model(b, false, PlayRegion{0, 0, 0, 0}, 2, 1.5, 3, kCurve));
  EXPECT_TRUE(plays_as_model(b, false, PlayRegion{300, 0, 0, 0}, 2, -1.25, 1, kCurve));
  SamplePlayer player;
  player.start(&b, 1, false, PlayRegion{0, 0, 0, 0});
  std::uint32_t total = 0;
  for (int k = 0; k < 3 && player.playing(); ++k) {
    Planes out{2, kBlock};
    Signal s = out.signal(1, kBlock);
    total += player.render(s, 2, nullptr, 1.5);
  }
  EXPECT_EQ(total, 667u);
  player.start(&b, 1, false, PlayRegion{300, 0, 0, 0});
  Planes out{2, kBlock};
  Signal s = out.signal(1, kBlock);
  EXPECT_EQ(player.render(s, 2, nullptr, -1.25), 241u);
}

TEST(SamplePlayerTest, ALoopGoesAroundItsRegionBitForBitAtRateOne) {
  for (std::uint32_t channels : {1u, 2u, 3u}) {
    const SampleBuffer b = make_buffer(100, channels);
    SamplePlayer player;
    player.start(&b, 1, true, PlayRegion{0, 20, 60, 0});
    EXPECT_TRUE(player.looping());
    std::uint64_t frame = 0; // the model: 0 .. 59, then 20 .. 59 around
    for (std::uint32_t k = 0; k < 2; ++k) {
      Planes out{channels, kBlock};
      Signal s = out.signal(1, kBlock);
      ASSERT_EQ(player.render(s, channels, nullptr, 1.0), kBlock);
      for (std::uint32_t i = 0; i < kBlock; ++i, ++frame) {
        if (frame == 60)
          frame = 20;
        for (std::uint32_t c = 0; c < channels; ++c)
          ASSERT_EQ(out[c][i], b.samples[frame * channels + c]) << "block " << k << " frame " << i;
      }
    }
    EXPECT_TRUE(player.playing());
  }
}

TEST(SamplePlayerTest, ALoopAtOtherRatesReadsAcrossItsSeam) {
  for (std::uint32_t channels : {1u, 2u, 3u}) {
    const SampleBuffer b = make_buffer(1000, channels);
    for (double rate : {0.73, 1.5, -1.25, 2.25}) {
      // From inside the region, and from before it.
      EXPECT_TRUE(plays_as_model(b, true, PlayRegion{230, 200, 520, 0}, channels, rate, 6, kCurve));
      EXPECT_TRUE(plays_as_model(b, true, PlayRegion{150, 200, 520, 0}, channels, rate, 6, kCurve));
    }
    // The whole buffer: the seam joins its end to its start.
    EXPECT_TRUE(plays_as_model(b, true, PlayRegion{900, 0, 0, 0}, channels, 1.5, 4, kCurve));
  }
}

// Entering the region from before it, the first frame inside takes its
// neighbour before from across the seam, on the steady path (a run without
// checks) as on the per-frame one. The steady path once read the frame
// before the region there instead (0.0012 off at frame 69 below).
TEST(SamplePlayerTest, ALoopEnteredFromBeforeReadsTheSameOnBothPaths) {
  for (std::uint32_t channels : {1u, 2u, 3u}) {
    const SampleBuffer b = make_buffer(1000, channels);
    for (double rate : {0.73, 1.5}) {
      const std::vector<double> rates(kBlock, rate);
      SamplePlayer steady, per_frame;
      steady.start(&b, 1, true, PlayRegion{150, 200, 520, 0});
      per_frame.start(&b, 1, true, PlayRegion{150, 200, 520, 0});
      Planes a{channels, kBlock}, c{channels, kBlock};
      Signal sa = a.signal(1, kBlock), sc = c.signal(1, kBlock);
      ASSERT_EQ(steady.render(sa, channels, nullptr, rate), kBlock);
      ASSERT_EQ(per_frame.render(sc, channels, rates.data(), 0.0), kBlock);
      for (std::uint32_t ch = 0; ch < channels; ++ch)
        for (std::uint32_t i = 0; i < kBlock; ++i)
          ASSERT_NEAR(a[ch][i], c[ch][i], kCurve)
              << "rate " << rate << ", " << channels << " channels, channel " << ch << " frame " << i;
    }
  }
}

TEST(SamplePlayerTest, BackwardsFromBeforeTheRegionEntersItFromItsEnd) {
  const SampleBuffer b = make_buffer(300, 2);
  SamplePlayer player;
  player.start(&b, 1, true, PlayRegion{10, 100, 200, 0});
  Planes out{2, kBlock};
  Signal s = out.signal(1, kBlock);
  ASSERT_EQ(player.render(s, 2, nullptr, -1.0), kBlock);
  // 10, 9, .., 0, then past the buffer's start into the region at 199, down
  // to 100, and around from 199 again.
  std::vector<std::uint64_t> frames;
  for (int f = 10; f >= 0; --f)
    frames.push_back(static_cast<std::uint64_t>(f));
  while (frames.size() < kBlock)
    for (int f = 199; f >= 100 && frames.size() < kBlock; --f)
      frames.push_back(static_cast<std::uint64_t>(f));
  for (std::uint32_t i = 0; i < kBlock; ++i)
    for (std::uint32_t c = 0; c < 2; ++c)
      ASSERT_EQ(out[c][i], b.samples[frames[i] * 2 + c]) << "frame " << i << " channel " << c;
}

TEST(SamplePlayerTest, ACrossfadeMixesTheFramesBeforeTheLoopStartIn) {
  const SampleBuffer b = make_buffer(400, 2);
  SamplePlayer player;
  player.start(&b, 1, true, PlayRegion{200, 100, 300, 50});
  EXPECT_EQ(player.crossfade(), 50u);
  Planes out{2, kBlock};
  Signal s = out.signal(1, kBlock);
  ASSERT_EQ(player.render(s, 2, nullptr, 1.0), kBlock);
  auto x = [&](std::uint64_t f, std::uint32_t c) {
    return static_cast<double>(b.samples[f * 2 + c]);
  };
  for (std::uint32_t i = 0; i < kBlock; ++i) {
    const std::uint64_t k = i < 100 ? 200 + i : 100 + (i - 100); // around at 300 to 100
    for (std::uint32_t c = 0; c < 2; ++c) {
      double want = x(k, c);
      if (k >= 250) { // the last 50 frames: w from 0 to 49/50 of frame k - 200
        const double w = static_cast<double>(k - 250) / 50;
        want += w * (x(k - 200, c) - want);
      }
      ASSERT_NEAR(out[c][i], want, 1e-7) << "frame " << i << " (buffer " << k << ") channel " << c;
    }
  }
  // And at another rate, the same rule with the fraction.
  EXPECT_TRUE(plays_as_model(b, true, PlayRegion{120, 100, 300, 50}, 2, 1.5, 4, 1e-6));
}

TEST(SamplePlayerTest, RateZeroHoldsItsFrame) {
  const SampleBuffer b = make_buffer(1000, 3);
  SamplePlayer player;
  player.start(&b, 1, false, PlayRegion{500, 0, 0, 0});
  Planes out{3, kBlock};
  Signal s = out.signal(1, kBlock);
  ASSERT_EQ(player.render(s, 3, nullptr, 0.0), kBlock);
  for (std::uint32_t c = 0; c < 3; ++c)
    for (std::uint32_t i = 0; i < kBlock; ++i)
      ASSERT_EQ(out[c][i], b.samples[500 * 3 + c]);
  EXPECT_EQ(player.position(), 500u);
  EXPECT_TRUE(player.playing());
}

TEST(SamplePlayerTest, PositionMovesByTheRate) {
  const SampleBuffer b = make_buffer(2000, 2);
  SamplePlayer player;
  player.start(&b, 1, false, PlayRegion{100, 0, 0, 0});
  Planes out{2, kBlock};
  Signal s = out.signal(1, kBlock);
  player.render(s, 2, nullptr, 1.5);
  EXPECT_EQ(player.position(), 100u + 384u);
  player.render(s, 2, nullptr, -0.5);
  EXPECT_EQ(player.position(), 100u + 384u - 128u);
}

TEST(SamplePlayerTest, ARegionIsCutToTheBufferAndAnEmptyOneIsTheWhole) {
  const SampleBuffer b = make_buffer(500, 1);
  SamplePlayer player;
  player.start(&b, 1, true, PlayRegion{0, 100, 900, 1000});
  EXPECT_EQ(player.loop_start(), 100u);
  EXPECT_EQ(player.loop_end(), 500u);
  EXPECT_EQ(player.crossfade(), 400u); // at most the region's length
  player.set_region(300, 300, 10);
  EXPECT_EQ(player.loop_start(), 0u);
  EXPECT_EQ(player.loop_end(), 500u);
  player.set_region(600, 700, 0); // past the end: empty, the whole
  EXPECT_EQ(player.loop_start(), 0u);
  EXPECT_EQ(player.loop_end(), 500u);
  EXPECT_TRUE(player.stop());
  EXPECT_FALSE(player.stop());
}

// Issue 37: a loop that reached its end with the render's last frame read
// position() as its end (48000 of a 48000-frame loop), a frame it never
// plays; it reads the region's start, on both paths.
TEST(SamplePlayerTest, ALoopEndingWithTheRenderReadsItsStartNotItsEnd) {
  const SampleBuffer b = make_buffer(512, 1);
  for (const double rate : {1.0, 2.0}) { // the plain copy, and interpolate()
    SamplePlayer player;
    player.start(&b, 1, true, PlayRegion{100, 100, 356, 0}); // 256 frames
    Planes out{1, kBlock};
    Signal s = out.signal(1, rate == 1.0 ? 256 : 128);
    ASSERT_EQ(player.render(s, 1, nullptr, rate), s.frames);
    EXPECT_EQ(player.position(), 100u) << "rate " << rate;
    EXPECT_EQ(player.exact_position(), 100.0) << "rate " << rate;
    // And it goes on from there as before: frame 100 first.
    ASSERT_EQ(player.render(s, 1, nullptr, 1.0), s.frames);
    EXPECT_EQ(out[0][0], b.samples[100]) << "rate " << rate;
  }
  SamplePlayer whole;
  whole.start(&b, 1, true, PlayRegion{});
  Planes out{1, 512};
  Signal s = out.signal(1, 512);
  whole.render(s, 1, nullptr, 1.0);
  EXPECT_EQ(whole.position(), 0u);
}

// Issue 37: moving the region under a play that is in its loop and falls
// outside the new one sends it to the frame that keeps its phase: new start
// + (position - old start) mod the new length; inside the new region, or
// not yet in its loop, it plays on.
TEST(SamplePlayerTest, MovingTheRegionAwayKeepsThePlaysPhaseInTheLoop) {
  const SampleBuffer b = make_buffer(4000, 1);
  SamplePlayer player;
  player.start(&b, 1, true, PlayRegion{1000, 1000, 2000, 0});
  Planes out{1, 600};
  Signal s = out.signal(1, 100);
  player.render(s, 1, nullptr, 1.0);
  ASSERT_EQ(player.position(), 1100u);
  EXPECT_TRUE(player.move_region(3000, 3500, 0)); // ahead: 3000 + 100
  EXPECT_EQ(player.position(), 3100u);
  s = out.signal(1, 600);
  player.render(s, 1, nullptr, 1.0);
  for (std::uint32_t i = 0; i < 600; ++i) // 3100 .. 3499, then 3000 ..
    ASSERT_EQ(out[0][i], b.samples[i < 400 ? 3100 + i : 3000 + (i - 400)]) << i;
  ASSERT_EQ(player.position(), 3200u);
  EXPECT_TRUE(player.move_region(200, 300, 0)); // behind, shorter: (3200 - 3000) mod 100
  EXPECT_EQ(player.position(), 200u);
  EXPECT_FALSE(player.move_region(0, 1000, 0)); // inside the new one: stays
  EXPECT_EQ(player.position(), 200u);
  EXPECT_FALSE(player.move_region(150, 250, 0));
  EXPECT_EQ(player.position(), 200u);

  SamplePlayer before; // not yet in its loop: runs on into the new region
  before.start(&b, 1, true, PlayRegion{0, 1000, 2000, 0});
  EXPECT_FALSE(before.move_region(3000, 3500, 0));
  EXPECT_EQ(before.position(), 0u);

  SamplePlayer fraction; // the fraction is kept
  fraction.start(&b, 1, true, PlayRegion{1000, 1000, 2000, 0});
  s = out.signal(1, 100);
  fraction.render(s, 1, nullptr, 1.25);
  ASSERT_EQ(fraction.exact_position(), 1125.0);
  EXPECT_TRUE(fraction.move_region(3000, 3050, 0));
  EXPECT_EQ(fraction.exact_position(), 3025.0); // 125 mod 50
}

} // namespace
} // namespace ringengine
