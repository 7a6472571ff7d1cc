// A bus: where voices sum, then a chain of its own, into the master; the
// master is a bus too, whose chain ends in the output.
//
//     its input planes -> Isolator (EQ) -> Gain -> mute -> Pan (meter) -> the next stage
//
// Each stage leaves a signal it does not change untouched (the EQ at 0 dB
// is out of the path, a gain of 1 multiplies nothing), so a bus at its
// defaults passes its input on bit for bit. Thread: init on the control
// side, when the engine is created; the rest on the audio thread only.
#pragma once

#include <cstdint>
#include <cstring>

#include "dsp/decibels.hpp"
#include "dsp/gain.hpp"
#include "dsp/isolator.hpp"
#include "dsp/meter.hpp"
#include "dsp/pan.hpp"
#include "dsp/signal.hpp"
#include "messages/message.hpp"

namespace ringengine {

class Bus {
public:
  // `planes`: channels planes of at least `chunk` frames, the bus's input.
  void init(double sample_rate, std::uint32_t channels, PanLaw law, float* const* planes,
            std::uint32_t meter_window) noexcept {
    planes_ = planes;
    channels_ = channels;
    eq_.init(sample_rate, channels);
    gain_.init();
    mute_.init(); // a gain of 1 (heard) or 0 (muted)
    input_.init();
    input_.set(0.0f, 0); // the input is not heard unless asked
    pan_.init(law);
    meter_.init(channels, meter_window);
  }

  void set(BusParam p, float value, std::uint32_t ramp) noexcept {
    switch (p) {
    case BusParam::gain: gain_.set(value, ramp); break;
    case BusParam::gain_db: gain_.set(static_cast<float>(db_to_gain(value)), ramp); break;
    case BusParam::pan: pan_.set(value, ramp); break;
    case BusParam::mute: mute_.set(value != 0 ? 0.0f : 1.0f, ramp); break;
    case BusParam::eq_low: eq_.set(Isolator::low, band_gain(value), ramp); break;
    case BusParam::eq_mid: eq_.set(Isolator::mid, band_gain(value), ramp); break;
    case BusParam::eq_high: eq_.set(Isolator::high, band_gain(value), ramp); break;
    case BusParam::input_db: input_.set(static_cast<float>(db_to_gain(value)), ramp); break;
    }
  }
  // An EQ band's gain for `db`: 0 at or below the kill floor.
  static double band_gain(float db) noexcept {
    return db <= Isolator::kKillDb ? 0.0 : db_to_gain(db);
  }

  // The input, for the voices (or buses) that feed it this chunk: cleared
  // by the first that asks.
  float* const* input(std::uint32_t n) noexcept {
    if (!fed_) {
      for (std::uint32_t c = 0; c < channels_; ++c)
        std::memset(planes_[c], 0, n * sizeof(float));
      fed_ = true;
    }
    return planes_;
  }

  // Whether the engine's input is heard in this bus (or fading).
  bool hears_input() const noexcept { return input_.audible(); }
  // Adds the input (`inputs` planes; channel c takes input c % inputs) at
  // its gain into the bus's input; `scratch`: channels planes.
  void add_input(const float* const* in, std::uint32_t inputs, std::uint32_t n,
                 float* const* scratch) noexcept {
    float* const* to = input(n);
    for (std::uint32_t c = 0; c < channels_; ++c)
      std::memcpy(scratch[c], in[c % inputs], n * sizeof(float));
    Signal s{scratch, channels_, n};
    input_.process(s);
    for (std::uint32_t c = 0; c < channels_; ++c)
      for (std::uint32_t i = 0; i < n; ++i)
        to[c][i] += scratch[c][i];
  }

  // Whether render() would add anything to the next stage now.
  bool sounding() const noexcept { return fed_ || !eq_.resting(); }

  // Runs the chain over n frames of the input and adds the result into
  // `next` (channels planes). Precondition: sounding(); else skip(n).
  void render(float* const* next, std::uint32_t n) noexcept {
    input(n); // silence into a ringing EQ
    Signal s{planes_, channels_, n};
    eq_.process(s);
    gain_.process(s);
    mute_.process(s);
    pan_.mix_into(s, next, channels_, meter_);
    fed_ = false;
  }

  Meter& meter() noexcept { return meter_; }
  double gain() const noexcept { return gain_.value(); }

  // n frames of time with nothing through the bus: the parameters move on.
  void skip(std::uint32_t n) noexcept {
    eq_.skip(n);
    gain_.skip(n);
    mute_.skip(n);
    pan_.skip(n);
  }

private:
  float* const* planes_ = nullptr;
  std::uint32_t channels_ = 0;
  bool fed_ = false;
  Isolator eq_;
  Gain gain_, mute_, input_;
  Pan pan_;
  Meter meter_;
};

} // namespace ringengine
