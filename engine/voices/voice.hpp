// A voice: a chain of processors, made when the engine is created.
//
//     source (SineSource or SamplePlayer) -> Fade -> Gain -> Pan (meter) -> its bus
//                 a retriggered play's tail: SamplePlayer -> Fade -> (added) ^
//
// The source writes into the voice's scratch planes, each processor works
// on them in place, and Pan adds them into the input of the voice's bus
// (voices/bus.hpp), feeding the voice's meter what it adds. A play on a
// voice already playing a buffer may fade the old play out over a few
// frames while the new one starts: the old one is then the voice's tail,
// rendered beside it into a second set of scratch planes. A new stage (a
// stretcher after the player, an EQ) is one class in dsp/ with a block
// method, and one line in render().
// Thread: the audio thread only. Non-blocking: arithmetic on memory the
// Engine allocated at create.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "dsp/decibels.hpp"
#include "dsp/fade.hpp"
#include "dsp/gain.hpp"
#include "dsp/keylock.hpp"
#include "dsp/meter.hpp"
#include "dsp/pan.hpp"
#include "dsp/ramp.hpp"
#include "dsp/sample_player.hpp"
#include "dsp/signal.hpp"
#include "dsp/sine_source.hpp"
#include "messages/message.hpp"
#include "resources/sample_buffer.hpp"
#include "time/tempo_map.hpp"

namespace ringengine {

// What the engine lends a voice for one render: scratch planes for the
// voice and for its tail, the engine's speed over the frames (one value a
// frame when it moves, else `speed` throughout), and the transport's tempo
// map with the render's first frame, for a voice locked to the tempo (the
// tempo is steady over the render: the engine cuts its blocks at changes).
struct VoiceScratch {
  float* const* planes;
  float* const* tail_planes;
  double* rates;        // kChunk values, the voice's own use
  const double* speeds; // nullptr: `speed` for every frame
  double speed;
  const TempoMap* tempo = nullptr; // nullptr: no transport (locks are ignored)
  std::uint64_t frame = 0;
};

class Voice {
public:
  // What render() returns while a buffer plays on (or a sine sounds).
  static constexpr std::uint32_t kStillPlaying = 0xffffffffu;

  void init(double sample_rate, std::uint32_t channels, PanLaw law,
            std::uint32_t meter_window) noexcept {
    frames_per_minute_ = 60.0 * sample_rate;
    sine_.init(sample_rate);
    gain_.init();
    pan_.init(law);
    meter_.init(channels, meter_window);
    rate_.set(1.0, 0);
    fade_.reset();
    tail_fade_.reset();
  }

  void set(Param p, float value, std::uint32_t ramp) noexcept {
    switch (p) {
    case Param::freq: sine_.set_freq(value, ramp); break;
    case Param::gain: gain_.set(value, ramp); break;
    case Param::pan: pan_.set(value, ramp); break;
    case Param::gain_db: gain_.set(static_cast<float>(db_to_gain(value)), ramp); break;
    case Param::bus: bus_ = static_cast<std::uint32_t>(value); break;
    case Param::rate:
      // A locked voice takes a new rate at once, its phase from there.
      rate_.set(value, locked() ? 0 : ramp);
      relock_ = true;
      break;
    case Param::pitch:
      pitch_ = value;
      // The stretcher takes it now, so that its latency (which the pitch
      // moves) is the next key-locked play's (keylock_latency()).
      if (keylock_ != nullptr)
        keylock_->set(std::max(Keylock::kMinRate, rate_.value), pitch_);
      break;
    }
  }
  // Gives the voice a stretcher (when the engine is created), with which
  // its plays may keep their pitch; nullptr: it has none.
  void give_keylock(Keylock* keylock) noexcept { keylock_ = keylock; }
  bool can_keylock() const noexcept { return keylock_ != nullptr; }
  // The frames from a key-locked play carried out to its sound, at the
  // voice's pitch now (0: it has no stretcher).
  std::uint32_t keylock_latency() const noexcept {
    return keylock_ != nullptr ? keylock_->latency() : 0;
  }
  // The bus it plays into.
  std::uint32_t bus() const noexcept { return bus_; }
  Meter& meter() noexcept { return meter_; }

  // Where the next play starts and loops (set_voice's play_* settings),
  // until it takes them.
  PlayRegion& next_region() noexcept { return next_; }
  // The next play locks to the transport's tempo, its clip being at
  // `clip_bpm` (0: it does not), until it takes it.
  void lock_next_play(float clip_bpm) noexcept { next_bpm_ = clip_bpm; }
  // The beat at which the play under way reads its loop's start this time
  // round (or will, before it reaches its loop), from where it reads at
  // `beat` and its speed there (`bpm` the tempo, `speed` the engine's);
  // false when it plays no buffer or stands still.
  bool loop_start_beat(double beat, double bpm, double speed, double& out) const noexcept {
    if (!player_.playing())
      return false;
    const double fpb = locked()    ? (relock_ ? frames_per_beat() : fpb_)
                       : bpm > 0 ? rate_.value * speed * frames_per_minute_ / bpm
                                 : 0.0;
    if (!(fpb != 0))
      return false;
    out = beat - (player_.exact_position() - static_cast<double>(player_.loop_start())) / fpb;
    return true;
  }

  // Plays `buffer` (whose id is `id`) from the staged region's start,
  // instead of the sine; the voice's gain, pan and rate apply. A play
  // already under way fades out over `fade` frames (0: it is cut), and the
  // new one fades in over them when `fade_in`. The staged region is then
  // back to its default, the whole buffer. A key-locked play cuts the one
  // before it (one stretcher). A tail still fading from an earlier play is
  // cut. Returns how many plays were cut here, at once (0 .. 2: the old
  // tail, the play under way): their ends are now; a play that fades on as
  // the tail says where it ended through tail_ended() when it does.
  std::uint32_t play(const SampleBuffer* buffer, std::uint32_t id, bool loop, std::uint32_t fade,
                     bool fade_in, bool keylock) noexcept {
    std::uint32_t cut = tail_owes_end_ && tail_.playing() ? 1 : 0;
    const bool was_playing = player_.playing();
    tail_owes_end_ = false;
    keylocked_ = keylock && keylock_ != nullptr;
    draining_ = false;
    lock_bpm_ = next_bpm_;
    next_bpm_ = 0;
    relock_ = true;
    if (keylocked_) {
      // One stretcher: a key-locked play cuts the one before it.
      tail_.stop();
      player_.start(buffer, id, loop, next_);
      fade_.reset();
      if (fade_in && fade != 0)
        fade_.in(fade);
      next_ = PlayRegion{};
      keylock_->set(std::max(Keylock::kMinRate, rate_.value), pitch_);
      keylock_->reset();
      return cut + (was_playing ? 1 : 0);
    }
    if (was_playing && fade != 0) {
      tail_ = player_;          // the old play goes on, fading out
      tail_fade_ = fade_;
      tail_fade_.out(fade);
      tail_owes_end_ = true;    // its end is reported where the fade ends
    } else {
      tail_.stop();
      cut += was_playing ? 1 : 0;
    }
    player_.start(buffer, id, loop, next_);
    fade_.reset();
    if (fade_in && fade != 0)
      fade_.in(fade);
    next_ = PlayRegion{};
    return cut;
  }
  // Moves the loop's region of the play under way, both ends at once. A
  // play in its loop and outside the new region jumps to the frame that
  // keeps its phase (SamplePlayer::move_region); with a crossfade, the jump
  // is crossfaded over that many frames: the play from where it was fades
  // out (as a tail) while the play from where it jumped fades in (not a
  // key-locked play, whose one stretcher cannot read two places). Returns
  // true when the crossfade took the place of the fading tail of a play a
  // new play replaced: that play ends here, now.
  [[nodiscard]] bool set_region(std::uint64_t loop_start, std::uint64_t loop_end,
                                std::uint32_t crossfade) noexcept {
    bool cut = false;
    if (player_.playing()) {
      const SamplePlayer before = player_;
      if (player_.move_region(loop_start, loop_end, crossfade) && crossfade != 0 &&
          !keylocked_) {
        cut = tail_owes_end_ && tail_.playing();
        tail_owes_end_ = false; // the jump's tail is no play of its own
        tail_ = before;
        tail_fade_ = fade_;
        tail_fade_.out(crossfade);
        if (!fade_.active())
          fade_.in(crossfade);
      }
    }
    relock_ = true; // a locked loop goes on from where it is, in phase
    return cut;
  }
  // Starts fading the voice out over `frames`: a buffer playing ends when
  // the fade reaches 0 (render() says where), a sine falls silent.
  void fade_out(std::uint32_t frames) noexcept { fade_.out(frames); }
  // Ends the buffer playing, if one is (at once); true when one was.
  bool stop_buffer() noexcept {
    fade_.reset();
    const bool was = player_.stop() || draining_;
    draining_ = false;
    keylocked_ = false;
    lock_bpm_ = 0;
    return was;
  }
  // Ends the tail if it plays buffer `id` (a buffer being let go of);
  // true when that ended a replaced play whose end is still to be said.
  bool drop_tail(std::uint32_t id) noexcept {
    if (tail_.buffer_id() != id || !tail_.playing())
      return false;
    tail_.stop();
    const bool owed = tail_owes_end_;
    tail_owes_end_ = false;
    return owed;
  }
  // Where in the frames of the last render() the fading tail of a play a
  // new play replaced fell silent or ran out (just past its last sample),
  // or kStillPlaying; once per tail.
  std::uint32_t tail_ended() const noexcept { return tail_ended_; }
  // The id of the buffer playing, or 0.
  std::uint32_t buffer_id() const noexcept { return player_.buffer_id(); }

  const SamplePlayer& player() const noexcept { return player_; }
  double freq() const noexcept { return sine_.freq(); }
  double gain() const noexcept { return gain_.value(); }
  double pan() const noexcept { return pan_.value(); }
  double rate() const noexcept { return rate_.value; }

  // Whether the voice stays as it is while time passes (no buffer, freq 0,
  // nothing moving), so rendering may skip it.
  bool resting() const noexcept {
    return !player_.playing() && !tail_.playing() && !draining_ && sine_.resting() &&
           !gain_.moving() &&
           !pan_.moving() && !rate_.moving() && !(fade_.active() && fade_.fading_out());
  }
  // Whether rendering the sine would add anything now.
  bool sounding() const noexcept { return sine_.audible() && gain_.audible(); }

  // Adds n frames (n <= the scratch planes' length) to mix[c][0..n) (its
  // bus's input) for each of `channels` planes, through the scratch.
  // Returns kStillPlaying, or where in the n frames the buffer that played
  // ran out (not looping) or its fade out reached 0.
  std::uint32_t render(float* const* mix, std::uint32_t channels, std::uint32_t n,
                       const VoiceScratch& scratch) noexcept {
    Signal s{scratch.planes, 1, n};
    tail_ended_ = kStillPlaying;
    if (player_.playing() || tail_.playing() || draining_) {
      const bool locked = lock_bpm_ != 0 && scratch.tempo != nullptr &&
                          (player_.playing() || draining_);
      const double* rates = locked ? nullptr : fill_rates(scratch, n);
      const double steady = locked            ? lock_step(scratch, n, !keylocked_)
                            : rates == nullptr ? rate_.value * scratch.speed
                                               : 0.0;
      std::uint32_t ended = kStillPlaying;
      if (keylocked_ && (player_.playing() || draining_)) {
        s.frames = render_keylocked(s, channels, n, rates != nullptr ? rates[0] : steady);
        if (!player_.playing() && !draining_)
          ended = s.frames;
      } else if (player_.playing()) {
        s.frames = player_.render(s, channels, rates, steady);
        const std::uint32_t silent = fade_.process(s);
        if (silent != Fade::kNotSilent) { // faded out: the play ends there
          player_.stop();
          fade_.reset();
          s.frames = silent;
        }
        if (!player_.playing())
          ended = s.frames;
      } else {
        s.channels = 0;
        s.frames = 0;
      }
      if (tail_.playing())
        add_tail(s, channels, n, scratch, rates, steady);
      gain_.process(s);
      pan_.mix_into(s, mix, channels, meter_);
      if (s.frames < n) {
        gain_.skip(n - s.frames);
        pan_.skip(n - s.frames);
      }
      return ended;
    }
    if (!sounding()) {
      sine_.skip(n);
      gain_.skip(n);
      pan_.skip(n);
      rate_.skip(n);
      fade_.skip(n);
      return kStillPlaying;
    }
    rate_.skip(n);
    sine_.render(s);
    if (fade_.process(s) != Fade::kNotSilent) { // a sine's stop, faded: silent from there
      sine_.set_freq(0.0f, 0);
      fade_.reset();
    }
    gain_.process(s);
    pan_.mix_into(s, mix, channels, meter_);
    return kStillPlaying;
  }

private:
  bool locked() const noexcept { return lock_bpm_ != 0; }

  // Tempo lock. A locked play's position is a function of the transport's
  // beat: from its anchor (the beat and the buffer's frame where it was
  // started, or last changed its rate or region) on, fpb_ frames of the
  // buffer a beat, so that nothing piles up over any number of loops. Each
  // render the player is put where the beat says and then runs at the step
  // the tempo gives, steady over the render; a key-locked play is not put
  // (its stretcher holds its own input) and takes the step as its rate.
  // The engine's speed does not move a locked play: the tempo does.
  // Returns the step, buffer frames per frame.
  double lock_step(const VoiceScratch& scratch, std::uint32_t n, bool seek) noexcept {
    const TempoMap& map = *scratch.tempo;
    const double beat = map.beat_at(scratch.frame);
    if (rate_.moving()) { // a ramp begun before the lock: followed stretch by stretch
      rate_.skip(n);
      relock_ = true;
    }
    if (relock_) {
      anchor_beat_ = beat;
      anchor_pos_ = player_.exact_position();
      fpb_ = frames_per_beat();
      relock_ = false;
    }
    if (seek)
      player_.seek(anchor_pos_ + (beat - anchor_beat_) * fpb_);
    return fpb_ * map.segment_at(scratch.frame).bpm / frames_per_minute_;
  }
  // The buffer's frames a beat: rate x the clip's frames a beat. A loop
  // within one frame of a whole number of 64th beats is that many beats
  // exactly (a region is whole frames, a beat rarely is: 98 BPM at 48 kHz
  // is 29387.76 frames), so that it wraps on the grid for ever.
  double frames_per_beat() const noexcept {
    const double fpb = rate_.value * frames_per_minute_ / lock_bpm_;
    if (!player_.looping() || fpb == 0)
      return fpb;
    const double length = static_cast<double>(player_.loop_end() - player_.loop_start());
    const double beats = length / std::fabs(fpb);
    const double whole = std::round(beats * 64.0) / 64.0;
    if (whole > 0 && std::fabs(beats - whole) * std::fabs(fpb) < 1.0)
      return std::copysign(length / whole, fpb);
    return fpb;
  }

  // A key-locked play: the player at the buffer's own speed into the
  // stretcher, which takes `rate` (the voice's times the engine's speed at
  // the chunk's start; backwards and below 1/4 are 1/4) and the pitch. Returns the frames of sound; when the
  // buffer and the stretcher's tail have run out, the play ends there.
  std::uint32_t render_keylocked(Signal& s, std::uint32_t channels, std::uint32_t n,
                                 double rate) noexcept {
    keylock_->set(std::max(Keylock::kMinRate, rate), pitch_);
    const std::uint32_t planes = keylock_->channels();
    auto pull = [&](float* const* in, std::uint32_t frames) -> std::uint32_t {
      if (!player_.playing())
        return 0;
      Signal from{in, 1, frames};
      const std::uint32_t got = player_.render(from, planes, nullptr, 1.0);
      // A source of fewer channels than the stretcher's fills the rest.
      for (std::uint32_t c = from.channels; c < planes; ++c)
        for (std::uint32_t i = 0; i < got; ++i)
          in[c][i] = in[from.channels == 1 ? 0 : c % from.channels][i];
      if (!player_.playing()) // ran out: the stretcher still owes its tail
        draining_ = true;
      return got;
    };
    const std::uint32_t sound = keylock_->render(s.planes, planes, n, pull);
    s.channels = std::min(planes, channels);
    const std::uint32_t silent = fade_.process(s);
    if (sound < n || silent != Fade::kNotSilent) {
      player_.stop();
      fade_.reset();
      draining_ = false;
      keylocked_ = false;
      return std::min(sound, silent);
    }
    return n;
  }

  // The rate of each of the n frames (the voice's times the engine's
  // speed), or nullptr when both stay put: then rate * speed throughout.
  const double* fill_rates(const VoiceScratch& scratch, std::uint32_t n) noexcept {
    if (!rate_.moving() && scratch.speeds == nullptr)
      return nullptr;
    for (std::uint32_t i = 0; i < n; ++i) {
      scratch.rates[i] = rate_.value * (scratch.speeds != nullptr ? scratch.speeds[i]
                                                                  : scratch.speed);
      rate_.tick();
    }
    return scratch.rates;
  }

  // Renders the fading tail into its planes and adds it into s, which
  // grows to n frames and to the tail's channels if it was shorter.
  void add_tail(Signal& s, std::uint32_t channels, std::uint32_t n, const VoiceScratch& scratch,
                const double* rates, double steady) noexcept {
    Signal t{scratch.tail_planes, 1, n};
    t.frames = tail_.render(t, channels, rates, steady);
    const std::uint32_t silent = tail_fade_.process(t);
    if (silent != Fade::kNotSilent) {
      tail_.stop();
      t.frames = silent;
    }
    if (!tail_.playing() && tail_owes_end_) { // faded out, or ran out of buffer
      tail_ended_ = t.frames;
      tail_owes_end_ = false;
    }
    const std::uint32_t wide = std::max(s.channels, t.channels);
    const std::uint32_t frames = std::max(s.frames, t.frames);
    // Channel by channel from the last, so that a mono play's plane 0 is
    // read for every channel before it is written: the play's own channel
    // (a mono play spread), plus the tail's, silence where either ended.
    for (std::uint32_t c = wide; c-- > 0;) {
      const float* own = s.channels == 0   ? nullptr
                         : s.channels == 1 ? s.planes[0]
                         : c < s.channels  ? s.planes[c]
                                           : nullptr;
      const float* tail = t.channels == 1 ? t.planes[0] : c < t.channels ? t.planes[c] : nullptr;
      float* to = s.planes[c];
      for (std::uint32_t i = 0; i < frames; ++i) {
        float y = own != nullptr && i < s.frames ? own[i] : 0.0f;
        if (tail != nullptr && i < t.frames)
          y += tail[i];
        to[i] = y;
      }
    }
    s.channels = wide;
    s.frames = frames;
  }

  SineSource sine_;
  SamplePlayer player_;
  Fade fade_;
  SamplePlayer tail_;
  Fade tail_fade_;
  bool tail_owes_end_ = false;               // the tail is a replaced play not yet said ended
  std::uint32_t tail_ended_ = kStillPlaying; // see tail_ended()
  Ramp rate_;
  Keylock* keylock_ = nullptr; // the engine's, for voices under keylock_voices
  bool keylocked_ = false;     // the play under way goes through it
  bool draining_ = false;      // its buffer ran out; the stretcher's tail plays on
  float pitch_ = 0;            // semitones, for key-locked plays
  double frames_per_minute_ = 60.0 * 48000;
  float next_bpm_ = 0;         // the next play's lock (0: none)
  double lock_bpm_ = 0;        // the play under way's clip tempo (0: not locked)
  bool relock_ = false;        // take a new anchor at the next render
  double anchor_beat_ = 0, anchor_pos_ = 0, fpb_ = 0; // see lock_step()
  Gain gain_;
  Pan pan_;
  Meter meter_;
  std::uint32_t bus_ = 0;
  PlayRegion next_;
};

} // namespace ringengine
