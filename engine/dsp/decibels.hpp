// Decibels to linear gain, for the parameters given in dB (gain_db, the
// EQ's bands). Computed where a command is applied, once per change, never
// per sample.
#pragma once

#include <cmath>

namespace ringengine {

// -inf dB is silence (0); anything else 10^(dB / 20).
inline double db_to_gain(double db) noexcept {
  return std::isinf(db) && db < 0 ? 0.0 : std::pow(10.0, db / 20.0);
}

// The largest gain_db: 20 log10(kMaxGain), +24.08 dB.
inline constexpr float kMaxGainDb = 24.0824f;

} // namespace ringengine
