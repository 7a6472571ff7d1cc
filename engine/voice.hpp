// A voice: a sine oscillator with gain and pan, each parameter able to move
// linearly to a new value over a number of frames. Thread: the audio thread
// only. Non-blocking: rendering is arithmetic on memory the Engine allocated
// at create.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "message.hpp"

namespace ringengine {

// sin(2 pi t) for a phase t in turns, [0, 1). Odd Taylor polynomial of
// degree 11 on the quarter wave, |error| < 1.5e-7: deterministic, no libm
// call, a few ns a sample.
inline float sine_turns(double t) noexcept {
  float u = static_cast<float>(t >= 0.5 ? t - 1.0 : t); // [-0.5, 0.5)
  if (u > 0.25f)
    u = 0.5f - u;
  else if (u < -0.25f)
    u = -0.5f - u;
  const float x = u * 6.28318530717958647692f; // [-pi/2, pi/2]
  const float x2 = x * x;
  return x * (1.0f + x2 * (-1.0f / 6 + x2 * (1.0f / 120 + x2 * (-1.0f / 5040 +
              x2 * (1.0f / 362880 + x2 * (-1.0f / 39916800))))));
}

// A parameter that moves linearly: `value` now, reaching `target` after
// `left` more frames, by `step` each frame.
struct Ramp {
  double value = 0, target = 0, step = 0;
  std::uint32_t left = 0;

  void set(double to, std::uint32_t frames) noexcept {
    target = to;
    left = frames;
    if (frames == 0)
      value = to;
    else
      step = (to - value) / frames;
  }
  bool moving() const noexcept { return left != 0; }
  // One frame on.
  void tick() noexcept {
    if (left != 0 && --left == 0)
      value = target;
    else if (left != 0)
      value += step;
  }
  // n frames on, without output.
  void skip(std::uint32_t n) noexcept {
    if (left == 0)
      return;
    if (n >= left) {
      value = target;
      left = 0;
    } else {
      value += step * n;
      left -= n;
    }
  }
};

class Voice {
public:
  void init(double sample_rate) noexcept {
    inv_rate_ = 1.0 / sample_rate;
    freq_.set(0.0, 0);
    gain_.set(1.0, 0);
    pan_.set(0.0, 0);
    phase_ = 0.0;
  }

  void set(Param p, float value, std::uint32_t ramp) noexcept {
    switch (p) {
    case Param::freq: freq_.set(value, ramp); break;
    case Param::gain: gain_.set(value, ramp); break;
    case Param::pan: pan_.set(value, ramp); break;
    }
  }

  // Whether rendering would add anything now.
  bool sounding() const noexcept {
    return (freq_.value > 0 || freq_.moving()) && (gain_.value != 0 || gain_.moving());
  }

  // Adds n frames (n <= the scratch length) to mix[c][0..n) for each of
  // `channels` planes; `scratch` holds n floats.
  void render(float* const* mix, std::uint32_t channels, std::uint32_t n,
              float* scratch) noexcept {
    if (!sounding()) {
      skip(n);
      return;
    }
    if (!freq_.moving() && !gain_.moving() && !pan_.moving()) {
      const double inc = freq_.value * inv_rate_;
      const float gain = static_cast<float>(gain_.value);
      double phase = phase_;
      for (std::uint32_t i = 0; i < n; ++i) {
        scratch[i] = sine_turns(phase) * gain;
        phase += inc;
        if (phase >= 1.0)
          phase -= 1.0;
      }
      phase_ = phase;
      add(mix, channels, n, scratch, static_cast<float>(pan_.value));
      return;
    }
    // Something moves: every parameter is advanced frame by frame.
    for (std::uint32_t i = 0; i < n; ++i) {
      const float s = sine_turns(phase_) * static_cast<float>(gain_.value);
      const float pan = static_cast<float>(pan_.value);
      mix[0][i] += s * left_weight(channels, pan);
      if (channels > 1)
        mix[1][i] += s * right_weight(pan);
      for (std::uint32_t c = 2; c < channels; ++c)
        mix[c][i] += s;
      phase_ += freq_.value * inv_rate_;
      if (phase_ >= 1.0)
        phase_ -= 1.0;
      freq_.tick();
      gain_.tick();
      pan_.tick();
    }
  }

private:
  // pan is a balance: at 0 both sides carry the voice in full; towards one
  // side, the other is scaled down linearly, to nothing at +-1. Mono
  // ignores it; channels past the first two carry the voice in full.
  static float left_weight(std::uint32_t channels, float pan) noexcept {
    return channels == 1 || pan <= 0 ? 1.0f : 1.0f - pan;
  }
  static float right_weight(float pan) noexcept { return pan >= 0 ? 1.0f : 1.0f + pan; }

  static void add(float* const* mix, std::uint32_t channels, std::uint32_t n,
                  const float* s, float pan) noexcept {
    for (std::uint32_t c = 0; c < channels; ++c) {
      const float w = c == 0 ? left_weight(channels, pan) : c == 1 ? right_weight(pan) : 1.0f;
      float* out = mix[c];
      for (std::uint32_t i = 0; i < n; ++i)
        out[i] += s[i] * w;
    }
  }

  // n frames on, silent.
  void skip(std::uint32_t n) noexcept {
    if (freq_.moving()) {
      for (std::uint32_t i = 0; i < n; ++i) {
        phase_ += freq_.value * inv_rate_;
        if (phase_ >= 1.0)
          phase_ -= 1.0;
        freq_.tick();
      }
    } else {
      const double phase = phase_ + freq_.value * inv_rate_ * n;
      phase_ = phase - std::floor(phase);
    }
    gain_.skip(n);
    pan_.skip(n);
  }

  Ramp freq_, gain_, pan_;
  double phase_ = 0; // turns, [0, 1)
  double inv_rate_ = 1.0 / 48000;
};

} // namespace ringengine
