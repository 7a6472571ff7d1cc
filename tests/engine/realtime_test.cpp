// The engine inside real audio callbacks: the null backend's thread, the
// offline caller, and the callbacks of JACK, Pulse and RtAudio (its Pulse
// code, and ALSA through the pulse plugin) on real JACK and PulseAudio
// servers (started by tools/audio_servers.py), each answering thousands of
// pings, mixing, loading and recording.
//
// In a RealtimeSanitizer build (tools/rtsan.sh) every callback body runs in a
// RealtimeScope, so these tests pass only if nothing in them allocates,
// locks or blocks; RtsanTest shows, once per kind, that an injected
// violation is caught. In other builds RtsanTest is skipped.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include <unistd.h>

#ifdef RINGENGINE_HAVE_FILES
#include <sndfile.h>
#endif

#include <cmath>
#include <cstdio>
#include <string>

#include "audio_server.hpp"
#include "backends/backend.hpp"
#include "core/engine.hpp"
#include "backends/realtime_scope.hpp"

namespace ringengine {
namespace {

using testing_servers::Server;

constexpr int kPings = 5000;

// Sends kPings pings as fast as the engine answers them, draining the pongs,
// with at most one ring's worth in flight: a server that runs its callbacks
// in bursts (PulseAudio does) could otherwise turn a full command ring into
// more pongs than the reply ring holds, and those would rightly be dropped.
// Between the pings go voice commands, at frames inside and beyond the
// coming blocks, some ramping, so the callback also renders sound and
// applies commands mid-block (under RealtimeSanitizer, all of it checked).
// Returns the sequence numbers of the pongs, in arrival order.
std::vector<std::uint32_t> ping_through(Engine& engine) {
  // A buffer plays, looped, on the last voice the whole time, and is closed
  // (let go of by the audio thread) at the end.
  const std::vector<float> samples(4096, 0.125f);
  const std::uint32_t buffer =
      engine.load_buffer(samples.data(), samples.size() / engine.config().channels,
                         engine.config().channels);
  Message play = Message::play(engine.config().voices - 1, buffer, kFrameNext, true);
  EXPECT_TRUE(buffer != 0 && engine.send(play));
  std::vector<std::uint32_t> got;
  std::uint32_t churn = 0;
  int sent = 0, churned_at = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((sent < kPings || got.size() < static_cast<std::size_t>(sent)) &&
         std::chrono::steady_clock::now() < deadline) {
    const std::size_t in_flight = static_cast<std::size_t>(sent) - got.size();
    std::uint32_t seq;
    for (std::size_t i = 0; i < 64 && sent < kPings &&
                            in_flight + i < engine.config().capacity / 2 && engine.send_ping(seq);
         ++i)
      ++sent;
    for (std::uint32_t i = 0; i < 8 && engine.config().voices > 0; ++i) {
      const std::uint32_t k = static_cast<std::uint32_t>(sent) + i;
      const std::uint64_t at = k % 4 == 0 ? kFrameNext : engine.frame() + (k * 97) % 3000;
      Message m = k % 2 == 0
                      ? Message::set_param(k % engine.config().voices, Param::freq,
                                           200.0f + static_cast<float>(k % 1000), at)
                      : Message::set_param(k % engine.config().voices, Param::gain, 0.1f, at, 64);
      (void)engine.send(m); // a full ring drops it: counted, and fine here
      // A knob turning: the parameter path, never full.
      engine.set_param_latest(k % engine.config().voices, Param::pan, (k % 3) * 0.5f - 0.5f,
                              32);
    }
    // Buffers come and go through the hand-off while the callback runs: one
    // loaded and played, the one before closed.
    if (engine.config().voices > 1 && sent % 256 == 0 && sent != churned_at) {
      churned_at = sent;
      if (churn != 0) {
        EXPECT_TRUE(engine.close_buffer(churn));
      }
      churn = engine.load_buffer(samples.data(), 64, 1);
      Message one_shot = Message::play(0, churn);
      EXPECT_NE(churn, 0u);
      if (churn != 0)
        (void)engine.send(one_shot);
    }
    // The snapshots, read while the audio thread writes them.
    EXPECT_LE(engine.load().frame, engine.frame() + 65536);
    EXPECT_LE(engine.voice_state(engine.config().voices - 1).buffer, buffer);
    Message m;
    while (engine.try_recv(m))
      if (m.kind == MessageKind::pong)
        got.push_back(m.id);
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  EXPECT_TRUE(engine.close_buffer(buffer));
  if (churn != 0) {
    EXPECT_TRUE(engine.close_buffer(churn));
  }
  EXPECT_GT(engine.stats().params_applied, 0u) << "the parameter path was taken";
  return got;
}

void expect_every_ping_answered_once(const Engine& engine, const std::vector<std::uint32_t>& got) {
  const EngineStats now = engine.stats();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kPings))
      << "callbacks " << now.callbacks << ", pings sent " << now.pings_sent << ", handled "
      << now.pings_handled << ", pongs sent " << now.pongs_sent << ", dropped "
      << now.pongs_dropped;
  std::set<std::uint32_t> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), got.size());
  EXPECT_EQ(*unique.rbegin(), static_cast<std::uint32_t>(kPings - 1));
  const EngineStats s = engine.stats();
  EXPECT_EQ(s.pings_handled, static_cast<std::uint64_t>(kPings));
  EXPECT_EQ(s.pongs_dropped, 0u);
  EXPECT_GT(s.commands_sent, s.pings_sent) << "voice commands went through too";
  EXPECT_EQ(s.unhandled, 0u);
}

TEST(RealtimeTest, NullBackendAnswersThousandsOfPings) {
  Engine engine{EngineConfig{}};
  BackendRequest request;
  request.kind = BackendKind::null;
  auto backend = start_backend(engine, request);
  const std::vector<std::uint32_t> got = ping_through(engine);
  backend->stop();
  expect_every_ping_answered_once(engine, got);
}

TEST(RealtimeTest, OfflineCallerAnswersThousandsOfPingsInARealtimeScope) {
  Engine engine{EngineConfig{}};
  std::uint32_t first;
  std::vector<Message> replies(1024);
  std::vector<std::uint32_t> got;
  std::vector<float> out(256 * 2);
  for (int round = 0; round < kPings / 1000; ++round) {
    ASSERT_EQ(engine.send_pings(1000, first), 1000u);
    for (std::uint32_t v = 0; v < 16; ++v) {
      Message m = Message::set_param(v, v % 2 ? Param::gain : Param::freq,
                                     v % 2 ? 0.05f : 300.0f + v, engine.frame() + v * 13, 32);
      ASSERT_TRUE(engine.send(m));
    }
    {
      RealtimeScope realtime;
      engine.process(AudioOut{out.data(), nullptr}, 256);
    }
    const std::size_t n = engine.recv_many(replies.data(), replies.size());
    for (std::size_t i = 0; i < n; ++i)
      got.push_back(replies[i].id);
  }
  expect_every_ping_answered_once(engine, got);
}

// The mixer's commands for block `block`: every bus's and the master's
// gain, pan and EQ bands move (the EQ going in and out of the path every
// few blocks), and voices change bus, so that every stage of the mixer runs.
void mixer_commands(Engine& engine, int block) {
  const std::uint32_t buses = engine.config().buses;
  for (std::uint32_t b = 0; b <= buses; ++b) {
    const std::uint32_t bus = b == buses ? kMasterBus : b;
    const float phase = static_cast<float>((block + b) % 8);
    Message gain = Message::set_bus(bus, BusParam::gain_db, -phase, kFrameNext, 64);
    Message pan = Message::set_bus(bus, BusParam::pan, phase / 8 - 0.5f, kFrameNext, 64);
    const BusParam band = static_cast<BusParam>(static_cast<int>(BusParam::eq_low) + block % 3);
    Message eq = Message::set_bus(bus, band, block % 6 < 3 ? -INFINITY : 0.0f, kFrameNext, 32);
    ASSERT_TRUE(engine.send(gain) && engine.send(pan) && engine.send(eq));
  }
  Message move = Message::set_param(block % 32, Param::bus, static_cast<float>(block % buses));
  ASSERT_TRUE(engine.send(move));
}

void start_32_voices(Engine& engine) {
  for (std::uint32_t v = 0; v < 32; ++v) {
    Message freq = Message::set_param(v, Param::freq, 100.0f + 37.0f * v);
    Message gain = Message::set_param(v, Param::gain_db, -30.0f);
    Message bus = Message::set_param(v, Param::bus, static_cast<float>(v % 8));
    ASSERT_TRUE(engine.send(freq) && engine.send(gain) && engine.send(bus));
  }
}

EngineConfig mixer_config() {
  EngineConfig c;
  c.buses = 8;
  c.meter_events_hz = 30;
  c.pan_law = PanLaw::equal_power;
  return c;
}

// Every stage of the mixer in a real-time scope: 32 voices into 8 buses,
// the EQs going in and out, meters and their events, the DSP load read.
TEST(RealtimeTest, MixesThirtyTwoVoicesIntoEightBusesInARealtimeScope) {
  Engine engine{mixer_config()};
  start_32_voices(engine);
  std::vector<float> out(256 * 2);
  std::vector<Message> replies(1024);
  std::size_t meter_events = 0;
  for (int block = 0; block < 400; ++block) {
    mixer_commands(engine, block);
    {
      RealtimeScope realtime;
      engine.process(AudioOut{out.data(), nullptr}, 256);
    }
    const std::size_t n = engine.recv_many(replies.data(), replies.size());
    for (std::size_t i = 0; i < n; ++i)
      meter_events += replies[i].kind == MessageKind::meter;
  }
  EXPECT_EQ(engine.stats().unhandled, 0u);
  EXPECT_GT(meter_events, 100u);
  EXPECT_GT(engine.meter(kMeterVoice, 31).peak[0], 0.0f);
  EXPECT_GT(engine.meter(kMeterMaster, 0).rms[1], 0.0f);
  const DspLoad load = engine.dsp_load();
  EXPECT_EQ(load.frames, 400u * 256);
  EXPECT_GE(load.peak, load.average);
}

// Playback in a real-time scope: 16 voices playing one buffer at rates
// that ramp every block (backwards too), the engine's speed moving, loop
// regions moved and crossfaded, retriggers and stops faded, plays from
// mid-buffer: the player's interpolation, the tails and the fades.
TEST(RealtimeTest, PlaysAtChangingRatesWithLoopsAndFadesInARealtimeScope) {
  Engine engine{EngineConfig{}};
  std::vector<float> samples(48000);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i] = 0.1f * static_cast<float>(std::sin(0.01 * static_cast<double>(i)));
  const std::uint32_t buffer = engine.load_buffer(samples.data(), samples.size(), 1);
  ASSERT_NE(buffer, 0u);
  std::vector<float> out(256 * 2);
  std::vector<Message> replies(1024);
  std::size_t ended = 0;
  for (int block = 0; block < 600; ++block) {
    for (std::uint32_t v = 0; v < 16; ++v) {
      if ((block + v) % 40 == 0) { // a play from mid-buffer, looping a region, crossfaded
        Message ms[] = {Message::set_voice(v, VoiceSetting::play_start, 1000 * v),
                        Message::set_voice(v, VoiceSetting::play_loop_start, 2000 + 500 * v),
                        Message::set_voice(v, VoiceSetting::play_loop_end, 30000),
                        Message::set_voice(v, VoiceSetting::play_crossfade, 256),
                        Message::play(v, buffer, kFrameNext, true, 144, block % 80 == 0)};
        std::uint32_t chosen = v;
        ASSERT_TRUE(engine.send_all(ms, std::size(ms), false, chosen));
      }
      const float rate = ((block + v) % 7 - 3) * 0.7f; // -2.1 .. 2.1, through 0
      Message r = Message::set_param(v, Param::rate, rate, kFrameNext, 128);
      ASSERT_TRUE(engine.send(r));
      if ((block + v) % 25 == 0) {
        Message loop = Message::set_voice(v, VoiceSetting::loop_end, 20000 + 37 * block);
        Message stop = Message::stop(v, engine.frame() + 100, 96);
        ASSERT_TRUE(engine.send(loop) && ((block + v) % 50 != 0 || engine.send(stop)));
      }
    }
    Message speed = Message::set_speed(block % 2 ? 1.3f : 0.8f, kFrameNext, 200);
    ASSERT_TRUE(engine.send(speed));
    {
      RealtimeScope realtime;
      engine.process(AudioOut{out.data(), nullptr}, 256);
    }
    const std::size_t n = engine.recv_many(replies.data(), replies.size());
    for (std::size_t i = 0; i < n; ++i)
      ended += replies[i].kind == MessageKind::voice_ended;
  }
  EXPECT_EQ(engine.stats().unhandled, 0u);
  EXPECT_GT(ended, 10u) << "plays ended: by stops, retriggers and running off";
  EXPECT_TRUE(engine.close_buffer(buffer));
}

// The transport in a real-time scope, the metronome clicking: the tempo
// changed every block (now, for later frames, and on the bar), plays and
// stops quantized to grids from the bar to a sixty-fourth, half of them
// locked to the tempo (their loops moved and their rates changed), the
// downbeat synced to them, groups the schedule has no room for dropped
// whole, the tempo map filling up with changes to come.
TEST(RealtimeTest, QuantizedPlaysWhileTheTempoChangesEveryBlockInARealtimeScope) {
  EngineConfig c;
  c.schedule = 64;
  Engine engine{c};
  std::vector<float> samples(4800, 0.25f);
  const std::uint32_t buffer = engine.load_buffer(samples.data(), samples.size(), 1);
  ASSERT_NE(buffer, 0u);
  std::vector<float> out(256 * 2);
  std::vector<Message> replies(1024);
  std::size_t ended = 0;
  const float grids[] = {0.0f, 1.0f, 0.25f, 1.0f / 64, 3.0f};
  Message click = Message::metronome(true, 0.25f); // clicking to every tempo
  ASSERT_TRUE(engine.send(click));
  for (int block = 0; block < 800; ++block) {
    const float bpm = 60.0f + static_cast<float>((block * 37) % 200);
    Message tempo[] = {Message::set_tempo(bpm, block % 3 == 0 ? kFrameNext
                                                              : engine.frame() + 97 * block,
                                          block % 50 == 0 ? 3 : 0)};
    ASSERT_TRUE(engine.send(tempo[0]));
    for (std::uint32_t v = 0; v < 8; ++v) {
      const float grid = grids[(block + v) % std::size(grids)];
      const float clip_bpm = v % 2 == 1 ? 70.0f + 20.0f * static_cast<float>(v) : 0.0f;
      Message group[] = {Message::quantize(grid, 4, block % 2 ? kFrameNext : engine.frame() + 500),
                         Message::set_voice(v, VoiceSetting::play_start, 10 * v),
                         Message::lock_next_play(v, clip_bpm),
                         Message::play(v, buffer, kFrameNext, v % 4 != 2),
                         Message::sync_to(v)};
      std::uint32_t chosen = v;
      if ((block + v) % 6 == 0) {
        ASSERT_TRUE(engine.send_all(group, std::size(group), false, chosen));
      }
      if ((block + v) % 9 == 0) {
        Message stop[] = {Message::quantize(grid, 1), Message::stop(v, kFrameNext, 64)};
        ASSERT_TRUE(engine.send_all(stop, std::size(stop), false, chosen));
      }
    }
    if (block % 4 == 1) { // the locked voices' loops and rates move
      const std::uint32_t v = 1 + 2 * static_cast<std::uint32_t>((block / 4) % 4);
      Message moves[] = {Message::set_voice(v, VoiceSetting::loop_end, 1000 + 37 * block % 3000),
                         Message::set_param(v, Param::rate, 0.5f + 0.01f * (block % 100))};
      ASSERT_TRUE(engine.send(moves[0]));
      ASSERT_TRUE(engine.send(moves[1]));
    }
    if (block % 10 == 0) {
      Message bar_tempo[] = {Message::quantize(0.0f, 1), Message::set_tempo(bpm + 1.0f)};
      std::uint32_t none = 0;
      ASSERT_TRUE(engine.send_all(bar_tempo, std::size(bar_tempo), false, none));
    }
    {
      RealtimeScope realtime;
      engine.process(AudioOut{out.data(), nullptr}, 256);
    }
    const std::size_t n = engine.recv_many(replies.data(), replies.size());
    for (std::size_t i = 0; i < n; ++i)
      ended += replies[i].kind == MessageKind::voice_ended;
  }
  const EngineStats s = engine.stats();
  EXPECT_EQ(s.unhandled, 0u);
  EXPECT_GT(s.dropped, 0u) << "the test must reach the full schedule and the full tempo map";
  EXPECT_GT(ended, 10u) << "quantized plays played and ended";
  const TransportState t = engine.transport();
  EXPECT_EQ(t.frame, 800u * 256);
  EXPECT_GT(t.beat, 0.0);
  EXPECT_TRUE(engine.close_buffer(buffer));
}

// Key-locked plays in a real-time scope: two voices through their
// stretchers with rate and pitch changing every block, replayed now and
// then (a stretcher's reset at each play), at a later frame or on a grid
// line (pre-rolled by the stretcher's latency, or late), some of them
// locked to a tempo that changes, beside plain voices.
TEST(RealtimeTest, KeyLockedPlaysWithRateAndPitchChangingEveryBlock) {
  if (!Keylock::available())
    GTEST_SKIP() << "a build without key lock";
  EngineConfig c;
  c.keylock_voices = 2;
  Engine engine{c};
  std::vector<float> samples(96000);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i] = 0.2f * static_cast<float>(std::sin(2 * 3.14159265 * 440 * i / 48000.0));
  const std::uint32_t buffer = engine.load_buffer(samples.data(), samples.size(), 1);
  std::vector<float> out(256 * 2);
  for (int block = 0; block < 800; ++block) {
    for (std::uint32_t v = 0; v < 4; ++v) {
      if (block % 200 == static_cast<int>(v) * 10) {
        Message play = Message::play(v, buffer, kFrameNext, true, 0, false, v < 2);
        ASSERT_TRUE(engine.send(play));
      }
      if (v < 2 && block % 50 == 25 + static_cast<int>(v)) { // pre-rolled, or late
        const std::uint64_t at = engine.frame() + (block % 100 == 25 ? 3000 : 500);
        Message later[] = {Message::set_voice(v, VoiceSetting::play_start, 100, at),
                           Message::lock_next_play(v, 100.0f, at),
                           Message::play(v, buffer, at, true, 0, false, true)};
        for (Message& m : later)
          ASSERT_TRUE(engine.send(m));
        Message on_line[] = {Message::quantize(block % 2 ? 1.0f : 0.25f, 2),
                             Message::set_voice(v, VoiceSetting::play_start, 200),
                             Message::play(v, buffer, kFrameNext, true, 0, false, true)};
        std::uint32_t chosen = v;
        ASSERT_TRUE(engine.send_all(on_line, std::size(on_line), false, chosen));
      }
      if (v == 0 && block % 30 == 0) {
        Message tempo = Message::set_tempo(90.0f + static_cast<float>(block % 7) * 10.0f);
        ASSERT_TRUE(engine.send(tempo));
      }
      Message rate = Message::set_param(v, Param::rate, 0.5f + 0.1f * ((block + v) % 15));
      Message pitch = Message::set_param(v, Param::pitch, static_cast<float>((block % 25) - 12));
      ASSERT_TRUE(engine.send(rate) && engine.send(pitch));
    }
    RealtimeScope realtime;
    engine.process(AudioOut{out.data(), nullptr}, 256);
  }
  EXPECT_EQ(engine.stats().unhandled, 0u);
  EXPECT_GT(engine.stats().late, 0u) << "a play 500 frames ahead cannot pre-roll";
  // The stretchers ran: both key-locked voices, looping from their first
  // play (blocks 0 and 10) on, through them every block after.
  EXPECT_GE(engine.keylock_frames(), 2u * 790 * 256)
      << "the key-locked plays did not go through the stretchers";
  EXPECT_TRUE(engine.close_buffer(buffer));
}

// A backend on a real server: which server, which backend, and the RtAudio
// API when the backend is rtaudio.
struct OnServer {
  Server server;
  BackendKind kind;
  const char* api;
  const char* name;
};

class ServerTest : public ::testing::TestWithParam<OnServer> {};

// RtAudio's ALSA reaches the PulseAudio server through alsa-plugins' pulse
// plugin, ALSA's `default` device while a server runs (there is no sound
// card here).
constexpr const char* kAlsaPulsePlugin =
    "/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so";

// True when `on`'s server answers and, for ALSA, the pulse plugin is there;
// false with `skip` saying why otherwise.
bool usable(const OnServer& on, std::string& skip) {
  if (!testing_servers::answers(on.server, skip))
    return false;
  if (std::string(on.api) == "alsa" && access(kAlsaPulsePlugin, R_OK) != 0) {
    skip = "ALSA's pulse plugin (libasound2-plugins) is not installed";
    return false;
  }
  return true;
}

// The engine's backend on the server `on` names.
std::unique_ptr<Backend> start_on(const OnServer& on, Engine& engine) {
  BackendRequest request;
  request.kind = on.kind;
  request.api = on.api;
  return start_backend(engine, request);
}

// Pings answered from inside the server's own callback; every callback is one
// server period (JACK's is 256 frames here; PulseAudio's is the block asked).
TEST_P(ServerTest, AnswersThousandsOfPingsFromTheServersCallback) {
  std::string skip;
  if (!usable(GetParam(), skip))
    GTEST_SKIP() << skip;
  Engine engine{EngineConfig{}};
  auto backend = start_on(GetParam(), engine);
  const BackendInfo& info = backend->info();
  EXPECT_EQ(info.kind, GetParam().kind);
  // ALSA's device is the server, reached through its pulse plugin.
  const char* api = std::string(GetParam().api) == "alsa"    ? "ALSA"
                    : GetParam().server == Server::jack ? "Jack"
                                                        : "Pulse";
  EXPECT_NE(info.device.find(api), std::string::npos) << info.device;
  EXPECT_EQ(info.block_frames, 256u);

  const std::vector<std::uint32_t> got = ping_through(engine);
  backend->stop();
  expect_every_ping_answered_once(engine, got);
  const EngineStats s = engine.stats();
  // Each block takes at most one ring's worth of pings.
  EXPECT_GE(s.callbacks, (kPings + 1023) / 1024u);
  EXPECT_EQ(s.frames, s.callbacks * info.block_frames) << "a callback that was not one period";
}

// The mixer in the server's own callback, with every stage running and its
// parameters changing while other threads read the meters and the DSP load.
TEST_P(ServerTest, MixesThirtyTwoVoicesIntoEightBusesWhileMetersAreRead) {
  std::string skip;
  if (!usable(GetParam(), skip))
    GTEST_SKIP() << skip;
  Engine engine{mixer_config()};
  start_32_voices(engine);
  auto backend = start_on(GetParam(), engine);
  std::atomic<bool> reading{true};
  std::thread reader([&] {
    while (reading.load()) {
      for (std::uint32_t v = 0; v < 32; ++v)
        (void)engine.meter(kMeterVoice, v);
      (void)engine.meter(kMeterMaster, 0);
      (void)engine.dsp_load();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::vector<Message> replies(1024);
  std::size_t meter_events = 0;
  // A round of commands per callback (each server has its own period).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int rounds = 0;
  for (std::uint64_t seen = engine.stats().callbacks;
       rounds < 100 && std::chrono::steady_clock::now() < deadline;) {
    const std::uint64_t now = engine.stats().callbacks;
    if (now == seen) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    seen = now;
    mixer_commands(engine, rounds++);
    const std::size_t n = engine.recv_many(replies.data(), replies.size());
    for (std::size_t i = 0; i < n; ++i)
      meter_events += replies[i].kind == MessageKind::meter;
  }
  // The last commands apply, and the master's meter closes two whole
  // windows after them (meter_ms 50: under 10 blocks of 256), counted on
  // the engine's clock: a sleep of 100 ms once read the window of rounds
  // 96-98, whose EQ kills all three bands of the master, when the server
  // ran no callback meanwhile.
  const std::uint64_t heard_by = engine.stats().callbacks + 24;
  const auto settle = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (engine.stats().callbacks < heard_by && std::chrono::steady_clock::now() < settle)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  reading = false;
  reader.join();
  backend->stop();
  const EngineStats s = engine.stats();
  EXPECT_EQ(rounds, 100) << "the server's callback stopped coming";
  EXPECT_GE(s.callbacks, heard_by) << "the server's callback stopped coming";
  EXPECT_EQ(s.unhandled, 0u);
  EXPECT_GT(meter_events, 0u);
  EXPECT_GT(engine.meter(kMeterMaster, 0).peak[0], 0.0f) << "the mix was heard";
}

#ifdef RINGENGINE_HAVE_FILES
// Writes a 44.1 kHz stereo 16-bit WAV of `seconds` of two sines with
// libsndfile; the path.
std::string write_wav(const std::string& path, double seconds) {
  SF_INFO info{};
  info.samplerate = 44100;
  info.channels = 2;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
  const auto frames = static_cast<std::size_t>(seconds * 44100);
  std::vector<float> samples(frames * 2);
  for (std::size_t i = 0; i < frames; ++i) {
    samples[2 * i] = 0.25f * static_cast<float>(std::sin(2 * 3.14159265358979 * 220 * i / 44100));
    samples[2 * i + 1] = 0.25f * static_cast<float>(std::sin(2 * 3.14159265358979 * 330 * i / 44100));
  }
  sf_writef_float(f, samples.data(), static_cast<sf_count_t>(frames));
  sf_close(f);
  return path;
}

// Ten files load, four at a time in flight, while 32 voices sound in the
// server's callback: every load arrives and plays. Under RealtimeSanitizer
// (tools/rtsan.sh runs this test), nothing in the callback allocates, frees,
// locks or waits meanwhile: the loader's work is all on its own threads.
// That is the proof that loading never stalls the callback; the DSP load
// it used is recorded in the test's log, not asserted (it is the machine's
// speed as much as the engine's: tests never assert on wall-clock time).
TEST_P(ServerTest, LoadsTenFilesWhile32VoicesPlay) {
  std::string skip;
  if (!usable(GetParam(), skip))
    GTEST_SKIP() << skip;
  Engine engine{EngineConfig{}};
  auto backend = start_on(GetParam(), engine);
  for (std::uint32_t v = 0; v < 32; ++v) {
    Message freq = Message::set_param(v, Param::freq, 100.0f + 37.0f * v);
    Message gain = Message::set_param(v, Param::gain, 0.01f);
    ASSERT_TRUE(engine.send(freq) && engine.send(gain));
  }
  const std::string dir = ::testing::TempDir();
  std::vector<std::string> paths;
  for (int i = 0; i < 10; ++i)
    paths.push_back(write_wav(dir + "/ringengine-rt-" + std::to_string(i) + ".wav", 3.0));
  std::vector<std::uint64_t> jobs;
  std::uint32_t loaded = 0;
  for (std::size_t next = 0; next < paths.size() || !jobs.empty();) {
    while (jobs.size() < 4 && next < paths.size()) {
      DecodeRequest r;
      r.path = paths[next++];
      r.target_rate = engine.config().sample_rate;
      jobs.push_back(engine.loader().submit(std::move(r)));
    }
    FileLoader::Status st;
    ASSERT_TRUE(engine.loader().wait(jobs.front(), 30'000'000)) << "a load hung";
    ASSERT_TRUE(engine.loader().take(jobs.front(), st));
    ASSERT_EQ(st.state, FileLoader::State::done) << st.error.what;
    jobs.erase(jobs.begin());
    Message play = Message::play(loaded % 32, st.buffer, kFrameNext, true);
    ASSERT_TRUE(engine.send(play));
    ++loaded;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200)); // the last plays sound
  backend->stop();
  for (const std::string& p : paths)
    std::remove(p.c_str());
  const EngineStats s = engine.stats();
  EXPECT_EQ(loaded, 10u);
  EXPECT_EQ(s.unhandled, 0u) << "every play found its buffer";
  EXPECT_EQ(s.buffers_live, 10u);
  // The engine's share of the period, averaged over the last second of
  // blocks, for the log.
  const EngineLoad load = engine.load();
  EXPECT_GT(load.callbacks, 0u) << "the load was measured";
  RecordProperty("dsp_load_average", std::to_string(load.average));
  RecordProperty("longest_callback_ns", std::to_string(s.max_callback_ns));
  RecordProperty("xruns", std::to_string(s.xruns));
}
#endif

// Duplex callbacks with recordings running: 32 voices, the input heard on
// a bus, the master and a bus to files (the writer thread), the input into
// a buffer; under RTSan any allocation, lock or blocking call in the
// callback aborts. Every frame asked is taken, none is lost.
void record_while_playing(Engine& engine, Backend& backend) {
  const std::string dir = ::testing::TempDir();
  RecordRequest master, bus, input;
  master.path = dir + "ringengine-rt-master.wav";
  master.frames = 48000;
  bus.source = 1;
  bus.path = dir + "ringengine-rt-bus.flac";
  bus.frames = 48000;
  input.source = kRecordInput;
  input.frames = 48000;
  input.to_buffer = true;
  Message m = Message::set_bus(1, BusParam::input_db, -6.0f);
  ASSERT_TRUE(engine.send(m));
  const std::uint32_t ids[] = {engine.record(master), engine.record(bus), engine.record(input)};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (std::uint32_t id : ids) {
    RecordStatus st;
    while (engine.record_status(id, st) && st.state != 3 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(st.state, 3u) << "recording " << id << " did not end";
    EXPECT_EQ(st.frames, 48000u) << id;
    EXPECT_EQ(st.written, 48000u) << id;
    EXPECT_EQ(st.overruns, 0u) << id;
    EXPECT_EQ(st.error, "") << id;
  }
  backend.stop();
  std::remove(master.path.c_str());
  std::remove(bus.path.c_str());
}

EngineConfig duplex_config() {
  EngineConfig c = mixer_config();
  c.inputs = 2;
  return c;
}

TEST(RealtimeTest, NullBackendRecordsWhileThirtyTwoVoicesPlay) {
  Engine engine{duplex_config()};
  start_32_voices(engine);
  BackendRequest request;
  request.kind = BackendKind::null;
  auto backend = start_backend(engine, request);
  record_while_playing(engine, *backend);
}

TEST_P(ServerTest, DuplexCallbacksRecordWhileThirtyTwoVoicesPlay) {
  std::string skip;
  if (!usable(GetParam(), skip))
    GTEST_SKIP() << skip;
  Engine engine{duplex_config()};
  start_32_voices(engine);
  auto backend = start_on(GetParam(), engine);
  record_while_playing(engine, *backend);
}

INSTANTIATE_TEST_SUITE_P(
    Servers, ServerTest,
    ::testing::Values(OnServer{Server::jack, BackendKind::jack, "", "Jack"},
                      OnServer{Server::pulse, BackendKind::pulse, "", "Pulse"},
                      OnServer{Server::pulse, BackendKind::rtaudio, "pulse", "RtAudioPulse"},
                      OnServer{Server::pulse, BackendKind::rtaudio, "alsa", "RtAudioAlsa"}),
    [](const ::testing::TestParamInfo<OnServer>& p) { return std::string(p.param.name); });

// ---- RealtimeSanitizer can fail ----

#ifdef RINGENGINE_TEST_HOOKS
#ifdef RINGENGINE_RTSAN
constexpr bool kRtsan = true;
#else
constexpr bool kRtsan = false;
#endif

TEST(RtsanTest, CatchesAnAllocationInTheNullBackendsCallback) {
  if (!kRtsan)
    GTEST_SKIP() << "not a RealtimeSanitizer build (tools/rtsan.sh)";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Engine engine{EngineConfig{}};
        engine.inject_violation_for_testing(Engine::Violation::allocate);
        BackendRequest request;
        request.kind = BackendKind::null;
        auto backend = start_backend(engine, request);
        std::this_thread::sleep_for(std::chrono::seconds(2));
        std::_Exit(0); // not caught: the test fails
      },
      "Real-time violation");
}

TEST(RtsanTest, CatchesALockInAnOfflineBlock) {
  if (!kRtsan)
    GTEST_SKIP() << "not a RealtimeSanitizer build (tools/rtsan.sh)";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Engine engine{EngineConfig{}};
        engine.inject_violation_for_testing(Engine::Violation::lock);
        RealtimeScope realtime;
        engine.process(AudioOut{}, 64);
      },
      "Real-time violation.*pthread_mutex_lock");
}
#endif

} // namespace
} // namespace ringengine
