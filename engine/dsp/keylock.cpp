// Key lock through Rubber Band's real-time stretcher (keylock.hpp). Built
// only with -Drubberband enabled (RINGENGINE_HAVE_RUBBERBAND); without it,
// keylock_unavailable.cpp stands in.
#include "dsp/keylock.hpp"

#include <rubberband/RubberBandStretcher.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace ringengine {

namespace {

using RubberBand::RubberBandStretcher;

// The stretcher's messages would go to std::cerr from the audio thread (a
// lock, a system call): they go nowhere. Its debug level stays 0, so it
// has nothing but warnings to say, and the tests measure what it does.
struct SilentLogger final : RubberBandStretcher::Logger {
  void log(const char*) override {}
  void log(const char*, double) override {}
  void log(const char*, double, double) override {}
};

double pitch_scale(double semitones) noexcept { return std::exp2(semitones / 12.0); }

// The fraction nearest x with a denominator of at most kMaxDenominator
// (continued fractions; x > 0). R3's resampler builds, at every pitch
// change, a table as long as the numerator of the fraction it finds for
// the ratio, with denominators up to 192000: for a pitch such as
// 2^(0.37/12) that is hundreds of thousands of entries, a millisecond of
// the audio thread per change (measured: a voice whose pitch moves every
// block cost twice a steady one). A pitch scale that is already a small
// fraction gives a short table, at most 0.43 cent from the pitch asked for
// (half the widest gap between such fractions, 1/2048 next to 1).
constexpr std::int64_t kMaxDenominator = 2048;
double small_fraction(double x) noexcept {
  std::int64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  double r = x;
  for (int i = 0; i < 64; ++i) {
    const double whole = std::floor(r);
    const auto a = static_cast<std::int64_t>(whole);
    const std::int64_t q2 = q0 + a * q1;
    if (q2 > kMaxDenominator) {
      // The best semiconvergent that still fits, or the last convergent.
      const std::int64_t k = (kMaxDenominator - q0) / q1;
      const double semi = static_cast<double>(p0 + k * p1) / static_cast<double>(q0 + k * q1);
      const double last = static_cast<double>(p1) / static_cast<double>(q1);
      return std::fabs(semi - x) < std::fabs(last - x) ? semi : last;
    }
    const std::int64_t p2 = p0 + a * p1;
    p0 = p1, q0 = q1, p1 = p2, q1 = q2;
    const double frac = r - whole;
    if (frac < 1e-12)
      break;
    r = 1.0 / frac;
  }
  return static_cast<double>(p1) / static_cast<double>(q1);
}

RubberBandStretcher::Options options_of(Keylock::Stretcher which) noexcept {
  switch (which) {
  case Keylock::Stretcher::finer: return RubberBandStretcher::OptionEngineFiner;
  case Keylock::Stretcher::finer_short:
    return RubberBandStretcher::OptionEngineFiner | RubberBandStretcher::OptionWindowShort;
  case Keylock::Stretcher::faster: break;
  }
  return RubberBandStretcher::OptionEngineFaster;
}

} // namespace

struct Keylock::Impl {
  Impl(double sample_rate, std::uint32_t channels_, std::uint32_t max_block, Stretcher which)
      : stretcher(static_cast<std::size_t>(sample_rate), channels_,
                  std::make_shared<SilentLogger>(),
                  RubberBandStretcher::OptionProcessRealTime |
                      RubberBandStretcher::OptionThreadingNever |
                      // Pitch moves while a voice plays: the method that
                      // crosses pitch 1.0 without a discontinuity (R3 takes
                      // pitch options only at construction).
                      RubberBandStretcher::OptionPitchHighConsistency |
                      options_of(which)),
        channels(channels_), max_block(max_block),
        // At rate kMaxRate a block of output consumes kMaxRate blocks of
        // input; render() never passes the stretcher more than this.
        input_capacity(static_cast<std::uint32_t>(std::ceil(max_block * kMaxRate))) {
    stretcher.setMaxProcessSize(input_capacity);
    input.assign(static_cast<std::size_t>(channels) * input_capacity, 0.0f);
    discard.assign(static_cast<std::size_t>(channels) * max_block, 0.0f);
    for (std::uint32_t c = 0; c < channels; ++c) {
      input_planes[c] = &input[static_cast<std::size_t>(c) * input_capacity];
      discard_planes[c] = &discard[static_cast<std::size_t>(c) * max_block];
    }
  }

  // `blocks` process() calls at one setting, the output thrown away.
  void run(double rate, double semitones, int blocks) {
    stretcher.setTimeRatio(1.0 / rate);
    stretcher.setPitchScale(pitch_scale(semitones));
    for (int block = 0; block < blocks; ++block) {
      std::size_t need = stretcher.getSamplesRequired();
      need = std::clamp<std::size_t>(need, 1, input_capacity);
      stretcher.process(input_planes, need, false);
      while (stretcher.available() > 0)
        stretcher.retrieve(discard_planes,
                           std::min<std::size_t>(
                               static_cast<std::size_t>(stretcher.available()), max_block));
    }
  }

  // Runs the stretcher through every corner of its range on a control
  // thread, so that every buffer it sizes by pitch and ratio (R3's
  // resamplers and windows, R2's too) is already as large as it will ever
  // need. Without this, R3 calls posix_memalign on the audio thread the
  // first time the pitch moves (measured under RealtimeSanitizer).
  void prime() {
    // Noise, so that every path (transients, phase reset) runs.
    std::uint32_t seed = 12345;
    for (float& x : input) {
      seed = seed * 1664525u + 1013904223u;
      x = static_cast<float>(static_cast<std::int32_t>(seed)) * (0.25f / 2147483648.0f);
    }
    // The pitch. R3 resamples through Rubber Band's BQResampler (in its
    // "ratio often changing" mode), which approximates each ratio by a
    // fraction num/den (den <= 192000) and reserves a table of `num`
    // phases; it also grows a buffer, longest at the ratio 0.5. The
    // largest `num` in an octave either way, 383999/192000, comes from a
    // ratio just under 2: 11.999999 semitones down (the resampler's ratio
    // is 1/pitch) or up (were it the pitch), found by running its
    // algorithm over the range. It swaps between two states at each change
    // (to fade), so the five settings run twice: an odd cycle, each state
    // meets each setting.
    const double extremes[] = {-kMaxSemitones, kMaxSemitones, -11.999999, 11.999999, 5.3};
    for (int twice = 0; twice < 2; ++twice)
      for (double semitones : extremes)
        run(1.0, semitones, 2);
    // The time ratio across its range, at both ends of the pitch range.
    for (double r : {kMinRate, 0.5, 1.0, 2.0, kMaxRate})
      for (double semitones : {-kMaxSemitones, -5.3, 0.0, 5.3, kMaxSemitones})
        run(r, semitones, 6);
    std::fill(input.begin(), input.end(), 0.0f);
  }

  RubberBandStretcher stretcher;
  const std::uint32_t channels;
  const std::uint32_t max_block;
  const std::uint32_t input_capacity;
  std::vector<float> input;   // what pull() writes, channels x input_capacity
  std::vector<float> discard; // output planes the caller did not ask for
  float* input_planes[kMaxChannels] = {};
  float* discard_planes[kMaxChannels] = {};
  double rate = 1.0;
  double semitones = 0.0;
  std::size_t pad_left = 0;  // zeros still to feed before the first input
  std::size_t mute_left = 0; // output frames still to silence after reset()
  bool source_ended = false;
  bool drained = false; // the stretcher has given out its last frame
};

bool Keylock::available() noexcept { return true; }

Keylock::Keylock(double sample_rate, std::uint32_t channels, std::uint32_t max_block_frames,
                 Stretcher stretcher) {
  if (channels == 0 || channels > kMaxChannels)
    throw std::invalid_argument("Keylock: channels must be 1 .. 8");
  if (max_block_frames == 0 || !(sample_rate >= 8000.0 && sample_rate <= 384000.0))
    throw std::invalid_argument("Keylock: bad sample rate or block size");
  impl_ = std::make_unique<Impl>(sample_rate, channels, max_block_frames, stretcher);
  impl_->prime();
  impl_->stretcher.setTimeRatio(1.0);
  impl_->stretcher.setPitchScale(1.0);
  reset();
}

Keylock::~Keylock() = default;

void Keylock::reset() noexcept {
  Impl& k = *impl_;
  k.stretcher.reset();
  // Rubber Band asks for this many zeros before the first real frame, so
  // that the real start is not shaped by the analysis window; the output
  // then begins getStartDelay() frames late, which latency() reports.
  k.pad_left = k.stretcher.getPreferredStartPad();
  // Rubber Band 3.1.2's reset() leaves some of the last play's samples in
  // the stretcher once the pitch has moved (both engines, a burst of up to
  // a few hundred frames at the start of the next output, measured). The
  // first latency() frames of output are the pad's, silence by rights:
  // they are made silence.
  k.mute_left = k.stretcher.getStartDelay();
  k.source_ended = false;
  k.drained = false;
}

void Keylock::set(double rate, double semitones) noexcept {
  Impl& k = *impl_;
  rate = std::isfinite(rate) ? std::clamp(rate, kMinRate, kMaxRate) : 1.0;
  semitones = std::isfinite(semitones) ? std::clamp(semitones, -kMaxSemitones, kMaxSemitones)
                                       : 0.0;
  if (rate != k.rate) {
    k.rate = rate;
    k.stretcher.setTimeRatio(1.0 / rate);
  }
  if (semitones != k.semitones) {
    k.semitones = semitones;
    k.stretcher.setPitchScale(small_fraction(pitch_scale(semitones)));
  }
}

double Keylock::rate() const noexcept { return impl_->rate; }
double Keylock::semitones() const noexcept { return impl_->semitones; }

std::uint32_t Keylock::render(float* const* out, std::uint32_t channels, std::uint32_t n,
                              Pull pull) noexcept {
  Impl& k = *impl_;
  channels = std::min(channels, k.channels);
  n = std::min(n, k.max_block);
  rendered_.store(rendered_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  std::uint32_t written = 0;
  float* planes[kMaxChannels];
  while (written < n && !k.drained) {
    const int ready = k.stretcher.available();
    if (ready > 0) {
      // Straight into the caller's planes, past what is written.
      for (std::uint32_t c = 0; c < k.channels; ++c)
        planes[c] = c < channels ? out[c] + written : k.discard_planes[c];
      const std::size_t want = std::min<std::size_t>(static_cast<std::size_t>(ready), n - written);
      const std::size_t got = k.stretcher.retrieve(planes, want);
      if (k.mute_left > 0) {
        const std::size_t mute = std::min(k.mute_left, got);
        for (std::uint32_t c = 0; c < channels; ++c)
          std::fill_n(planes[c], mute, 0.0f);
        k.mute_left -= mute;
      }
      written += static_cast<std::uint32_t>(got);
      continue;
    }
    if (ready < 0 || k.source_ended) {
      // -1: finished; 0 after the final input: nothing more will come.
      k.drained = true;
      break;
    }
    std::size_t need = std::clamp<std::size_t>(k.stretcher.getSamplesRequired(), 1,
                                               k.input_capacity);
    if (k.pad_left > 0) {
      need = std::min(need, k.pad_left);
      for (std::uint32_t c = 0; c < k.channels; ++c)
        std::fill_n(k.input_planes[c], need, 0.0f);
      k.pad_left -= need;
      k.stretcher.process(k.input_planes, need, false);
      continue;
    }
    const std::uint32_t asked = static_cast<std::uint32_t>(need);
    const std::uint32_t got = std::min(pull(k.input_planes, asked), asked);
    if (got < asked)
      k.source_ended = true;
    k.stretcher.process(k.input_planes, got, k.source_ended);
  }
  const std::uint32_t sound = written;
  for (std::uint32_t c = 0; c < channels; ++c)
    std::fill(out[c] + written, out[c] + n, 0.0f);
  return sound;
}

std::uint32_t Keylock::latency() const noexcept {
  return static_cast<std::uint32_t>(impl_->stretcher.getStartDelay());
}
std::uint32_t Keylock::channels() const noexcept { return impl_->channels; }
int Keylock::engine_version() const noexcept { return impl_->stretcher.getEngineVersion(); }

} // namespace ringengine
