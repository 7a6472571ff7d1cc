// A processor: the three-band kill EQ of a DJ mixer (an isolator). The
// signal is split into low, mid and high bands by two Linkwitz-Riley
// crossovers of the fourth order (kLowHz, kHighHz); each band has a gain,
// and a band at gain 0 is gone entirely: a kill. The low band also passes
// the allpass of the high crossover, so the three bands sum to one allpass
// (a flat magnitude) and the EQ at 0 dB changes no level.
//
// At 0 dB on every band the EQ is out of the signal path, so a bus that
// never touches it stays bit for bit what it was. When a band leaves 0 dB
// the EQ fades in over kEngageFrames, from its filters' rest, and when
// every band is back at 0 dB it fades out again: neither is a click.
// Coefficients are computed in init(), when the engine is created; per
// sample there are only the filters' multiply-adds and the band gains' ramps.
// Thread: init anywhere; the rest on the audio thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "dsp/biquad.hpp"
#include "dsp/ramp.hpp"
#include "dsp/signal.hpp"

namespace ringengine {

class Isolator {
public:
  static constexpr double kLowHz = 250;     // low | mid
  static constexpr double kHighHz = 2500;   // mid | high
  static constexpr float kMaxDb = 12;       // a band's most boost
  static constexpr float kKillDb = -60;     // at or below: the band is killed (gain 0)
  static constexpr std::uint32_t kMaxChannels = 64;
  static constexpr std::uint32_t kEngageFrames = 256; // the fade in and out of the path
  enum Band : std::uint32_t { low = 0, mid = 1, high = 2 };

  void init(double sample_rate, std::uint32_t channels) noexcept {
    using Shape = BiquadCoefficients::Shape;
    low_lp_ = BiquadCoefficients::make(Shape::lowpass, kLowHz, sample_rate);
    low_hp_ = BiquadCoefficients::make(Shape::highpass, kLowHz, sample_rate);
    high_lp_ = BiquadCoefficients::make(Shape::lowpass, kHighHz, sample_rate);
    high_hp_ = BiquadCoefficients::make(Shape::highpass, kHighHz, sample_rate);
    high_ap_ = BiquadCoefficients::make(Shape::allpass, kHighHz, sample_rate);
    channels_ = std::min(channels, kMaxChannels);
    for (Ramp& g : gains_)
      g.set(1.0, 0);
    mix_.set(0.0, 0);
  }

  // A band's gain, linear (0 kills it), reached over `ramp` frames.
  void set(Band band, double gain, std::uint32_t ramp) noexcept {
    gains_[band].set(gain, ramp);
    if (flat())
      return; // process() fades it out
    if (!engaged_) {
      for (std::uint32_t c = 0; c < channels_; ++c)
        state_[c] = Channel{};
      engaged_ = true;
      mix_.set(0.0, 0);
    }
    fade_to(1.0);
  }
  double gain(Band band) const noexcept { return gains_[band].value; }

  // Whether it changes the signal now (or rings on after its input).
  bool engaged() const noexcept { return engaged_; }
  // Whether, with no input, it would put out nothing: out of the path, or
  // its filters come to rest and nothing moving.
  bool resting() const noexcept {
    if (!engaged_)
      return true;
    if (mix_.moving() || gains_[0].moving() || gains_[1].moving() || gains_[2].moving())
      return false;
    double energy = 0;
    for (std::uint32_t c = 0; c < channels_; ++c)
      energy += state_[c].energy();
    return energy < 1e-24; // -240 dB: far below a float's last bit at full scale
  }

  // Filters s in place. Does nothing while not engaged.
  void process(Signal& s) noexcept {
    if (!engaged_)
      return;
    const std::uint32_t channels = std::min(s.channels, channels_);
    if (!mix_.moving() && !gains_[low].moving() && !gains_[mid].moving() &&
        !gains_[high].moving()) {
      // Steady: a channel at a time, its filters' state in locals.
      for (std::uint32_t c = 0; c < channels; ++c)
        filter_steady(state_[c], s.planes[c], s.frames);
    } else {
      for (std::uint32_t i = 0; i < s.frames; ++i) {
        const double gl = gains_[low].value, gm = gains_[mid].value, gh = gains_[high].value;
        const double wet = mix_.value;
        for (std::uint32_t c = 0; c < channels; ++c) {
          const double x = s.planes[c][i];
          s.planes[c][i] = static_cast<float>(x + wet * (bands(state_[c], x, gl, gm, gh) - x));
        }
        for (Ramp& g : gains_)
          g.tick();
        mix_.tick();
      }
    }
    // A NaN or an infinity handed in leaves the filters' state non-finite,
    // and every sample after it would be NaN for ever: that channel's state
    // starts again from silence at the block's end.
    for (std::uint32_t c = 0; c < channels; ++c)
      if (!std::isfinite(state_[c].energy()))
        state_[c] = Channel{};
    // Every band back at 0 dB: fades out, then leaves the path.
    if (flat()) {
      if (mix_.value == 0 && !mix_.moving())
        engaged_ = false;
      else if (mix_.target != 0)
        fade_to(0.0);
    }
  }
  // n frames of time with no signal through it: the gains move on.
  void skip(std::uint32_t n) noexcept {
    for (Ramp& g : gains_)
      g.skip(n);
  }

private:
  struct Channel {
    BiquadState lp1, lp2, ap, hp1, hp2, mlp1, mlp2, hhp1, hhp2;
    double energy() const noexcept {
      return lp1.energy() + lp2.energy() + ap.energy() + hp1.energy() + hp2.energy() +
             mlp1.energy() + mlp2.energy() + hhp1.energy() + hhp2.energy();
    }
  };
  // Moves the dry/filtered mix to `target` at the pace of a whole fade
  // over kEngageFrames.
  void fade_to(double target) noexcept {
    const double distance = target > mix_.value ? target - mix_.value : mix_.value - target;
    mix_.set(target, static_cast<std::uint32_t>(distance * kEngageFrames + 0.5));
  }
  // One sample through the crossovers, the bands weighed and summed.
  double bands(Channel& st, double x, double gl, double gm, double gh) const noexcept {
    const double lo = st.ap.step(high_ap_, st.lp2.step(low_lp_, st.lp1.step(low_lp_, x)));
    const double rest = st.hp2.step(low_hp_, st.hp1.step(low_hp_, x));
    const double mi = st.mlp2.step(high_lp_, st.mlp1.step(high_lp_, rest));
    const double hi = st.hhp2.step(high_hp_, st.hhp1.step(high_hp_, rest));
    return gl * lo + gm * mi + gh * hi;
  }
  // n samples of one channel with nothing moving: the state and the
  // constants in locals, where the compiler keeps them in registers.
  void filter_steady(Channel& state, float* x, std::uint32_t n) const noexcept {
    Channel st = state;
    const double gl = gains_[low].value, gm = gains_[mid].value, gh = gains_[high].value;
    const double wet = mix_.value;
    for (std::uint32_t i = 0; i < n; ++i) {
      const double dry = x[i];
      x[i] = static_cast<float>(dry + wet * (bands(st, dry, gl, gm, gh) - dry));
    }
    state = st;
  }
  bool flat() const noexcept {
    for (const Ramp& g : gains_)
      if (g.value != 1.0 || g.moving())
        return false;
    return true;
  }

  BiquadCoefficients low_lp_, low_hp_, high_lp_, high_hp_, high_ap_;
  Ramp gains_[3];
  Ramp mix_; // 0: dry, 1: filtered
  bool engaged_ = false;
  std::uint32_t channels_ = 0;
  Channel state_[kMaxChannels];
};

} // namespace ringengine
