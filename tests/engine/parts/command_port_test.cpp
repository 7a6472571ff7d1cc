// The command port (core/command_port.hpp) on its own, without the Engine:
// the command ring's refusals and their counters, the pings' sequence
// numbers, what the audio side takes, the replies pushed and dropped and the
// events_lost that tells of the dropped, and the choice of a voice.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/command_port.hpp"
#include "telemetry/metrics.hpp"

namespace ringengine {
namespace {

// A port and what it reads: its voices' snapshots and the audio counters.
struct Port {
  explicit Port(std::size_t commands, std::size_t replies = 16, std::uint32_t voices = 4,
                std::uint32_t keylock_voices = 0)
      : states(std::make_unique<Snapshot<VoiceState>[]>(voices)),
        port(make_ring<Message>(commands), make_ring<Message>(replies), voices, keylock_voices,
             states.get(), counters) {}

  // Everything in the reply ring, in order.
  std::vector<Message> drain() {
    std::vector<Message> out;
    Message m;
    while (port.try_recv(m))
      out.push_back(m);
    return out;
  }
  // Everything in the command ring, as the audio thread takes it.
  std::vector<Message> take_all() {
    std::vector<Message> out(64);
    out.resize(port.take(out.data(), out.size()));
    return out;
  }

  AudioCounters counters;
  std::unique_ptr<Snapshot<VoiceState>[]> states;
  CommandPort port;
};

TEST(CommandPortTest, AFullCommandRingRefusesAndCountsTheCommandRejected) {
  Port p(4);
  for (std::uint32_t v = 0; v < 4; ++v) {
    Message m = Message::set_param(v, Param::gain, 0.5f);
    ASSERT_TRUE(p.port.send(m)) << v;
  }
  Message fifth = Message::set_param(0, Param::gain, 0.25f);
  EXPECT_FALSE(p.port.send(fifth)) << "the ring holds 4";
  std::uint32_t seq = 77;
  EXPECT_FALSE(p.port.send_ping(seq));
  EXPECT_EQ(seq, 77u) << "a refused ping gets no sequence number";
  CommandPort::Counts c = p.port.counts();
  EXPECT_EQ(c.commands_sent, 4u);
  EXPECT_EQ(c.commands_rejected, 2u) << "the command and the ping";
  EXPECT_EQ(c.pings_rejected, 1u) << "only the ping";
  EXPECT_EQ(c.pings_sent, 0u);
  EXPECT_EQ(p.port.commands_sent(), 4u);

  // All or none: three do not fit in the one slot a take frees.
  Message one[1];
  ASSERT_EQ(p.port.take(one, 1), 1u);
  Message three[3] = {Message::stop(0), Message::stop(1), Message::stop(2)};
  std::uint32_t voice = 99;
  EXPECT_FALSE(p.port.send_all(three, 3, false, voice));
  c = p.port.counts();
  EXPECT_EQ(c.commands_rejected, 5u) << "each of the three counted";
  EXPECT_EQ(c.commands_sent, 4u);
  const std::vector<Message> waiting = p.take_all();
  ASSERT_EQ(waiting.size(), 3u) << "none of the three went in";
  for (const Message& m : waiting)
    EXPECT_EQ(m.kind, MessageKind::set_param);
  EXPECT_TRUE(p.port.send_all(three, 3, false, voice));
  EXPECT_EQ(p.port.counts().commands_sent, 7u);
}

// No voice that can key-lock is a refusal of its own: the ring had room,
// so nothing is counted rejected and nothing is pushed.
TEST(CommandPortTest, AKeylockedPlayWithNoVoiceForItIsRefusedWithoutCountingTheRing) {
  Port p(8, 16, 4, 0);
  Message play = Message::play(0, 1, kFrameNext, false, 0, false, true);
  std::uint32_t voice = 99;
  EXPECT_FALSE(p.port.send_all(&play, 1, true, voice));
  EXPECT_EQ(voice, 99u);
  EXPECT_EQ(p.port.counts().commands_rejected, 0u);
  EXPECT_EQ(p.port.counts().commands_sent, 0u);
  EXPECT_TRUE(p.take_all().empty());
}

TEST(CommandPortTest, PingsAreNumberedInTheOrderTheRingAcceptsThem) {
  Port p(8);
  std::uint32_t a = 99, b = 99;
  ASSERT_TRUE(p.port.send_ping(a));
  Message other = Message::stop(1);
  ASSERT_TRUE(p.port.send(other));
  EXPECT_EQ(other.id, 1u) << "a command that is not a ping keeps its fields";
  ASSERT_TRUE(p.port.send_ping(b));
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 1u) << "a command between pings takes no number";
  std::uint32_t first = 99;
  EXPECT_EQ(p.port.send_pings(10, first), 5u) << "5 slots left";
  EXPECT_EQ(first, 2u);

  const std::vector<Message> taken = p.take_all();
  ASSERT_EQ(taken.size(), 8u);
  EXPECT_EQ(field::ping::seq(taken[0]), 0u);
  EXPECT_EQ(taken[1].kind, MessageKind::stop);
  for (std::uint32_t i = 2; i < 8; ++i) {
    EXPECT_EQ(taken[i].kind, MessageKind::ping);
    EXPECT_EQ(field::ping::seq(taken[i]), i - 1) << "consecutive, after the single ones";
  }
  const CommandPort::Counts c = p.port.counts();
  EXPECT_EQ(c.pings_sent, 7u);
  EXPECT_EQ(c.pings_rejected, 5u);
  EXPECT_EQ(c.commands_sent, 8u);
  EXPECT_EQ(c.commands_rejected, 5u);
  std::uint32_t next = 99;
  ASSERT_TRUE(p.port.send_ping(next));
  EXPECT_EQ(next, 7u) << "the refused five took no numbers";
}

TEST(CommandPortTest, TakeCountsWhatTheAudioSideTookAndLeavesTheRest) {
  Port p(16);
  std::uint32_t first;
  ASSERT_EQ(p.port.send_pings(10, first), 10u);
  EXPECT_EQ(p.port.taken(), 0u);
  Message out[4];
  EXPECT_EQ(p.port.take(out, 4), 4u);
  EXPECT_EQ(p.port.taken(), 4u);
  EXPECT_EQ(field::ping::seq(out[3]), 3u);
  EXPECT_EQ(p.port.take(out, 4), 4u);
  EXPECT_EQ(field::ping::seq(out[0]), 4u) << "in order, from where the last take stopped";
  EXPECT_EQ(p.port.take(out, 4), 2u);
  EXPECT_EQ(p.port.take(out, 4), 0u);
  EXPECT_EQ(p.port.taken(), 10u) << "an empty take adds nothing";
  EXPECT_EQ(p.port.commands_sent(), 10u);
}

// Reply ring of 2. Dropped replies are told by an events_lost pushed before
// the next reply that fits, carrying that reply's frame; one that cannot be
// pushed is itself counted in it.
TEST(CommandPortTest, DroppedRepliesAreToldByOneEventsLostBeforeTheNextReply) {
  Port p(4, 2);
  EXPECT_TRUE(p.port.reply(Message::pong(0, 10)));
  EXPECT_TRUE(p.port.reply(Message::pong(1, 10)));
  EXPECT_FALSE(p.port.reply(Message::pong(2, 10))) << "full";
  p.port.emit(Message::voice_ended(3, 20));
  EXPECT_EQ(p.counters.events_dropped.load(), 1u) << "an event dropped is counted";

  Message m;
  ASSERT_TRUE(p.port.try_recv(m));
  EXPECT_EQ(field::pong::seq(m), 0u);
  // One slot: the events_lost fits, the reply after it does not.
  EXPECT_FALSE(p.port.reply(Message::pong(5, 30)));
  std::vector<Message> got = p.drain();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(field::pong::seq(got[0]), 1u);
  EXPECT_EQ(got[1].kind, MessageKind::events_lost);
  EXPECT_EQ(field::events_lost::dropped(got[1]), 2u) << "the pong and the voice_ended";
  EXPECT_EQ(field::events_lost::frame(got[1]), 30u);

  EXPECT_TRUE(p.port.reply(Message::pong(6, 40)));
  got = p.drain();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, MessageKind::events_lost);
  EXPECT_EQ(field::events_lost::dropped(got[0]), 1u) << "pong 5, lost after the last events_lost";
  EXPECT_EQ(got[1].kind, MessageKind::pong);
  EXPECT_EQ(field::pong::seq(got[1]), 6u);

  EXPECT_TRUE(p.port.reply(Message::pong(7, 50)));
  got = p.drain();
  ASSERT_EQ(got.size(), 1u) << "nothing lost since: no events_lost";
  EXPECT_EQ(p.port.counts().pongs_received, 4u) << "the pongs taken, not the events_lost";
  EXPECT_EQ(p.counters.events_dropped.load(), 1u) << "pongs are not events";
}

TEST(CommandPortTest, RecvManyCountsThePongsAmongTheReplies) {
  Port p(4, 8);
  ASSERT_TRUE(p.port.reply(Message::pong(0, 0)));
  ASSERT_TRUE(p.port.reply(Message::voice_ended(1, 0)));
  ASSERT_TRUE(p.port.reply(Message::pong(1, 0)));
  EXPECT_EQ(p.port.replies_waiting(), 1);
  Message out[8];
  EXPECT_EQ(p.port.recv_many(out, 8), 3u);
  EXPECT_EQ(out[1].kind, MessageKind::voice_ended);
  EXPECT_EQ(p.port.counts().pongs_received, 2u);
  EXPECT_EQ(p.port.replies_waiting(), 0);
  EXPECT_EQ(p.port.recv_many(out, 8), 0u);
}

// A meter's reply is offered only while more than half the ring is free,
// so the rest stays for the events that must not be lost.
TEST(CommandPortTest, AnOfferLeavesHalfTheReplyRingToEvents) {
  Port p(4, 8);
  int offered = 0;
  while (p.port.offer(Message::meter(kMeterMaster, 0, 0, 0.5f, 0)))
    ++offered;
  EXPECT_EQ(offered, 4);
  for (int i = 0; i < 4; ++i)
    EXPECT_TRUE(p.port.reply(Message::voice_ended(0, 0))) << i;
  EXPECT_EQ(p.drain().size(), 8u);
}

TEST(CommandPortTest, TheParameterPathKeepsTheLatestValueAndCountsEachWrite) {
  Port p(4);
  p.port.set_param_latest(1, Param::gain, 0.1f, 0);
  p.port.set_param_latest(1, Param::gain, 0.2f, 64);
  p.port.set_param_latest(3, Param::pan, -1.0f, 0);
  EXPECT_EQ(p.port.counts().params_set, 3u);
  struct Change {
    std::uint32_t voice, param;
    float value;
    std::uint32_t ramp;
  };
  std::vector<Change> changes;
  const std::uint32_t n = p.port.drain_params(16, [&](std::uint32_t v, std::uint32_t param,
                                                      float value, std::uint32_t ramp) {
    changes.push_back({v, param, value, ramp});
  });
  ASSERT_EQ(n, 2u);
  ASSERT_EQ(changes.size(), 2u);
  for (const Change& c : changes) {
    if (c.voice == 1) {
      EXPECT_EQ(c.param, static_cast<std::uint32_t>(Param::gain));
      EXPECT_EQ(c.value, 0.2f);
      EXPECT_EQ(c.ramp, 64u);
    } else {
      EXPECT_EQ(c.voice, 3u);
      EXPECT_EQ(c.value, -1.0f);
    }
  }
  EXPECT_TRUE(p.take_all().empty()) << "the parameter path is not the command ring";
}

// send_all with any_voice: a voice is taken while a play sent for it has not
// been reached, or while its snapshot says it sounds; with none free, the one
// whose play was sent for the earliest frame. Every command is routed to the
// voice chosen.
TEST(CommandPortTest, AnyVoiceChoosesAFreeOneAndRoutesEveryCommandToIt) {
  Port p(16, 16, 4, 2);
  p.states[0].write(VoiceState{0, 0, 0, kVoiceSounding, 440, 1, 0}); // a sine sounds
  Message at_500 = Message::play(1, 7, 500), at_200 = Message::play(3, 7, 200);
  ASSERT_TRUE(p.port.send(at_500));
  ASSERT_TRUE(p.port.send(at_200));

  std::uint32_t voice = 99;
  Message pair[2] = {Message::play(0, 7), Message::set_param(0, Param::gain, 0.5f)};
  ASSERT_TRUE(p.port.send_all(pair, 2, true, voice));
  EXPECT_EQ(voice, 2u) << "0 sounds, 1 waits for frame 500";
  EXPECT_EQ(field::play::voice(pair[0]), 2u);
  EXPECT_EQ(field::set_param::voice(pair[1]), 2u);

  Message next = Message::play(0, 7);
  ASSERT_TRUE(p.port.send_all(&next, 1, true, voice));
  EXPECT_EQ(voice, 2u) << "all taken: 2's play, for frame 0, is the earliest";

  Message keylocked = Message::play(0, 7, kFrameNext, false, 0, false, true);
  ASSERT_TRUE(p.port.send_all(&keylocked, 1, true, voice));
  EXPECT_EQ(voice, 1u) << "only 0 and 1 key-lock: 0 sounds, so 1, its play the earlier";

  p.states[1].write(VoiceState{0, 0, 7, kVoicePlaying, 0, 1, 0});
  p.counters.frames.store(300); // the engine passed frame 0, not yet 500
  Message last = Message::play(0, 7);
  ASSERT_TRUE(p.port.send_all(&last, 1, true, voice));
  EXPECT_EQ(voice, 2u) << "0 and 1 play; 2's play, for frame 0, was reached";

  const std::vector<Message> taken = p.take_all();
  ASSERT_EQ(taken.size(), 7u);
  const std::uint32_t voices[7] = {1, 3, 2, 2, 2, 1, 2};
  for (std::size_t i = 0; i < 7; ++i)
    EXPECT_EQ(voice_of(taken[i]), voices[i]) << i;
}

} // namespace
} // namespace ringengine
