// A parameter that moves linearly: `value` now, reaching `target` after
// `left` more frames, by `step` each frame. In double, so that a long ramp
// lands where it was sent.
#pragma once

#include <cstdint>

namespace ringengine {

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

} // namespace ringengine
