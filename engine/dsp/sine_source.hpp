// A source: the sine oscillator, its frequency able to ramp. Writes one
// channel. Thread: the audio thread only.
#pragma once

#include <cstdint>

#include "dsp/ramp.hpp"
#include "dsp/signal.hpp"
#include "dsp/sine.hpp"

namespace ringengine {

class SineSource {
public:
  void init(double sample_rate) noexcept {
    phase_per_hz_ = 0x1p64 / sample_rate;
    freq_.set(0.0, 0);
    phase_ = 0;
  }
  void set_freq(float hz, std::uint32_t ramp) noexcept { freq_.set(hz, ramp); }
  double freq() const noexcept { return freq_.value; }

  // Whether it stays silent while time passes (freq 0, not moving).
  bool resting() const noexcept { return freq_.value == 0 && !freq_.moving(); }
  // Whether it sounds now (freq above 0, or on its way somewhere).
  bool audible() const noexcept { return freq_.value > 0 || freq_.moving(); }

  // Writes out.frames frames into out.planes[0]; out.channels becomes 1.
  void render(Signal& out) noexcept {
    float* to = out.planes[0];
    const std::uint32_t n = out.frames;
    out.channels = 1;
    if (!freq_.moving()) {
      // Each frame's phase from the first, not from the one before: no
      // chain from frame to frame, so the loop vectorizes.
      const Phase inc = increment();
      const Phase first = phase_;
      for (std::uint32_t i = 0; i < n; ++i)
        to[i] = sine(first + i * inc);
      phase_ = first + n * inc;
      return;
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      to[i] = sine(phase_);
      phase_ += increment();
      freq_.tick();
    }
  }

  // n frames on, without output.
  void skip(std::uint32_t n) noexcept {
    if (freq_.moving()) {
      for (std::uint32_t i = 0; i < n; ++i) {
        phase_ += increment();
        freq_.tick();
      }
    } else {
      phase_ += n * increment();
    }
  }

private:
  // The phase step of a frame at the current frequency (at most half a
  // turn: freq <= sample_rate / 2).
  Phase increment() const noexcept { return static_cast<Phase>(freq_.value * phase_per_hz_); }

  Ramp freq_;
  Phase phase_ = 0;
  double phase_per_hz_ = 0x1p64 / 48000; // 2^64 / sample_rate
};

} // namespace ringengine
