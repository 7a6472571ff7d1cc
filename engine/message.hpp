// The messages that cross the rings: one fixed-size tagged struct, the C++
// counterpart of a Rust enum. Copied as raw bytes; never serialized.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ringengine {

enum class MessageKind : std::uint32_t {
  none = 0,
  ping = 1, // control -> audio: seq set, frame unused (0)
  pong = 2, // audio -> control: seq of the ping, frame = sample position
};

struct Message {
  MessageKind kind;
  std::uint32_t seq;   // wraps modulo 2^32
  std::uint64_t frame; // engine's sample position when the ping was handled

  static constexpr Message ping(std::uint32_t seq) noexcept {
    return {MessageKind::ping, seq, 0};
  }
  static constexpr Message pong(std::uint32_t seq, std::uint64_t frame) noexcept {
    return {MessageKind::pong, seq, frame};
  }
};

// The layout is the C ABI's engine_message too (capi/ asserts the match).
static_assert(std::is_trivially_copyable_v<Message>);
static_assert(std::is_standard_layout_v<Message>);
static_assert(sizeof(Message) == 16 && alignof(Message) == 8);
static_assert(offsetof(Message, seq) == 4 && offsetof(Message, frame) == 8);

} // namespace ringengine
