// The mixer: the voices, the list of those that are not resting, the buses
// and the master, and the render of a stretch of the block through them;
// it publishes each voice's state and closes the meters' windows. Audio
// side: the audio thread only, wait-free (the constructor and voice_state()
// excepted).
#pragma once

#include <cstdint>
#include <memory>

#include "backends/audio_callback.hpp"
#include "channels/snapshot.hpp"
#include "core/command_port.hpp"
#include "dsp/keylock.hpp"
#include "dsp/ramp.hpp"
#include "dsp/metronome.hpp"
#include "voices/bus.hpp"
#include "voices/voice.hpp"
#include "voices/voice_state.hpp"

namespace ringengine {

class Metrics;
class Recordings;

class Mixer {
public:
  // The longest stretch rendered at once; longer blocks are cut up.
  static constexpr std::uint32_t kChunk = 256;

  struct Shape {
    std::uint32_t sample_rate, channels, voices, buses, inputs, keylock_voices;
    std::uint32_t meter_ms, meter_events_hz;
    PanLaw pan_law;
  };
  // Events go to `port`, taps to `recordings`, meters to `metrics`; all
  // outlive the mixer. Allocates everything; makes and primes the
  // stretchers of the voices that may key-lock.
  Mixer(const Shape& shape, CommandPort& port, Recordings& recordings, Metrics& metrics);
  Mixer(const Mixer&) = delete;
  Mixer& operator=(const Mixer&) = delete;

  // Renders frames [offset, offset + n) of the block into `out`, n <=
  // kChunk, the block starting at frame `position`; `in` is the block's input.
  void render(const AudioOut& out, const AudioIn& in, std::uint64_t position,
              std::uint32_t offset, std::uint32_t n) noexcept;

  Voice& voice(std::uint32_t v) noexcept { return voices_[v]; }
  // Bus b, or the master (b == buses).
  Bus& bus(std::uint32_t b) noexcept { return buses_[b]; }
  // The engine's speed: every voice's rate times it.
  Ramp& speed() noexcept { return speed_; }
  // The metronome, and the tempo map it clicks to (the transport's, set
  // once by the Engine before the first block).
  Metronome& metronome() noexcept { return metronome_; }
  void follow(const TempoMap& map) noexcept { tempo_ = &map; }

  // Puts voice v in the active list.
  void activate(std::uint32_t v) noexcept {
    if (!listed_[v]) {
      listed_[v] = true;
      active_[active_count_++] = v;
    }
  }
  // Ends the buffer voice v plays, saying so, at `frame`.
  void end_buffer(std::uint32_t v, std::uint64_t frame) noexcept {
    if (voices_[v].stop_buffer())
      port_.emit(Message::voice_ended(v, frame));
  }
  // The voices playing buffer `id` stop at `frame`, and their tails of it.
  void let_go(std::uint32_t id, std::uint64_t frame) noexcept;
  std::uint32_t active_count() const noexcept { return active_count_; }

  // At a block's end (`position`): the active voices' snapshots; the
  // meters' windows that are due, and the meter events that are.
  void publish_active(std::uint64_t position) noexcept {
    for (std::uint32_t i = 0; i < active_count_; ++i)
      publish_voice(active_[i], position);
  }
  void advance_meters(std::uint32_t frames, std::uint64_t position) noexcept;

  // Thread: any. Precondition: v < voices.
  VoiceState voice_state(std::uint32_t v) const noexcept { return voice_states_[v].read(); }
  const Snapshot<VoiceState>* voice_states() const noexcept { return voice_states_.get(); }
  // Frames the voices' stretchers rendered (Keylock::frames_rendered):
  // key-locked plays went through them. Thread: any.
  std::uint64_t keylock_frames() const noexcept {
    std::uint64_t sum = 0;
    for (std::uint32_t v = 0; v < shape_keylock_voices_; ++v)
      sum += keylocks_[v]->frames_rendered();
    return sum;
  }

private:
  void publish_voice(std::uint32_t v, std::uint64_t frame) noexcept;
  // A meter event, unless the reply ring is half full.
  void send_meter(std::uint16_t source, std::uint32_t index, const Meter& m,
                  std::uint64_t position) noexcept;

  const Shape shape_;
  CommandPort& port_;
  Recordings& recordings_;
  Metrics& metrics_;

  std::unique_ptr<Voice[]> voices_;
  // The voices that are not resting, so that idle voices cost nothing:
  // active[0 .. active_count), each listed once (listed[v]).
  std::unique_ptr<std::uint32_t[]> active_;
  std::unique_ptr<bool[]> listed_;
  std::uint32_t active_count_ = 0;
  std::unique_ptr<float[]> mix_;       // channels planes of kChunk frames: the master's output
  std::unique_ptr<float*[]> planes_;   // into mix
  // buses + 1 buses, the master last, and their input planes.
  std::unique_ptr<Bus[]> buses_;
  std::unique_ptr<float[]> bus_inputs_;     // (buses + 1) * channels planes of kChunk
  std::unique_ptr<float*[]> bus_planes_;    // into bus_inputs, channels per bus
  std::unique_ptr<float[]> scratch_;   // channels planes of kChunk, for one voice
  std::unique_ptr<float*[]> scratch_planes_; // into scratch
  std::unique_ptr<float[]> tail_scratch_;    // as many again, for a voice's fading tail
  std::unique_ptr<float*[]> tail_scratch_planes_;
  std::unique_ptr<double[]> rates_;    // kChunk: a voice's rate frame by frame
  std::unique_ptr<double[]> speeds_;   // kChunk: the engine's speed, while it moves
  Ramp speed_{1.0, 1.0, 0.0, 0};       // every voice's rate times this
  Metronome metronome_;
  const TempoMap* tempo_ = nullptr;
  std::int64_t until_meter_events_ = 0; // frames until the next meter events
  // The input, deinterleaved: inputs planes of kChunk frames.
  std::unique_ptr<float[]> input_;
  std::unique_ptr<float*[]> input_planes_;
  std::unique_ptr<float[]> tap_;       // channels planes of kChunk: a bus recorded
  std::unique_ptr<float*[]> tap_planes_;

  // Snapshots: the audio thread writes, anyone reads.
  std::unique_ptr<Snapshot<VoiceState>[]> voice_states_;
  // The stretchers of the voices that may key-lock, made at create.
  std::unique_ptr<std::unique_ptr<Keylock>[]> keylocks_;
  std::uint32_t shape_keylock_voices_ = 0;
};

} // namespace ringengine
