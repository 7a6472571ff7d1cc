// What flows between the processors of a voice: planes of float samples,
// one per channel, `frames` long (at most the engine's chunk).
#pragma once

#include <cstdint>

namespace ringengine {

struct Signal {
  float* const* planes;   // planes[c][0 .. frames)
  std::uint32_t channels; // planes that carry sound: 1 .. the output's
  std::uint32_t frames;
};

} // namespace ringengine
