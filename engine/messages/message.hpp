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
  set_param = 3, // id: voice; param, value; frame: when; arg: ramp frames
  play = 4,      // id: voice; arg: buffer; param: 1 to loop; frame: when
  stop = 5,      // id: voice; frame: when
  buffer_close = 6, // arg: buffer (the audio thread lets go of it)
  // audio -> control
  pong = 2,             // id: the ping's sequence number; frame: position when handled
  voice_ended = 7,      // id: voice; frame: just past its last sample
  buffer_released = 8,  // arg: buffer; frame: position when let go
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
  std::uint32_t arg;   // set_param: ramp frames (0: at once); buffer kinds: the buffer

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
  static constexpr Message play(std::uint32_t voice, std::uint32_t buffer,
                                std::uint64_t at = kFrameNext, bool loop = false) noexcept {
    return {MessageKind::play, loop ? std::uint16_t{1} : std::uint16_t{0}, voice, at, 0.0f,
            buffer};
  }
  static constexpr Message stop(std::uint32_t voice, std::uint64_t at = kFrameNext) noexcept {
    return {MessageKind::stop, 0, voice, at, 0.0f, 0};
  }
  static constexpr Message buffer_close(std::uint32_t buffer) noexcept {
    return {MessageKind::buffer_close, 0, 0, kFrameNext, 0.0f, buffer};
  }
  static constexpr Message voice_ended(std::uint32_t voice, std::uint64_t frame) noexcept {
    return {MessageKind::voice_ended, 0, voice, frame, 0.0f, 0};
  }
  static constexpr Message buffer_released(std::uint32_t buffer, std::uint64_t frame) noexcept {
    return {MessageKind::buffer_released, 0, 0, frame, 0.0f, buffer};
  }
};

// The layout is the C ABI's engine_message too (capi/ asserts the match):
// 24 bytes, so a ring slot with its 8-byte stamp is 32 bytes.
static_assert(std::is_trivially_copyable_v<Message>);
static_assert(std::is_standard_layout_v<Message>);
static_assert(sizeof(Message) == 24 && alignof(Message) == 8);
static_assert(offsetof(Message, param) == 2 && offsetof(Message, id) == 4);
static_assert(offsetof(Message, frame) == 8 && offsetof(Message, value) == 16);
static_assert(offsetof(Message, arg) == 20);

} // namespace ringengine
