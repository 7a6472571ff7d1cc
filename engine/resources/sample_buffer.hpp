// A sample buffer: interleaved float frames the control side prepared and
// the audio thread reads, lent through a Handoff<SampleBuffer>.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ringengine {

struct SampleBuffer {
  std::uint64_t frames = 0;
  std::uint32_t channels = 0;
  std::unique_ptr<float[]> samples; // frames * channels, interleaved
  // Where it came from: a file's path and rate (load_file), or "" and 0.
  std::uint32_t source_rate = 0;
  std::string path;
};

} // namespace ringengine
