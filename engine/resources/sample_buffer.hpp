// A sample buffer: interleaved float frames the control side prepared and
// the audio thread reads, lent through a Handoff<SampleBuffer>.
#pragma once

#include <cstdint>
#include <memory>

namespace ringengine {

struct SampleBuffer {
  std::uint64_t frames;
  std::uint32_t channels;
  std::unique_ptr<float[]> samples; // frames * channels, interleaved
};

} // namespace ringengine
