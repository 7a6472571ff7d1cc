#include "core/checks.hpp"

#include <cmath>

#include "core/engine.hpp"
#include "time/tempo_map.hpp"

namespace ringengine {

Refusal CommandChecks::check(const Message& m) const noexcept {
  switch (m.kind) {
#define COMMAND(kind, NAME, number) \
  case MessageKind::kind:           \
    return check_##kind(m);
#define RESERVED(kind, NAME, number) \
  case MessageKind::kind:            \
    return Refusal::not_a_kind(number, #kind);
#include "messages/messages.def"
  default:
    return Refusal::not_a_kind(static_cast<double>(m.kind));
  }
}

Refusal CommandChecks::no_such_voice(std::uint32_t voice) const noexcept {
  // Its range is empty (max < min) when the engine has no voices.
  return Refusal::no_such("voice", voice, 0, static_cast<double>(config_.voices) - 1, "voices");
}

Refusal CommandChecks::check_ping(const Message&) const noexcept { return {}; }

Refusal CommandChecks::check_set_param(const Message& m) const noexcept {
  if (field::set_param::voice(m) >= config_.voices)
    return no_such_voice(field::set_param::voice(m));
  const float v = field::set_param::value(m);
  switch (static_cast<Param>(field::set_param::param(m))) {
  case Param::freq: {
    const float nyquist = config_.sample_rate / 2.0f;
    return v >= 0 && v <= nyquist ? Refusal{}
                                  : Refusal::range("freq", v, 0, nyquist, "Hz", "sample_rate / 2");
  }
  case Param::gain:
    return v >= 0 && v <= kMaxGain ? Refusal{} : Refusal::range("gain", v, 0, kMaxGain);
  case Param::pan:
    return v >= -1 && v <= 1 ? Refusal{} : Refusal::range("pan", v, -1, 1);
  case Param::gain_db:
    return v <= kMaxGainDb ? Refusal{} : Refusal::range("gain_db", v, -INFINITY, kMaxGainDb, "dB");
  case Param::rate:
    return v >= -kMaxRate && v <= kMaxRate ? Refusal{}
                                           : Refusal::range("rate", v, -kMaxRate, kMaxRate);
  case Param::pitch:
    return v >= -12 && v <= 12 ? Refusal{} : Refusal::range("pitch", v, -12, 12, "semitones");
  case Param::bus:
    if (field::set_param::ramp(m) != 0)
      return Refusal::conflict("ramp", field::set_param::ramp(m),
                               "bus takes no ramp: a voice changes bus at one frame");
    return v >= 0 && v < static_cast<float>(config_.buses) && v == std::floor(v)
               ? Refusal{}
               : Refusal::whole("bus", v, 0, config_.buses - 1.0, "", "buses - 1");
  }
  return Refusal::no_such("parameter", field::set_param::param(m), 0, kParamCount - 1);
}

Refusal CommandChecks::check_set_bus(const Message& m) const noexcept {
  const std::uint32_t bus = field::set_bus::bus(m);
  if (bus != kMasterBus && bus >= config_.buses)
    return Refusal::no_such("bus", bus, 0, config_.buses - 1.0, "buses");
  const float v = field::set_bus::value(m);
  switch (static_cast<BusParam>(field::set_bus::param(m))) {
  case BusParam::gain:
    return v >= 0 && v <= kMaxGain ? Refusal{} : Refusal::range("gain", v, 0, kMaxGain);
  case BusParam::gain_db:
    return v <= kMaxGainDb ? Refusal{} : Refusal::range("gain_db", v, -INFINITY, kMaxGainDb, "dB");
  case BusParam::pan:
    return v >= -1 && v <= 1 ? Refusal{} : Refusal::range("pan", v, -1, 1);
  case BusParam::mute:
    return v == 0 || v == 1 ? Refusal{} : Refusal::whole("mute", v, 0, 1);
  case BusParam::eq_low:
  case BusParam::eq_mid:
  case BusParam::eq_high:
    return v <= Isolator::kMaxDb ? Refusal{}
                                 : Refusal::range("an EQ band", v, -INFINITY, Isolator::kMaxDb,
                                                  "dB");
  case BusParam::input_db:
    if (config_.inputs == 0)
      return Refusal::unavailable("input_db", "the engine has no inputs (config.inputs is 0)");
    return v <= kMaxGainDb ? Refusal{}
                           : Refusal::range("input_db", v, -INFINITY, kMaxGainDb, "dB");
  }
  return Refusal::no_such("bus parameter", field::set_bus::param(m), 0, kBusParamCount - 1);
}

Refusal CommandChecks::check_play(const Message& m) const noexcept {
  const std::uint32_t voice = field::play::voice(m);
  if (voice >= config_.voices)
    return no_such_voice(voice);
  const float fade = field::play::fade(m);
  if (!(fade >= 0 && fade <= static_cast<float>(Engine::kMaxFade) && fade == std::floor(fade)))
    return Refusal::whole("fade", fade, 0, Engine::kMaxFade, "frames");
  if ((field::play::flags(m) & kPlayKeylock) != 0 && voice >= config_.keylock_voices)
    return Keylock::available()
               ? Refusal::not_enabled("keylock", voice, 0, config_.keylock_voices - 1.0,
                                      "key-lock")
               : Refusal::unavailable("keylock",
                                      "this build has no key lock (built without Rubber Band)");
  const std::uint32_t buffer = field::play::buffer(m);
  return live_(owner_, buffer) ? Refusal{} : Refusal::gone("buffer", buffer);
}

Refusal CommandChecks::check_stop(const Message& m) const noexcept {
  if (field::stop::voice(m) >= config_.voices)
    return no_such_voice(field::stop::voice(m));
  const std::uint32_t fade = field::stop::fade(m);
  return fade <= Engine::kMaxFade ? Refusal{}
                                  : Refusal::range("fade", fade, 0, Engine::kMaxFade, "frames");
}

Refusal CommandChecks::check_set_voice(const Message& m) const noexcept {
  if (field::set_voice::voice(m) >= config_.voices)
    return no_such_voice(field::set_voice::voice(m));
  const std::uint16_t setting = field::set_voice::setting(m);
  if (setting >= kVoiceSettingCount)
    return Refusal::no_such("voice setting", setting, 0, kVoiceSettingCount - 1);
  const std::uint32_t frames = field::set_voice::frames(m);
  switch (static_cast<VoiceSetting>(setting)) {
  case VoiceSetting::play_crossfade:
  case VoiceSetting::crossfade:
    return frames <= Engine::kMaxFade
               ? Refusal{}
               : Refusal::range("crossfade", frames, 0, Engine::kMaxFade, "frames");
  case VoiceSetting::play_bpm: {
    const float bpm = field::set_voice::bpm(m);
    return bpm == 0.0f || (bpm >= TempoMap::kMinBpm && bpm <= TempoMap::kMaxBpm)
               ? Refusal{}
               : Refusal::range("bpm", bpm, TempoMap::kMinBpm, TempoMap::kMaxBpm, "BPM");
  }
  default:
    return {};
  }
}

Refusal CommandChecks::check_set_loop(const Message& m) const noexcept {
  if (field::set_loop::voice(m) >= config_.voices)
    return no_such_voice(field::set_loop::voice(m));
  const std::uint32_t start = field::set_loop::loop_start(m);
  const std::uint32_t end = field::set_loop::loop_end(m);
  if (end != 0 && end <= start)
    return Refusal::range("loop_end", end, start + 1.0, 4294967295.0,
                          "frames (0: the buffer's end)", "2^32 - 1");
  const float fade = field::set_loop::crossfade(m);
  return fade >= 0 && fade <= static_cast<float>(Engine::kMaxFade) && fade == std::floor(fade)
             ? Refusal{}
             : Refusal::whole("crossfade", fade, 0, Engine::kMaxFade, "frames");
}

Refusal CommandChecks::check_region(std::uint64_t frames, std::uint64_t loop_start,
                                    std::uint64_t loop_end) noexcept {
  if (frames == 0)
    return {};
  if (loop_start >= frames)
    return Refusal::range("loop_start", static_cast<double>(loop_start), 0,
                          static_cast<double>(frames - 1), "frames",
                          "the buffer's frames - 1");
  if (loop_end > frames || (loop_end != 0 && loop_end <= loop_start))
    return Refusal::range("loop_end", static_cast<double>(loop_end),
                          static_cast<double>(loop_start + 1), static_cast<double>(frames),
                          "frames (0: the buffer's end)", "the buffer's frames");
  return {};
}

Refusal CommandChecks::check_set_speed(const Message& m) const noexcept {
  const float v = field::set_speed::value(m);
  return v >= -kMaxRate && v <= kMaxRate ? Refusal{}
                                         : Refusal::range("speed", v, -kMaxRate, kMaxRate);
}

Refusal CommandChecks::check_cancel(const Message& m) const noexcept {
  if ((field::cancel::flags(m) & kCancelAllVoices) != 0)
    return {};
  return field::cancel::voice(m) < config_.voices ? Refusal{}
                                                  : no_such_voice(field::cancel::voice(m));
}

Refusal CommandChecks::check_quantize(const Message& m) const noexcept {
  const float grid = field::quantize::grid(m);
  if (!(grid == 0 || (grid >= kMinGrid && grid <= kMaxGrid)))
    return Refusal::range("quantize", grid, kMinGrid, kMaxGrid, "beats (0: the bar)");
  const std::uint64_t at = field::quantize::at(m);
  if (at != kFrameNext && at > kMaxQuantizeFrame)
    return Refusal::range("at", static_cast<double>(at), 0, static_cast<double>(kMaxQuantizeFrame),
                          "frames");
  const std::uint32_t count = field::quantize::count(m);
  return count >= 1 && count <= kMaxGroup ? Refusal{}
                                          : Refusal::range("count", count, 1, kMaxGroup, "commands");
}

Refusal CommandChecks::check_metronome(const Message& m) const noexcept {
  const std::uint32_t bus = field::metronome::bus(m);
  if (bus != kMasterBus && bus >= config_.buses)
    return Refusal::no_such("bus", bus, 0, config_.buses - 1.0, "buses");
  if (field::metronome::on(m) > 1)
    return Refusal::whole("on", field::metronome::on(m), 0, 1);
  const float gain = field::metronome::gain(m);
  return gain >= 0 && gain <= kMaxGain ? Refusal{} : Refusal::range("gain", gain, 0, kMaxGain);
}

Refusal CommandChecks::check_sync_to(const Message& m) const noexcept {
  return field::sync_to::voice(m) < config_.voices ? Refusal{}
                                                   : no_such_voice(field::sync_to::voice(m));
}

Refusal CommandChecks::check_set_tempo(const Message& m) const noexcept {
  const float bpm = field::set_tempo::bpm(m);
  if (!(bpm >= TempoMap::kMinBpm && bpm <= TempoMap::kMaxBpm))
    return Refusal::range("bpm", bpm, TempoMap::kMinBpm, TempoMap::kMaxBpm, "BPM");
  const std::uint32_t bpb = field::set_tempo::beats_per_bar(m);
  return bpb <= TempoMap::kMaxBeatsPerBar
             ? Refusal{}
             : Refusal::range("beats_per_bar", bpb, 1, TempoMap::kMaxBeatsPerBar);
}

} // namespace ringengine
