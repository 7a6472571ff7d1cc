#include "voices/mixer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/command_port.hpp"
#include "resources/recordings.hpp"
#include "telemetry/metrics.hpp"

namespace ringengine {

Mixer::Mixer(const Shape& shape, CommandPort& port, Recordings& recordings, Metrics& metrics)
    : shape_(shape),
      port_(port),
      recordings_(recordings),
      metrics_(metrics),
      voices_(std::make_unique<Voice[]>(shape.voices)),
      active_(std::make_unique<std::uint32_t[]>(shape.voices)),
      listed_(std::make_unique<bool[]>(shape.voices)),
      mix_(std::make_unique<float[]>(std::size_t{shape.channels} * kChunk)),
      planes_(std::make_unique<float*[]>(shape.channels)),
      buses_(std::make_unique<Bus[]>(shape.buses + 1)),
      bus_inputs_(std::make_unique<float[]>(std::size_t{shape.buses + 1} * shape.channels * kChunk)),
      bus_planes_(std::make_unique<float*[]>(std::size_t{shape.buses + 1} * shape.channels)),
      scratch_(std::make_unique<float[]>(std::size_t{shape.channels} * kChunk)),
      scratch_planes_(std::make_unique<float*[]>(shape.channels)),
      tail_scratch_(std::make_unique<float[]>(std::size_t{shape.channels} * kChunk)),
      tail_scratch_planes_(std::make_unique<float*[]>(shape.channels)),
      rates_(std::make_unique<double[]>(kChunk)),
      speeds_(std::make_unique<double[]>(kChunk)),
      voice_states_(std::make_unique<Snapshot<VoiceState>[]>(shape.voices)),
      keylocks_(std::make_unique<std::unique_ptr<Keylock>[]>(shape.keylock_voices)) {
  const std::uint32_t channels = shape.channels;
  // The meters' window in frames (0: no meters).
  const auto window = static_cast<std::uint32_t>(
      std::uint64_t{shape.meter_ms} * shape.sample_rate / 1000);
  const std::uint32_t meter_window = shape.meter_ms != 0 ? std::max(window, 1u) : 0;
  for (std::uint32_t v = 0; v < shape.voices; ++v)
    voices_[v].init(shape.sample_rate, channels, shape.pan_law, meter_window);
  metronome_.init(shape.sample_rate);
  for (std::uint32_t v = 0; v < shape.keylock_voices; ++v) {
    keylocks_[v] = std::make_unique<Keylock>(shape.sample_rate, channels, kChunk);
    voices_[v].give_keylock(keylocks_[v].get());
  }
  shape_keylock_voices_ = shape.keylock_voices;
  for (std::uint32_t c = 0; c < channels; ++c) {
    planes_[c] = &mix_[std::size_t{c} * kChunk];
    scratch_planes_[c] = &scratch_[std::size_t{c} * kChunk];
    tail_scratch_planes_[c] = &tail_scratch_[std::size_t{c} * kChunk];
  }
  for (std::uint32_t b = 0; b <= shape.buses; ++b) {
    float** planes = &bus_planes_[std::size_t{b} * channels];
    for (std::uint32_t c = 0; c < channels; ++c)
      planes[c] = &bus_inputs_[(std::size_t{b} * channels + c) * kChunk];
    buses_[b].init(shape.sample_rate, channels, shape.pan_law, planes, meter_window);
  }
  const std::uint32_t inputs = std::max(shape.inputs, 1u);
  input_ = std::make_unique<float[]>(std::size_t{inputs} * kChunk);
  input_planes_ = std::make_unique<float*[]>(inputs);
  for (std::uint32_t c = 0; c < inputs; ++c)
    input_planes_[c] = &input_[std::size_t{c} * kChunk];
  tap_ = std::make_unique<float[]>(std::size_t{channels} * kChunk);
  tap_planes_ = std::make_unique<float*[]>(channels);
  for (std::uint32_t c = 0; c < channels; ++c)
    tap_planes_[c] = &tap_[std::size_t{c} * kChunk];
}

void Mixer::let_go(std::uint32_t id, std::uint64_t frame) noexcept {
  for (std::uint32_t i = 0; i < active_count_; ++i) {
    Voice& voice = voices_[active_[i]];
    if (voice.buffer_id() == id)
      end_buffer(active_[i], frame);
    if (voice.drop_tail(id))
      port_.emit(Message::voice_ended(active_[i], frame));
  }
}

void Mixer::render(const AudioOut& out, const AudioIn& block_in, std::uint64_t position,
                   std::uint32_t offset, std::uint32_t n) noexcept {
  const std::uint32_t channels = shape_.channels;
  Bus* buses = buses_.get();
  Bus& master = buses[shape_.buses];

  // The engine's speed over these frames, for the voices' rates.
  VoiceScratch scratch{scratch_planes_.get(), tail_scratch_planes_.get(),
                       rates_.get(), nullptr, speed_.value, tempo_, position + offset};
  if (speed_.moving()) {
    for (std::uint32_t i = 0; i < n; ++i) {
      speeds_[i] = speed_.value;
      speed_.tick();
    }
    scratch.speeds = speeds_.get();
  }

  // The input, deinterleaved, recorded, and into the buses that hear it.
  if (shape_.inputs != 0) {
    const std::uint32_t inputs = shape_.inputs;
    float* const* in = input_planes_.get();
    if (block_in.planes != nullptr) {
      for (std::uint32_t c = 0; c < inputs; ++c)
        std::memcpy(in[c], block_in.planes[c] + offset, n * sizeof(float));
    } else if (block_in.interleaved != nullptr) {
      const float* from = block_in.interleaved + std::size_t{offset} * inputs;
      for (std::uint32_t i = 0; i < n; ++i)
        for (std::uint32_t c = 0; c < inputs; ++c)
          in[c][i] = *from++;
    } else {
      for (std::uint32_t c = 0; c < inputs; ++c)
        std::memset(in[c], 0, n * sizeof(float));
    }
    // A NaN or an infinity never reaches a bus or a take: 0, counted.
    std::uint64_t nonfinite = 0;
    for (std::uint32_t c = 0; c < inputs; ++c)
      for (std::uint32_t i = 0; i < n; ++i)
        if (!std::isfinite(in[c][i])) {
          in[c][i] = 0.0f;
          ++nonfinite;
        }
    if (nonfinite != 0)
      bump(metrics_.counters().input_nonfinite, nonfinite);
    if (recordings_.taps_input())
      recordings_.capture(kRecordInput, in, position + offset, n);
    for (std::uint32_t b = 0; b <= shape_.buses; ++b)
      if (buses[b].hears_input())
        buses[b].add_input(in, inputs, n, scratch_planes_.get());
  }

  // The active voices into their buses; those that came to rest leave the list.
  Voice* voices = voices_.get();
  std::uint32_t kept = 0;
  for (std::uint32_t i = 0; i < active_count_; ++i) {
    const std::uint32_t v = active_[i];
    const std::uint32_t ended =
        voices[v].render(buses[voices[v].bus()].input(n), channels, n, scratch);
    // Each just past its last sample, in the order of their frames: the
    // play under way, and the tail of one it replaced.
    const std::uint32_t tail = voices[v].tail_ended();
    if (tail != Voice::kStillPlaying && (ended == Voice::kStillPlaying || tail <= ended))
      port_.emit(Message::voice_ended(v, position + offset + tail));
    if (ended != Voice::kStillPlaying)
      port_.emit(Message::voice_ended(v, position + offset + ended));
    if (tail != Voice::kStillPlaying && ended != Voice::kStillPlaying && tail > ended)
      port_.emit(Message::voice_ended(v, position + offset + tail));
    if (voices[v].resting()) {
      listed_[v] = false;
      publish_voice(v, position + offset + n);
    } else {
      active_[kept++] = v;
    }
  }
  active_count_ = kept;

  // The metronome's clicks into its bus (or the master).
  if (metronome_.on() && tempo_ != nullptr)
    metronome_.render(*tempo_, position + offset, buses[metronome_.bus()].input(n), channels, n);

  // The buses into the master, the master into the output.
  for (std::uint32_t b = 0; b < shape_.buses; ++b) {
    if (recordings_.taps_bus(b)) {
      // Recorded: the bus's output on its own, then into the master (0 + x
      // is x, so the master's sum is the same to the bit).
      float* const* tap = tap_planes_.get();
      for (std::uint32_t c = 0; c < channels; ++c)
        std::memset(tap[c], 0, n * sizeof(float));
      if (buses[b].sounding()) {
        buses[b].render(tap, n);
        float* const* to = master.input(n);
        for (std::uint32_t c = 0; c < channels; ++c)
          for (std::uint32_t i = 0; i < n; ++i)
            to[c][i] += tap[c][i];
      } else {
        buses[b].skip(n);
      }
      recordings_.capture(b, tap, position + offset, n);
    } else if (buses[b].sounding()) {
      buses[b].render(master.input(n), n);
    } else {
      buses[b].skip(n);
    }
  }
  if (!master.sounding()) { // silence, the common idle case
    master.skip(n);
    if (recordings_.taps_master()) {
      float* const* mix = planes_.get();
      for (std::uint32_t c = 0; c < channels; ++c)
        std::memset(mix[c], 0, n * sizeof(float));
      recordings_.capture(kRecordMaster, mix, position + offset, n);
    }
    if (out.planes != nullptr) {
      for (std::uint32_t c = 0; c < channels; ++c)
        std::memset(out.planes[c] + offset, 0, n * sizeof(float));
    } else if (out.interleaved != nullptr) {
      std::memset(out.interleaved + std::size_t{offset} * channels, 0,
                  std::size_t{n} * channels * sizeof(float));
    }
    return;
  }
  float* const* mix = planes_.get();
  for (std::uint32_t c = 0; c < channels; ++c)
    std::memset(mix[c], 0, n * sizeof(float));
  master.render(mix, n);
  if (recordings_.taps_master())
    recordings_.capture(kRecordMaster, mix, position + offset, n);

  if (out.planes != nullptr) {
    for (std::uint32_t c = 0; c < channels; ++c)
      std::memcpy(out.planes[c] + offset, mix[c], n * sizeof(float));
  } else if (out.interleaved != nullptr) {
    float* to = out.interleaved + std::size_t{offset} * channels;
    for (std::uint32_t i = 0; i < n; ++i)
      for (std::uint32_t c = 0; c < channels; ++c)
        *to++ = mix[c][i];
  }
}

void Mixer::publish_voice(std::uint32_t v, std::uint64_t frame) noexcept {
  const Voice& voice = voices_[v];
  const SamplePlayer& player = voice.player();
  VoiceState s;
  s.frame = frame;
  s.position = player.position();
  s.buffer = player.buffer_id();
  s.flags = (player.playing() ? kVoicePlaying : 0) | (player.looping() ? kVoiceLooping : 0) |
            (!player.playing() && voice.sounding() ? kVoiceSounding : 0);
  s.freq = voice.freq();
  s.gain = voice.gain();
  s.pan = voice.pan();
  voice_states_[v].write(s);
}

void Mixer::send_meter(std::uint16_t source, std::uint32_t index, const Meter& m,
                       std::uint64_t position) noexcept {
  // Half the ring stays for the events that must not be lost (offer()).
  const std::uint64_t clips = std::min<std::uint64_t>(m.clips(), UINT32_MAX);
  if (!port_.offer(Message::meter(source, index, position, m.last_peak(),
                                  static_cast<std::uint32_t>(clips))))
    bump(metrics_.counters().meter_events_dropped, 1);
}

void Mixer::advance_meters(std::uint32_t frames, std::uint64_t position) noexcept {
  if (shape_.meter_ms == 0)
    return;
  const std::uint64_t now = position;
  // Read once: the meters' writes could alias them, as the compiler sees it.
  Voice* const voices = voices_.get();
  Bus* const buses = buses_.get();
  Snapshot<MeterReading>* const voice_meters = metrics_.voice_meters();
  Snapshot<MeterReading>* const bus_meters = metrics_.bus_meters();
  for (std::uint32_t v = 0, n = shape_.voices; v < n; ++v)
    voices[v].meter().advance(frames, now, voice_meters[v]);
  for (std::uint32_t b = 0, n = shape_.buses; b <= n; ++b)
    buses[b].meter().advance(frames, now, bus_meters[b]);
  if (shape_.meter_events_hz == 0)
    return;
  until_meter_events_ -= frames;
  if (until_meter_events_ > 0)
    return;
  until_meter_events_ += std::max<std::int64_t>(
      1, shape_.sample_rate / shape_.meter_events_hz);
  if (until_meter_events_ <= 0) // a block longer than the period: one round
    until_meter_events_ = shape_.sample_rate / shape_.meter_events_hz;
  send_meter(kMeterMaster, 0, buses_[shape_.buses].meter(), position);
  for (std::uint32_t b = 0; b < shape_.buses; ++b)
    send_meter(kMeterBus, b, buses_[b].meter(), position);
  for (std::uint32_t i = 0; i < active_count_; ++i)
    send_meter(kMeterVoice, active_[i], voices_[active_[i]].meter(), position);
}


} // namespace ringengine
