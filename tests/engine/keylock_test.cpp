// Key lock (dsp/keylock.hpp) measured on its output: a 440 Hz tone played
// at rate 0.8 and 1.25 keeps its pitch within 1 Hz, +12 semitones at rate 1
// doubles it, n output frames consume about n * rate input frames, the
// reported latency is where the sound begins, and a source that ends ends
// the output. Frequencies are measured from the output (rising zero
// crossings, interpolated, over seconds of steady state), never assumed.
// Without Rubber Band in the build, only KeylockTest.RefusedWithoutRubberBand
// runs: constructing one throws std::logic_error.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "dsp/keylock.hpp"
#include "rt_guard.hpp"

namespace ringengine {
namespace {

constexpr double kRate = 48000.0;
constexpr std::uint32_t kBlock = 256;

// A sine into every plane asked for, counting the frames it has given; it
// ends after `frames` frames when that is not 0.
struct ToneSource {
  double freq = 440.0;
  std::uint64_t given = 0;
  std::uint64_t frames = 0;
  std::uint32_t channels = 2;
  std::uint32_t operator()(float* const* in, std::uint32_t n) {
    std::uint32_t i = 0;
    for (; i < n && (frames == 0 || given < frames); ++i, ++given) {
      const float x = static_cast<float>(
          0.5 * std::sin(2.0 * std::numbers::pi * freq * static_cast<double>(given) / kRate));
      for (std::uint32_t c = 0; c < channels; ++c)
        in[c][i] = x;
    }
    return i;
  }
};

struct Rendered {
  std::vector<float> left, right;
  std::vector<std::uint64_t> consumed; // input frames given, after each block
};

// Renders `blocks` blocks of stereo output at (rate, semitones).
Rendered render(Keylock& keylock, ToneSource& source, double rate, double semitones,
                std::uint32_t blocks) {
  Rendered r;
  r.left.resize(static_cast<std::size_t>(blocks) * kBlock);
  r.right.resize(r.left.size());
  keylock.set(rate, semitones);
  for (std::uint32_t b = 0; b < blocks; ++b) {
    float* out[2] = {&r.left[b * kBlock], &r.right[b * kBlock]};
    EXPECT_EQ(keylock.render(out, 2, kBlock, source), kBlock);
    r.consumed.push_back(source.given);
  }
  return r;
}

// The frequency of x[from, to) from its rising zero crossings, each placed
// between its two samples by linear interpolation: (crossings - 1) periods
// between the first and the last.
double frequency(const std::vector<float>& x, std::size_t from, std::size_t to) {
  double first = -1.0, last = -1.0;
  int crossings = 0;
  for (std::size_t i = from + 1; i < to; ++i) {
    if (x[i - 1] < 0.0f && x[i] >= 0.0f) {
      const double t = static_cast<double>(i - 1) + x[i - 1] / (x[i - 1] - x[i]);
      if (first < 0.0)
        first = t;
      last = t;
      ++crossings;
    }
  }
  if (crossings < 2)
    return 0.0;
  return (crossings - 1) * kRate / (last - first);
}

#define SKIP_WITHOUT_RUBBERBAND()                                                               \
  if (!Keylock::available())                                                                    \
  GTEST_SKIP() << "built without Rubber Band (-Drubberband)"

TEST(KeylockTest, RefusedWithoutRubberBand) {
  if (Keylock::available()) {
    Keylock keylock(kRate, 2, kBlock);
    EXPECT_GT(keylock.engine_version(), 0);
    EXPECT_EQ(keylock.channels(), 2u);
    EXPECT_THROW(Keylock(kRate, 0, kBlock), std::invalid_argument);
  } else {
    EXPECT_THROW(Keylock(kRate, 2, kBlock), std::logic_error);
  }
}

// Pitch within 1 Hz at rates 0.8 and 1.25, and input consumed at `rate`
// input frames per output frame, for both of Rubber Band's engines.
class KeylockRateTest
    : public testing::TestWithParam<std::tuple<Keylock::Stretcher, double>> {};

TEST_P(KeylockRateTest, KeepsPitchAndFollowsRate) {
  SKIP_WITHOUT_RUBBERBAND();
  const auto [stretcher, rate] = GetParam();
  Keylock keylock(kRate, 2, kBlock, stretcher);
  ToneSource source;
  const std::uint32_t blocks = 6 * static_cast<std::uint32_t>(kRate) / kBlock; // 6 s
  const Rendered r = render(keylock, source, rate, 0.0, blocks);
  // Past the latency and a second to settle, to the end.
  const std::size_t from = keylock.latency() + static_cast<std::size_t>(kRate);
  const double left = frequency(r.left, from, r.left.size());
  const double right = frequency(r.right, from, r.right.size());
  RecordProperty("frequency", std::to_string(left));
  std::printf("rate %.2f (R%d%s): %.4f Hz left, %.4f Hz right, latency %u\n", rate,
              keylock.engine_version(),
              stretcher == Keylock::Stretcher::finer_short ? " short" : "", left, right,
              keylock.latency());
  // The bound, 1 Hz, for R3 (the engine key lock uses). R2 misses
  // it at rate 0.8 (437.7 Hz measured with Rubber Band 3.1.2): one reason
  // for R3 (docs/architecture.md); it is held to 3 Hz so that a change in
  // either shows here.
  const double bound = stretcher == Keylock::Stretcher::faster ? 3.0 : 1.0;
  EXPECT_NEAR(left, 440.0, bound);
  EXPECT_NEAR(right, 440.0, bound);
  // Input per output over the last 4 s: the rate, within 1 %.
  const std::size_t a = r.consumed.size() - 4 * static_cast<std::size_t>(kRate) / kBlock;
  const std::size_t b = r.consumed.size() - 1;
  const double per_output = static_cast<double>(r.consumed[b] - r.consumed[a]) /
                            (static_cast<double>(b - a) * kBlock);
  EXPECT_NEAR(per_output, rate, 0.01 * rate);
}

INSTANTIATE_TEST_SUITE_P(KeylockRates, KeylockRateTest,
                         testing::Combine(testing::Values(Keylock::Stretcher::finer,
                                                          Keylock::Stretcher::finer_short,
                                                          Keylock::Stretcher::faster),
                                          testing::Values(0.8, 1.25)));

TEST(KeylockTest, OctaveUpDoublesTheFrequency) {
  SKIP_WITHOUT_RUBBERBAND();
  Keylock keylock(kRate, 2, kBlock);
  ToneSource source;
  const std::uint32_t blocks = 5 * static_cast<std::uint32_t>(kRate) / kBlock;
  const Rendered r = render(keylock, source, 1.0, 12.0, blocks);
  const std::size_t from = keylock.latency() + static_cast<std::size_t>(kRate);
  const double f = frequency(r.left, from, r.left.size());
  std::printf("+12 semitones: %.4f Hz\n", f);
  EXPECT_NEAR(f, 880.0, 1.0);
  // Tempo unchanged: one input frame per output frame.
  const std::size_t a = r.consumed.size() / 2, b = r.consumed.size() - 1;
  EXPECT_NEAR(static_cast<double>(r.consumed[b] - r.consumed[a]) /
                  (static_cast<double>(b - a) * kBlock),
              1.0, 0.01);
}

// The sound begins where latency() says: the output's first loud frame lies
// within a block of it (the stretcher's window fades the tone in).
TEST(KeylockTest, LatencyIsWhereTheSoundBegins) {
  SKIP_WITHOUT_RUBBERBAND();
  for (const auto stretcher : {Keylock::Stretcher::finer, Keylock::Stretcher::finer_short,
                                Keylock::Stretcher::faster}) {
    Keylock keylock(kRate, 2, kBlock, stretcher);
    ToneSource source;
    const Rendered r = render(keylock, source, 1.0, 0.0, 64);
    std::size_t onset = 0;
    while (onset < r.left.size() && std::fabs(r.left[onset]) < 0.05f)
      ++onset;
    std::printf("R%d: latency %u, first sound at %zu\n", keylock.engine_version(),
                keylock.latency(), onset);
    EXPECT_GT(keylock.latency(), 0u);
    EXPECT_NEAR(static_cast<double>(onset), static_cast<double>(keylock.latency()), kBlock);
  }
}

// After reset() (a new play, with the stretcher elsewhere in its range
// before it) the sound begins again where latency() says, at the pitch set,
// with nothing of the last play in it, and reset() allocated nothing.
// (Not bit for bit a fresh stretcher's output: Rubber Band's reset() keeps
// some of its smoothing state.)
TEST(KeylockTest, ResetStartsAfresh) {
  SKIP_WITHOUT_RUBBERBAND();
  Keylock keylock(kRate, 2, kBlock);
  ToneSource before;
  (void)render(keylock, before, 0.6, -7.0, 40);
  // A play: set(), then reset(), so that the pad and the latency are the
  // new setting's.
  keylock.set(1.25, 3.0);
  rt_guard::arm();
  keylock.reset();
  const auto violations = rt_guard::disarm();
  EXPECT_EQ(violations.total(), 0);
  ToneSource source;
  const Rendered r = render(keylock, source, 1.25, 3.0, 4 * static_cast<std::uint32_t>(kRate) / kBlock);
  std::size_t onset = 0;
  while (onset < r.left.size() && std::fabs(r.left[onset]) < 0.05f)
    ++onset;
  EXPECT_NEAR(static_cast<double>(onset), static_cast<double>(keylock.latency()), kBlock);
  const double f = frequency(r.left, keylock.latency() + static_cast<std::size_t>(kRate),
                             r.left.size());
  std::printf("after reset: first sound at %zu (latency %u), %.3f Hz\n", onset,
              keylock.latency(), f);
  EXPECT_NEAR(f, 440.0 * std::exp2(3.0 / 12.0), 1.0);
}

// A source that ends: the output ends after it (render() returns fewer
// frames than asked, zeros after), and stays ended.
TEST(KeylockTest, EndsAfterTheSource) {
  SKIP_WITHOUT_RUBBERBAND();
  Keylock keylock(kRate, 1, kBlock);
  ToneSource source;
  source.channels = 1;
  source.frames = 10000;
  std::vector<float> out(kBlock);
  float* planes[1] = {out.data()};
  std::uint64_t sound = 0, last_loud = 0;
  int short_blocks = 0;
  for (int b = 0; b < 400; ++b) {
    const std::uint32_t n = keylock.render(planes, 1, kBlock, source);
    for (std::uint32_t i = 0; i < n; ++i)
      if (std::fabs(out[i]) > 0.05f)
        last_loud = sound + i;
    sound += n;
    if (n < kBlock) {
      ++short_blocks;
      for (std::uint32_t i = n; i < kBlock; ++i)
        EXPECT_EQ(out[i], 0.0f);
    }
  }
  EXPECT_GT(short_blocks, 300); // ended, and stayed ended
  // The tone's last loud frame comes latency() after the source's last,
  // within a block; then the stretcher's window tail, and nothing more.
  EXPECT_NEAR(static_cast<double>(last_loud), 10000.0 + keylock.latency(), kBlock);
  EXPECT_GE(sound, last_loud);
  EXPECT_LE(sound, 10000u + 4u * keylock.latency());
}

} // namespace
} // namespace ringengine
