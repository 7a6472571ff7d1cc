// Dispatch (core/dispatch.hpp) on its own, without the Engine: a command
// carried out at once or held in the schedule for its frame, late ones
// counted, a full schedule dropping, cancel taking back one voice's commands,
// and what cannot be carried out counted unhandled. The Dispatcher is built
// on the parts it acts on (a mixer, a buffer table, a port), as the Engine
// builds it; pings (answered with a pong stamped with the frame they were
// carried out at) and the voices' settings show when each command ran.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/command_port.hpp"
#include "core/dispatch.hpp"
#include "resources/buffer_table.hpp"
#include "resources/recordings.hpp"
#include "telemetry/metrics.hpp"
#include "time/transport.hpp"
#include "voices/mixer.hpp"

namespace ringengine {
namespace {

constexpr std::uint32_t kRate = 48000, kChannels = 2, kVoices = 4, kBuses = 2;

// The parts a Dispatcher acts on, made in the Engine's order.
struct Parts {
  explicit Parts(std::size_t schedule = 16, std::size_t replies = 64)
      : mixer({kRate, kChannels, kVoices, kBuses, 0, 0, 0, 0, PanLaw::balance}, port,
              recordings, metrics),
        port(make_ring<Message>(64), make_ring<Message>(replies), kVoices, 0,
             mixer.voice_states(), metrics.counters()),
        buffers(8, port),
        dispatch({schedule, kVoices, kBuses}, mixer, buffers, port, metrics.counters(),
                 transport) {}

  void admit(Message m, std::uint64_t position) { dispatch.admit(&m, 1, position); }
  // A ping carried out at its frame `at` (kFrameNext: at once).
  static Message ping(std::uint32_t seq, std::uint64_t at = kFrameNext) {
    Message m = Message::ping(seq);
    field::ping::set_at(m, at);
    return m;
  }
  std::vector<Message> replies() {
    std::vector<Message> out;
    Message m;
    while (port.try_recv(m))
      out.push_back(m);
    return out;
  }
  const AudioCounters& counters() const { return metrics.counters(); }

  Metrics metrics{kRate, kVoices, kBuses, kChannels};
  Recordings recordings{{kRate, kChannels, 0, kBuses, std::uint64_t{1} << 20, 1024}};
  Mixer mixer;
  CommandPort port;
  BufferTable buffers;
  Transport transport{kRate};
  Dispatcher dispatch;
};

TEST(DispatcherTest, ACommandForALaterFrameIsHeldAndCarriedOutAtItsFrame) {
  Parts p;
  const Message ms[2] = {Parts::ping(7, 1000), Message::set_param(1, Param::gain, 0.25f, 700)};
  p.dispatch.admit(ms, 2, 0);
  EXPECT_TRUE(p.replies().empty()) << "held, not answered";
  EXPECT_EQ(p.mixer.voice(1).gain(), 1.0);
  EXPECT_EQ(p.dispatch.next_frame(), 700u);

  p.dispatch.run_due(699);
  EXPECT_EQ(p.mixer.voice(1).gain(), 1.0) << "a frame early";
  p.dispatch.run_due(700);
  EXPECT_EQ(p.mixer.voice(1).gain(), 0.25);
  EXPECT_EQ(p.dispatch.next_frame(), 1000u);
  p.dispatch.run_due(999);
  EXPECT_TRUE(p.replies().empty());
  p.dispatch.run_due(1000);
  const std::vector<Message> got = p.replies();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, MessageKind::pong);
  EXPECT_EQ(field::pong::seq(got[0]), 7u);
  EXPECT_EQ(field::pong::frame(got[0]), 1000u);
  EXPECT_EQ(p.dispatch.next_frame(), kFrameNext) << "nothing left";
  EXPECT_EQ(p.counters().late.load(), 0u);
  EXPECT_EQ(p.counters().unhandled.load(), 0u);
  EXPECT_EQ(p.counters().pings_handled.load(), 1u);
  EXPECT_EQ(p.counters().pongs_sent.load(), 1u);
}

TEST(DispatcherTest, CommandsForOneFrameRunInTheOrderTheyCame) {
  Parts p;
  const Message ms[3] = {Parts::ping(5, 300), Parts::ping(3, 300), Parts::ping(9, 200)};
  p.dispatch.admit(ms, 3, 0);
  p.dispatch.run_due(200);
  p.dispatch.run_due(300);
  const std::vector<Message> got = p.replies();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(field::pong::seq(got[0]), 9u);
  EXPECT_EQ(field::pong::frame(got[0]), 200u);
  EXPECT_EQ(field::pong::seq(got[1]), 5u);
  EXPECT_EQ(field::pong::seq(got[2]), 3u);
  EXPECT_EQ(field::pong::frame(got[2]), 300u);
}

TEST(DispatcherTest, ACommandDueOrPastRunsAtOnceAndOnlyAPastOneIsLate) {
  Parts p;
  const Message ms[3] = {Parts::ping(0), Parts::ping(1, 512), Parts::ping(2, 100)};
  p.dispatch.admit(ms, 3, 512);
  EXPECT_EQ(p.dispatch.next_frame(), kFrameNext) << "none held";
  const std::vector<Message> got = p.replies();
  ASSERT_EQ(got.size(), 3u);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(field::pong::seq(got[i]), i);
    EXPECT_EQ(field::pong::frame(got[i]), 512u) << "at the block's start";
  }
  EXPECT_EQ(p.counters().late.load(), 1u) << "only the one for frame 100";
}

TEST(DispatcherTest, AFullScheduleDropsTheCommandAndCountsIt) {
  Parts p(2);
  const Message ms[4] = {Parts::ping(0, 900), Parts::ping(1, 800), Parts::ping(2, 700),
                         Parts::ping(3)};
  p.dispatch.admit(ms, 4, 0);
  EXPECT_EQ(p.counters().dropped.load(), 1u) << "the third for later: the schedule holds 2";
  std::vector<Message> got = p.replies();
  ASSERT_EQ(got.size(), 1u) << "one due now needs no room in the schedule";
  EXPECT_EQ(field::pong::seq(got[0]), 3u);
  EXPECT_EQ(p.dispatch.next_frame(), 800u) << "frame 700's was the one dropped";
  p.dispatch.run_due(10000);
  got = p.replies();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(field::pong::seq(got[0]), 1u);
  EXPECT_EQ(field::pong::seq(got[1]), 0u);
  EXPECT_EQ(p.counters().pings_handled.load(), 3u);
  EXPECT_EQ(p.counters().dropped.load(), 1u);
}

TEST(DispatcherTest, CancelTakesBackOnlyTheNamedVoicesCommands) {
  Parts p;
  const Message ms[5] = {Message::set_param(1, Param::gain, 0.1f, 500),
                         Message::set_param(2, Param::gain, 0.2f, 500),
                         Message::set_param(1, Param::pan, -1.0f, 600), Parts::ping(0, 500),
                         Message::cancel(1)};
  p.dispatch.admit(ms, 5, 0);
  EXPECT_EQ(p.counters().cancelled.load(), 2u) << "voice 1's two";
  p.dispatch.run_due(600);
  EXPECT_EQ(p.mixer.voice(1).gain(), 1.0) << "taken back";
  EXPECT_EQ(p.mixer.voice(1).pan(), 0.0) << "taken back";
  EXPECT_EQ(p.mixer.voice(2).gain(), 0.2f) << "another voice's stays";
  EXPECT_EQ(p.replies().size(), 1u) << "a ping is no voice's: it stays";

  // Every voice's; a cancel is itself held for its frame, and takes back
  // only what still waits then.
  const Message later[5] = {Message::set_param(0, Param::gain, 0.3f, 700),
                            Message::set_param(3, Param::gain, 0.4f, 900),
                            Message::set_param(2, Param::gain, 0.5f, 950), Parts::ping(1, 900),
                            Message::cancel(Message::kAllVoices, 800)};
  p.dispatch.admit(later, 5, 600);
  p.dispatch.run_due(800);
  EXPECT_EQ(p.mixer.voice(0).gain(), 0.3f) << "ran before the cancel's frame";
  EXPECT_EQ(p.counters().cancelled.load(), 4u) << "voices 3's and 2's";
  p.dispatch.run_due(1000);
  EXPECT_EQ(p.mixer.voice(3).gain(), 1.0);
  EXPECT_EQ(p.mixer.voice(2).gain(), 0.2f);
  EXPECT_EQ(p.replies().size(), 1u);
  EXPECT_EQ(p.counters().unhandled.load(), 0u);

  p.admit(Message::set_param(1, Param::gain, 0.6f, 2000), 1000);
  p.admit(Message::cancel(kVoices), 1000);
  EXPECT_EQ(p.counters().unhandled.load(), 1u) << "no voice 4";
  EXPECT_EQ(p.counters().cancelled.load(), 4u);
  EXPECT_EQ(p.dispatch.next_frame(), 2000u) << "nothing taken back";
}

TEST(DispatcherTest, WhatCannotBeCarriedOutIsCountedUnhandled) {
  Parts p;
  Message not_a_command = Message::ping(0);
  not_a_command.kind = static_cast<MessageKind>(200);
  const Message bad[] = {
      Message::set_param(kVoices, Param::gain, 0.5f),           // no such voice
      Message::set_param(0, Param::bus, static_cast<float>(kBuses)), // no such bus
      Message::play(0, 12345),                                   // no such buffer
      Message::stop(kVoices),
      Message::set_bus(kBuses, BusParam::gain, 0.5f),            // kMasterBus is the master
      Message::set_voice(kVoices, VoiceSetting::loop_start, 0),
      Message::pong(0, 0),                                       // a reply
      not_a_command,
  };
  constexpr std::uint64_t kBad = sizeof bad / sizeof bad[0];
  p.dispatch.admit(bad, kBad, 0);
  EXPECT_EQ(p.counters().unhandled.load(), kBad);
  Message bad_param = Message::set_param(0, Param::gain, 0.5f);
  bad_param.param = kParamCount;
  p.admit(bad_param, 0);
  EXPECT_EQ(p.counters().unhandled.load(), kBad + 1);
  EXPECT_EQ(p.mixer.voice(0).gain(), 1.0);
  EXPECT_EQ(p.mixer.voice(0).bus(), 0u);

  // One for later is counted when its frame comes, not when held.
  p.admit(Message::stop(kVoices, 100), 0);
  EXPECT_EQ(p.counters().unhandled.load(), kBad + 1);
  p.dispatch.run_due(100);
  EXPECT_EQ(p.counters().unhandled.load(), kBad + 2);

  const Message good[] = {Message::set_param(0, Param::bus, kBuses - 1),
                          Message::set_bus(kMasterBus, BusParam::gain, 0.5f), Message::stop(0),
                          Message::set_voice(0, VoiceSetting::loop_start, 0)};
  p.dispatch.admit(good, 4, 100);
  EXPECT_EQ(p.counters().unhandled.load(), kBad + 2) << "each of these was carried out";
  EXPECT_EQ(p.mixer.voice(0).bus(), kBuses - 1);
}

TEST(DispatcherTest, APingIsAnsweredAndAPongTheReplyRingCannotTakeIsCounted) {
  Parts p(16, 2);
  const Message ms[3] = {Parts::ping(0), Parts::ping(1), Parts::ping(2)};
  p.dispatch.admit(ms, 3, 64);
  EXPECT_EQ(p.counters().pings_handled.load(), 3u);
  EXPECT_EQ(p.counters().pongs_sent.load(), 2u);
  EXPECT_EQ(p.counters().pongs_dropped.load(), 1u);
  EXPECT_EQ(p.counters().unhandled.load(), 0u) << "a dropped pong is still a ping handled";
  EXPECT_EQ(p.replies().size(), 2u);
}

TEST(DispatcherTest, APlayFindsItsBufferAndEndsThePlayBeforeIt) {
  Parts p;
  const std::vector<float> samples(64, 0.5f);
  const std::uint32_t id = p.buffers.load(samples.data(), 64, 1);
  p.admit(Message::play(0, id), 0);
  EXPECT_EQ(p.counters().unhandled.load(), 1u) << "not yet taken by the audio side";
  p.buffers.take();
  p.admit(Message::play(0, id), 0);
  EXPECT_EQ(p.mixer.voice(0).buffer_id(), id);
  EXPECT_TRUE(p.mixer.voice(0).player().playing());
  EXPECT_TRUE(p.replies().empty());

  p.admit(Message::play(0, id), 128);
  std::vector<Message> got = p.replies();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, MessageKind::voice_ended);
  EXPECT_EQ(field::voice_ended::voice(got[0]), 0u);
  EXPECT_EQ(field::voice_ended::frame(got[0]), 128u);

  p.admit(Message::stop(0), 200);
  got = p.replies();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(field::voice_ended::frame(got[0]), 200u);
  EXPECT_FALSE(p.mixer.voice(0).player().playing());
  EXPECT_EQ(p.counters().unhandled.load(), 1u);
}

// ---- Quantized groups and the transport ----

TEST(DispatcherTest, AQuantizedGroupWaitsForItsLinesBeatThroughALaterTempoChange) {
  Parts p; // 120 BPM: a bar is 96000 frames
  const Message group[] = {Message::quantize(0.0f, 2), Message::set_param(1, Param::gain, 0.5f),
                           Message::set_param(2, Param::gain, 0.25f)};
  p.dispatch.admit(group, 3, 1000);
  EXPECT_EQ(p.dispatch.next_frame(), 96000u);
  // A tempo change for frame 48000 (beat 2), sent after the group: a beat
  // a second from there, so beat 4 is at 48000 + 2 x 48000.
  p.admit(Message::set_tempo(60.0f, 48000), 1256);
  EXPECT_EQ(p.dispatch.next_frame(), 144000u) << "the line moved with the tempo";
  p.dispatch.run_due(143999);
  EXPECT_EQ(p.mixer.voice(1).gain(), 1.0);
  p.dispatch.run_due(144000);
  EXPECT_EQ(p.mixer.voice(1).gain(), 0.5);
  EXPECT_EQ(p.mixer.voice(2).gain(), 0.25) << "the whole group at one frame";
  EXPECT_EQ(p.dispatch.next_frame(), kFrameNext);
  EXPECT_EQ(p.counters().dropped.load(), 0u);
}

TEST(DispatcherTest, AGroupTheScheduleHasNoRoomForIsDroppedWholeAndTheNextIsTaken) {
  Parts p(2);
  const Message group[] = {Message::quantize(1.0f, 3), Message::set_param(0, Param::gain, 0.5f),
                           Message::set_param(1, Param::gain, 0.5f),
                           Message::set_param(2, Param::gain, 0.5f)};
  p.dispatch.admit(group, 4, 100);
  EXPECT_EQ(p.counters().dropped.load(), 3u);
  EXPECT_EQ(p.dispatch.next_frame(), kFrameNext) << "none of it held";
  // What follows the group is taken as ever.
  p.admit(Message::set_param(3, Param::gain, 0.125f), 100);
  EXPECT_EQ(p.mixer.voice(3).gain(), 0.125);
  p.dispatch.run_due(100000);
  EXPECT_EQ(p.mixer.voice(0).gain(), 1.0);
}

TEST(DispatcherTest, AGroupWhoseLineIsThisFrameIsCarriedOutAtOnce) {
  Parts p;
  const Message group[] = {Message::quantize(1.0f, 1, 24000),
                           Message::set_param(1, Param::gain, 0.5f)};
  p.dispatch.admit(group, 2, 24000);
  EXPECT_EQ(p.mixer.voice(1).gain(), 0.5);
  EXPECT_EQ(p.counters().late.load(), 0u);
}

TEST(DispatcherTest, ATempoChangeIsTakenOnArrivalAndCancelTakesBackQuantizedCommands) {
  Parts p;
  p.admit(Message::set_tempo(60.0f, 48000), 0);
  EXPECT_EQ(p.dispatch.next_frame(), kFrameNext) << "held by the tempo map, not the schedule";
  EXPECT_EQ(p.transport.map().beat_at(96000), 3.0);
  const Message group[] = {Message::quantize(0.0f, 1), Message::set_param(1, Param::gain, 0.5f)};
  p.dispatch.admit(group, 2, 10);
  EXPECT_NE(p.dispatch.next_frame(), kFrameNext);
  p.admit(Message::cancel(1), 20);
  EXPECT_EQ(p.counters().cancelled.load(), 1u);
  EXPECT_EQ(p.dispatch.next_frame(), kFrameNext);
}

} // namespace
} // namespace ringengine
