// The messages that cross the rings: one fixed-size struct for every command
// and every reply, copied as raw bytes, never serialized. What each kind
// carries, and in which member, is messages.def's; this file makes from it
// the enum, the named field accessors (field::<kind>::<name>(m)), and the
// table engine_describe_kind() and the tests read.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

namespace ringengine {

enum class MessageKind : std::uint16_t {
  none = 0,
#define COMMAND(kind, NAME, number) kind = number,
#define REPLY(kind, NAME, number) kind = number,
#define RESERVED(kind, NAME, number) kind = number,
#include "messages/messages.def"
};

// The parameters of a voice (MessageKind::set_param): params.def.
enum class Param : std::uint16_t {
#define PARAM(name, NAME, number) name = number,
#include "messages/params.def"
};
inline constexpr std::uint16_t kParamCount = 0
#define PARAM(name, NAME, number) +1
#include "messages/params.def"
    ;
inline constexpr float kMaxGain = 16.0f;

// The parameters of a bus and the master (MessageKind::set_bus): bus_params.def.
enum class BusParam : std::uint16_t {
#define BUS_PARAM(name, NAME, number) name = number,
#include "messages/bus_params.def"
};
inline constexpr std::uint16_t kBusParamCount = 0
#define BUS_PARAM(name, NAME, number) +1
#include "messages/bus_params.def"
    ;
// A playback rate's (and the engine speed's) largest magnitude.
inline constexpr float kMaxRate = 16.0f;

// What a set_voice command sets. The play_* settings are for the voice's
// next play (sent just before it, at its frame) and go back to their
// defaults once it takes them; the others change the play under way.
enum class VoiceSetting : std::uint16_t {
  play_start = 0,      // the frame the play starts at; default 0
  play_loop_start = 1, // its loop's region, [loop_start, loop_end); default the whole buffer
  play_loop_end = 2,   //   (0: the buffer's end)
  play_crossfade = 3,  // frames of crossfade at the loop's seam; default 0
  loop_start = 4,      // the region of the play under way
  loop_end = 5,
  crossfade = 6,
  play_bpm = 7,        // the next play locks to the transport, its clip at this
                       //   tempo (its `bpm`, a float; 0: not locked; since 1.4)
};
inline constexpr std::uint16_t kVoiceSettingCount = 8;

// set_bus's bus meaning the master.
inline constexpr std::uint32_t kMasterBus = 0xffffffffu;
// meter's sources.
inline constexpr std::uint16_t kMeterVoice = 0, kMeterBus = 1, kMeterMaster = 2;

// A command's `frame` meaning "at the start of the next block".
inline constexpr std::uint64_t kFrameNext = std::numeric_limits<std::uint64_t>::max();

// play's flags.
inline constexpr std::uint16_t kPlayLoop = 1;
inline constexpr std::uint16_t kPlayFadeIn = 2;  // fade in over the play's fade
inline constexpr std::uint16_t kPlayKeylock = 4; // keep the pitch while the rate changes
// cancel's flags.
inline constexpr std::uint16_t kCancelAllVoices = 1;

// quantize: the most commands one grid line takes.
inline constexpr std::uint32_t kMaxGroup = 64;
// quantize's grid: the finest and the coarsest, in beats (0: the bar).
inline constexpr float kMinGrid = 1.0f / 64, kMaxGrid = 1024.0f;
// quantize's latest `at`: 2^53 frames (some 5,900 years at 48 kHz), exact
// in the double the grid is found in.
inline constexpr std::uint64_t kMaxQuantizeFrame = std::uint64_t{1} << 53;

// The wire: which member carries a field is messages.def's FIELD lines, and
// only field:: below reads or writes them by kind.
struct Message {
  MessageKind kind;
  std::uint16_t param;
  std::uint32_t id;
  std::uint64_t frame;
  float value;
  std::uint32_t arg;

  // The typed wrappers: one per kind, every member the kind does not name 0.
  static constexpr Message ping(std::uint32_t seq) noexcept;
  static constexpr Message pong(std::uint32_t seq, std::uint64_t frame) noexcept;
  static constexpr Message set_param(std::uint32_t voice, Param p, float value,
                                     std::uint64_t at = kFrameNext,
                                     std::uint32_t ramp = 0) noexcept;
  static constexpr Message play(std::uint32_t voice, std::uint32_t buffer,
                                std::uint64_t at = kFrameNext, bool loop = false,
                                std::uint32_t fade = 0, bool fade_in = false,
                                bool keylock = false) noexcept;
  static constexpr Message stop(std::uint32_t voice, std::uint64_t at = kFrameNext,
                                std::uint32_t fade = 0) noexcept;
  static constexpr Message set_voice(std::uint32_t voice, VoiceSetting setting,
                                     std::uint32_t frames,
                                     std::uint64_t at = kFrameNext) noexcept;
  // A play_bpm setting: the next play on `voice` locks to the transport.
  static constexpr Message lock_next_play(std::uint32_t voice, float clip_bpm,
                                          std::uint64_t at = kFrameNext) noexcept;
  static constexpr Message set_speed(float speed, std::uint64_t at = kFrameNext,
                                     std::uint32_t ramp = 0) noexcept;
  static constexpr Message voice_ended(std::uint32_t voice, std::uint64_t frame) noexcept;
  static constexpr Message buffer_released(std::uint32_t buffer, std::uint64_t frame) noexcept;
  static constexpr Message events_lost(std::uint32_t dropped, std::uint64_t frame) noexcept;
  // voice: one voice's scheduled commands; kAllVoices: every one.
  static constexpr Message cancel(std::uint32_t voice, std::uint64_t at = kFrameNext) noexcept;
  static constexpr Message set_bus(std::uint32_t bus, BusParam p, float value,
                                   std::uint64_t at = kFrameNext,
                                   std::uint32_t ramp = 0) noexcept;
  static constexpr Message meter(std::uint16_t source, std::uint32_t number,
                                 std::uint64_t frame, float peak, std::uint32_t clips) noexcept;
  static constexpr Message record_ended(std::uint32_t recording, std::uint16_t cause,
                                        std::uint64_t frame, std::uint64_t frames) noexcept;
  // The next `count` commands apply at the first line of a `grid` (in
  // beats; 0: the bar) at or after `at`.
  static constexpr Message quantize(float grid, std::uint32_t count,
                                    std::uint64_t at = kFrameNext) noexcept;
  // beats_per_bar 0: as it is.
  static constexpr Message set_tempo(float bpm, std::uint64_t at = kFrameNext,
                                     std::uint32_t beats_per_bar = 0) noexcept;
  static constexpr Message metronome(bool on, float gain, std::uint32_t bus = kMasterBus,
                                     std::uint64_t at = kFrameNext) noexcept;
  static constexpr Message sync_to(std::uint32_t voice, std::uint64_t at = kFrameNext) noexcept;
  // The loop of the voice's play under way to [loop_start, loop_end) (0: the
  // buffer's end) with `crossfade` frames, both ends in one message.
  static constexpr Message set_loop(std::uint32_t voice, std::uint32_t loop_start,
                                    std::uint32_t loop_end, std::uint32_t crossfade,
                                    std::uint64_t at = kFrameNext) noexcept;
  static constexpr std::uint32_t kAllVoices = 0xffffffffu;
};

// The layout is the C ABI's engine_message too (capi/ asserts the match):
// 24 bytes, so a ring slot with its 8-byte stamp is 32 bytes.
static_assert(std::is_trivially_copyable_v<Message>);
static_assert(std::is_standard_layout_v<Message>);
static_assert(sizeof(Message) == 24 && alignof(Message) == 8);
static_assert(offsetof(Message, param) == 2 && offsetof(Message, id) == 4);
static_assert(offsetof(Message, frame) == 8 && offsetof(Message, value) == 16);
static_assert(offsetof(Message, arg) == 20);

// field::<kind>::<name>(m) reads a field, field::<kind>::set_<name>(m, v)
// writes it: the only code that knows which member carries what.
namespace field {
#define FIELD(kind, name, wire, type)                                                   \
  namespace kind {                                                                      \
  constexpr type name(const Message& m) noexcept { return static_cast<type>(m.wire); } \
  constexpr void set_##name(Message& m, type v) noexcept {                             \
    m.wire = static_cast<decltype(Message::wire)>(v);                                   \
  }                                                                                     \
  }
#include "messages/messages.def"
} // namespace field

// Starts a message of `kind` with every member 0.
constexpr Message blank(MessageKind kind) noexcept { return {kind, 0, 0, 0, 0.0f, 0}; }

constexpr Message Message::ping(std::uint32_t seq) noexcept {
  Message m = blank(MessageKind::ping);
  field::ping::set_seq(m, seq);
  field::ping::set_at(m, kFrameNext);
  return m;
}
constexpr Message Message::pong(std::uint32_t seq, std::uint64_t frame) noexcept {
  Message m = blank(MessageKind::pong);
  field::pong::set_seq(m, seq);
  field::pong::set_frame(m, frame);
  return m;
}
constexpr Message Message::set_param(std::uint32_t voice, Param p, float value,
                                     std::uint64_t at, std::uint32_t ramp) noexcept {
  Message m = blank(MessageKind::set_param);
  field::set_param::set_voice(m, voice);
  field::set_param::set_param(m, static_cast<std::uint16_t>(p));
  field::set_param::set_value(m, value);
  field::set_param::set_at(m, at);
  field::set_param::set_ramp(m, ramp);
  return m;
}
constexpr Message Message::play(std::uint32_t voice, std::uint32_t buffer, std::uint64_t at,
                                bool loop, std::uint32_t fade, bool fade_in,
                                bool keylock) noexcept {
  Message m = blank(MessageKind::play);
  field::play::set_voice(m, voice);
  field::play::set_buffer(m, buffer);
  field::play::set_at(m, at);
  field::play::set_flags(m, static_cast<std::uint16_t>((loop ? kPlayLoop : 0) |
                                                       (fade_in ? kPlayFadeIn : 0) |
                                                       (keylock ? kPlayKeylock : 0)));
  field::play::set_fade(m, static_cast<float>(fade));
  return m;
}
constexpr Message Message::stop(std::uint32_t voice, std::uint64_t at,
                                std::uint32_t fade) noexcept {
  Message m = blank(MessageKind::stop);
  field::stop::set_voice(m, voice);
  field::stop::set_at(m, at);
  field::stop::set_fade(m, fade);
  return m;
}
constexpr Message Message::set_voice(std::uint32_t voice, VoiceSetting setting,
                                     std::uint32_t frames, std::uint64_t at) noexcept {
  Message m = blank(MessageKind::set_voice);
  field::set_voice::set_voice(m, voice);
  field::set_voice::set_setting(m, static_cast<std::uint16_t>(setting));
  field::set_voice::set_frames(m, frames);
  field::set_voice::set_at(m, at);
  return m;
}
constexpr Message Message::lock_next_play(std::uint32_t voice, float clip_bpm,
                                          std::uint64_t at) noexcept {
  Message m = set_voice(voice, VoiceSetting::play_bpm, 0, at);
  field::set_voice::set_bpm(m, clip_bpm);
  return m;
}
constexpr Message Message::set_speed(float speed, std::uint64_t at, std::uint32_t ramp) noexcept {
  Message m = blank(MessageKind::set_speed);
  field::set_speed::set_value(m, speed);
  field::set_speed::set_at(m, at);
  field::set_speed::set_ramp(m, ramp);
  return m;
}
constexpr Message Message::voice_ended(std::uint32_t voice, std::uint64_t frame) noexcept {
  Message m = blank(MessageKind::voice_ended);
  field::voice_ended::set_voice(m, voice);
  field::voice_ended::set_frame(m, frame);
  return m;
}
constexpr Message Message::buffer_released(std::uint32_t buffer, std::uint64_t frame) noexcept {
  Message m = blank(MessageKind::buffer_released);
  field::buffer_released::set_buffer_id(m, buffer);
  field::buffer_released::set_frame(m, frame);
  return m;
}
constexpr Message Message::events_lost(std::uint32_t dropped, std::uint64_t frame) noexcept {
  Message m = blank(MessageKind::events_lost);
  field::events_lost::set_dropped(m, dropped);
  field::events_lost::set_frame(m, frame);
  return m;
}

constexpr Message Message::cancel(std::uint32_t voice, std::uint64_t at) noexcept {
  Message m = blank(MessageKind::cancel);
  if (voice == kAllVoices)
    field::cancel::set_flags(m, kCancelAllVoices);
  else
    field::cancel::set_voice(m, voice);
  field::cancel::set_at(m, at);
  return m;
}

constexpr Message Message::set_bus(std::uint32_t bus, BusParam p, float value,
                                   std::uint64_t at, std::uint32_t ramp) noexcept {
  Message m = blank(MessageKind::set_bus);
  field::set_bus::set_bus(m, bus);
  field::set_bus::set_param(m, static_cast<std::uint16_t>(p));
  field::set_bus::set_value(m, value);
  field::set_bus::set_at(m, at);
  field::set_bus::set_ramp(m, ramp);
  return m;
}
constexpr Message Message::meter(std::uint16_t source, std::uint32_t number,
                                 std::uint64_t frame, float peak, std::uint32_t clips) noexcept {
  Message m = blank(MessageKind::meter);
  field::meter::set_source(m, source);
  field::meter::set_number(m, number);
  field::meter::set_frame(m, frame);
  field::meter::set_peak(m, peak);
  field::meter::set_clips(m, clips);
  return m;
}

constexpr Message Message::record_ended(std::uint32_t recording, std::uint16_t cause,
                                        std::uint64_t frame, std::uint64_t frames) noexcept {
  Message m = blank(MessageKind::record_ended);
  field::record_ended::set_recording(m, recording);
  field::record_ended::set_cause(m, cause);
  field::record_ended::set_frame(m, frame);
  field::record_ended::set_frames(
      m, static_cast<std::uint32_t>(std::min<std::uint64_t>(frames, 0xffffffffu)));
  return m;
}

constexpr Message Message::quantize(float grid, std::uint32_t count, std::uint64_t at) noexcept {
  Message m = blank(MessageKind::quantize);
  field::quantize::set_grid(m, grid);
  field::quantize::set_count(m, count);
  field::quantize::set_at(m, at);
  return m;
}

constexpr Message Message::set_tempo(float bpm, std::uint64_t at,
                                     std::uint32_t beats_per_bar) noexcept {
  Message m = blank(MessageKind::set_tempo);
  field::set_tempo::set_bpm(m, bpm);
  field::set_tempo::set_at(m, at);
  field::set_tempo::set_beats_per_bar(m, beats_per_bar);
  return m;
}

constexpr Message Message::metronome(bool on, float gain, std::uint32_t bus,
                                     std::uint64_t at) noexcept {
  Message m = blank(MessageKind::metronome);
  field::metronome::set_on(m, on ? 1 : 0);
  field::metronome::set_gain(m, gain);
  field::metronome::set_bus(m, bus);
  field::metronome::set_at(m, at);
  return m;
}

constexpr Message Message::sync_to(std::uint32_t voice, std::uint64_t at) noexcept {
  Message m = blank(MessageKind::sync_to);
  field::sync_to::set_voice(m, voice);
  field::sync_to::set_at(m, at);
  return m;
}

constexpr Message Message::set_loop(std::uint32_t voice, std::uint32_t loop_start,
                                    std::uint32_t loop_end, std::uint32_t crossfade,
                                    std::uint64_t at) noexcept {
  Message m = blank(MessageKind::set_loop);
  field::set_loop::set_voice(m, voice);
  field::set_loop::set_loop_start(m, loop_start);
  field::set_loop::set_loop_end(m, loop_end);
  field::set_loop::set_crossfade(m, static_cast<float>(crossfade));
  field::set_loop::set_at(m, at);
  return m;
}

// ---- The table, for engine_describe_kind() and the tests -------------------

enum class Direction : std::uint8_t { command, reply, reserved };

struct KindRow {
  MessageKind kind;
  std::string_view name;   // "set_param"
  std::string_view c_name; // "SET_PARAM": ENGINE_MSG_SET_PARAM
  Direction direction;
};
struct FieldRow {
  MessageKind kind;
  std::string_view name; // "voice"
  std::string_view wire; // "id": the member of Message (engine_message) that carries it
};

inline constexpr KindRow kKinds[] = {
#define COMMAND(kind, NAME, number) {MessageKind::kind, #kind, #NAME, Direction::command},
#define REPLY(kind, NAME, number) {MessageKind::kind, #kind, #NAME, Direction::reply},
#define RESERVED(kind, NAME, number) {MessageKind::kind, #kind, #NAME, Direction::reserved},
#include "messages/messages.def"
};
inline constexpr FieldRow kFields[] = {
#define FIELD(kind, name, wire, type) {MessageKind::kind, #name, #wire},
#include "messages/messages.def"
};
inline constexpr std::string_view kParamNames[] = {
#define PARAM(name, NAME, number) #name,
#include "messages/params.def"
};
inline constexpr std::string_view kBusParamNames[] = {
#define BUS_PARAM(name, NAME, number) #name,
#include "messages/bus_params.def"
};
// The most fields a kind has: every member once.
inline constexpr std::size_t kMaxFields = 5;

// What a command acts on: messages.def's TARGET, one per COMMAND.
enum class Target : std::uint8_t {
  none,       // the engine (a ping)
  voice,      // one voice, its FIELD voice: send_all() may choose it, cancel takes it back
  bus,        // one bus or the master, its FIELD bus
  all_voices, // every voice at once (the speed)
  schedule,   // the commands held for later (cancel)
  transport,  // the transport: taken on arrival, its tempo map holds it for its frame
  group,      // the commands that follow it (quantize)
};
struct TargetRow {
  MessageKind kind;
  Target target;
};
inline constexpr TargetRow kTargets[] = {
#define TARGET(kind, target) {MessageKind::kind, Target::target},
#include "messages/messages.def"
};

// The target of a command kind; Target::none for any other kind.
constexpr Target target_of(MessageKind kind) noexcept {
  for (const TargetRow& row : kTargets)
    if (row.kind == kind)
      return row.target;
  return Target::none;
}

// The row of kind number `kind`, or nullptr.
constexpr const KindRow* find_kind(std::uint32_t kind) noexcept {
  for (const KindRow& row : kKinds)
    if (static_cast<std::uint32_t>(row.kind) == kind)
      return &row;
  return nullptr;
}

// Whether kind number `kind` is in the table.
constexpr bool has_kind(std::uint32_t kind) noexcept {
  for (const KindRow& row : kKinds)
    if (static_cast<std::uint32_t>(row.kind) == kind)
      return true;
  return false;
}

namespace detail {
// Checked at compile time: every number once, every FIELD of a kind in the
// table, no member carrying two fields of one kind, params numbered 0..n-1.
consteval bool table_is_sound() {
  for (std::size_t i = 0; i < std::size(kKinds); ++i)
    for (std::size_t j = i + 1; j < std::size(kKinds); ++j)
      if (kKinds[i].kind == kKinds[j].kind)
        return false;
  for (std::size_t i = 0; i < std::size(kFields); ++i) {
    if (!has_kind(static_cast<std::uint32_t>(kFields[i].kind)))
      return false;
    for (std::size_t j = i + 1; j < std::size(kFields); ++j)
      if (kFields[i].kind == kFields[j].kind &&
          (kFields[i].wire == kFields[j].wire || kFields[i].name == kFields[j].name))
        return false;
  }
  std::uint32_t n = 0;
#define PARAM(name, NAME, number) \
  if (number != n++)              \
    return false;
#include "messages/params.def"
  n = 0;
#define BUS_PARAM(name, NAME, number) \
  if (number != n++)                  \
    return false;
#include "messages/bus_params.def"
  return true;
}
} // namespace detail
static_assert(detail::table_is_sound(), "messages.def: a number, field or member twice");

namespace detail {
constexpr bool has_field(MessageKind kind, std::string_view name) noexcept {
  for (const FieldRow& f : kFields)
    if (f.kind == kind && f.name == name)
      return true;
  return false;
}
// Every COMMAND has one TARGET and only commands have one; a voice target
// has a FIELD voice, a bus target a FIELD bus.
consteval bool targets_are_sound() {
  for (const KindRow& row : kKinds) {
    std::size_t n = 0;
    for (const TargetRow& t : kTargets)
      n += t.kind == row.kind;
    if (n != (row.direction == Direction::command ? 1u : 0u))
      return false;
  }
  for (const TargetRow& t : kTargets) {
    if (t.target == Target::voice && !has_field(t.kind, "voice"))
      return false;
    if (t.target == Target::bus && !has_field(t.kind, "bus"))
      return false;
  }
  return true;
}
} // namespace detail
static_assert(detail::targets_are_sound(),
              "messages.def: a COMMAND without its TARGET, or a target without its field");

// The voice a command is for: its FIELD voice when it targets one voice
// (TARGET(kind, voice)); Message::kAllVoices for any other kind.
constexpr std::uint32_t voice_of(const Message& m) noexcept {
  switch (m.kind) {
#define RINGENGINE_TARGET_voice(kind) \
  case MessageKind::kind:             \
    return field::kind::voice(m);
#define RINGENGINE_TARGET_none(kind)
#define RINGENGINE_TARGET_bus(kind)
#define RINGENGINE_TARGET_all_voices(kind)
#define RINGENGINE_TARGET_schedule(kind)
#define RINGENGINE_TARGET_transport(kind)
#define RINGENGINE_TARGET_group(kind)
#define TARGET(kind, target) RINGENGINE_TARGET_##target(kind)
#include "messages/messages.def"
  default:
    return Message::kAllVoices;
  }
}

// Sets the voice of a command that targets one voice; false (and `m` as it
// was) for any other kind.
constexpr bool set_voice_of(Message& m, std::uint32_t voice) noexcept {
  switch (m.kind) {
#undef RINGENGINE_TARGET_voice
#define RINGENGINE_TARGET_voice(kind)   \
  case MessageKind::kind:               \
    field::kind::set_voice(m, voice);   \
    return true;
#define TARGET(kind, target) RINGENGINE_TARGET_##target(kind)
#include "messages/messages.def"
  default:
    return false;
  }
}
#undef RINGENGINE_TARGET_voice
#undef RINGENGINE_TARGET_none
#undef RINGENGINE_TARGET_bus
#undef RINGENGINE_TARGET_all_voices
#undef RINGENGINE_TARGET_schedule
#undef RINGENGINE_TARGET_transport
#undef RINGENGINE_TARGET_group

} // namespace ringengine
