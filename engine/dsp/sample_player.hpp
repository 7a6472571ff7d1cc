// A source: a sample buffer read from its first frame, once or looped.
// The rule for channel counts that differ: on a mono output, a buffer of
// several channels plays as their average; otherwise channel c plays on
// output c, a buffer's channels past the output's are left out, and a mono
// buffer plays on every output (Pan spreads it). Thread:
// the audio thread only; the buffer is borrowed (resources/handoff.hpp).
#pragma once

#include <algorithm>
#include <cstdint>

#include "dsp/signal.hpp"
#include "resources/sample_buffer.hpp"

namespace ringengine {

class SamplePlayer {
public:
  void start(const SampleBuffer* buffer, std::uint32_t id, bool loop) noexcept {
    buffer_ = buffer;
    id_ = id;
    position_ = 0;
    loop_ = loop;
  }
  // Ends the buffer playing; true when one was.
  bool stop() noexcept {
    const bool was = buffer_ != nullptr;
    buffer_ = nullptr;
    return was;
  }
  bool playing() const noexcept { return buffer_ != nullptr; }
  bool looping() const noexcept { return buffer_ != nullptr && loop_; }
  // The id of the buffer playing, or 0.
  std::uint32_t buffer_id() const noexcept { return buffer_ != nullptr ? id_ : 0; }
  // The buffer's next frame.
  std::uint64_t position() const noexcept { return position_; }

  // Writes up to out.frames frames, channel c of the buffer into
  // out.planes[c] for c below min(buffer channels, output channels) (on a
  // mono output, the average of the buffer's channels into plane 0), and
  // returns how many it wrote: fewer than asked when a one-shot buffer ran
  // out, after which playing() is false (also when it ran out exactly at
  // the end of the frames asked for).
  std::uint32_t render(Signal& out, std::uint32_t output_channels) noexcept {
    const SampleBuffer& b = *buffer_;
    const std::uint32_t from = b.channels;
    const std::uint32_t channels = std::min(from, output_channels);
    const bool average = output_channels == 1 && from > 1;
    out.channels = channels;
    for (std::uint32_t i = 0; i < out.frames; ++i) {
      if (position_ == b.frames) {
        if (!loop_) {
          buffer_ = nullptr;
          return i;
        }
        position_ = 0;
      }
      const float* frame = &b.samples[position_ * from];
      if (average) {
        float sum = frame[0];
        for (std::uint32_t c = 1; c < from; ++c)
          sum += frame[c];
        out.planes[0][i] = sum / static_cast<float>(from);
      } else {
        for (std::uint32_t c = 0; c < channels; ++c)
          out.planes[c][i] = frame[c];
      }
      ++position_;
    }
    if (position_ == b.frames && !loop_)
      buffer_ = nullptr;
    return out.frames;
  }

private:
  const SampleBuffer* buffer_ = nullptr;
  std::uint32_t id_ = 0;
  std::uint64_t position_ = 0;
  bool loop_ = false;
};

} // namespace ringengine
