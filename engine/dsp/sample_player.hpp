// A source: a sample buffer read from a start frame, once or looping over a
// region, at a rate that can ramp (1 the buffer's own speed, negative
// backwards, 0 holding).
//
// The rule for channel counts that differ: on a mono output, a buffer of
// several channels plays as their average; otherwise channel c plays on
// output c, a buffer's channels past the output's are left out, and a mono
// buffer plays on every output (Pan spreads it).
//
// Between frames it interpolates with the 4-point cubic Hermite curve
// (Catmull-Rom, as SuperCollider's PlayBuf and BufRd do with
// interpolation 4), whose value at a whole frame is that frame's sample: at
// rate 1 from a whole frame the output is the buffer bit for bit (and takes
// a plain copy). Outside the buffer the samples are 0; inside a loop the
// neighbours of the region's ends are taken across the seam.
//
// A loop's region is [loop_start, loop_end); a play from `start` runs into
// it and then around it (backwards, around it from its start to its end; a
// play backwards from before the region enters it from its end when it
// passes the buffer's start). A crossfade of `crossfade` frames mixes, over the
// last frames before loop_end, the frames before loop_start in, so the seam
// does not click (forward playback; frames before the buffer are 0).
// Thread: the audio thread only; the buffer is borrowed (resources/handoff.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "dsp/signal.hpp"
#include "resources/sample_buffer.hpp"

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace ringengine {

// Where a play starts and loops; frames of the buffer. loop_end 0: its end.
struct PlayRegion {
  std::uint64_t start = 0;
  std::uint64_t loop_start = 0;
  std::uint64_t loop_end = 0;
  std::uint32_t crossfade = 0;
};

class SamplePlayer {
public:
  void start(const SampleBuffer* buffer, std::uint32_t id, bool loop,
             const PlayRegion& region = {}) noexcept {
    buffer_ = buffer;
    id_ = id;
    loop_ = loop;
    set_region(region.loop_start, region.loop_end, region.crossfade);
    index_ = static_cast<std::int64_t>(std::min(region.start, buffer->frames));
    frac_ = 0;
    entered_ = loop_ && index_ >= static_cast<std::int64_t>(loop_start_) &&
               index_ < static_cast<std::int64_t>(loop_end_);
  }
  // Moves the loop's region (and its crossfade) while it plays; a region
  // that does not fit the buffer is cut to it, an empty one is the whole.
  void set_region(std::uint64_t loop_start, std::uint64_t loop_end,
                  std::uint32_t crossfade) noexcept {
    const std::uint64_t frames = buffer_ != nullptr ? buffer_->frames : 0;
    loop_end_ = loop_end == 0 || loop_end > frames ? frames : loop_end;
    loop_start_ = std::min(loop_start, loop_end_);
    if (loop_start_ == loop_end_) { // empty: the whole buffer
      loop_start_ = 0;
      loop_end_ = frames;
    }
    crossfade_ = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(crossfade, loop_end_ - loop_start_));
  }
  // Moves the loop's region to [loop_start, loop_end) with both ends at
  // once (set_region's cuts apply). A play that has entered its loop and
  // finds itself outside the new region goes to the frame that keeps its
  // phase in the loop: new start + (where it reads - old start) modulo the
  // new length, fraction kept. Returns true when it jumped.
  bool move_region(std::uint64_t loop_start, std::uint64_t loop_end,
                   std::uint32_t crossfade) noexcept {
    const bool inside = loop_ && entered_;
    const double old_start = static_cast<double>(loop_start_);
    set_region(loop_start, loop_end, crossfade);
    if (!inside || buffer_ == nullptr || loop_end_ == loop_start_)
      return false;
    const double p = exact_position();
    const auto ls = static_cast<double>(loop_start_), le = static_cast<double>(loop_end_);
    if (p >= ls && p < le)
      return false;
    const double length = le - ls;
    double into = std::fmod(p - old_start, length);
    if (into < 0)
      into += length;
    const double to = ls + into;
    const double index = std::floor(to);
    index_ = static_cast<std::int64_t>(index);
    frac_ = to - index;
    return true;
  }
  // Ends the buffer playing; true when one was.
  bool stop() noexcept {
    const bool was = buffer_ != nullptr;
    buffer_ = nullptr;
    return was;
  }
  bool playing() const noexcept { return buffer_ != nullptr; }
  bool looping() const noexcept { return buffer_ != nullptr && loop_; }
  // The id of the buffer playing, or 0.
  std::uint32_t buffer_id() const noexcept { return buffer_ != nullptr ? id_ : 0; }
  std::uint64_t loop_start() const noexcept { return loop_start_; }
  std::uint64_t loop_end() const noexcept { return loop_end_; }
  std::uint32_t crossfade() const noexcept { return crossfade_; }
  // The buffer's frame it reads next (its whole part).
  std::uint64_t position() const noexcept {
    return index_ < 0 ? 0 : static_cast<std::uint64_t>(index_);
  }

  // Where it reads, with the fraction.
  double exact_position() const noexcept { return static_cast<double>(index_) + frac_; }
  // Moves the read position to `p` (a frame of the buffer and a fraction),
  // taken around the loop's region when a loop has passed it: a tempo-locked
  // play (voices/voice.hpp) is put where the transport's beat says, every
  // stretch. A position within a millionth of a whole frame is that frame,
  // so a lock at the clip's own tempo reads the buffer as it is.
  void seek(double p) noexcept {
    if (loop_) {
      const auto ls = static_cast<double>(loop_start_);
      const double length = static_cast<double>(loop_end_) - ls;
      if (length > 0 && (p >= ls + length || (p < ls && (entered_ || p < 0)))) {
        const double into = std::fmod(p - ls, length); // exact
        p = ls + (into < 0 ? into + length : into);
      }
    }
    const double whole = std::round(p);
    if (std::fabs(p - whole) < 1e-6)
      p = whole;
    const double index = std::floor(p);
    index_ = static_cast<std::int64_t>(index);
    frac_ = p - index;
    if (loop_ && index_ >= static_cast<std::int64_t>(loop_start_) &&
        index_ < static_cast<std::int64_t>(loop_end_))
      entered_ = true;
  }

  // Writes up to out.frames frames, channel c of the buffer into
  // out.planes[c] for c below min(buffer channels, output channels) (on a
  // mono output, the average of the buffer's channels into plane 0), frame
  // i read at the position reached with rate[i] (rate: out.frames values,
  // or nullptr for `steady_rate` throughout), and returns how many it
  // wrote: fewer than asked when a one-shot play ran off the buffer, after
  // which playing() is false (also when it ran out exactly at the end of
  // the frames asked for).
  std::uint32_t render(Signal& out, std::uint32_t output_channels, const double* rate,
                       double steady_rate) noexcept {
    const SampleBuffer& b = *buffer_;
    out.channels = std::min(b.channels, output_channels);
    const std::uint32_t n = rate == nullptr && steady_rate == 1.0 && frac_ == 0 && crossfade_ == 0
                                ? copy(out, output_channels)
                                : interpolate(out, output_channels, rate, steady_rate);
    wrap();
    return n;
  }

private:
  // A loop that reached its end (or, backwards, its start) with the last
  // frame rendered goes around now, so that position() never reads a frame
  // outside the region (the next read would go around the same way).
  void wrap() noexcept {
    if (buffer_ == nullptr || !loop_ || loop_end_ == loop_start_)
      return;
    const auto ls = static_cast<std::int64_t>(loop_start_);
    const auto le = static_cast<std::int64_t>(loop_end_);
    const std::int64_t length = le - ls;
    if (index_ >= le)
      index_ = ls + (index_ - ls) % length;
    else if (index_ < ls && (entered_ || index_ < 0))
      index_ = le - 1 - (ls - 1 - index_) % length;
  }

  // The buffer's own speed from a whole frame: its samples as they are, in
  // runs up to the next end (the buffer's, or the loop's).
  std::uint32_t copy(Signal& out, std::uint32_t output_channels) noexcept {
    const SampleBuffer& b = *buffer_;
    const std::uint32_t from = b.channels;
    const bool average = output_channels == 1 && from > 1;
    const std::int64_t end = loop_ ? static_cast<std::int64_t>(loop_end_)
                                   : static_cast<std::int64_t>(b.frames);
    for (std::uint32_t i = 0; i < out.frames;) {
      if (index_ >= end || index_ < 0) {
        if (!loop_ || index_ < 0) {
          buffer_ = nullptr;
          return i;
        }
        // Around the region by remainder, as interpolate() goes.
        const auto ls = static_cast<std::int64_t>(loop_start_);
        index_ = ls + (index_ - ls) % (end - ls);
      }
      const auto run = static_cast<std::uint32_t>(
          std::min<std::int64_t>(out.frames - i, end - index_));
      const float* frame = &b.samples[static_cast<std::uint64_t>(index_) * from];
      if (from == 1) {
        std::copy(frame, frame + run, out.planes[0] + i);
      } else {
        for (std::uint32_t k = 0; k < run; ++k, frame += from)
          write_frame(out, i + k, frame, from, average);
      }
      index_ += run;
      i += run;
      if (loop_ && index_ > static_cast<std::int64_t>(loop_start_))
        entered_ = true; // it read a frame of the region
    }
    if (!loop_ && index_ >= static_cast<std::int64_t>(b.frames))
      buffer_ = nullptr;
    return out.frames;
  }

  std::uint32_t interpolate(Signal& out, std::uint32_t output_channels, const double* rate,
                            double steady_rate) noexcept {
    const SampleBuffer& b = *buffer_;
    const std::uint32_t from = b.channels;
    const std::uint32_t channels = out.channels;
    const bool average = output_channels == 1 && from > 1;
    const auto frames = static_cast<std::int64_t>(b.frames);
    const auto ls = static_cast<std::int64_t>(loop_start_), le = static_cast<std::int64_t>(loop_end_);
    for (std::uint32_t i = 0; i < out.frames; ++i) {
      const double r = rate != nullptr ? rate[i] : steady_rate;
      // A steady rate away from every edge: a run without checks.
      if (rate == nullptr && !average) {
        const std::uint32_t done = run(out, i, r);
        if (done != 0) {
          i += done - 1;
          continue;
        }
      }
      if (loop_) {
        // Around the region: forwards past its end; backwards before its
        // start once inside it, or, not yet inside, past the buffer's
        // start. By remainders, so a region moved far behind costs no more.
        const std::int64_t length = le - ls;
        if (index_ >= le) {
          index_ = ls + (index_ - ls) % length;
        } else if (index_ < ls && (entered_ || index_ < 0)) {
          index_ = le - 1 - (ls - 1 - index_) % length;
        }
        if (index_ >= ls)
          entered_ = true;
      }
      if (!loop_ && (index_ >= frames || index_ < 0)) {
        buffer_ = nullptr;
        return i;
      }
      const double f = frac_;
      // The crossfade's share of the frames before loop_start, near loop_end.
      double w = 0;
      if (loop_ && crossfade_ != 0 && index_ >= le - crossfade_ && r > 0)
        w = (static_cast<double>(index_ - (le - crossfade_)) + f) / crossfade_;
      for (std::uint32_t c = 0; c < (average ? 1u : channels); ++c) {
        double y = sample_at(b, index_, f, c, average, loop_ && entered_);
        if (w > 0) // the frames before loop_start, read as they are
          y += w * (sample_at(b, index_ - (le - ls), f, c, average, false) - y);
        out.planes[c][i] = static_cast<float>(y);
      }
      // On by r: the whole part to the index, the rest in [0, 1).
      const double next = f + r;
      const double whole = std::floor(next);
      index_ += static_cast<std::int64_t>(whole);
      frac_ = next - whole;
    }
    if (!loop_ && (index_ >= frames || index_ < 0))
      buffer_ = nullptr;
    return out.frames;
  }

  // From frame i of out on, at steady rate r, the frames whose four
  // neighbours all lie inside the buffer (and the loop's region, or before
  // its crossfade), read without a check; returns how many (0: none).
  std::uint32_t run(Signal& out, std::uint32_t i, double r) noexcept {
    const SampleBuffer& b = *buffer_;
    const std::int64_t frames = static_cast<std::int64_t>(b.frames);
    const std::int64_t ls = static_cast<std::int64_t>(loop_start_);
    const std::int64_t le = static_cast<std::int64_t>(loop_end_);
    // The neighbours k - 1 .. k + 2 of every frame k read must lie in [lo, hi).
    const std::int64_t lo = loop_ && entered_ ? ls : 0;
    std::int64_t hi = loop_ ? le - static_cast<std::int64_t>(crossfade_) : frames;
    // Not yet in the region: up to its start, whose neighbour before comes
    // from across the seam (interpolate() reads the frame that enters it).
    if (loop_ && !entered_)
      hi = std::min(hi, ls + 2);
    const double first = static_cast<double>(index_) + frac_;
    if (index_ - 1 < lo || index_ + 2 >= hi)
      return 0;
    // How many steps of r stay inside: the position after k - 1 steps is
    // first + (k - 1) r, and needs lo + 1 <= it < hi - 2.
    double room = out.frames - i;
    if (r > 0)
      room = std::min(room, std::floor((static_cast<double>(hi - 3) - first) / r) + 1);
    else if (r < 0)
      room = std::min(room, std::floor((first - static_cast<double>(lo + 1)) / -r) + 1);
    if (room < 1)
      return 0;
    const auto n = static_cast<std::uint32_t>(room);
    const std::uint32_t ch = b.channels;
    const float* samples = &b.samples[static_cast<std::uint64_t>(index_ - 1) * ch];
    // The position past index_ in 32.32 fixed point: an integer add a frame,
    // an exact sum, and a shift for its whole part (floor, also below 0).
    constexpr double kOne = 4294967296.0; // 2^32
    std::int64_t p = static_cast<std::int64_t>(frac_ * kOne);
    const auto step = static_cast<std::int64_t>(std::llround(r * kOne));
    constexpr float kFraction = 1.0f / 4294967296.0f;
    std::uint32_t k = 0;
#if defined(__SSE2__)
    if (ch == 1) // mono, the common case: four frames at a time
      k = run_mono4(out.planes[0] + i, samples, n, p, step);
#endif
    for (; k < n; ++k) {
      const float* at = samples + (p >> 32) * static_cast<std::int64_t>(ch);
      const float f = static_cast<float>(static_cast<std::uint32_t>(p)) * kFraction;
      for (std::uint32_t c = 0; c < out.channels; ++c) {
        const float y0 = at[c], y1 = at[ch + c], y2 = at[2 * ch + c], y3 = at[3 * ch + c];
        const float c1 = 0.5f * (y2 - y0);
        const float c2 = y0 - 2.5f * y1 + 2.0f * y2 - 0.5f * y3;
        const float c3 = 0.5f * (y3 - y0) + 1.5f * (y1 - y2);
        out.planes[c][i + k] = ((c3 * f + c2) * f + c1) * f + y1;
      }
      p += step;
    }
    index_ += p >> 32;
    frac_ = static_cast<double>(static_cast<std::uint32_t>(p)) / kOne;
    if (loop_ && index_ >= ls)
      entered_ = true;
    return n;
  }

#if defined(__SSE2__)
  // run()'s loop for a mono buffer, four frames at a time: each frame's
  // four neighbours in one load, the four loads transposed, the curve in
  // SSE, in the scalar loop's order of operations (so the same bits).
  // Writes the first multiple of 4 of the n frames; returns how many, with
  // p moved on past them.
  static std::uint32_t run_mono4(float* to, const float* samples, std::uint32_t n,
                                 std::int64_t& p, std::int64_t step) noexcept {
    const __m128 half = _mm_set1_ps(0.5f), two_and_half = _mm_set1_ps(2.5f);
    const __m128 two = _mm_set1_ps(2.0f), one_and_half = _mm_set1_ps(1.5f);
    const __m128 fraction = _mm_set1_ps(1.0f / 4294967296.0f);
    std::uint32_t k = 0;
    for (; k + 4 <= n; k += 4) {
      const std::int64_t q0 = p, q1 = p + step, q2 = p + 2 * step, q3 = p + 3 * step;
      __m128 y0 = _mm_loadu_ps(samples + (q0 >> 32));
      __m128 y1 = _mm_loadu_ps(samples + (q1 >> 32));
      __m128 y2 = _mm_loadu_ps(samples + (q2 >> 32));
      __m128 y3 = _mm_loadu_ps(samples + (q3 >> 32));
      _MM_TRANSPOSE4_PS(y0, y1, y2, y3); // now y0 = the four frames' first neighbours, ...
      const __m128 f = _mm_mul_ps(
          _mm_set_ps(static_cast<float>(static_cast<std::uint32_t>(q3)),
                     static_cast<float>(static_cast<std::uint32_t>(q2)),
                     static_cast<float>(static_cast<std::uint32_t>(q1)),
                     static_cast<float>(static_cast<std::uint32_t>(q0))),
          fraction);
      const __m128 c1 = _mm_mul_ps(half, _mm_sub_ps(y2, y0));
      const __m128 c2 = _mm_sub_ps(
          _mm_add_ps(_mm_sub_ps(y0, _mm_mul_ps(two_and_half, y1)), _mm_mul_ps(two, y2)),
          _mm_mul_ps(half, y3));
      const __m128 c3 = _mm_add_ps(_mm_mul_ps(half, _mm_sub_ps(y3, y0)),
                                   _mm_mul_ps(one_and_half, _mm_sub_ps(y1, y2)));
      const __m128 y = _mm_add_ps(
          _mm_mul_ps(_mm_add_ps(_mm_mul_ps(_mm_add_ps(_mm_mul_ps(c3, f), c2), f), c1), f), y1);
      _mm_storeu_ps(to + k, y);
      p += 4 * step;
    }
    return k;
  }
#endif

  // Channel c (or, averaging, all channels' mean) at index + f, f in [0, 1);
  // `seam`: neighbours past the loop's ends come from across its seam.
  double sample_at(const SampleBuffer& b, std::int64_t index, double f, std::uint32_t c,
                   bool average, bool seam) const noexcept {
    const double y0 = tap(b, index - 1, c, average, seam), y1 = tap(b, index, c, average, seam);
    if (f == 0)
      return y1;
    const double y2 = tap(b, index + 1, c, average, seam);
    const double y3 = tap(b, index + 2, c, average, seam);
    // Catmull-Rom: through y1 at 0 and y2 at 1, slopes (y2 - y0) / 2 and (y3 - y1) / 2.
    const double c1 = 0.5 * (y2 - y0);
    const double c2 = y0 - 2.5 * y1 + 2 * y2 - 0.5 * y3;
    const double c3 = 0.5 * (y3 - y0) + 1.5 * (y1 - y2);
    return ((c3 * f + c2) * f + c1) * f + y1;
  }
  // Frame j's sample: 0 outside the buffer; with `seam`, j past either end
  // of the loop's region comes from across the seam.
  double tap(const SampleBuffer& b, std::int64_t j, std::uint32_t c, bool average,
             bool seam) const noexcept {
    if (seam) {
      const auto ls = static_cast<std::int64_t>(loop_start_);
      const auto le = static_cast<std::int64_t>(loop_end_);
      if (j >= le)
        j -= le - ls;
      else if (j < ls)
        j += le - ls;
    }
    if (j < 0 || j >= static_cast<std::int64_t>(b.frames))
      return 0;
    const float* frame = &b.samples[static_cast<std::uint64_t>(j) * b.channels];
    if (!average)
      return frame[c];
    float sum = frame[0];
    for (std::uint32_t k = 1; k < b.channels; ++k)
      sum += frame[k];
    return sum / static_cast<float>(b.channels);
  }

  static void write_frame(Signal& out, std::uint32_t i, const float* frame, std::uint32_t from,
                          bool average) noexcept {
    if (average) {
      float sum = frame[0];
      for (std::uint32_t c = 1; c < from; ++c)
        sum += frame[c];
      out.planes[0][i] = sum / static_cast<float>(from);
      return;
    }
    for (std::uint32_t c = 0; c < out.channels; ++c)
      out.planes[c][i] = frame[c];
  }

  const SampleBuffer* buffer_ = nullptr;
  std::uint32_t id_ = 0;
  bool loop_ = false;
  bool entered_ = false; // the play has reached its loop's region
  std::int64_t index_ = 0; // the frame read next ...
  double frac_ = 0;        // ... and how far past it, in [0, 1)
  std::uint64_t loop_start_ = 0, loop_end_ = 0;
  std::uint32_t crossfade_ = 0;
};

} // namespace ringengine
