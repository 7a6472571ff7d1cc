// A voice: a sine oscillator with gain and pan, each parameter able to move
// linearly to a new value over a number of frames. Thread: the audio thread
// only. Non-blocking: rendering is arithmetic on memory the Engine allocated
// at create.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "resources/buffers.hpp"
#include "messages/message.hpp"

namespace ringengine {

// The phase of an oscillator: turns in 64-bit fixed point (2^64 is one
// turn), so it wraps by itself and a frame's phase is first + i * increment
// with no error growing from frame to frame.
using Phase = std::uint64_t;

// sin(2 pi t) for the phase t. Odd Taylor polynomial of degree 11 on the
// quarter wave, |error| < 1.5e-7: deterministic, no libm call, no branch
// (so a loop of it vectorizes), about a ns a sample.
inline float sine(Phase phase) noexcept {
  // The top 32 bits as signed: turns in [-0.5, 0.5).
  const float u = static_cast<float>(static_cast<std::int32_t>(phase >> 32)) * 0x1p-32f;
  // Folded onto the quarter wave: sin(2 pi u) = sin(2 pi (+-0.5 - u)).
  const float a = std::fabs(u);
  const float m = a < 0.5f - a ? a : 0.5f - a;
  const float folded = u < 0 ? -m : m;                            // [-0.25, 0.25]
  const float x = folded * 6.28318530717958647692f;               // [-pi/2, pi/2]
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
  // What render() returns while a buffer plays on (or a sine sounds).
  static constexpr std::uint32_t kStillPlaying = 0xffffffffu;

  void init(double sample_rate) noexcept {
    phase_per_hz_ = 0x1p64 / sample_rate;
    freq_.set(0.0, 0);
    gain_.set(1.0, 0);
    pan_.set(0.0, 0);
    phase_ = 0;
  }

  void set(Param p, float value, std::uint32_t ramp) noexcept {
    switch (p) {
    case Param::freq: freq_.set(value, ramp); break;
    case Param::gain: gain_.set(value, ramp); break;
    case Param::pan: pan_.set(value, ramp); break;
    }
  }

  // Plays `buffer` (whose id is `id`) from its first frame, instead of
  // the sine; the voice's gain and pan apply.
  void play(const SampleBuffer* buffer, std::uint32_t id, bool loop) noexcept {
    buffer_ = buffer;
    buffer_id_ = id;
    position_ = 0;
    loop_ = loop;
  }
  // Ends the buffer playing, if one is; true when one was.
  bool stop_buffer() noexcept {
    const bool was = buffer_ != nullptr;
    buffer_ = nullptr;
    return was;
  }
  // The id of the buffer playing, or 0.
  std::uint32_t buffer_id() const noexcept { return buffer_ != nullptr ? buffer_id_ : 0; }

  // Whether the voice stays as it is while time passes (no buffer, freq 0,
  // nothing moving), so rendering may skip it.
  bool resting() const noexcept {
    return buffer_ == nullptr && freq_.value == 0 && !freq_.moving() && !gain_.moving() &&
           !pan_.moving();
  }

  // Whether rendering would add anything now.
  bool sounding() const noexcept {
    return (freq_.value > 0 || freq_.moving()) && (gain_.value != 0 || gain_.moving());
  }

  // Adds n frames (n <= the scratch length) to mix[c][0..n) for each of
  // `channels` planes; `scratch` holds n floats. Returns kStillPlaying, or
  // where in the n frames the buffer that played ran out (not looping).
  std::uint32_t render(float* const* mix, std::uint32_t channels, std::uint32_t n,
                       float* scratch) noexcept {
    if (buffer_ != nullptr)
      return render_buffer(mix, channels, n);
    if (!sounding()) {
      skip(n);
      return kStillPlaying;
    }
    if (!freq_.moving() && !gain_.moving() && !pan_.moving()) {
      // Each frame's phase from the first, not from the one before: no
      // chain from frame to frame, so the loop vectorizes.
      const Phase inc = increment();
      const float gain = static_cast<float>(gain_.value);
      const Phase first = phase_;
      for (std::uint32_t i = 0; i < n; ++i)
        scratch[i] = sine(first + i * inc) * gain;
      phase_ = first + n * inc;
      add(mix, channels, n, scratch, static_cast<float>(pan_.value));
      return kStillPlaying;
    }
    // Something moves: every parameter is advanced frame by frame.
    for (std::uint32_t i = 0; i < n; ++i) {
      const float s = sine(phase_) * static_cast<float>(gain_.value);
      const float pan = static_cast<float>(pan_.value);
      mix[0][i] += s * left_weight(channels, pan);
      if (channels > 1)
        mix[1][i] += s * right_weight(pan);
      for (std::uint32_t c = 2; c < channels; ++c)
        mix[c][i] += s;
      phase_ += increment();
      freq_.tick();
      gain_.tick();
      pan_.tick();
    }
    return kStillPlaying;
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

  // The buffer's frames, from where it is: channel c of the buffer on
  // output channel c, a mono buffer on every output channel; buffer
  // channels past the output's are not played, output channels past the
  // buffer's get nothing. With gain 1 and pan 0 the samples pass unchanged.
  std::uint32_t render_buffer(float* const* mix, std::uint32_t channels,
                              std::uint32_t n) noexcept {
    const SampleBuffer& b = *buffer_;
    const std::uint32_t from = b.channels;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (position_ == b.frames) {
        if (!loop_) {
          buffer_ = nullptr;
          gain_.skip(n - i);
          pan_.skip(n - i);
          return i;
        }
        position_ = 0;
      }
      const float* frame = &b.samples[position_ * from];
      const float gain = static_cast<float>(gain_.value);
      const float pan = static_cast<float>(pan_.value);
      for (std::uint32_t c = 0; c < channels && (from == 1 || c < from); ++c) {
        const float w = c == 0 ? left_weight(channels, pan) : c == 1 ? right_weight(pan) : 1.0f;
        mix[c][i] += frame[from == 1 ? 0 : c] * gain * w;
      }
      ++position_;
      gain_.tick();
      pan_.tick();
    }
    if (position_ == b.frames && !loop_) {
      buffer_ = nullptr;
      return n;
    }
    return kStillPlaying;
  }

  // n frames on, silent.
  void skip(std::uint32_t n) noexcept {
    if (freq_.moving()) {
      for (std::uint32_t i = 0; i < n; ++i) {
        phase_ += increment();
        freq_.tick();
      }
    } else {
      phase_ += n * increment();
    }
    gain_.skip(n);
    pan_.skip(n);
  }

  // The phase step of a frame at the current frequency (at most half a
  // turn: freq <= sample_rate / 2).
  Phase increment() const noexcept { return static_cast<Phase>(freq_.value * phase_per_hz_); }

  Ramp freq_, gain_, pan_;
  Phase phase_ = 0;
  const SampleBuffer* buffer_ = nullptr; // playing instead of the sine
  std::uint32_t buffer_id_ = 0;
  std::uint64_t position_ = 0; // the buffer's next frame
  bool loop_ = false;
  double phase_per_hz_ = 0x1p64 / 48000; // 2^64 / sample_rate
};

} // namespace ringengine
