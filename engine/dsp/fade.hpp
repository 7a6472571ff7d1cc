// A processor: a fade in or out, a gain that moves linearly from where it
// is to 1 or to 0 over a number of frames, to declick a start, a stop or a
// retrigger. Out of the way (no multiply) at rest at 1. Thread: the audio
// thread only.
#pragma once

#include <cstdint>

#include "dsp/ramp.hpp"
#include "dsp/signal.hpp"

namespace ringengine {

class Fade {
public:
  // What process() returns while the fade has not reached 0.
  static constexpr std::uint32_t kNotSilent = 0xffffffffu;

  void reset() noexcept { gain_.set(1.0, 0); }
  // From 0 up to 1 over `frames` (0: at once).
  void in(std::uint32_t frames) noexcept {
    gain_.set(0.0, 0);
    gain_.set(1.0, frames);
  }
  // From where it is down to 0 over `frames`.
  void out(std::uint32_t frames) noexcept { gain_.set(0.0, frames == 0 ? 1 : frames); }
  bool fading_out() const noexcept { return gain_.target == 0; }
  bool active() const noexcept { return gain_.moving() || gain_.value != 1.0; }

  // Multiplies s by the fade; returns the frame at which a fade out reached
  // 0 (the frames from there on are silent), or kNotSilent.
  std::uint32_t process(Signal& s) noexcept {
    if (!active())
      return kNotSilent;
    for (std::uint32_t i = 0; i < s.frames; ++i) {
      if (gain_.value == 0 && !gain_.moving() && gain_.target == 0) {
        for (std::uint32_t c = 0; c < s.channels; ++c)
          for (std::uint32_t j = i; j < s.frames; ++j)
            s.planes[c][j] = 0;
        return i;
      }
      const float g = static_cast<float>(gain_.value);
      for (std::uint32_t c = 0; c < s.channels; ++c)
        s.planes[c][i] *= g;
      gain_.tick();
    }
    return gain_.value == 0 && gain_.target == 0 && !gain_.moving() ? s.frames : kNotSilent;
  }
  void skip(std::uint32_t n) noexcept { gain_.skip(n); }

private:
  Ramp gain_{1.0, 1.0, 0.0, 0};
};

} // namespace ringengine
