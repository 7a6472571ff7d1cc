// Tempo lock: a voice played with its clip's tempo (play_bpm) plays at
// rate x tempo / clip tempo, follows every tempo change at its frame, and
// its position follows from the transport's beat, so its loop wraps on the
// grid however long it plays. Checked on the samples: the buffers are
// ramps, so each output sample says where the voice read, and the beats
// expected are computed here from the tempo changes the test made, in long
// double, not by the engine's tempo map.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/engine.hpp"
#include "dsp/keylock.hpp"
#include "test_util.hpp"

namespace ringengine {
namespace {

using testing::drain;
using testing::render;

constexpr double kRate = 48000;

void send(Engine& e, Message m) {
  ASSERT_FALSE(e.invalid(m)) << e.invalid(m).argument;
  ASSERT_TRUE(e.send(m));
}

EngineConfig mono() {
  EngineConfig c;
  c.channels = 1;
  return c;
}

// A mono buffer whose sample i is i * scale.
std::uint32_t load_ramp(Engine& e, std::uint64_t frames, float scale = 1.0f) {
  std::vector<float> ramp(frames);
  for (std::uint64_t i = 0; i < frames; ++i)
    ramp[i] = static_cast<float>(static_cast<double>(i) * scale);
  return e.load_buffer(ramp.data(), frames, 1);
}

// The test's own transport: tempo segments, the beat at any frame.
struct Beats {
  struct Segment {
    std::uint64_t frame;
    long double beat, bpm;
  };
  std::vector<Segment> segments{{0, 0.0L, 120.0L}};
  void change(std::uint64_t frame, float bpm) {
    segments.push_back({frame, at(frame), static_cast<long double>(bpm)});
  }
  long double at(std::uint64_t frame) const {
    const Segment* s = &segments[0];
    for (const Segment& t : segments)
      if (t.frame <= frame)
        s = &t;
    return s->beat + static_cast<long double>(frame - s->frame) * s->bpm / (60.0L * kRate);
  }
};

TEST(TempoLockTest, ALockedPlayRunsAtTempoOverClipTempoAndFollowsAChangeAtItsFrame) {
  Engine e(mono());
  const std::uint32_t id = load_ramp(e, 100000);
  // The transport at its default 120 BPM, the clip at 60: two frames a frame.
  send(e, Message::lock_next_play(0, 60.0f));
  send(e, Message::play(0, id));
  // 180 BPM from frame 1000, in the middle of a block: three a frame.
  send(e, Message::set_tempo(180.0f, 1000));
  const std::vector<float> out = render(e, 2048);
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(out[i], static_cast<float>(2 * i)) << i;
  for (int i = 1000; i < 2048; ++i)
    ASSERT_EQ(out[i], static_cast<float>(2000 + 3 * (i - 1000))) << i;
}

TEST(TempoLockTest, TheEnginesSpeedLeavesALockedPlayAndARateChangeAppliesAtOnce) {
  Engine e(mono());
  const std::uint32_t id = load_ramp(e, 100000);
  send(e, Message::lock_next_play(0, 120.0f));
  send(e, Message::play(0, id));
  send(e, Message::play(1, id)); // not locked: the speed moves it
  send(e, Message::set_param(1, Param::gain, 0.0f));
  send(e, Message::set_speed(2.0f, 256));
  // Rate 0.5 on the locked voice at frame 700, asked with a ramp: at once.
  send(e, Message::set_param(0, Param::rate, 0.5f, 700, 1000));
  const std::vector<float> out = render(e, 1024);
  for (int i = 0; i < 700; ++i)
    ASSERT_EQ(out[i], static_cast<float>(i)) << i << ": the speed did not move it";
  for (int i = 700; i < 1024; ++i)
    ASSERT_EQ(out[i], 700.0f + 0.5f * static_cast<float>(i - 700)) << i;
}

TEST(TempoLockTest, SetLoopOnALockedPlayKeepsItsPhaseOnTheGrid) {
  Engine e(mono());
  const auto beat = static_cast<std::uint32_t>(kRate / 2); // 120 BPM: 24000 frames
  const std::uint32_t id = load_ramp(e, 4 * beat);
  send(e, Message::lock_next_play(0, 120.0f));
  send(e, Message::play(0, id, kFrameNext, true));
  // At beat 2.5, the loop becomes its first beat: half a beat into it.
  send(e, Message::set_voice(0, VoiceSetting::loop_end, beat, 5 * beat / 2));
  std::vector<float> out;
  while (out.size() < 6 * beat) {
    const std::vector<float> block = render(e, 4096);
    out.insert(out.end(), block.begin(), block.end());
  }
  for (std::uint32_t f = 0; f < 5 * beat / 2; ++f)
    ASSERT_EQ(out[f], static_cast<float>(f)) << f;
  for (std::uint32_t f = 5 * beat / 2; f < 6 * beat; ++f)
    ASSERT_EQ(out[f], static_cast<float>(f % beat)) << f << ": the loop's start on every beat";
}

TEST(TempoLockTest, ALockedOneShotEndsWhereTheTempoSays) {
  Engine e(mono());
  const std::uint32_t id = load_ramp(e, 3000);
  send(e, Message::set_tempo(240.0f));
  send(e, Message::lock_next_play(0, 80.0f)); // three frames a frame: 1000 frames
  send(e, Message::play(0, id, 100));
  render(e, 2048);
  bool ended = false;
  for (const Message& m : drain(e))
    if (m.kind == MessageKind::voice_ended) {
      EXPECT_EQ(field::voice_ended::frame(m), 1100u);
      ended = true;
    }
  EXPECT_TRUE(ended);
}

// The test: a loop locked at 98 BPM (a beat of 29387.76 frames at
// 48 kHz) wraps 10,000 times through a tempo change every ~50,000 frames,
// each wrap heard within a frame of the grid line frame_at(start + n x
// loop beats), and every sample between the seams where the beat says.
TEST(TempoLockTest, ALockedLoopWrapsOnTheGridTenThousandTimesThroughTempoChanges) {
  Engine e(mono());
  // A sixteenth of a beat at 98 BPM is 1836.7 frames: a region of 1837 is
  // within a frame of it, so the engine takes it as exactly 1/16 beat.
  constexpr std::uint32_t kLength = 1837;
  constexpr long double kLoopBeats = 1.0L / 16;
  const std::uint32_t id = load_ramp(e, kLength, 1.0f / kLength);
  Beats beats;
  send(e, Message::set_tempo(300.0f));
  beats.change(0, 300.0f);
  render(e, 1000);
  // On the next bar line: beat 4, frame 38400 at 300 BPM.
  send(e, Message::quantize(0.0f, 2));
  send(e, Message::lock_next_play(0, 98.0f));
  send(e, Message::play(0, id, kFrameNext, true));
  const long double start_beat = 4;
  const std::uint64_t start = 38400;

  const float tempi[] = {411.7f, 222.2f, 500.0f, 98.0f, 173.5f, 300.0f};
  std::uint64_t next_change = start + 50000 + 37;
  std::size_t changes = 0;
  std::vector<float> out(1000, 0.0f);
  while (beats.at(out.size()) < start_beat + 10050 * kLoopBeats) {
    const std::uint64_t from = out.size();
    constexpr std::uint32_t kBlock = 4096;
    while (next_change < from + kBlock) {
      const float bpm = tempi[changes++ % 6];
      send(e, Message::set_tempo(bpm, next_change));
      beats.change(next_change, bpm);
      next_change += 50000 + (changes * 7919) % 9973;
    }
    const std::vector<float> block = render(e, kBlock);
    out.insert(out.end(), block.begin(), block.end());
  }
  ASSERT_GT(changes, 100u);

  // Where each wrap should be heard: the first frame at or after its beat.
  std::vector<std::uint64_t> expected;
  std::vector<std::uint64_t> heard;
  for (std::uint64_t f = start; f < out.size(); ++f) {
    const long double b = beats.at(f);
    const long double loops = (b - start_beat) / kLoopBeats;
    if (f > start && std::floor(loops) > std::floor((beats.at(f - 1) - start_beat) / kLoopBeats))
      expected.push_back(f);
    // Heard: the sample falls from the loop's end to its start, through a
    // half (across the seam the curve may take two frames to fall).
    if (f > start && out[f] < 0.5f && out[f - 1] >= 0.5f)
      heard.push_back(f);
    // Away from the seam (whose neighbours come from across it), the
    // sample says where the voice read: the beat's place in the loop.
    const long double phase = (loops - std::floor(loops)) * kLength;
    if (f >= start && phase > 3 && phase < kLength - 4) {
      ASSERT_NEAR(static_cast<double>(out[f]) * kLength, static_cast<double>(phase), 0.02)
          << "frame " << f << ", beat " << static_cast<double>(b);
    }
  }
  ASSERT_GE(expected.size(), 10000u);
  ASSERT_EQ(heard.size(), expected.size());
  for (std::size_t n = 0; n < expected.size(); ++n)
    ASSERT_LE(std::llabs(static_cast<long long>(heard[n]) - static_cast<long long>(expected[n])), 1)
        << "wrap " << n + 1 << " heard at " << heard[n] << ", its line at " << expected[n];
}

// ---- sync_to: the downbeat to a voice's loop start ----

// The first frame at or after `from` where out is not 0.
std::size_t onset(const std::vector<float>& out, std::size_t from) {
  while (from < out.size() && out[from] == 0.0f)
    ++from;
  return from;
}

std::vector<float> render_to(Engine& e, std::vector<float> out, std::size_t until) {
  while (out.size() < until) {
    const std::vector<float> block = render(e, 256);
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

TEST(TempoLockTest, SyncToPutsALockedLoopsStartOnTheBarLinesWithoutMovingIt) {
  Engine e(mono());
  constexpr std::uint32_t kBar = 96000; // 120 BPM
  const std::uint32_t loop = load_ramp(e, kBar);
  std::vector<float> hit(64, 1.0f);
  const std::uint32_t one = e.load_buffer(hit.data(), 64, 1);
  // The loop from beat 1.25, off the bars; the downbeat to it at 50000.
  send(e, Message::lock_next_play(0, 120.0f, 30000));
  send(e, Message::play(0, loop, 30000, true));
  send(e, Message::sync_to(0, 50000));
  std::vector<float> out = render_to(e, {}, 60000);
  // Then a hit on the next bar line, and the loop's voice silent: the hit
  // is heard where the loop starts again, 30000 + 96000.
  send(e, Message::set_param(0, Param::gain, 0.0f));
  send(e, Message::quantize(0.0f, 1));
  send(e, Message::play(1, one));
  out = render_to(e, std::move(out), 200000);
  EXPECT_EQ(onset(out, 60256), 30000u + kBar);
  for (std::size_t f = 30000; f < 60000; ++f)
    ASSERT_EQ(out[f], static_cast<float>(f - 30000)) << f << ": the voice did not move";
  // A grid of a beat counts from the loop's start too.
  send(e, Message::set_param(1, Param::gain, 1.0f));
  send(e, Message::quantize(1.0f, 1));
  send(e, Message::play(1, one));
  const std::size_t asked = out.size();
  out = render_to(e, std::move(out), asked + 30000);
  const std::size_t heard = onset(out, asked);
  EXPECT_EQ((heard - 30000) % 24000, 0u) << heard;
  EXPECT_LE(heard, asked + 24000);
}

TEST(TempoLockTest, SyncToAnUnlockedPlayCountsFromWhereItsLoopStartedAndAnIdleVoiceMovesNothing) {
  Engine e(mono());
  const std::uint32_t loop = load_ramp(e, 50000);
  std::vector<float> hit(64, 1.0f);
  const std::uint32_t one = e.load_buffer(hit.data(), 64, 1);
  send(e, Message::sync_to(2)); // voice 2 plays nothing
  send(e, Message::play(0, loop, 10000, true));
  send(e, Message::set_param(0, Param::gain, 0.0f));
  send(e, Message::sync_to(0, 20000));
  std::vector<float> out = render_to(e, {}, 30000);
  EXPECT_EQ(e.stats().unhandled, 1u) << "the idle voice's sync";
  send(e, Message::quantize(0.0f, 1));
  send(e, Message::play(1, one));
  out = render_to(e, std::move(out), 200000);
  EXPECT_EQ(onset(out, 30000), 10000u + 96000u);
}

// ---- Key-locked plays on the beat: pre-rolled by the stretcher's latency ----

// A buffer of silence and then, from frame 4800, 50 ms of a 1 kHz tone: a
// play from its frame 4800 (a setting sent with it) starts with the tone.
std::uint32_t load_late_tone(Engine& e) {
  std::vector<float> tone(4800 + 2400, 0.0f);
  for (std::size_t i = 0; i < 2400; ++i)
    tone[4800 + i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 1000 * i / kRate));
  return e.load_buffer(tone.data(), tone.size(), 1);
}

// Where the sound starts: the first frame from `from` whose sample is over
// -54 dB of the tone's peak. (The stretcher's attack then builds up over
// some 60 to 90 frames, as Rubber Band's R3 shapes a transient, at any
// start: the same shape a play carried out at once has, its latency later.)
std::size_t heard(const std::vector<float>& out, std::size_t from) {
  while (from < out.size() && std::fabs(out[from]) < 0.001f)
    ++from;
  return from;
}

EngineConfig keylocked() {
  EngineConfig c = mono();
  c.keylock_voices = 1;
  return c;
}

TEST(TempoLockTest, AKeyLockedPlayAtAFrameOrOnTheBarIsHeardThereAtAnyPitch) {
  if (!Keylock::available())
    GTEST_SKIP() << "built without Rubber Band (-Drubberband)";
  for (const float pitch : {0.0f, 3.0f, -5.0f}) {
    Engine e(keylocked());
    const std::uint32_t id = load_late_tone(e);
    send(e, Message::set_param(0, Param::pitch, pitch));
    // At a frame: its start setting goes with it.
    send(e, Message::set_voice(0, VoiceSetting::play_start, 4800, 50000));
    send(e, Message::play(0, id, 50000, false, 0, false, true));
    std::vector<float> out = render_to(e, {}, 60000);
    EXPECT_NEAR(static_cast<double>(heard(out, 0)), 50000.0, 64.0) << "pitch " << pitch;
    // On the next bar line (96000 at 120 BPM), sent at frame 60160.
    send(e, Message::quantize(0.0f, 2));
    send(e, Message::set_voice(0, VoiceSetting::play_start, 4800));
    send(e, Message::play(0, id, kFrameNext, false, 0, false, true));
    out = render_to(e, std::move(out), 110000);
    EXPECT_NEAR(static_cast<double>(heard(out, 60160)), 96000.0, 64.0) << "pitch " << pitch;
    EXPECT_EQ(e.stats().late, 0u);
  }
}

TEST(TempoLockTest, AStopOfThePlayBeforeWithinThePreRollComesBeforeTheKeyLockedPlay) {
  if (!Keylock::available())
    GTEST_SKIP() << "built without Rubber Band (-Drubberband)";
  Engine e(keylocked());
  const std::uint32_t id = load_late_tone(e);
  std::vector<float> loop(4800, 0.0005f); // under heard()'s threshold
  const std::uint32_t quiet = e.load_buffer(loop.data(), loop.size(), 1);
  send(e, Message::play(0, quiet, kFrameNext, true)); // a quiet loop, not key-locked
  // It stops 100 frames before the key-locked play's frame: both meant in
  // that order, though the play is carried out its latency earlier.
  send(e, Message::stop(0, 49900));
  send(e, Message::set_voice(0, VoiceSetting::play_start, 4800, 50000));
  send(e, Message::play(0, id, 50000, false, 0, false, true));
  const std::vector<float> out = render_to(e, {}, 60000);
  EXPECT_NEAR(static_cast<double>(heard(out, 0)), 50000.0, 64.0)
      << "the stop did not end the key-locked play";
  EXPECT_EQ(e.stats().late, 0u);
}

TEST(TempoLockTest, AKeyLockedPlayTooLateToPreRollIsCountedLate) {
  if (!Keylock::available())
    GTEST_SKIP() << "built without Rubber Band (-Drubberband)";
  Engine e(keylocked());
  const std::uint32_t id = load_late_tone(e);
  std::vector<float> out = render_to(e, {}, 1024);
  send(e, Message::set_voice(0, VoiceSetting::play_start, 4800, 1124));
  send(e, Message::play(0, id, 1124, false, 0, false, true)); // 100 frames ahead
  out = render_to(e, std::move(out), 20000);
  EXPECT_EQ(e.stats().late, 1u);
  // Carried out at once (frame 1024): heard a latency later, not before.
  EXPECT_GT(heard(out, 0), 1124u);
  EXPECT_LT(heard(out, 0), 1024u + 4096u + 64u);
}

// A key-locked loop locked to the tempo: its position is the stretcher's,
// not put where the beat says, yet its passes stay by the bar lines: the
// stretcher consumes the tempo's ratio exactly on average. Measured on the
// attack of a tone at each pass's start (over a fifth of its peak: the
// stretcher's pre-echo of the next pass begins some 500 frames before it).
TEST(TempoLockTest, AKeyLockedLockedLoopStaysOnTheBarLines) {
  if (!Keylock::available())
    GTEST_SKIP() << "built without Rubber Band (-Drubberband)";
  Engine e(keylocked());
  const auto bar = static_cast<std::size_t>(std::lround(4 * 60 * kRate / 98.0)); // at 98 BPM
  std::vector<float> clip(bar, 0.0f);
  for (std::size_t i = 0; i < 2400; ++i)
    clip[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 1000 * i / kRate));
  const std::uint32_t id = e.load_buffer(clip.data(), clip.size(), 1);
  send(e, Message::set_tempo(150.0f));
  std::vector<float> out = render_to(e, {}, 1024);
  send(e, Message::quantize(0.0f, 2));
  send(e, Message::lock_next_play(0, 98.0f));
  send(e, Message::play(0, id, kFrameNext, true, 0, false, true));
  // Bar k's line from beat 4: a bar at 150 BPM is 76800 frames.
  const auto line = [](int k) { return static_cast<std::uint64_t>(76800 * (1 + k)); };
  const int passes = 16;
  const std::uint64_t first = line(0);
  out = render_to(e, std::move(out), line(passes) + 1000);
  std::vector<long long> off;
  for (std::size_t f = first - 1000, quiet = 1u << 30; f < out.size(); ++f) {
    if (std::fabs(out[f]) > 0.1f) {
      if (quiet > 20000)
        off.push_back(static_cast<long long>(f) - static_cast<long long>(line(static_cast<int>(off.size()))));
      quiet = 0;
    } else {
      ++quiet;
    }
  }
  // The first within 64 frames of its line, as any key-locked play's; the
  // later ones within 160, wandering with the stretcher's hops (measured
  // 15 to 137 here, a saw of some 8 passes: 60 passes at 120 BPM stay
  // within 19 to 102), never piling up.
  ASSERT_EQ(off.size(), static_cast<std::size_t>(passes) + 1);
  EXPECT_LE(std::llabs(off[0]), 64);
  for (std::size_t k = 0; k < off.size(); ++k)
    EXPECT_TRUE(off[k] >= -64 && off[k] <= 160) << "pass " << k << ": " << off[k];
}

} // namespace
} // namespace ringengine
