// The engine's metrics: the counters the audio thread writes, the load it
// records each block, the DSP load's epochs, and the meters' snapshots.
// The audio thread writes them; any thread reads them, never waiting.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "channels/snapshot.hpp"
#include "dsp/meter.hpp"
#include "rings/spsc_ring.hpp"
#include "rings/tick_clock.hpp"

namespace ringengine {

// Read rather than awaited: written by the audio thread at the end of each
// block, read by any thread (Engine::load()).
struct EngineLoad {
  std::uint64_t frame = 0;      // the position after the block
  std::uint64_t callbacks = 0;  // blocks so far
  double last = 0;              // the block's process() time / the block's duration
  double average = 0;           // the same, smoothed over about a second
  std::uint32_t active_voices = 0; // voices still sounding (or moving) at the block's end
};

// The share of the block period the audio thread spent in process(), over
// the blocks since the last Engine::dsp_load() (as jack_cpu_load() reports
// it): on average, and the most of any one block.
struct DspLoad {
  double average = 0;
  double peak = 0;
  std::uint64_t frames = 0; // the frames those blocks held; 0: no block ran
};

// Single writer per counter, so increments need no read-modify-write.
inline void bump(std::atomic<std::uint64_t>& c, std::uint64_t by) noexcept {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

// The counters the audio thread writes (one writer: bump()), relaxed: only
// read elsewhere; nothing is published by them.
struct AudioCounters {
  std::atomic<std::uint64_t> callbacks{0}, frames{0}, pings_handled{0}, pongs_sent{0},
      pongs_dropped{0}, xruns{0}, max_callback_ticks{0}, late{0}, dropped{0}, unhandled{0},
      events_dropped{0}, params_applied{0}, commands_handled{0}, cancelled{0},
      meter_events_dropped{0}, input_nonfinite{0};
};

class Metrics {
public:
  // Snapshots for `voices` voices' meters and buses + 1 (the master last).
  Metrics(std::uint32_t sample_rate, std::uint32_t voices, std::uint32_t buses,
          std::uint32_t channels);

  // The audio thread's counters. Written by the audio thread only.
  AudioCounters& counters() noexcept { return counters_; }
  const AudioCounters& counters() const noexcept { return counters_; }

  // Audio side: the clock process() is timed by.
  std::uint64_t now() const noexcept { return clock_.now(); }
  // Audio side, at a block's end: counts it and records its load.
  void end_block(std::uint64_t position, std::uint32_t frames, std::uint64_t elapsed,
                 std::uint32_t active_voices) noexcept;

  // The meters' snapshots, written by the mixer (audio side).
  Snapshot<MeterReading>* voice_meters() noexcept { return voice_meters_.get(); }
  Snapshot<MeterReading>* bus_meters() noexcept { return bus_meters_.get(); }
  // Thread: any. Precondition: in range (Engine::meter()).
  MeterReading voice_meter(std::uint32_t v) const noexcept { return voice_meters_[v].read(); }
  MeterReading bus_meter(std::uint32_t b) const noexcept { return bus_meters_[b].read(); }

  // Thread: any.
  EngineLoad load() const noexcept;
  std::uint64_t max_callback_ns() const noexcept {
    return clock_.to_ns(counters_.max_callback_ticks.load(std::memory_order_relaxed));
  }
  // The DSP load since the last call (the first: since the start).
  // Serialized by a lock the audio thread never takes.
  DspLoad dsp_load() noexcept;

private:
  // What the audio thread records of its load: clock ticks, which load()
  // turns into fractions of the period (the conversion reads the system
  // clock, which the audio thread must not).
  struct LoadRecord {
    std::uint64_t frame = 0, callbacks = 0;
    std::uint64_t last_ticks = 0; // the last block's process() time
    std::uint32_t last_frames = 0;
    std::uint32_t active_voices = 0;
    double ticks_per_frame = 0;   // smoothed over about a second of blocks
    std::uint64_t busy_ticks = 0; // process()'s time in all blocks so far
    std::uint64_t peak_ticks_per_frame = 0; // the most of one block in `epoch`
    std::uint32_t epoch = 0;      // the dsp_load() call the peak is since
  };
  // The audio thread's own: the load so far.
  struct AudioLoad {
    double ticks_per_frame = 0;         // process()'s, smoothed over about a second
    std::uint64_t busy_ticks = 0;       // process()'s time, in all
    std::uint64_t peak_ticks_per_frame = 0; // the most of one block since dsp_epoch
    std::uint32_t dsp_epoch = 0;        // the last epoch of dsp_load_epoch_ seen
  };

  const std::uint32_t sample_rate_;
  const TickClock clock_; // times process() for max_callback_ns and the load
  AudioLoad audio_load_;

  // Snapshots: the audio thread writes, anyone reads.
  alignas(kCacheLine) Snapshot<LoadRecord> load_;
  std::unique_ptr<Snapshot<MeterReading>[]> voice_meters_;
  std::unique_ptr<Snapshot<MeterReading>[]> bus_meters_; // buses + 1, the master last
  // dsp_load(): each call starts an epoch, which the audio thread sees at
  // its next block and starts a new peak for.
  std::atomic<std::uint32_t> dsp_load_epoch_{0};
  std::mutex dsp_load_lock_;
  std::uint64_t dsp_last_busy_ = 0, dsp_last_frame_ = 0; // under dsp_load_lock_

  // Counters, relaxed: each is written by the audio thread and only read
  // elsewhere; nothing is published by them.
  alignas(kCacheLine) AudioCounters counters_;
};

} // namespace ringengine
