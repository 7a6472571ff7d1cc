// A voice: a chain of processors, made when the engine is created.
//
//     source (SineSource or SamplePlayer) -> Gain -> Pan (meter) -> its bus
//
// The source writes into the voice's scratch planes, each processor works
// on them in place, and Pan adds them into the input of the voice's bus
// (voices/bus.hpp), feeding the voice's meter what it adds. A new stage (a
// resampler in the player, an envelope, an EQ, a meter) is one class in
// dsp/ with a block method, and one line in render().
// Thread: the audio thread only. Non-blocking: arithmetic on memory the
// Engine allocated at create.
#pragma once

#include <cstdint>

#include "dsp/decibels.hpp"
#include "dsp/gain.hpp"
#include "dsp/meter.hpp"
#include "dsp/pan.hpp"
#include "dsp/sample_player.hpp"
#include "dsp/signal.hpp"
#include "dsp/sine_source.hpp"
#include "messages/message.hpp"
#include "resources/sample_buffer.hpp"

namespace ringengine {

class Voice {
public:
  // What render() returns while a buffer plays on (or a sine sounds).
  static constexpr std::uint32_t kStillPlaying = 0xffffffffu;

  void init(double sample_rate, std::uint32_t channels, PanLaw law,
            std::uint32_t meter_window) noexcept {
    sine_.init(sample_rate);
    gain_.init();
    pan_.init(law);
    meter_.init(channels, meter_window);
  }

  void set(Param p, float value, std::uint32_t ramp) noexcept {
    switch (p) {
    case Param::freq: sine_.set_freq(value, ramp); break;
    case Param::gain: gain_.set(value, ramp); break;
    case Param::pan: pan_.set(value, ramp); break;
    case Param::gain_db: gain_.set(static_cast<float>(db_to_gain(value)), ramp); break;
    case Param::bus: bus_ = static_cast<std::uint32_t>(value); break;
    }
  }
  // The bus it plays into.
  std::uint32_t bus() const noexcept { return bus_; }
  Meter& meter() noexcept { return meter_; }

  // Plays `buffer` (whose id is `id`) from its first frame, instead of the
  // sine; the voice's gain and pan apply.
  void play(const SampleBuffer* buffer, std::uint32_t id, bool loop) noexcept {
    player_.start(buffer, id, loop);
  }
  // Ends the buffer playing, if one is; true when one was.
  bool stop_buffer() noexcept { return player_.stop(); }
  // The id of the buffer playing, or 0.
  std::uint32_t buffer_id() const noexcept { return player_.buffer_id(); }

  const SamplePlayer& player() const noexcept { return player_; }
  double freq() const noexcept { return sine_.freq(); }
  double gain() const noexcept { return gain_.value(); }
  double pan() const noexcept { return pan_.value(); }

  // Whether the voice stays as it is while time passes (no buffer, freq 0,
  // nothing moving), so rendering may skip it.
  bool resting() const noexcept {
    return !player_.playing() && sine_.resting() && !gain_.moving() && !pan_.moving();
  }
  // Whether rendering the sine would add anything now.
  bool sounding() const noexcept { return sine_.audible() && gain_.audible(); }

  // Adds n frames (n <= the scratch planes' length) to mix[c][0..n) (its
  // bus's input) for each of `channels` planes, through `scratch` (as many
  // planes). Returns
  // kStillPlaying, or where in the n frames the buffer that played ran out
  // (not looping).
  std::uint32_t render(float* const* mix, std::uint32_t channels, std::uint32_t n,
                       float* const* scratch) noexcept {
    Signal s{scratch, 1, n};
    if (player_.playing()) {
      s.frames = player_.render(s, channels);
      gain_.process(s);
      pan_.mix_into(s, mix, channels, meter_);
      if (s.frames < n) {
        gain_.skip(n - s.frames);
        pan_.skip(n - s.frames);
      }
      return player_.playing() ? kStillPlaying : s.frames;
    }
    if (!sounding()) {
      sine_.skip(n);
      gain_.skip(n);
      pan_.skip(n);
      return kStillPlaying;
    }
    sine_.render(s);
    gain_.process(s);
    pan_.mix_into(s, mix, channels, meter_);
    return kStillPlaying;
  }

private:
  SineSource sine_;
  SamplePlayer player_;
  Gain gain_;
  Pan pan_;
  Meter meter_;
  std::uint32_t bus_ = 0;
};

} // namespace ringengine
