// A meter: the peak and RMS of each channel of a signal over a window of
// frames, and a count of samples past full scale, published when each
// window closes to a snapshot any thread reads (channels/snapshot.hpp).
//
// What it measures is what the processor that feeds it (Pan::mix_into)
// adds into the next stage, sample by sample: a voice's contribution to its
// bus, a bus's to the master, the master's output. Windows close at the end
// of the first block at or past `window` frames, so a window is meter_ms
// rounded up to whole blocks; frames in which nothing was fed count as
// silence. Thread: the audio thread only, except the snapshot's read().
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "channels/snapshot.hpp"
#include "dsp/level.hpp"

namespace ringengine {

inline constexpr std::uint32_t kMeterChannels = 64;

// One window's measurements, as published.
struct MeterReading {
  std::uint64_t frame = 0;    // the engine position at the window's end
  std::uint64_t clips = 0;    // samples past +-1.0 on any channel, since the start
  std::uint32_t frames = 0;   // the window's length
  std::uint32_t channels = 0; // peak[0 .. channels), rms[0 .. channels)
  float peak[kMeterChannels] = {};
  float rms[kMeterChannels] = {};
};

class Meter {
public:
  void init(std::uint32_t channels, std::uint32_t window) noexcept {
    channels_ = std::min(channels, kMeterChannels);
    window_ = window;
  }
  bool on() const noexcept { return window_ != 0; }

  // Takes x[0 .. n) * w (w >= 0) as samples of channel c, where `level` is
  // x's own: the peak and squares scale by w and w * w (|x w| rounds as |x|
  // w does, so the peak is exact); samples past full scale are counted
  // again only when some may be.
  void take(std::uint32_t c, const PlaneLevel& level, float w, const float* x,
            std::uint32_t n) noexcept {
    const float peak = level.peak * w;
    peak_[c] = std::max(peak_[c], peak);
    squares_[c] += static_cast<double>(level.squares) * w * w;
    if (w == 1.0f) {
      clips_ += level.over;
    } else if (peak > 1.0f) {
      for (std::uint32_t i = 0; i < n; ++i)
        clips_ += !(std::fabs(x[i] * w) <= 1.0f); // NaN too
    }
  }

  // Takes y, a sample of channel c.
  void take(std::uint32_t c, float y) noexcept {
    const float a = std::fabs(y);
    peak_[c] = std::max(peak_[c], std::isnan(a) ? INFINITY : a); // a NaN is not silence
    squares_[c] += static_cast<double>(y) * y;
    clips_ += !(a <= 1.0f);
  }

  // The block's `frames` have passed (fed or not); at the window's end,
  // publishes it and starts the next. `frame`: the position after them.
  void advance(std::uint32_t frames, std::uint64_t frame, Snapshot<MeterReading>& out) noexcept {
    counted_ += frames;
    if (counted_ < window_)
      return;
    MeterReading r;
    r.frame = frame;
    r.clips = clips_;
    r.frames = counted_;
    r.channels = channels_;
    float loudest = 0;
    for (std::uint32_t c = 0; c < channels_; ++c) {
      r.peak[c] = peak_[c];
      r.rms[c] = static_cast<float>(std::sqrt(squares_[c] / counted_));
      loudest = std::max(loudest, peak_[c]);
      peak_[c] = 0;
      squares_[c] = 0;
    }
    last_peak_ = loudest;
    counted_ = 0;
    out.write(r);
  }
  // The last window's loudest peak over its channels, and the clips so far.
  float last_peak() const noexcept { return last_peak_; }
  std::uint64_t clips() const noexcept { return clips_; }

private:
  std::uint32_t channels_ = 0, window_ = 0, counted_ = 0;
  std::uint64_t clips_ = 0;
  float last_peak_ = 0;
  float peak_[kMeterChannels] = {};
  double squares_[kMeterChannels] = {};
};

} // namespace ringengine
