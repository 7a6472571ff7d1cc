// The metronome: a short click on every beat of the transport, accented on
// the bar, sample-exact to its tempo map: the grid a user and a test can
// hear. A click starts at the first frame of its beat (TempoMap::frame_at,
// as quantized commands do) at full gain, and lasts 30 ms: a 1 kHz tone
// (2 kHz on a bar line) from its peak, cos(2 pi f t), under a
// (1 - t / length)^2 decay, at `gain`.
// Real time: no allocation; a grid search per chunk and a cosine per sample
// of a click.
#pragma once

#include <cmath>
#include <cstdint>

#include "time/tempo_map.hpp"

namespace ringengine {

class Metronome {
public:
  static constexpr double kClickSeconds = 0.03, kBeatHz = 1000.0, kBarHz = 2000.0;

  void init(double sample_rate) noexcept {
    rate_ = sample_rate;
    length_ = static_cast<std::uint32_t>(std::lround(kClickSeconds * sample_rate));
  }
  // On or off (a click under way when it is turned off is cut), its gain
  // (linear) and where it sounds (a bus, or the buses' count: the master).
  void set(bool on, float gain, std::uint32_t bus) noexcept {
    on_ = on;
    gain_ = gain;
    bus_ = bus;
    if (!on)
      clicking_ = false;
  }
  bool on() const noexcept { return on_; }
  std::uint32_t bus() const noexcept { return bus_; }

  // Adds the clicks of engine frames [first, first + n) into `planes`
  // (channels of them, each n frames), every channel alike.
  void render(const TempoMap& map, std::uint64_t first, float* const* planes,
              std::uint32_t channels, std::uint32_t n) noexcept {
    if (!on_)
      return;
    GridPoint next = map.grid_at_or_after(first, 1.0);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint64_t f = first + i;
      if (f == next.frame) {
        start_ = f;
        step_ = 2.0 * kPi * (on_bar(map, next) ? kBarHz : kBeatHz) / rate_;
        clicking_ = true;
        next = map.grid_at_or_after(f + 1, 1.0);
      }
      if (!clicking_)
        continue;
      const std::uint64_t t = f - start_;
      if (t >= length_) {
        clicking_ = false;
        continue;
      }
      const double decay = 1.0 - static_cast<double>(t) / length_;
      const auto s = static_cast<float>(gain_ * decay * decay * std::cos(step_ * static_cast<double>(t)));
      for (std::uint32_t c = 0; c < channels; ++c)
        planes[c][i] += s;
    }
  }

private:
  static constexpr double kPi = 3.14159265358979323846;

  static bool on_bar(const TempoMap& map, const GridPoint& line) noexcept {
    const TempoSegment& s = map.segment_at(line.frame);
    const double bars = (line.beat - s.bar_origin) / s.beats_per_bar;
    return std::fabs(bars - std::round(bars)) < 1e-9;
  }

  double rate_ = 48000.0;
  std::uint32_t length_ = 1440;
  bool on_ = false, clicking_ = false;
  float gain_ = 0.0f;
  std::uint32_t bus_ = 0;
  std::uint64_t start_ = 0;
  double step_ = 0.0;
};

} // namespace ringengine
