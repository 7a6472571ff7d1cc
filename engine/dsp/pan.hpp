// The last processor of a chain: adds its signal into the next stage (a
// voice into its bus, a bus into the master, the master into the output),
// placed by a pan that can ramp, and feeds the meter what it adds. Thread:
// the audio thread only.
//
// Two laws for a one-channel signal (a sine, a mono buffer), an engine
// option (PanLaw):
// - balance (the default): at 0 both sides carry the signal in full;
//   towards one side, the other is scaled down linearly, to nothing at +-1.
// - equal power: the sides are cos and sin of (pan + 1) pi / 4, so the
//   power is the same at every position: -3 dB each at the centre, full on
//   one side at +-1.
// A signal of several channels (a stereo buffer, a bus, the master) is
// always balanced: it is placed already, and at 0 passes unchanged.
// Mono output ignores the pan; output channels past the first two carry the
// signal in full. A one-channel signal goes to every output channel; a
// signal of more channels, channel c to output c (the source has mixed it
// down to the output's count already: SamplePlayer).
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

#include "dsp/meter.hpp"
#include "dsp/ramp.hpp"
#include "dsp/signal.hpp"

namespace ringengine {

enum class PanLaw : std::uint32_t { balance = 0, equal_power = 1 };

class Pan {
public:
  void init(PanLaw law = PanLaw::balance) noexcept {
    law_ = law;
    pan_.set(0.0, 0);
  }
  void set(float pan, std::uint32_t ramp) noexcept { pan_.set(pan, ramp); }
  double value() const noexcept { return pan_.value; }
  bool moving() const noexcept { return pan_.moving(); }

  // Adds s into mix[0 .. channels), s.frames frames; `meter`, when on,
  // takes every sample added.
  void mix_into(const Signal& s, float* const* mix, std::uint32_t channels, Meter& meter) noexcept {
    if (meter.on())
      add<true>(s, mix, channels, meter);
    else
      add<false>(s, mix, channels, meter);
  }
  void skip(std::uint32_t n) noexcept { pan_.skip(n); }

private:
  template <bool kMetered>
  void add(const Signal& s, float* const* mix, std::uint32_t channels, Meter& meter) noexcept {
    const std::uint32_t reach = s.channels == 1 ? channels : s.channels;
    if (!pan_.moving()) {
      const float pan = static_cast<float>(pan_.value);
      // A one-channel signal is measured once for every output it reaches.
      PlaneLevel mono;
      if (kMetered && s.channels == 1)
        mono = measure(s.planes[0], s.frames);
      for (std::uint32_t c = 0; c < reach; ++c) {
        const float w = weight(c, channels, s.channels, pan);
        const float* from = s.planes[s.channels == 1 ? 0 : c];
        float* to = mix[c];
        for (std::uint32_t i = 0; i < s.frames; ++i)
          to[i] += from[i] * w;
        if constexpr (kMetered)
          meter.take(c, s.channels == 1 ? mono : measure(from, s.frames), w, from, s.frames);
      }
      return;
    }
    for (std::uint32_t i = 0; i < s.frames; ++i) {
      const float pan = static_cast<float>(pan_.value);
      for (std::uint32_t c = 0; c < reach; ++c) {
        const float y =
            s.planes[s.channels == 1 ? 0 : c][i] * weight(c, channels, s.channels, pan);
        mix[c][i] += y;
        if constexpr (kMetered)
          meter.take(c, y);
      }
      pan_.tick();
    }
  }

  // The weight of output c of `channels` for a signal of `from` channels.
  float weight(std::uint32_t c, std::uint32_t channels, std::uint32_t from,
               float pan) const noexcept {
    if (channels == 1 || c >= 2)
      return 1.0f;
    if (law_ == PanLaw::equal_power && from == 1) {
      const double angle = (pan + 1.0) * std::numbers::pi / 4;
      return static_cast<float>(c == 0 ? std::cos(angle) : std::sin(angle));
    }
    if (c == 0)
      return pan <= 0 ? 1.0f : 1.0f - pan;
    return pan >= 0 ? 1.0f : 1.0f + pan;
  }

  PanLaw law_ = PanLaw::balance;
  Ramp pan_;
};

} // namespace ringengine
