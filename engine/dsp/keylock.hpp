// Key lock: a voice's tempo and pitch apart. The voice's player reads its
// buffer at unit rate into this stage, which stretches time by 1/rate and
// shifts pitch by 2^(semitones/12) through Rubber Band's real-time
// stretcher, so a voice played faster or slower keeps its key, and a pitch
// shift keeps its tempo.
//
//     player (unit rate) --pull--> Keylock --render--> the voice's planes
//
// Rubber Band is an optional build feature (meson -Drubberband=...): it is
// GPL-2+, and a library built with it is GPL-2+ as a whole (see
// docs/architecture.md). Without it available() is false and the
// constructor throws std::logic_error, so the engine refuses keylock on the
// control side, never on the audio thread.
//
// Threads: made and destroyed on a control thread, where it allocates
// everything it will ever need and primes the stretcher across the whole
// pitch range and time ratios (R3 otherwise allocates the first time it
// meets a new pitch). After that reset(), set() and render() run on the
// audio thread: no allocation, lock, log or exception (checked under
// RealtimeSanitizer, tests/engine/keylock_realtime_test.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

namespace ringengine {

class Keylock {
public:
  // The range set() clamps to: a rate of 1/4 .. 4 times the buffer's speed
  // and an octave either way, the range the stretcher is primed across.
  static constexpr double kMinRate = 0.25;
  static constexpr double kMaxRate = 4.0;
  static constexpr double kMaxSemitones = 12.0;
  // Channels a stretcher carries at most (a voice's planes).
  static constexpr std::uint32_t kMaxChannels = 8;

  // Where render() gets its input: a non-owning reference to any callable
  // `std::uint32_t (float* const* in, std::uint32_t frames)` that writes up
  // to `frames` frames (at most 4 blocks: a block at kMaxRate) into each of
  // in[0 .. channels()), the stretcher's planes (a mono source into a
  // stereo stretcher writes both), and returns how many it wrote; fewer
  // than asked means the source has ended. It must outlive the render()
  // call it is passed to (a lambda on the caller's stack).
  class Pull {
  public:
    template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Pull>>>
    Pull(F& f) noexcept // NOLINT: implicit, so that render(..., lambda) reads naturally
        : context_(static_cast<void*>(&f)), call_(&invoke<F>) {}
    std::uint32_t operator()(float* const* in, std::uint32_t frames) const noexcept {
      return call_(context_, in, frames);
    }

  private:
    template <class F>
    static std::uint32_t invoke(void* f, float* const* in, std::uint32_t frames) noexcept {
      return (*static_cast<F*>(f))(in, frames);
    }
    void* context_;
    std::uint32_t (*call_)(void*, float* const*, std::uint32_t) noexcept;
  };

  // Rubber Band's engines (docs/architecture.md says why the default is
  // what it is): R3 ("finer") sounds better and costs more, R2 ("faster")
  // the other way round; R3 with its short window alone (finer_short)
  // costs about half of R3's standard multi-resolution scheme and has half
  // its latency, at some cost in sound (bass and transients).
  enum class Stretcher { finer, finer_short, faster };
  static constexpr Stretcher kDefaultStretcher = Stretcher::finer;

  // True when the engine was built with Rubber Band.
  static bool available() noexcept;

  // Control thread. Makes the stretcher (real-time mode, one thread) for
  // `channels` planes (1 .. kMaxChannels) at `sample_rate`, scratch for
  // render() calls of up to `max_block_frames` frames, and primes it.
  // Throws std::logic_error without Rubber Band, std::invalid_argument on
  // bad arguments. Takes about 0.2 s on this VM (the priming: R3's
  // standard window), so an engine makes its stretchers once, at create.
  Keylock(double sample_rate, std::uint32_t channels, std::uint32_t max_block_frames,
          Stretcher stretcher = kDefaultStretcher);
  ~Keylock();
  Keylock(const Keylock&) = delete;
  Keylock& operator=(const Keylock&) = delete;

  // Audio thread, at a new play: forgets all input and output, keeps the
  // rate and pitch last set (set them first: the pad fed and the latency
  // are the current setting's). The output then begins with latency()
  // frames of silence, as after construction.
  void reset() noexcept;
  // Audio thread: from the next render(), `rate` input frames are consumed
  // per output frame (time ratio 1/rate) and pitch moves by `semitones`;
  // both clamped to the ranges above.
  void set(double rate, double semitones) noexcept;
  double rate() const noexcept;
  double semitones() const noexcept;

  // Audio thread: writes exactly n frames (n <= max_block_frames) into
  // out[0 .. channels) (channels <= the stretcher's; planes beyond them are
  // not touched), pulling input as the stretcher asks for it. Returns the
  // frames of sound written: n, or fewer once the source has ended and the
  // stretcher has given out its last sample, the rest being zeros.
  std::uint32_t render(float* const* out, std::uint32_t channels, std::uint32_t n,
                       Pull pull) noexcept;
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Pull>>>
  std::uint32_t render(float* const* out, std::uint32_t channels, std::uint32_t n,
                       F&& pull) noexcept {
    return render(out, channels, n, Pull(pull));
  }

  // The delay, in output frames, from a frame pulled to that frame heard,
  // at the current rate and pitch: the output begins with it (after
  // construction or reset()), so a voice's sound starts this late.
  std::uint32_t latency() const noexcept;
  std::uint32_t channels() const noexcept;
  // Which Rubber Band engine runs (3: R3, "finer"; 2: R2, "faster").
  int engine_version() const noexcept;
  // Frames asked of render() since construction: the stretcher ran (the
  // real-time tests assert it). Thread: any (relaxed).
  std::uint64_t frames_rendered() const noexcept {
    return rendered_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<std::uint64_t> rendered_{0}; // the audio thread's, read anywhere
  struct Impl; // the stretcher and the scratch: keylock.cpp, so that this
               // header does not carry Rubber Band into everything
  std::unique_ptr<Impl> impl_;
};

} // namespace ringengine
