// The transport: the engine's musical time, owned by the audio thread. It
// holds the tempo map (time/tempo_map.hpp): the tempo changes applied and
// those held for a later frame; the beat follows from the frames rendered,
// independent of any voice. At the end of each block it publishes where it
// is, and, when the map changed, the whole map, so the control side reads
// both and converts frames and beats as the audio thread does, without a
// message or a lock.
// Audio side (set_tempo, grid, end_block): the audio thread, wait-free.
// Control side (state, map): any thread.
#pragma once

#include <cstdint>

#include "channels/snapshot.hpp"
#include "time/tempo_map.hpp"

namespace ringengine {

// Where the transport is, as at the end of the last block.
struct TransportState {
  std::uint64_t frame = 0; // the frame the next block starts at
  double beat = 0.0;       // the beat at `frame`
  double bpm = 120.0;      // the tempo in force there
  std::uint32_t beats_per_bar = 4;
  std::uint32_t pad = 0;
};

class Transport {
public:
  explicit Transport(std::uint32_t sample_rate) : map_(sample_rate) {
    published_.write(map_);
    state_.write({0, 0.0, map_.segment(0).bpm, map_.segment(0).beats_per_bar, 0});
  }

  // ---- Audio side ----
  const TempoMap& map() const noexcept { return map_; }
  // A tempo change at `frame` (see TempoMap::change); false when the map
  // is full of changes to come.
  bool set_tempo(std::uint64_t now, std::uint64_t frame, double bpm,
                 std::uint32_t beats_per_bar) noexcept {
    const bool done = map_.change(now, frame, bpm, beats_per_bar);
    changed_ = changed_ || done;
    return done;
  }
  // Bars counted from beat `origin` from `frame` on (TempoMap::set_downbeat).
  bool set_downbeat(std::uint64_t now, std::uint64_t frame, double origin) noexcept {
    const bool done = map_.set_downbeat(now, frame, origin);
    changed_ = changed_ || done;
    return done;
  }
  GridPoint grid_at_or_after(std::uint64_t from, double grid) const noexcept {
    return map_.grid_at_or_after(from, grid);
  }
  // After a block: publishes the position (and the map, when it changed).
  void end_block(std::uint64_t position) noexcept {
    if (changed_) {
      published_.write(map_);
      changed_ = false;
    }
    const TempoSegment& s = map_.segment_at(position);
    state_.write({position, map_.beat_at(position), s.bpm, s.beats_per_bar, 0});
  }

  // ---- Control side ----
  TransportState state() const noexcept { return state_.read(); }
  TempoMap published_map() const noexcept { return published_.read(); }

private:
  TempoMap map_;
  bool changed_ = false;
  Snapshot<TempoMap> published_;
  Snapshot<TransportState> state_;
};

} // namespace ringengine
