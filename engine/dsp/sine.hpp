// The sine the oscillators use, and the phase it reads.
#pragma once

#include <cmath>
#include <cstdint>

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

} // namespace ringengine
