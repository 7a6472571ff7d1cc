// Helpers the DSP stages' tests share: planes a stage writes
// into, buffers of known samples, and the references the tests compute
// from the definitions (not from the stages' code).
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <vector>

#include "dsp/signal.hpp"
#include "resources/sample_buffer.hpp"

namespace ringengine::testing {

// `channels` planes of `frames` floats, filled with `fill`.
struct Planes {
  Planes(std::uint32_t channels, std::uint32_t frames, float fill = 0.0f)
      : data(channels, std::vector<float>(frames, fill)), pointers(channels) {
    for (std::uint32_t c = 0; c < channels; ++c)
      pointers[c] = data[c].data();
  }
  float* const* planes() noexcept { return pointers.data(); }
  Signal signal(std::uint32_t channels, std::uint32_t frames) noexcept {
    return Signal{pointers.data(), channels, frames};
  }
  std::vector<float>& operator[](std::size_t c) { return data[c]; }

  std::vector<std::vector<float>> data;
  std::vector<float*> pointers;
};

// A test sample of channel c at frame i: smooth (so interpolation matters),
// different on every channel (so a channel read from the wrong place shows),
// never 0 inside the buffer (so reading outside it shows).
inline float test_sample(std::uint64_t i, std::uint32_t c) {
  const double t = static_cast<double>(i);
  return static_cast<float>(0.6 * std::sin(0.031 * (c + 1) * t + 0.7 * c) +
                            0.3 * std::cos(0.0047 * t * (c + 2)) + 0.05 * (c + 1));
}

inline SampleBuffer make_buffer(std::uint64_t frames, std::uint32_t channels) {
  SampleBuffer b;
  b.frames = frames;
  b.channels = channels;
  b.samples = std::make_unique<float[]>(frames * channels);
  for (std::uint64_t i = 0; i < frames; ++i)
    for (std::uint32_t c = 0; c < channels; ++c)
      b.samples[i * channels + c] = test_sample(i, c);
  return b;
}

// Catmull-Rom through y1 (at t = 0) and y2 (at t = 1), with tangents
// (y2 - y0) / 2 and (y3 - y1) / 2: the cubic Hermite basis written out.
inline double catmull_rom(double y0, double y1, double y2, double y3, double t) {
  const double m1 = (y2 - y0) / 2, m2 = (y3 - y1) / 2;
  const double t2 = t * t, t3 = t2 * t;
  const double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t;
  const double h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
  return h00 * y1 + h10 * m1 + h01 * y2 + h11 * m2;
}

// 20 log10 of a ratio of amplitudes.
inline double db(double ratio) { return 20 * std::log10(ratio); }

} // namespace ringengine::testing
