// What a backend sees of the engine: the stream's shape and the audio
// callback, nothing else (miniaudio's device callback, scsynth's
// SC_AudioDriver beside World). The Engine implements it.
#pragma once

#include <cstdint>

namespace ringengine {

// The block's output, as the backend has it: interleaved (frame i, channel
// c at interleaved[i * channels + c]) or planar (channel c at planes[c]).
// Neither: the block is computed and discarded.
struct AudioOut {
  float* interleaved = nullptr;
  float* const* planes = nullptr;
};

// The block's input, as the backend has it (interleaved, inputs channels,
// or planar); neither: silence.
struct AudioIn {
  const float* interleaved = nullptr;
  const float* const* planes = nullptr;
};

} // namespace ringengine
