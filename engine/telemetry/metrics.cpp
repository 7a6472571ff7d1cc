#include "telemetry/metrics.hpp"

#include <algorithm>

namespace ringengine {

Metrics::Metrics(std::uint32_t sample_rate, std::uint32_t voices, std::uint32_t buses,
                 std::uint32_t channels)
    : sample_rate_(sample_rate),
      voice_meters_(std::make_unique<Snapshot<MeterReading>[]>(voices)),
      bus_meters_(std::make_unique<Snapshot<MeterReading>[]>(buses + 1)) {
  for (std::uint32_t v = 0; v < voices; ++v)
    voice_meters_[v].write(MeterReading{0, 0, 0, channels, {}, {}});
  for (std::uint32_t b = 0; b <= buses; ++b)
    bus_meters_[b].write(MeterReading{0, 0, 0, channels, {}, {}});
}

void Metrics::end_block(std::uint64_t position, std::uint32_t frames, std::uint64_t elapsed,
                        std::uint32_t active_voices) noexcept {
  bump(counters_.frames, frames);
  bump(counters_.callbacks, 1);
  if (elapsed > counters_.max_callback_ticks.load(std::memory_order_relaxed))
    counters_.max_callback_ticks.store(elapsed, std::memory_order_relaxed);

  // The load, in clock ticks: this block's, and per frame averaged over
  // about a second of blocks. load() turns them into shares of the period.
  AudioLoad& a = audio_load_;
  const double alpha = std::min(1.0, static_cast<double>(frames) / sample_rate_);
  a.ticks_per_frame += alpha * (static_cast<double>(elapsed) / frames - a.ticks_per_frame);
  // For dsp_load(): the time in all, and the most of a block (per frame)
  // since the epoch the last dsp_load() call began.
  a.busy_ticks += elapsed;
  const std::uint32_t epoch = dsp_load_epoch_.load(std::memory_order_relaxed);
  if (epoch != a.dsp_epoch) {
    a.dsp_epoch = epoch;
    a.peak_ticks_per_frame = 0;
  }
  // In ticks per frame scaled by 2^16, so that a short block keeps its share.
  const std::uint64_t scaled = (elapsed << 16) / frames;
  a.peak_ticks_per_frame = std::max(a.peak_ticks_per_frame, scaled);
  LoadRecord record;
  record.frame = position;
  record.callbacks = counters_.callbacks.load(std::memory_order_relaxed);
  record.last_ticks = elapsed;
  record.last_frames = frames;
  record.active_voices = active_voices;
  record.ticks_per_frame = a.ticks_per_frame;
  record.busy_ticks = a.busy_ticks;
  record.peak_ticks_per_frame = a.peak_ticks_per_frame;
  record.epoch = a.dsp_epoch;
  load_.write(record);
}

DspLoad Metrics::dsp_load() noexcept {
  std::lock_guard guard(dsp_load_lock_);
  const LoadRecord r = load_.read();
  // The epoch this call ends; the audio thread starts a new peak when it sees the next.
  const std::uint32_t ending = dsp_load_epoch_.load(std::memory_order_relaxed);
  dsp_load_epoch_.store(ending + 1, std::memory_order_relaxed);
  DspLoad out;
  out.frames = r.frame - dsp_last_frame_;
  const double per_tick = clock_.ns_per_tick() * sample_rate_ / 1e9;
  if (out.frames != 0) {
    out.average = static_cast<double>(r.busy_ticks - dsp_last_busy_) / out.frames * per_tick;
    // A peak of an epoch already reported (no block has begun this one) is not new.
    out.peak = r.epoch == ending ? static_cast<double>(r.peak_ticks_per_frame) / 65536 * per_tick
                                 : out.average;
  }
  dsp_last_busy_ = r.busy_ticks;
  dsp_last_frame_ = r.frame;
  return out;
}

EngineLoad Metrics::load() const noexcept {
  const LoadRecord r = load_.read();
  // ns per frame over the ns a frame lasts: the share of the period used.
  const double per_tick = clock_.ns_per_tick() * sample_rate_ / 1e9;
  EngineLoad load;
  load.frame = r.frame;
  load.callbacks = r.callbacks;
  load.last = r.last_frames != 0 ? static_cast<double>(r.last_ticks) / r.last_frames * per_tick : 0;
  load.average = r.ticks_per_frame * per_tick;
  load.active_voices = r.active_voices;
  return load;
}

} // namespace ringengine
