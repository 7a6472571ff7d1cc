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

// The stream a backend opens: what the engine was made for.
struct StreamConfig {
  std::uint32_t sample_rate = 0;
  std::uint32_t block_frames = 0; // the block the engine expects (a backend may give others)
  std::uint32_t channels = 0;     // output channels
  std::uint32_t inputs = 0;       // input channels; 0: none
};

// What a backend calls. Everything else of the engine is out of its sight.
class AudioCallback {
public:
  // The stream to open. Thread: any.
  virtual StreamConfig stream() const noexcept = 0;
  // One block: `frames` of output into `out`, with `in` (inputs channels,
  // silence when empty). Thread: the audio thread only, one call at a time;
  // wait-free.
  virtual void process(const AudioOut& out, std::uint32_t frames,
                       const AudioIn& in = {}) noexcept = 0;
  // Counts an under/overrun the backend saw. Thread: the audio thread.
  virtual void note_xrun() noexcept = 0;
  // The offline backend, before each block of `frames` it runs, outside
  // the real-time scope: waits until the block can run without losing
  // anything (every file recording's ring has room for it). Thread: the
  // caller of the offline render. Blocks (offline only: no deadline).
  virtual void before_offline_block(std::uint32_t frames) noexcept { (void)frames; }

protected:
  AudioCallback() = default;
  AudioCallback(const AudioCallback&) = default;
  AudioCallback& operator=(const AudioCallback&) = default;
  ~AudioCallback() = default; // not deleted through this interface
};

} // namespace ringengine
