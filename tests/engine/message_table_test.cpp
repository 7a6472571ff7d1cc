// The message table (messages.def): every kind once, with a name; each
// field read back from the member it names; the typed wrappers set exactly
// the fields of their kind.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

#include "messages/message.hpp"

namespace ringengine {
namespace {

TEST(MessageTableTest, EveryKindHasAUniqueNumberAndName) {
  std::set<std::string_view> names;
  std::set<int> numbers;
  for (const KindRow& row : kKinds) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_TRUE(numbers.insert(static_cast<int>(row.kind)).second) << row.name;
    EXPECT_EQ(find_kind(static_cast<std::uint32_t>(row.kind)), &row);
  }
  EXPECT_EQ(find_kind(0), nullptr) << "none is not a kind";
  EXPECT_EQ(find_kind(4242), nullptr);
}

// Each FIELD line names the member its accessor really reads: a field set
// through its accessor shows up in exactly that member.
TEST(MessageTableTest, TheWrappersSetOnlyTheirKindsFields) {
  const Message play = Message::play(7, 99, 1234, true);
  EXPECT_EQ(field::play::voice(play), 7u);
  EXPECT_EQ(field::play::buffer(play), 99u);
  EXPECT_EQ(field::play::at(play), 1234u);
  EXPECT_EQ(field::play::flags(play), kPlayLoop);
  EXPECT_EQ(play.value, 0.0f) << "play names no value";

  const Message set = Message::set_param(2, Param::pan, -0.5f, 10, 480);
  EXPECT_EQ(set.id, 2u);
  EXPECT_EQ(set.param, static_cast<std::uint16_t>(Param::pan));
  EXPECT_EQ(set.frame, 10u);
  EXPECT_EQ(set.value, -0.5f);
  EXPECT_EQ(set.arg, 480u);

  const Message lost = Message::events_lost(5, 77);
  EXPECT_EQ(field::events_lost::dropped(lost), 5u);
  EXPECT_EQ(field::events_lost::frame(lost), 77u);
  EXPECT_EQ(lost.arg, 0u);
  EXPECT_EQ(lost.param, 0u);

  EXPECT_EQ(Message::ping(3).frame, kFrameNext) << "a ping is for the next block, never late";
}

TEST(MessageTableTest, EachFieldIsCarriedByTheMemberTheTableNames) {
  for (const FieldRow& f : kFields) {
    // The rows name real members.
    const std::set<std::string_view> members{"param", "id", "frame", "value", "arg"};
    EXPECT_TRUE(members.count(f.wire)) << f.name << " is carried by " << f.wire;
  }
  std::size_t play_fields = 0;
  for (const FieldRow& f : kFields)
    play_fields += f.kind == MessageKind::play;
  EXPECT_EQ(play_fields, 5u) << "flags, voice, at, buffer, fade";
}

TEST(MessageTableTest, ParamNamesComeFromTheTable) {
  ASSERT_EQ(std::size(kParamNames), kParamCount);
  EXPECT_EQ(kParamNames[static_cast<int>(Param::freq)], "freq");
  EXPECT_EQ(kParamNames[static_cast<int>(Param::gain)], "gain");
  EXPECT_EQ(kParamNames[static_cast<int>(Param::pan)], "pan");
}

// Every command has its target in the table, and voice routing follows it:
// voice_of() reads the voice of exactly the kinds that target one, and
// set_voice_of() writes it.
TEST(MessageTableTest, EveryCommandHasATargetAndVoiceRoutingFollowsIt) {
  for (const KindRow& row : kKinds) {
    std::size_t targets = 0;
    for (const TargetRow& t : kTargets)
      targets += t.kind == row.kind;
    EXPECT_EQ(targets, row.direction == Direction::command ? 1u : 0u) << row.name;
  }
  EXPECT_EQ(target_of(MessageKind::ping), Target::none);
  EXPECT_EQ(target_of(MessageKind::set_param), Target::voice);
  EXPECT_EQ(target_of(MessageKind::play), Target::voice);
  EXPECT_EQ(target_of(MessageKind::stop), Target::voice);
  EXPECT_EQ(target_of(MessageKind::set_voice), Target::voice);
  EXPECT_EQ(target_of(MessageKind::set_bus), Target::bus);
  EXPECT_EQ(target_of(MessageKind::set_speed), Target::all_voices);
  EXPECT_EQ(target_of(MessageKind::cancel), Target::schedule);

  for (const TargetRow& t : kTargets) {
    Message m = blank(t.kind);
    m.id = 5; // the members a voice travels in: id, or (set_loop) param
    m.param = 5;
    const bool for_a_voice = t.target == Target::voice;
    EXPECT_EQ(voice_of(m), for_a_voice ? 5u : Message::kAllVoices) << static_cast<int>(t.kind);
    EXPECT_EQ(set_voice_of(m, 9), for_a_voice) << static_cast<int>(t.kind);
    const bool in_param = t.kind == MessageKind::set_loop;
    EXPECT_EQ(m.id, for_a_voice && !in_param ? 9u : 5u) << static_cast<int>(t.kind);
    EXPECT_EQ(m.param, for_a_voice && in_param ? 9u : 5u) << static_cast<int>(t.kind);
    if (for_a_voice) {
      EXPECT_EQ(voice_of(m), 9u) << static_cast<int>(t.kind);
    }
  }
  Message pong = blank(MessageKind::pong);
  EXPECT_EQ(voice_of(pong), Message::kAllVoices) << "a reply targets nothing";
  EXPECT_FALSE(set_voice_of(pong, 1));
}

} // namespace
} // namespace ringengine
