// The last processor of a voice: adds its signal into the mix, placed by a
// pan that can ramp. Thread: the audio thread only.
//
// The law is a balance: at 0 both sides carry the voice in full; towards
// one side, the other is scaled down linearly, to nothing at +-1. Mono
// ignores it; output channels past the first two carry the voice in full. A
// one-channel signal goes to every output channel; a signal of more
// channels, channel c to output c.
#pragma once

#include <cstdint>

#include "dsp/ramp.hpp"
#include "dsp/signal.hpp"

namespace ringengine {

class Pan {
public:
  void init() noexcept { pan_.set(0.0, 0); }
  void set(float pan, std::uint32_t ramp) noexcept { pan_.set(pan, ramp); }
  double value() const noexcept { return pan_.value; }
  bool moving() const noexcept { return pan_.moving(); }

  // Adds s into mix[0 .. channels), s.frames frames.
  void mix_into(const Signal& s, float* const* mix, std::uint32_t channels) noexcept {
    const std::uint32_t reach = s.channels == 1 ? channels : s.channels;
    if (!pan_.moving()) {
      const float pan = static_cast<float>(pan_.value);
      for (std::uint32_t c = 0; c < reach; ++c) {
        const float w = weight(c, channels, pan);
        const float* from = s.planes[s.channels == 1 ? 0 : c];
        float* to = mix[c];
        for (std::uint32_t i = 0; i < s.frames; ++i)
          to[i] += from[i] * w;
      }
      return;
    }
    for (std::uint32_t i = 0; i < s.frames; ++i) {
      const float pan = static_cast<float>(pan_.value);
      for (std::uint32_t c = 0; c < reach; ++c)
        mix[c][i] += s.planes[s.channels == 1 ? 0 : c][i] * weight(c, channels, pan);
      pan_.tick();
    }
  }
  void skip(std::uint32_t n) noexcept { pan_.skip(n); }

private:
  static float weight(std::uint32_t c, std::uint32_t channels, float pan) noexcept {
    if (c == 0)
      return channels == 1 || pan <= 0 ? 1.0f : 1.0f - pan;
    if (c == 1)
      return pan >= 0 ? 1.0f : 1.0f + pan;
    return 1.0f;
  }

  Ramp pan_;
};

} // namespace ringengine
