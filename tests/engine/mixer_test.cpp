// The mixer: buses and the master, gains in dB, the pan laws, the channel
// rule, the three-band kill EQ, the meters and the DSP load, each on the
// samples the engine renders.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <vector>

#include "dsp/isolator.hpp"
#include "test_util.hpp"

namespace ringengine {
namespace {

using testing::drain;
using testing::render;

EngineConfig mixer_config(std::uint32_t channels = 2) {
  EngineConfig c;
  c.channels = channels;
  return c;
}

// Renders `frames` in blocks of 256; interleaved.
std::vector<float> render_long(Engine& e, std::uint32_t frames) {
  std::vector<float> out;
  for (std::uint32_t done = 0; done < frames; done += 256) {
    const std::vector<float> block = render(e, std::min(256u, frames - done));
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

void send(Engine& e, Message m) {
  ASSERT_FALSE(e.invalid(m)) << e.invalid(m).argument;
  ASSERT_TRUE(e.send(m));
}

// The RMS of channel c of interleaved samples from frame `from` on.
double rms(const std::vector<float>& x, std::uint32_t channels, std::uint32_t c,
           std::size_t from) {
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = from * channels + c; i < x.size(); i += channels, ++n)
    sum += double{x[i]} * x[i];
  return std::sqrt(sum / n);
}

double db(double ratio) { return 20 * std::log10(ratio); }

TEST(MixerTest, AVoicePlaysIntoItsBusAndTheBusGainApplies) {
  Engine e(mixer_config());
  send(e, Message::set_param(0, Param::freq, 1000));
  send(e, Message::set_param(0, Param::gain, 0.5f));
  send(e, Message::set_param(1, Param::freq, 1000));
  send(e, Message::set_param(1, Param::gain, 0.5f));
  send(e, Message::set_param(1, Param::bus, 3));
  send(e, Message::set_bus(3, BusParam::gain, 0.0f)); // bus 3 silent: only voice 0 heard
  const std::vector<float> one = render(e, 256);
  Engine alone(mixer_config());
  send(alone, Message::set_param(0, Param::freq, 1000));
  send(alone, Message::set_param(0, Param::gain, 0.5f));
  EXPECT_EQ(one, render(alone, 256)) << "bus 3 at gain 0 adds nothing, bus 0 is untouched";
  send(e, Message::set_bus(3, BusParam::gain, 1.0f, 1000)); // at frame 1000, mid-block
  const std::vector<float> two = render_long(e, 1024);
  for (std::uint32_t i = 0; i < 1024; ++i) {
    const std::uint64_t frame = 256 + i;
    const float expected_ratio = frame < 1000 ? 1.0f : 2.0f;
    const float reference = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 1000 *
                                                               frame / 48000.0));
    ASSERT_NEAR(two[2 * i], expected_ratio * reference, 1e-4) << "frame " << frame;
  }
}

TEST(MixerTest, TheMasterTakesGainInDecibelsMuteAndPan) {
  Engine e(mixer_config());
  send(e, Message::set_param(0, Param::freq, 500));
  send(e, Message::set_bus(kMasterBus, BusParam::gain_db, -12.0411998f)); // 20 log10(0.25)
  std::vector<float> out = render_long(e, 4800);
  EXPECT_NEAR(rms(out, 2, 0, 0), 0.25 * std::sqrt(0.5), 1e-3);
  send(e, Message::set_bus(kMasterBus, BusParam::mute, 1));
  out = render(e, 256);
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float x) { return x == 0.0f; }));
  send(e, Message::set_bus(kMasterBus, BusParam::mute, 0));
  send(e, Message::set_bus(kMasterBus, BusParam::pan, 1.0f)); // balance: left falls to nothing
  out = render_long(e, 2048);
  EXPECT_EQ(rms(out, 2, 0, 0), 0.0);
  EXPECT_NEAR(rms(out, 2, 1, 0), 0.25 * std::sqrt(0.5), 1e-3);
  // -inf dB is silence.
  send(e, Message::set_bus(kMasterBus, BusParam::gain_db, -INFINITY));
  out = render(e, 256);
  EXPECT_EQ(rms(out, 2, 1, 0), 0.0);
}

TEST(MixerTest, AVoicesGainInDecibelsIsItsLinearGain) {
  Engine a(mixer_config()), b(mixer_config());
  send(a, Message::set_param(0, Param::freq, 440));
  send(b, Message::set_param(0, Param::freq, 440));
  send(a, Message::set_param(0, Param::gain, static_cast<float>(std::pow(10.0, -9.0 / 20))));
  send(b, Message::set_param(0, Param::gain_db, -9.0f));
  EXPECT_EQ(render(a, 512), render(b, 512));
}

TEST(MixerTest, ThePanLawsAtTheCentreAndTheSides) {
  for (PanLaw law : {PanLaw::balance, PanLaw::equal_power}) {
    EngineConfig c = mixer_config();
    c.pan_law = law;
    for (float pan : {-1.0f, 0.0f, 0.5f, 1.0f}) {
      Engine e(c);
      send(e, Message::set_param(0, Param::freq, 1000));
      send(e, Message::set_param(0, Param::pan, pan));
      const std::vector<float> out = render_long(e, 4800);
      const double l = rms(out, 2, 0, 0) / std::sqrt(0.5), r = rms(out, 2, 1, 0) / std::sqrt(0.5);
      if (law == PanLaw::balance) {
        EXPECT_NEAR(l, pan <= 0 ? 1 : 1 - pan, 1e-3) << pan;
        EXPECT_NEAR(r, pan >= 0 ? 1 : 1 + pan, 1e-3) << pan;
      } else {
        const double angle = (pan + 1) * std::numbers::pi / 4;
        EXPECT_NEAR(l, std::cos(angle), 1e-3) << pan;
        EXPECT_NEAR(r, std::sin(angle), 1e-3) << pan;
        EXPECT_NEAR(l * l + r * r, 1.0, 2e-3) << "equal power at " << pan;
      }
    }
  }
  Engine centre([] {
    EngineConfig c = mixer_config();
    c.pan_law = PanLaw::equal_power;
    return c;
  }());
  send(centre, Message::set_param(0, Param::freq, 1000));
  const std::vector<float> out = render_long(centre, 4800);
  EXPECT_NEAR(db(rms(out, 2, 0, 0) / std::sqrt(0.5)), -3.01, 0.01) << "-3 dB at the centre";
}

TEST(MixerTest, AStereoBufferOnAMonoOutputIsTheAverageOfItsChannels) {
  Engine e(mixer_config(1));
  const float frames[] = {0.5f, 0.25f, -1.0f, 0.0f, 0.125f, 0.375f};
  const std::uint32_t id = e.load_buffer(frames, 3, 2);
  send(e, Message::play(0, id));
  const std::vector<float> out = render(e, 4);
  EXPECT_EQ(out, (std::vector<float>{0.375f, -0.5f, 0.25f, 0.0f}));
}

// The isolator alone, on a sine: the level of `hz` through it, in dB, once
// its fade in is over.
double band_level_db(double hz, float low_db, float mid_db, float high_db) {
  Isolator eq;
  eq.init(48000, 1);
  eq.set(Isolator::low, low_db <= Isolator::kKillDb ? 0 : std::pow(10, low_db / 20.0), 0);
  eq.set(Isolator::mid, mid_db <= Isolator::kKillDb ? 0 : std::pow(10, mid_db / 20.0), 0);
  eq.set(Isolator::high, high_db <= Isolator::kKillDb ? 0 : std::pow(10, high_db / 20.0), 0);
  std::vector<float> x(48000);
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(std::sin(2 * std::numbers::pi * hz * i / 48000.0));
  for (std::size_t at = 0; at < x.size(); at += 256) {
    float* plane = &x[at];
    Signal s{&plane, 1, static_cast<std::uint32_t>(std::min<std::size_t>(256, x.size() - at))};
    eq.process(s);
  }
  double sum = 0;
  for (std::size_t i = 24000; i < x.size(); ++i)
    sum += double{x[i]} * x[i];
  return db(std::sqrt(sum / 24000) / std::sqrt(0.5));
}

TEST(MixerTest, TheEqKillsEachBandAndLeavesTheOthers) {
  const float kill = -INFINITY;
  EXPECT_LT(band_level_db(60, kill, 0, 0), -40) << "the low band killed";
  EXPECT_NEAR(band_level_db(8000, kill, 0, 0), 0, 0.1) << "the high band kept";
  EXPECT_NEAR(band_level_db(1000, kill, 0, 0), 0, 0.5) << "the mid band mostly kept";
  EXPECT_LT(band_level_db(10000, 0, 0, kill), -40) << "the high band killed";
  EXPECT_NEAR(band_level_db(60, 0, 0, kill), 0, 0.1);
  EXPECT_LT(band_level_db(790, 0, kill, 0), -25) << "the mid band killed at its centre";
  EXPECT_LT(band_level_db(60, -60, 0, 0), -40) << "-60 dB is the kill floor";
  // Engaged with no band moved far, the bands sum to an allpass: flat.
  for (double hz : {40.0, 250.0, 790.0, 2500.0, 12000.0})
    EXPECT_NEAR(band_level_db(hz, 0.01f, 0, 0), hz < 250 ? 0.01 : 0, 0.05) << hz;
  // A boost.
  EXPECT_NEAR(band_level_db(8000, 0, 0, 6), 6, 0.1);
}

TEST(MixerTest, TheEqAtZeroDecibelsIsOutOfThePathBitForBit) {
  Engine a(mixer_config()), b(mixer_config());
  for (Engine* e : {&a, &b}) {
    send(*e, Message::set_param(0, Param::freq, 330));
    send(*e, Message::set_param(0, Param::gain, 0.8f));
  }
  // b's EQ goes in and comes out again; once faded out it is a's samples.
  send(b, Message::set_bus(0, BusParam::eq_low, -INFINITY));
  render_long(a, 4096);
  render_long(b, 4096);
  send(b, Message::set_bus(0, BusParam::eq_low, 0.0f));
  render_long(a, 1024);
  render_long(b, 1024);
  EXPECT_EQ(render_long(a, 2048), render_long(b, 2048));
}

TEST(MixerTest, TheEqFadesInAndOutWithoutAStep) {
  Engine e(mixer_config(1));
  send(e, Message::set_param(0, Param::freq, 100));
  std::vector<float> out = render_long(e, 2048);
  send(e, Message::set_bus(0, BusParam::eq_low, -INFINITY));
  const std::vector<float> in = render_long(e, 4096);
  // Back over 10 ms (at once would be a step: asked for); then the EQ,
  // flat again, fades out of the path.
  send(e, Message::set_bus(0, BusParam::eq_low, 0.0f, kFrameNext, 480));
  const std::vector<float> back = render_long(e, 4096);
  out.insert(out.end(), in.begin(), in.end());
  out.insert(out.end(), back.begin(), back.end());
  // A 100 Hz sine of amplitude 1 steps at most 2 pi 100 / 48000 = 0.013 a
  // sample; the fades stay near that, where a cut in or out of the path
  // would step by about the signal (releasing the kill at once, ramp 0,
  // steps by 0.54).
  float largest = 0;
  for (std::size_t i = 1; i < out.size(); ++i)
    largest = std::max(largest, std::fabs(out[i] - out[i - 1]));
  EXPECT_LT(largest, 0.03f);
  EXPECT_LT(db(rms(in, 1, 0, 2048) / std::sqrt(0.5)), -30) << "killed once faded in";
}

TEST(MixerTest, MetersReadTheKnownSignals) {
  EngineConfig c = mixer_config();
  c.meter_ms = 100;
  Engine e(c);
  send(e, Message::set_param(0, Param::freq, 1000));
  send(e, Message::set_param(0, Param::gain, 0.5f));
  render_long(e, 9600);
  for (const MeterReading& m :
       {e.meter(kMeterMaster, 0), e.meter(kMeterBus, 0), e.meter(kMeterVoice, 0)}) {
    ASSERT_EQ(m.channels, 2u);
    EXPECT_GE(m.frames, 4800u);
    for (std::uint32_t ch = 0; ch < 2; ++ch) {
      EXPECT_NEAR(m.peak[ch], 0.5, 0.005);
      EXPECT_NEAR(m.rms[ch], 0.5 / std::sqrt(2.0), 0.00354);
    }
    EXPECT_EQ(m.clips, 0u);
  }
  const MeterReading idle = e.meter(kMeterBus, 1);
  EXPECT_GT(idle.frame, 0u) << "an idle bus's windows close too";
  EXPECT_EQ(idle.peak[0], 0.0f);
  EXPECT_EQ(idle.rms[1], 0.0f);
  // Silence reads 0 once a window has passed without sound.
  send(e, Message::set_param(0, Param::gain, 0.0f));
  render_long(e, 9600);
  EXPECT_EQ(e.meter(kMeterMaster, 0).peak[0], 0.0f);
  EXPECT_EQ(e.meter(kMeterMaster, 0).rms[0], 0.0f);
  EXPECT_EQ(e.meter(kMeterVoice, 0).rms[0], 0.0f);
  // A burst over full scale: four samples at a gain of 2, of which two
  // (1.2 and -1.4) pass 1.0, on each of the two channels.
  const float burst[] = {0.6f, -0.7f, 0.2f, 0.4f};
  const std::uint32_t id = e.load_buffer(burst, 4, 1);
  send(e, Message::set_param(1, Param::gain, 2.0f));
  send(e, Message::play(1, id));
  render_long(e, 4800);
  EXPECT_EQ(e.meter(kMeterMaster, 0).clips, 2u * 2) << "1.2 and -1.4, on both channels";
  EXPECT_EQ(e.meter(kMeterVoice, 1).clips, 2u * 2);
  EXPECT_EQ(e.meter(kMeterVoice, 0).clips, 0u);
}

TEST(MixerTest, MeterEventsComeAtTheirRateAndNeverCrowdTheRing) {
  EngineConfig c = mixer_config();
  c.meter_events_hz = 10;
  c.buses = 2;
  Engine e(c);
  send(e, Message::set_param(0, Param::freq, 1000));
  render_long(e, 48000);
  std::size_t master = 0, bus = 0, voice = 0;
  for (const Message& m : drain(e)) {
    if (m.kind != MessageKind::meter)
      continue;
    const std::uint16_t source = field::meter::source(m);
    master += source == kMeterMaster;
    bus += source == kMeterBus;
    voice += source == kMeterVoice && field::meter::number(m) == 0;
    EXPECT_LE(field::meter::peak(m), 1.0f);
  }
  EXPECT_NEAR(static_cast<double>(master), 10, 1);
  EXPECT_NEAR(static_cast<double>(bus), 20, 2) << "two buses";
  EXPECT_NEAR(static_cast<double>(voice), 10, 1);
  EXPECT_EQ(e.stats().meter_events_dropped, 0u);
  // Not drained: once the ring is half full they stop, counted, and the
  // other half stays for the events that matter.
  render_long(e, 48000 * 30);
  const EngineStats s = e.stats();
  EXPECT_GT(s.meter_events_dropped, 0u);
  EXPECT_EQ(s.events_dropped, 0u);
  const std::vector<Message> waiting = drain(e);
  EXPECT_LE(waiting.size(), c.capacity / 2 + 1);
}

TEST(MixerTest, TheDspLoadIsSinceTheLastRead) {
  Engine e(mixer_config());
  send(e, Message::set_param(0, Param::freq, 1000));
  render_long(e, 4800);
  const DspLoad first = e.dsp_load();
  EXPECT_EQ(first.frames, 4800u);
  EXPECT_GT(first.average, 0.0);
  EXPECT_GE(first.peak, first.average);
  const DspLoad none = e.dsp_load();
  EXPECT_EQ(none.frames, 0u) << "no block since the last read";
  EXPECT_EQ(none.average, 0.0);
  EXPECT_EQ(none.peak, 0.0);
  render(e, 256);
  EXPECT_EQ(e.dsp_load().frames, 256u);
}

// The DSP load is time in process() over the audio's duration, so the time
// it claims can never exceed the wall time measured around the blocks: a
// consistency bound, not a speed limit (a load a thousand times too high,
// from a unit slip, breaks it; a slow machine does not). 5 % and 5 us of
// room for the two clocks' calibration.
TEST(MixerTest, TheDspLoadNeverClaimsMoreTimeThanTheBlocksTook) {
  Engine e(mixer_config());
  for (std::uint32_t v = 0; v < 4; ++v)
    send(e, Message::set_param(v, Param::freq, 200.0f + 100.0f * static_cast<float>(v)));
  (void)e.dsp_load();
  constexpr std::uint32_t kBlock = 256, kBlocks = 200;
  const double block_seconds = static_cast<double>(kBlock) / e.config().sample_rate;
  double total_wall = 0, longest_wall = 0;
  for (std::uint32_t b = 0; b < kBlocks; ++b) {
    const auto t0 = std::chrono::steady_clock::now();
    (void)render(e, kBlock);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    total_wall += wall;
    longest_wall = std::max(longest_wall, wall);
    const EngineLoad l = e.load();
    ASSERT_GT(l.last, 0.0);
    ASSERT_LE(l.last * block_seconds, wall * 1.05 + 5e-6) << "block " << b;
    // The running average is of blocks' loads, none above its block's wall.
    ASSERT_LE(l.average * block_seconds, longest_wall * 1.05 + 5e-6) << "block " << b;
  }
  const DspLoad d = e.dsp_load();
  ASSERT_EQ(d.frames, std::uint64_t{kBlock} * kBlocks);
  EXPECT_GT(d.average, 0.0);
  EXPECT_LE(d.average * block_seconds * kBlocks, total_wall * 1.05 + 5e-6);
  EXPECT_LE(d.peak * block_seconds, longest_wall * 1.05 + 5e-6);
}

TEST(MixerTest, BusCommandsAreChecked) {
  Engine e(mixer_config());
  EXPECT_STREQ(e.invalid(Message::set_bus(8, BusParam::gain, 1)).argument, "bus");
  EXPECT_FALSE(e.invalid(Message::set_bus(kMasterBus, BusParam::gain, 1)));
  EXPECT_TRUE(e.invalid(Message::set_bus(0, BusParam::gain, NAN)));
  EXPECT_TRUE(e.invalid(Message::set_bus(0, BusParam::gain, 16.5f)));
  EXPECT_TRUE(e.invalid(Message::set_bus(0, BusParam::mute, 0.5f)));
  EXPECT_TRUE(e.invalid(Message::set_bus(0, BusParam::eq_mid, 12.5f)));
  EXPECT_FALSE(e.invalid(Message::set_bus(0, BusParam::eq_mid, -INFINITY)));
  EXPECT_TRUE(e.invalid(Message::set_bus(0, static_cast<BusParam>(7), 0)));
  EXPECT_TRUE(e.invalid(Message::set_param(0, Param::bus, 8)));
  EXPECT_TRUE(e.invalid(Message::set_param(0, Param::bus, 1.5f)));
  EXPECT_TRUE(e.invalid(Message::set_param(0, Param::bus, 1, kFrameNext, 10)));
  EXPECT_TRUE(e.invalid(Message::set_param(0, Param::gain_db, 24.5f)));
  EXPECT_FALSE(e.invalid(Message::set_param(0, Param::gain_db, -INFINITY)));
  EngineConfig bad = mixer_config();
  bad.buses = 0;
  EXPECT_THROW(Engine{bad}, std::invalid_argument);
  bad = mixer_config();
  bad.meter_ms = 0;
  bad.meter_events_hz = 10;
  EXPECT_THROW(Engine{bad}, std::invalid_argument);
}

} // namespace
} // namespace ringengine
