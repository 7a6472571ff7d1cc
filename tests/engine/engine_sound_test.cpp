// The Engine's sound: commands at their exact frame, planar and interleaved
// output, unknown kinds, validation, denormals.
#include <gtest/gtest.h>

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

} // namespace
} // namespace ringengine
