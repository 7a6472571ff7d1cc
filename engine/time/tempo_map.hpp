// The tempo map: frames to beats and back, under every tempo change the
// engine has applied (the last kCapacity of them) or holds for a later
// frame. The engine keeps time in frames; musicians count beats: this is
// the one place that converts, and the audio thread and the control side
// convert with the same code on the same numbers, so they agree to the
// frame.
//
// A map is a list of segments sorted by frame; each holds a tempo from its
// frame until the next. Beat 0 is a downbeat at frame 0. Within a segment
//   beat_at(f) = beat + (f - frame) x bpm / (60 x sample_rate)
// in double precision, and each segment's beat is its predecessor's
// beat_at(its frame): the beat is continuous across every change.
// frame_at(b) is the first frame whose beat_at is at or after b, found
// from an estimate and then checked against beat_at itself, so the two
// never disagree by a rounding: frame_at(beat_at(f)) == f.
//
// Bars: a segment's bar lines are at bar_origin + k x beats_per_bar. A
// change of beats_per_bar starts a bar at its frame (a time signature
// changes on a downbeat: give it quantize="bar" to put it on the old bar
// line); a change of tempo alone keeps the bar lines' beats. A grid of g
// beats is counted from the bar origin too.
//
// Real time: fixed storage, no allocation; a change, a conversion and a
// grid search are O(kCapacity) at most. Trivially copyable, so a whole map
// is published to the control side by a Snapshot.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace ringengine {

struct TempoSegment {
  std::uint64_t frame = 0;      // where this tempo starts
  double beat = 0.0;            // the beat at `frame`
  double bpm = 120.0;           // beats per minute from `frame` on
  double bar_origin = 0.0;      // a downbeat's beat: bars are counted from it
  std::uint32_t beats_per_bar = 4;
  std::uint32_t new_bar = 0;    // 1: this change starts a bar at its frame;
                                // 2: its bar_origin was set (set_downbeat)
};

// A grid line: the frame it falls on and its beat.
struct GridPoint {
  std::uint64_t frame;
  double beat;
};

class TempoMap {
public:
  static constexpr std::size_t kCapacity = 64; // segments, past and scheduled
  static constexpr double kMinBpm = 1.0, kMaxBpm = 999.0;
  static constexpr std::uint32_t kMaxBeatsPerBar = 64;

  TempoMap() noexcept = default;
  explicit TempoMap(std::uint32_t sample_rate, double bpm = 120.0,
                    std::uint32_t beats_per_bar = 4) noexcept
      : frames_per_minute_(60.0 * sample_rate) {
    segments_[0].bpm = bpm;
    segments_[0].beats_per_bar = beats_per_bar;
  }

  std::size_t size() const noexcept { return size_; }
  const TempoSegment& segment(std::size_t i) const noexcept { return segments_[i]; }

  // The segment in force at `frame` (the first for frames before it).
  const TempoSegment& segment_at(std::uint64_t frame) const noexcept {
    return segments_[index_at(frame)];
  }

  // The frame of the first change after `frame` (UINT64_MAX: none), where
  // the engine cuts its block so that a tempo is steady within each piece.
  std::uint64_t next_change_after(std::uint64_t frame) const noexcept {
    for (std::size_t i = 1; i < size_; ++i)
      if (segments_[i].frame > frame)
        return segments_[i].frame;
    return std::numeric_limits<std::uint64_t>::max();
  }

  double beat_at(std::uint64_t frame) const noexcept {
    return beat_in(segments_[index_at(frame)], frame);
  }

  // The first frame whose beat is at or after `beat` (0 for a beat at or
  // before frame 0's).
  std::uint64_t frame_at(double beat) const noexcept {
    if (!(beat == beat))
      return 0; // NaN: the checks refuse it before it gets here
    std::size_t i = 0;
    while (i + 1 < size_ && segments_[i + 1].beat <= beat)
      ++i;
    const TempoSegment& s = segments_[i];
    const double delta = std::ceil((beat - s.beat) * frames_per_minute_ / s.bpm);
    if (delta >= kFarFrames)
      return s.frame + static_cast<std::uint64_t>(kFarFrames); // some 6,000 years on
    std::uint64_t f = delta <= -static_cast<double>(s.frame) ? 0
                      : delta < 0 ? s.frame - static_cast<std::uint64_t>(-delta)
                                  : s.frame + static_cast<std::uint64_t>(delta);
    // The estimate is within a frame or two: settle it on beat_at itself.
    while (f > 0 && beat_at(f - 1) >= beat)
      --f;
    while (beat_at(f) < beat)
      ++f;
    return f;
  }

  // The first line of a grid of `grid` beats (0: the bar) at or after
  // frame `from`; a line falling on `from` itself counts.
  GridPoint grid_at_or_after(std::uint64_t from, double grid) const noexcept {
    std::size_t i = index_at(from);
    for (;;) {
      const TempoSegment& s = segments_[i];
      const double step = grid > 0 ? grid : static_cast<double>(s.beats_per_bar);
      const std::uint64_t start = std::max(from, s.frame);
      const double k0 = std::floor((beat_in(s, start) - s.bar_origin) / step);
      // Two or three tries: k0 - 1 is at or before `start`'s line. (Past
      // kFarFrames, where frame_at stops counting, `start` itself.)
      for (double k = k0 - 1;; k += 1) {
        const double beat = s.bar_origin + k * step;
        const std::uint64_t f = frame_at(beat);
        // (frame_at gives frame 0 to every beat before frame 0's too.)
        if (f < start || (f == 0 && beat < beat_at(0))) {
          if (k > k0 + 2)
            return {start, beat_in(s, start)};
          continue;
        }
        // A line past the next change is on that segment's grid, when its
        // bars are counted from elsewhere or the bar is another length.
        const bool next_regrids = i + 1 < size_ &&
                                  (segments_[i + 1].bar_origin != s.bar_origin ||
                                   (grid <= 0 && segments_[i + 1].beats_per_bar != s.beats_per_bar));
        if (next_regrids && f >= segments_[i + 1].frame)
          break;
        return {f, beat};
      }
      ++i; // only when the next segment regrids
    }
  }

  // A tempo change at `frame` (a frame before `now` means `now`): bpm, and
  // beats_per_bar unless 0. A change at a frame that already has one
  // replaces it. The segments after it keep their frames and take their
  // beats from it. False, with nothing changed, when the map is full of
  // changes still to come (the past is forgotten to make room).
  bool change(std::uint64_t now, std::uint64_t frame, double bpm,
              std::uint32_t beats_per_bar) noexcept {
    if (frame < now)
      frame = now;
    std::size_t i = 0;
    while (i < size_ && segments_[i].frame < frame)
      ++i;
    if (i == size_ || segments_[i].frame != frame) {
      if (size_ == kCapacity) {
        // Forget the oldest segment, when it is history: the next one has
        // begun by `now`.
        if (!(segments_[1].frame <= now && i > 1))
          return false;
        for (std::size_t j = 1; j < size_; ++j)
          segments_[j - 1] = segments_[j];
        --size_;
        --i;
      }
      for (std::size_t j = size_; j > i; --j)
        segments_[j] = segments_[j - 1];
      ++size_;
      segments_[i] = i > 0 ? segments_[i - 1] : segments_[0];
      segments_[i].frame = frame;
      segments_[i].new_bar = 0;
    }
    TempoSegment& s = segments_[i];
    const std::uint32_t before = i > 0 ? segments_[i - 1].beats_per_bar : s.beats_per_bar;
    s.bpm = bpm;
    if (beats_per_bar != 0) {
      if (beats_per_bar != before)
        s.new_bar = 1;
      s.beats_per_bar = beats_per_bar;
    }
    rebeat(i);
    return true;
  }

  // Moves the downbeat: from `frame` on (a frame before `now` means
  // `now`), bars, and every grid, are counted from beat `origin`; the beats
  // stay, and the changes after it keep the origin until one starts a bar
  // of its own. False, with nothing changed, when the map is full of
  // changes to come.
  bool set_downbeat(std::uint64_t now, std::uint64_t frame, double origin) noexcept {
    if (frame < now)
      frame = now;
    if (!change(now, frame, segment_at(frame).bpm, 0))
      return false;
    const std::size_t i = index_at(frame);
    segments_[i].new_bar = 2;
    segments_[i].bar_origin = origin;
    rebeat(i);
    return true;
  }

private:
  static constexpr double kFarFrames = 9.0e15; // under 2^53: exact in a double

  double beat_in(const TempoSegment& s, std::uint64_t frame) const noexcept {
    // Before the first segment (forgotten history): its tempo, backwards.
    const double d = frame >= s.frame ? static_cast<double>(frame - s.frame)
                                      : -static_cast<double>(s.frame - frame);
    return s.beat + d * s.bpm / frames_per_minute_;
  }

  std::size_t index_at(std::uint64_t frame) const noexcept {
    std::size_t i = 0;
    while (i + 1 < size_ && segments_[i + 1].frame <= frame)
      ++i;
    return i;
  }

  // Segments from `i` on take their beats (and their bar origins) from
  // their predecessors.
  void rebeat(std::size_t i) noexcept {
    for (std::size_t j = i == 0 ? 1 : i; j < size_; ++j) {
      TempoSegment& s = segments_[j];
      const TempoSegment& p = segments_[j - 1];
      s.beat = beat_in(p, s.frame);
      if (s.new_bar != 2)
        s.bar_origin = s.new_bar == 1 ? s.beat : p.bar_origin;
    }
    if (i == 0 && segments_[0].new_bar == 1)
      segments_[0].bar_origin = segments_[0].beat;
  }

  double frames_per_minute_ = 60.0 * 48000;
  std::size_t size_ = 1;
  TempoSegment segments_[kCapacity];
};

} // namespace ringengine
