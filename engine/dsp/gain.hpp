// A processor: multiplies every channel by a gain that can ramp. Thread:
// the audio thread only.
#pragma once

#include <cstdint>

#include "dsp/ramp.hpp"
#include "dsp/signal.hpp"

namespace ringengine {

class Gain {
public:
  void init() noexcept { gain_.set(1.0, 0); }
  void set(float gain, std::uint32_t ramp) noexcept { gain_.set(gain, ramp); }
  double value() const noexcept { return gain_.value; }
  bool moving() const noexcept { return gain_.moving(); }
  // Whether anything multiplied by it can be heard now.
  bool audible() const noexcept { return gain_.value != 0 || gain_.moving(); }

  void process(Signal& s) noexcept {
    if (!gain_.moving()) {
      if (gain_.value == 1.0)
        return; // x * 1 is x
      const float g = static_cast<float>(gain_.value);
      for (std::uint32_t c = 0; c < s.channels; ++c) {
        float* x = s.planes[c];
        for (std::uint32_t i = 0; i < s.frames; ++i)
          x[i] *= g;
      }
      return;
    }
    for (std::uint32_t i = 0; i < s.frames; ++i) {
      const float g = static_cast<float>(gain_.value);
      for (std::uint32_t c = 0; c < s.channels; ++c)
        s.planes[c][i] *= g;
      gain_.tick();
    }
  }
  void skip(std::uint32_t n) noexcept { gain_.skip(n); }

private:
  Ramp gain_;
};

} // namespace ringengine
