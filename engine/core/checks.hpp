// The checks of the commands (messages.def): why a command cannot be taken,
// as a Refusal (core/refusal.hpp) that each layer above words. Control side,
// any thread; they read the config and ask the buffer table whether a
// buffer is live, nothing else.
#pragma once

#include <cstdint>

#include "core/refusal.hpp"
#include "messages/message.hpp"

namespace ringengine {

struct EngineConfig;

class CommandChecks {
public:
  // Whether buffer `id` may be played: the buffer table's answer, asked
  // through `owner` (which outlives the checks).
  using BufferLive = bool (*)(const void* owner, std::uint32_t id) noexcept;

  CommandChecks(const EngineConfig& config, BufferLive live, const void* owner) noexcept
      : config_(config), live_(live), owner_(owner) {}

  // Why `m` is not a command this engine can take (a Refusal of kind none:
  // it can): an unknown kind, a voice or parameter out of range, a NaN.
  Refusal check(const Message& m) const noexcept;

  // One check per command kind.
#define COMMAND(kind, NAME, number) Refusal check_##kind(const Message& m) const noexcept;
#include "messages/messages.def"

  // Why a loop's region [loop_start, loop_end) (loop_end 0: the end)
  // cannot play on a buffer of `frames` frames: a start past its last
  // frame, an end past its end or not after the start.
  static Refusal check_region(std::uint64_t frames, std::uint64_t loop_start,
                              std::uint64_t loop_end) noexcept;

private:
  Refusal no_such_voice(std::uint32_t voice) const noexcept;

  const EngineConfig& config_;
  BufferLive live_;
  const void* owner_;
};

} // namespace ringengine
