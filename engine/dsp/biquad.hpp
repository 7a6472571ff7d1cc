// A second-order section (biquad): coefficients computed once, when the
// engine is created, from the Audio EQ Cookbook's formulas (R. Bristow-
// Johnson), and a transposed direct form II state per channel. In double:
// low crossovers at 48 kHz put poles near z = 1, where float's rounding
// turns into noise. Thread: coefficients anywhere; process on the audio
// thread.
#pragma once

#include <cmath>
#include <numbers>

namespace ringengine {

struct BiquadCoefficients {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0; // normalized: a0 == 1

  enum class Shape { lowpass, highpass, allpass };
  // A Butterworth (Q = 1/sqrt 2) low- or high-pass, or the allpass of the
  // same Q, at `hz`.
  static BiquadCoefficients make(Shape shape, double hz, double sample_rate) noexcept {
    const double w0 = 2 * std::numbers::pi * hz / sample_rate;
    const double cosw = std::cos(w0);
    const double alpha = std::sin(w0) / std::numbers::sqrt2; // sin w0 / (2 Q), Q = 1 / sqrt 2
    const double a0 = 1 + alpha;
    BiquadCoefficients k;
    switch (shape) {
    case Shape::lowpass:
      k.b0 = (1 - cosw) / 2 / a0;
      k.b1 = (1 - cosw) / a0;
      k.b2 = k.b0;
      break;
    case Shape::highpass:
      k.b0 = (1 + cosw) / 2 / a0;
      k.b1 = -(1 + cosw) / a0;
      k.b2 = k.b0;
      break;
    case Shape::allpass:
      k.b0 = (1 - alpha) / a0;
      k.b1 = -2 * cosw / a0;
      k.b2 = (1 + alpha) / a0;
      break;
    }
    k.a1 = -2 * cosw / a0;
    k.a2 = (1 - alpha) / a0;
    return k;
  }
};

struct BiquadState {
  double z1 = 0, z2 = 0;

  double step(const BiquadCoefficients& k, double x) noexcept {
    const double y = k.b0 * x + z1;
    z1 = k.b1 * x - k.a1 * y + z2;
    z2 = k.b2 * x - k.a2 * y;
    return y;
  }
  double energy() const noexcept { return z1 * z1 + z2 * z2; }
};

} // namespace ringengine
