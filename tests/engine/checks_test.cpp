// The command checks (core/checks.hpp) on their own: each refusal says
// which argument, the value given and the range that would do, as data.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/checks.hpp"
#include "core/engine.hpp"

namespace ringengine {
namespace {

bool only_buffer_7(const void*, std::uint32_t id) noexcept { return id == 7; }

EngineConfig config() {
  EngineConfig c;
  c.voices = 4;
  c.buses = 3;
  c.sample_rate = 48000;
  return c;
}

TEST(CommandChecksTest, AVoiceOutOfRangeSaysWhichAndTheRange) {
  const EngineConfig c = config();
  const CommandChecks checks(c, only_buffer_7, nullptr);
  const Refusal r = checks.check(Message::stop(4, kFrameNext));
  EXPECT_EQ(r.kind, Refusal::Kind::no_such);
  EXPECT_STREQ(r.argument, "voice");
  EXPECT_EQ(r.value, 4);
  EXPECT_EQ(r.min, 0);
  EXPECT_EQ(r.max, 3);
  EXPECT_FALSE(checks.check(Message::stop(3, kFrameNext)));
}

TEST(CommandChecksTest, NoVoicesIsAnEmptyRange) {
  EngineConfig c = config();
  c.voices = 0;
  const CommandChecks checks(c, only_buffer_7, nullptr);
  const Refusal r = checks.check(Message::set_param(0, Param::gain, 1));
  EXPECT_EQ(r.kind, Refusal::Kind::no_such);
  EXPECT_LT(r.max, r.min);
}

TEST(CommandChecksTest, AValueOutOfRangeCarriesItAndTheBounds) {
  const EngineConfig c = config();
  const CommandChecks checks(c, only_buffer_7, nullptr);
  const Refusal pan = checks.check(Message::set_param(1, Param::pan, 1.5f));
  EXPECT_EQ(pan.kind, Refusal::Kind::out_of_range);
  EXPECT_STREQ(pan.argument, "pan");
  EXPECT_EQ(pan.value, 1.5);
  EXPECT_EQ(pan.min, -1);
  EXPECT_EQ(pan.max, 1);

  const Refusal freq = checks.check(Message::set_param(1, Param::freq, 30000));
  EXPECT_EQ(freq.kind, Refusal::Kind::out_of_range);
  EXPECT_EQ(freq.max, 24000);
  EXPECT_STREQ(freq.bound, "sample_rate / 2"); // the max comes from the config
  EXPECT_STREQ(freq.detail, "Hz");

  const Refusal nan = checks.check(Message::set_param(1, Param::gain, NAN));
  EXPECT_EQ(nan.kind, Refusal::Kind::out_of_range);
  EXPECT_TRUE(std::isnan(nan.value));

  const Refusal db = checks.check(Message::set_bus(kMasterBus, BusParam::gain_db, 30));
  EXPECT_EQ(db.min, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(db.value, 30);
}

TEST(CommandChecksTest, WholeNumbersAndConflicts) {
  const EngineConfig c = config();
  const CommandChecks checks(c, only_buffer_7, nullptr);
  const Refusal bus = checks.check(Message::set_param(0, Param::bus, 1.5f));
  EXPECT_EQ(bus.kind, Refusal::Kind::not_whole);
  EXPECT_STREQ(bus.argument, "bus");
  EXPECT_EQ(bus.max, 2); // buses - 1
  const Refusal ramp = checks.check(Message::set_param(0, Param::bus, 1, kFrameNext, 10));
  EXPECT_EQ(ramp.kind, Refusal::Kind::conflict);
  EXPECT_STREQ(ramp.argument, "ramp");
  EXPECT_EQ(ramp.value, 10);
  const Refusal mute = checks.check(Message::set_bus(0, BusParam::mute, 0.5f));
  EXPECT_EQ(mute.kind, Refusal::Kind::not_whole);
  EXPECT_EQ(mute.max, 1);
}

TEST(CommandChecksTest, ABufferIsAskedOfTheTableAndInputsOfTheConfig) {
  const EngineConfig c = config();
  const CommandChecks checks(c, only_buffer_7, nullptr);
  EXPECT_FALSE(checks.check(Message::play(0, 7, kFrameNext, false)));
  const Refusal gone = checks.check(Message::play(0, 8, kFrameNext, false));
  EXPECT_EQ(gone.kind, Refusal::Kind::gone);
  EXPECT_STREQ(gone.argument, "buffer");
  EXPECT_EQ(gone.value, 8);
  const Refusal input = checks.check(Message::set_bus(0, BusParam::input_db, 0));
  EXPECT_EQ(input.kind, Refusal::Kind::unavailable);
  EXPECT_STREQ(input.argument, "input_db");
  const Refusal keylock = checks.check(Message::play(1, 7, kFrameNext, false, 0, false, true));
  EXPECT_TRUE(keylock.kind == Refusal::Kind::not_enabled ||
              keylock.kind == Refusal::Kind::unavailable);
}

TEST(CommandChecksTest, WhatIsNotACommandSaysSo) {
  const EngineConfig c = config();
  const CommandChecks checks(c, only_buffer_7, nullptr);
  Message m{};
  m.kind = MessageKind::pong;
  EXPECT_EQ(checks.check(m).kind, Refusal::Kind::not_a_kind);
  m.kind = MessageKind::buffer_close;
  const Refusal reserved = checks.check(m);
  EXPECT_EQ(reserved.kind, Refusal::Kind::not_a_kind);
  EXPECT_STREQ(reserved.detail, "buffer_close");
}

} // namespace
} // namespace ringengine
