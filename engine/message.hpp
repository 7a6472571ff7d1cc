// The messages that cross the rings: one fixed-size tagged struct for every
// command and every reply, the C++ counterpart of a Rust enum. Copied as raw
// bytes; never serialized. Adding a kind: a line in MessageKind, a case in
// Engine::dispatch() (commands) or a constructor here (replies), then the C
// header's enum and Python's reply table (docs/architecture.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ringengine {

enum class MessageKind : std::uint16_t {
  none = 0,
  // control -> audio
  ping = 1,      // id: sequence number
  set_param = 3, // id: voice; param, value; frame: when; ramp: frames
  // audio -> control
  pong = 2, // id: the ping's sequence number; frame: position when handled
};

// The parameters of a voice (MessageKind::set_param).
enum class Param : std::uint16_t {
  freq = 0, // Hz, 0 (silence) .. sample_rate / 2
  gain = 1, // linear, 0 .. kMaxGain
  pan = 2,  // -1 (left) .. +1 (right)
};
inline constexpr std::uint16_t kParamCount = 3;
inline constexpr float kMaxGain = 16.0f;

// A command's `frame` meaning "at the start of the next block".
inline constexpr std::uint64_t kFrameNext = std::numeric_limits<std::uint64_t>::max();

struct Message {
  MessageKind kind;
  std::uint16_t param; // set_param: a Param
  std::uint32_t id;    // ping, pong: sequence number (wraps); voice kinds: the voice
  std::uint64_t frame; // commands: the frame they take effect (kFrameNext);
                       // replies: the engine's position they refer to
  float value;         // set_param: the new value
  std::uint32_t ramp;  // set_param: frames to move there linearly (0: at once)

  static constexpr Message ping(std::uint32_t seq) noexcept {
    return {MessageKind::ping, 0, seq, 0, 0.0f, 0};
  }
  static constexpr Message pong(std::uint32_t seq, std::uint64_t frame) noexcept {
    return {MessageKind::pong, 0, seq, frame, 0.0f, 0};
  }
  static constexpr Message set_param(std::uint32_t voice, Param p, float value,
                                     std::uint64_t at = kFrameNext,
                                     std::uint32_t ramp = 0) noexcept {
    return {MessageKind::set_param, static_cast<std::uint16_t>(p), voice, at, value, ramp};
  }
};

// The layout is the C ABI's engine_message too (capi/ asserts the match):
// 24 bytes, so a ring slot with its 8-byte stamp is 32 bytes.
static_assert(std::is_trivially_copyable_v<Message>);
static_assert(std::is_standard_layout_v<Message>);
static_assert(sizeof(Message) == 24 && alignof(Message) == 8);
static_assert(offsetof(Message, param) == 2 && offsetof(Message, id) == 4);
static_assert(offsetof(Message, frame) == 8 && offsetof(Message, value) == 16);
static_assert(offsetof(Message, ramp) == 20);

} // namespace ringengine
