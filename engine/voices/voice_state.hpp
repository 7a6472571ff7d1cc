// One voice's state as the audio thread publishes it (Engine::voice_state).
#pragma once

#include <cstdint>

namespace ringengine {

// One voice, as it was at the end of the last block it was heard in (or
// when it came to rest).
struct VoiceState {
  std::uint64_t frame = 0;    // the engine position this describes
  std::uint64_t position = 0; // the buffer's next frame, when one plays
  std::uint32_t buffer = 0;   // the id of the buffer playing, or 0
  std::uint32_t flags = 0;    // kVoicePlaying | kVoiceLooping | kVoiceSounding
  double freq = 0, gain = 1, pan = 0;
};

inline constexpr std::uint32_t kVoicePlaying = 1;  // a buffer plays
inline constexpr std::uint32_t kVoiceLooping = 2;  // ... looped
inline constexpr std::uint32_t kVoiceSounding = 4; // the sine sounds

} // namespace ringengine
