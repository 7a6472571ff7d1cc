// The Engine's sound: commands at their exact frame, planar and interleaved
// output, unknown kinds, validation, denormals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/engine.hpp"
#include "test_util.hpp"

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace ringengine {
namespace {

using namespace ringengine::testing;

TEST(EngineSoundTest, SetParamTakesEffectAtItsFrameInTheMiddleOfABlock) {
  EngineConfig c;
  c.channels = 1;
  Engine engine{c};
  Message m = Message::set_param(0, Param::freq, 12000.0f, 100);
  ASSERT_TRUE(engine.send(m));
  const std::vector<float> out = render(engine, 256);
  for (int i = 0; i < 100; ++i)
    ASSERT_EQ(out[i], 0.0f) << i;
  EXPECT_EQ(out[100], 0.0f);
  EXPECT_NEAR(out[101], 1.0f, 1e-6f);
  EXPECT_NEAR(out[103], -1.0f, 1e-6f);
}

TEST(EngineSoundTest, PlanarAndInterleavedOutputsCarryTheSameSamples) {
  Engine a{EngineConfig{}}, b{EngineConfig{}};
  for (Engine* e : {&a, &b}) {
    Message m = Message::set_param(0, Param::freq, 440.0f);
    ASSERT_TRUE(e->send(m));
    m = Message::set_param(0, Param::pan, -0.5f, 10, 100);
    ASSERT_TRUE(e->send(m));
  }
  const std::vector<float> interleaved = render(a, 300);
  std::vector<float> left(300), right(300);
  float* planes[] = {left.data(), right.data()};
  b.process(AudioOut{nullptr, planes}, 300);
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(interleaved[2 * i], left[i]) << i;
    ASSERT_EQ(interleaved[2 * i + 1], right[i]) << i;
  }
}

TEST(EngineSoundTest, AKindTheAudioThreadDoesNotKnowIsCountedNotDropped) {
  Engine engine{EngineConfig{}};
  Message m{};
  m.kind = MessageKind::pong; // a reply kind, never a command
  m.frame = kFrameNext;
  EXPECT_EQ(engine.invalid(m).kind, Refusal::Kind::not_a_kind);
  ASSERT_TRUE(engine.send(m)); // the C API refuses it; the core counts it
  m = Message::set_param(999, Param::gain, 1.0f);
  ASSERT_TRUE(engine.send(m));
  engine.process(AudioOut{}, 64);
  EXPECT_EQ(engine.stats().unhandled, 2u);
}

TEST(EngineSoundTest, ValidationNamesWhatIsWrong) {
  Engine engine{EngineConfig{}};
  EXPECT_FALSE(engine.invalid(Message::set_param(0, Param::freq, 440.0f)));
  const Refusal voice = engine.invalid(Message::set_param(32, Param::freq, 440.0f));
  EXPECT_EQ(voice.kind, Refusal::Kind::no_such);
  EXPECT_STREQ(voice.argument, "voice");
  EXPECT_EQ(voice.value, 32);
  EXPECT_TRUE(engine.invalid(Message::set_param(0, Param::freq, std::nanf(""))));
  EXPECT_TRUE(engine.invalid(Message::set_param(0, Param::gain, -0.1f)));
  EXPECT_TRUE(engine.invalid(Message::set_param(0, Param::pan, 1.01f)));
  Message bad = Message::set_param(0, Param::gain, 1.0f);
  bad.param = 7;
  const Refusal param = engine.invalid(bad);
  EXPECT_EQ(param.kind, Refusal::Kind::no_such);
  EXPECT_STREQ(param.argument, "parameter");
  EXPECT_EQ(param.value, 7);
}

// A voice at a gain so small that every sample is subnormal: flushed to
// zero on the audio thread (FTZ), and the caller's setting is back after.
TEST(EngineSoundTest, DenormalsAreFlushedAndTheCallersSettingIsKept) {
  EngineConfig c;
  c.channels = 1;
  Engine engine{c};
  const float tiny_gain = 1e-38f; // normal; any product with a sine is not
  Message m = Message::set_param(0, Param::freq, 1000.0f);
  ASSERT_TRUE(engine.send(m));
  m = Message::set_param(0, Param::gain, tiny_gain);
  ASSERT_TRUE(engine.send(m));
  // The check can fail: here, with this thread's default setting, the same
  // products are subnormal, not zero.
  volatile float half = 0.5f;
  ASSERT_NE(half * tiny_gain, 0.0f);
  ASSERT_LT(half * tiny_gain, std::numeric_limits<float>::min());

  const unsigned before = _mm_getcsr();
  std::vector<float> out(256, -1.0f);
  engine.process(AudioOut{out.data(), nullptr}, 256);
  EXPECT_EQ(_mm_getcsr(), before) << "the caller's MXCSR is put back";
  for (float x : out)
    ASSERT_EQ(x, 0.0f) << "a subnormal sample reached the output";
}

// ---- Loops moved while they play (issues 37 and 40) ----

// A mono ramp: sample i is i / 4096, so each output sample says where the
// voice read.
std::uint32_t load_ramp(Engine& e, std::uint64_t frames) {
  std::vector<float> ramp(frames);
  for (std::uint64_t i = 0; i < frames; ++i)
    ramp[i] = static_cast<float>(static_cast<double>(i) / 4096.0);
  return e.load_buffer(ramp.data(), frames, 1);
}

void send_ok(Engine& e, Message m) {
  ASSERT_FALSE(e.invalid(m)) << e.invalid(m).argument;
  ASSERT_TRUE(e.send(m));
}

// Plays buffer `b` on voice 0 from `start`, looping over [ls, le).
void play_loop(Engine& e, std::uint32_t b, std::uint32_t start, std::uint32_t ls,
               std::uint32_t le) {
  send_ok(e, Message::set_voice(0, VoiceSetting::play_start, start));
  send_ok(e, Message::set_voice(0, VoiceSetting::play_loop_start, ls));
  send_ok(e, Message::set_voice(0, VoiceSetting::play_loop_end, le));
  send_ok(e, Message::play(0, b, kFrameNext, true));
}

// Where the voice read each frame (the ramp's sample x 4096).
std::vector<long> frames_read(const std::vector<float>& out) {
  std::vector<long> at(out.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    at[i] = std::lround(out[i] * 4096.0);
  return at;
}

EngineConfig mono_config() {
  EngineConfig c;
  c.channels = 1;
  return c;
}

// Issue 40: the start and the end went as two messages, the new start
// against the old end made an empty region, which fell back to the whole
// buffer: [200, 300) given [1000, 1100) played 0 .. 1099.
TEST(EngineSoundTest, SetLoopMovesBothEndsAtOnce) {
  Engine e{mono_config()};
  const std::uint32_t b = load_ramp(e, 2000);
  play_loop(e, b, 200, 200, 300);
  ASSERT_EQ(frames_read(render(e, 50))[49], 249);
  send_ok(e, Message::set_loop(0, 1000, 1100, 0));
  const std::vector<long> at = frames_read(render(e, 300));
  for (long i = 0; i < 300; ++i) // 1050 .. 1099, then 1000 .. 1099 around
    ASSERT_EQ(at[static_cast<std::size_t>(i)], 1000 + (50 + i) % 100) << i;
}

// Issue 37: a voice looping [1000, 2000) at 1100 given [3000, 3500) played on
// to 3500 and then looped [0, 3500). It jumps, at the command's frame, to
// where its phase in the loop says (3100) and loops [3000, 3500).
TEST(EngineSoundTest, AVoiceOutsideItsMovedLoopJumpsKeepingItsPhase) {
  Engine e{mono_config()};
  const std::uint32_t b = load_ramp(e, 4000);
  play_loop(e, b, 1000, 1000, 2000);
  render(e, 64);
  send_ok(e, Message::set_loop(0, 3000, 3500, 0, 100)); // read at frame 100: 1100 - 64 + 64
  const std::vector<long> at = frames_read(render(e, 1200));
  for (long i = 0; i < 1200; ++i) {
    const long want = i < 36 ? 1064 + i : 3000 + (100 + (i - 36)) % 500;
    ASSERT_EQ(at[static_cast<std::size_t>(i)], want) << i;
  }
}

// Issue 37: with a crossfade the jump is crossfaded: over its frames the
// play from where it was fades out linearly while the play from where it
// jumped fades in, so a slow ramp shows no step; without one it steps.
TEST(EngineSoundTest, AJumpOfSetLoopIsCrossfadedWhenAsked) {
  constexpr std::uint32_t kFade = 256;
  for (const std::uint32_t fade : {0u, kFade}) {
    Engine e{mono_config()};
    const std::uint32_t b = load_ramp(e, 4000);
    play_loop(e, b, 1000, 1000, 2000);
    render(e, 100);
    // At frame 150 it reads 1150: to 3150. (The region is long enough that
    // its own seam's crossfade, from 3644 on, is not reached.)
    send_ok(e, Message::set_loop(0, 3000, 3900, fade, 150));
    const std::vector<float> out = render(e, 400);
    float largest = 0;
    for (std::size_t i = 1; i < out.size(); ++i)
      largest = std::max(largest, std::fabs(out[i] - out[i - 1]));
    if (fade == 0) {
      EXPECT_NEAR(largest, 2001.0f / 4096.0f, 1e-6); // 1149 -> 3150: a click
      continue;
    }
    for (std::uint32_t i = 0; i < 400; ++i) {
      const double k = i < 50 ? 0 : i - 50.0, w = std::min(1.0, k / kFade);
      const double was = (1100.0 + i) / 4096.0, now = (3100.0 + i) / 4096.0;
      const double want = i < 50 ? was : (1 - w) * was + w * now;
      ASSERT_NEAR(out[i], want, 1e-5) << i;
    }
    // Each step: a frame's, plus 2000 frames' worth spread over the fade.
    EXPECT_LT(largest, (1.0f + 2000.0f / kFade + 0.01f) / 4096.0f);
  }
}

TEST(EngineSoundTest, SetLoopIsCheckedAsOneCommand) {
  Engine e{mono_config()};
  EXPECT_FALSE(e.invalid(Message::set_loop(0, 10, 0, 0)));
  const Refusal order = e.invalid(Message::set_loop(0, 10, 10, 0));
  EXPECT_STREQ(order.argument, "loop_end");
  EXPECT_STREQ(e.invalid(Message::set_loop(32, 0, 10, 0)).argument, "voice");
  Message fade = Message::set_loop(0, 0, 10, 0);
  field::set_loop::set_crossfade(fade, 0.5f);
  EXPECT_STREQ(e.invalid(fade).argument, "crossfade");
}

} // namespace
} // namespace ringengine
