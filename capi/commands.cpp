// The C ABI, commands: engine_send() and the typed wrappers over it, the
// pings, and the parameter path. Contracts are in ringengine.h.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "handle.hpp"
#include "refusal.hpp"

using ringengine::Message;
using ringengine::MessageKind;
using ringengine::BusParam;
using ringengine::Param;

namespace {

int no_such_param(int param) noexcept {
  return capi::fail(ENGINE_ERR_INVALID, "no such parameter " + std::to_string(param) + " (0 .. " +
                                            std::to_string(ringengine::kParamCount - 1) + ")");
}

// A parameter's value as the wire carries it. A finite double beyond
// float's range becomes NaN rather than inf, and NaN stays NaN: the
// engine's checks refuse both. An infinity stays one (-inf dB is silence).
float as_float(double value) noexcept {
  if (std::isinf(value))
    return static_cast<float>(value);
  return std::fabs(value) < 1e30 ? static_cast<float>(value) : NAN;
}

} // namespace

ENGINE_EXPORT std::int64_t engine_send(engine* e, const engine_message* m) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (m == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "message is NULL");
  Message command;
  std::memcpy(&command, m, sizeof command);
  if (const ringengine::Refusal why = e->core->invalid(command))
    return capi::fail(ENGINE_ERR_INVALID, capi::word(why));
  if (!e->core->send(command))
    return ENGINE_ERR_FULL;
  return command.kind == MessageKind::ping ? command.id : 0;
}

namespace {

// The engine frame a C caller's `at` names: any negative one is the next block.
std::uint64_t frame_of(std::int64_t at) noexcept {
  return at < 0 ? ringengine::kFrameNext : static_cast<std::uint64_t>(at);
}

// Sends a command a typed wrapper built through engine_send(), so that it is
// checked and counted as any command is; ENGINE_OK or engine_send()'s status.
int send_command(engine* e, const Message& m) noexcept {
  engine_message c;
  std::memcpy(&c, &m, sizeof c);
  const std::int64_t rc = engine_send(e, &c);
  return rc < 0 ? static_cast<int>(rc) : ENGINE_OK;
}

} // namespace

ENGINE_EXPORT std::int64_t engine_send_ping(engine* e) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  std::uint32_t seq;
  if (!e->core->send_ping(seq))
    return ENGINE_ERR_FULL;
  return seq;
}

ENGINE_EXPORT int engine_set_param(engine* e, std::uint32_t voice, int param, double value,
                                   std::int64_t at, std::uint32_t ramp) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (param < 0 || param >= ringengine::kParamCount)
    return no_such_param(param);
  return send_command(e, Message::set_param(voice, static_cast<Param>(param), as_float(value),
                                            frame_of(at), ramp));
}

ENGINE_EXPORT int engine_set_param_latest(engine* e, std::uint32_t voice, int param,
                                          double value, std::uint32_t ramp) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (param < 0 || param >= ringengine::kParamCount)
    return no_such_param(param);
  if (ramp > ringengine::ParamPath::kMaxRamp)
    return capi::fail(ENGINE_ERR_INVALID, "ramp must be 0 .. 16777215 frames on the parameter path");
  const float v = as_float(value);
  const Message m = Message::set_param(voice, static_cast<Param>(param), v,
                                       ringengine::kFrameNext, ramp);
  if (const ringengine::Refusal why = e->core->invalid(m))
    return capi::fail(ENGINE_ERR_INVALID, capi::word(why));
  e->core->set_param_latest(voice, static_cast<Param>(param), v, ramp);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_send_pings(engine* e, std::uint32_t count, std::uint32_t* first_seq,
                                    std::uint32_t* sent) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  std::uint32_t first;
  const auto n = static_cast<std::uint32_t>(e->core->send_pings(count, first));
  if (first_seq != nullptr)
    *first_seq = first;
  if (sent != nullptr)
    *sent = n;
  return n == count ? ENGINE_OK : ENGINE_ERR_FULL;
}

ENGINE_EXPORT int engine_play(engine* e, std::uint32_t voice, std::uint32_t buffer,
                              std::int64_t at, int loop) {
  return send_command(e, Message::play(voice, buffer, frame_of(at), loop != 0));
}

ENGINE_EXPORT int engine_stop(engine* e, std::uint32_t voice, std::int64_t at) {
  return send_command(e, Message::stop(voice, frame_of(at)));
}

ENGINE_EXPORT int engine_cancel(engine* e, std::int64_t voice, std::int64_t at) {
  if (voice < ENGINE_ALL_VOICES || voice > UINT32_MAX - 1)
    return capi::fail(ENGINE_ERR_INVALID, "no such voice");
  const std::uint32_t v =
      voice == ENGINE_ALL_VOICES ? Message::kAllVoices : static_cast<std::uint32_t>(voice);
  return send_command(e, Message::cancel(v, frame_of(at)));
}

ENGINE_EXPORT int engine_set_bus(engine* e, std::uint32_t bus, int param, double value,
                                 std::int64_t at, std::uint32_t ramp) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (param < 0 || param >= ringengine::kBusParamCount)
    return capi::fail(ENGINE_ERR_INVALID, "no such bus parameter " + std::to_string(param) +
                                              " (0 .. " +
                                              std::to_string(ringengine::kBusParamCount - 1) + ")");
  return send_command(e, Message::set_bus(bus, static_cast<BusParam>(param), as_float(value),
                                          frame_of(at), ramp));
}

// ---- Playback (since 1.3) ----

namespace {

using ringengine::VoiceSetting;

// A fade's frames as the caller gave them: ENGINE_FADE_DEFAULT is 3 ms at
// the engine's rate.
std::uint32_t fade_frames(const engine* e, std::uint32_t fade) noexcept {
  return fade == ENGINE_FADE_DEFAULT ? e->core->config().sample_rate * 3 / 1000 : fade;
}

float wire_grid(double grid) noexcept;

// Checks and pushes ms[0 .. n) together (engine_send()'s checks, then all or
// none); with `any_voice` the engine chooses the voice, said in *voice.
int send_together(engine* e, ringengine::Message* ms, std::size_t n, bool any_voice,
                  std::uint32_t* voice) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    if (const ringengine::Refusal why = e->core->invalid(ms[i]))
      return capi::fail(ENGINE_ERR_INVALID, capi::word(why));
  std::uint32_t chosen = ms[n - 1].kind == MessageKind::play
                             ? ringengine::field::play::voice(ms[n - 1])
                             : ringengine::field::set_voice::voice(ms[n - 1]);
  if (!e->core->send_all(ms, n, any_voice, chosen))
    return e->core->config().voices == 0
               ? capi::fail(ENGINE_ERR_INVALID, "the engine has no voices")
               : ENGINE_ERR_FULL;
  if (voice != nullptr)
    *voice = chosen;
  return ENGINE_OK;
}

} // namespace

ENGINE_EXPORT void engine_play_options_init(engine_play_options* options) {
  engine_play_options_init_size(options, ENGINE_PLAY_OPTIONS_SIZE_1_3);
}

ENGINE_EXPORT void engine_play_options_init_size(engine_play_options* options,
                                                 std::size_t size) {
  if (options == nullptr || size < ENGINE_PLAY_OPTIONS_SIZE_1_3)
    return;
  engine_play_options o{};
  o.size = static_cast<std::uint32_t>(std::min(size, sizeof o));
  o.voice = ENGINE_ANY_VOICE;
  o.at = ENGINE_AT_NEXT;
  o.fade = ENGINE_FADE_DEFAULT;
  o.bus = ENGINE_BUS_UNCHANGED;
  std::memcpy(options, &o, o.size);
}

ENGINE_EXPORT int engine_play_with(engine* e, const engine_play_options* o, std::uint32_t* voice) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (o == nullptr || (o->size != sizeof *o && o->size != ENGINE_PLAY_OPTIONS_SIZE_1_3))
    return capi::fail(ENGINE_ERR_INVALID, "options is NULL or its size is not "
                                          "sizeof(engine_play_options): call "
                                          "engine_play_options_init_size() first");
  const double quantize = o->quantize;
  // The fields since 1.4, when the caller knows them.
  const double bpm = o->size == sizeof *o ? o->bpm : 0.0;
  if (!(bpm == 0 || (bpm >= 1 && bpm <= 999)))
    return capi::fail(ENGINE_ERR_INVALID, "bpm must be 1 .. 999 BPM (or 0: not locked), not " +
                                              std::to_string(bpm));
  if (o->start > UINT32_MAX || o->loop_start > UINT32_MAX || o->loop_end > UINT32_MAX)
    return capi::fail(ENGINE_ERR_INVALID, "start, loop_start and loop_end must be below 2^32 frames");
  if (o->loop_end != 0 && o->loop_end <= o->loop_start)
    return capi::fail(ENGINE_ERR_INVALID, "loop_end must be after loop_start (or 0: the end)");
  if (o->fade_in > 1 || o->loop > 1 || o->keylock > 1)
    return capi::fail(ENGINE_ERR_INVALID, "loop, fade_in and keylock must be 0 or 1");
  // A region that cannot play on this buffer (a start past its last frame,
  // an end past its end) is refused, not cut to the whole buffer.
  if (const ringengine::Refusal why = e->core->invalid_region(o->buffer, o->loop_start, o->loop_end))
    return capi::fail(ENGINE_ERR_INVALID, capi::word(why));
  const bool any = o->voice == ENGINE_ANY_VOICE;
  const std::uint32_t v = any ? 0 : o->voice;
  const std::uint64_t at = frame_of(o->at);
  const std::uint32_t fade = fade_frames(e, o->fade);
  // The message carries a play's fade as a float, exact only to 2^24: the
  // range is checked here, in the words engine_stop_fade() refuses it in.
  if (fade > ringengine::Engine::kMaxFade)
    return capi::fail(ENGINE_ERR_INVALID,
                      capi::word(ringengine::Refusal::range("fade", fade, 0,
                                                            ringengine::Engine::kMaxFade,
                                                            "frames")));
  Message ms[8];
  std::size_t n = 0;
  if (quantize != 0)
    ms[n++] = Message::quantize(wire_grid(quantize), 0, at); // its count below
  if (o->bus != ENGINE_BUS_UNCHANGED)
    ms[n++] = Message::set_param(v, Param::bus, static_cast<float>(o->bus), at);
  // Only what differs from the defaults the play falls back to.
  if (o->start != 0)
    ms[n++] = Message::set_voice(v, VoiceSetting::play_start,
                                 static_cast<std::uint32_t>(o->start), at);
  if (o->loop_start != 0)
    ms[n++] = Message::set_voice(v, VoiceSetting::play_loop_start,
                                 static_cast<std::uint32_t>(o->loop_start), at);
  if (o->loop_end != 0)
    ms[n++] = Message::set_voice(v, VoiceSetting::play_loop_end,
                                 static_cast<std::uint32_t>(o->loop_end), at);
  if (o->crossfade != 0)
    ms[n++] = Message::set_voice(v, VoiceSetting::play_crossfade, o->crossfade, at);
  if (bpm != 0)
    ms[n++] = Message::lock_next_play(v, static_cast<float>(bpm), at);
  ms[n++] = Message::play(v, o->buffer, at, o->loop != 0, fade, o->fade_in != 0,
                          o->keylock != 0);
  if (quantize != 0)
    ringengine::field::quantize::set_count(ms[0], static_cast<std::uint32_t>(n - 1));
  return send_together(e, ms, n, any, voice);
}

ENGINE_EXPORT int engine_set_loop(engine* e, std::uint32_t voice, std::uint64_t loop_start,
                                  std::uint64_t loop_end, std::uint32_t crossfade,
                                  std::int64_t at) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (loop_start > UINT32_MAX || loop_end > UINT32_MAX)
    return capi::fail(ENGINE_ERR_INVALID, "loop_start and loop_end must be below 2^32 frames");
  if (loop_end != 0 && loop_end <= loop_start)
    return capi::fail(ENGINE_ERR_INVALID, "loop_end must be after loop_start (or 0: the end)");
  if (voice >= e->core->config().voices) // the wire's voice is 16 bits: checked before
    return capi::fail(ENGINE_ERR_INVALID,
                      capi::word(ringengine::Refusal::no_such(
                          "voice", voice, 0, e->core->config().voices - 1.0, "voices")));
  if (crossfade > ringengine::Engine::kMaxFade) // before the wire's float rounds it
    return capi::fail(ENGINE_ERR_INVALID,
                      capi::word(ringengine::Refusal::range("crossfade", crossfade, 0,
                                                            ringengine::Engine::kMaxFade,
                                                            "frames")));
  // One message: both ends (and the crossfade) apply together.
  return send_command(e, Message::set_loop(voice, static_cast<std::uint32_t>(loop_start),
                                           static_cast<std::uint32_t>(loop_end), crossfade,
                                           frame_of(at)));
}

ENGINE_EXPORT int engine_stop_fade(engine* e, std::uint32_t voice, std::int64_t at,
                                   std::uint32_t fade) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  return send_command(e, Message::stop(voice, frame_of(at), fade_frames(e, fade)));
}

ENGINE_EXPORT int engine_set_speed(engine* e, double speed, std::int64_t at, std::uint32_t ramp) {
  return send_command(e, Message::set_speed(as_float(speed), frame_of(at), ramp));
}

// ---- Transport (since 1.4) ----

ENGINE_EXPORT int engine_set_tempo(engine* e, double bpm, std::int64_t at,
                                   std::uint32_t beats_per_bar) {
  return send_command(e, Message::set_tempo(as_float(bpm), frame_of(at), beats_per_bar));
}

namespace {

// A C caller's grid as the wire's: ENGINE_QUANTIZE_BAR is 0 there; a grid
// the checks refuse (0, NaN, out of range) stays one they refuse.
float wire_grid(double grid) noexcept {
  if (grid == static_cast<double>(ENGINE_QUANTIZE_BAR))
    return 0.0f;
  return grid > 0 ? as_float(grid) : NAN;
}

} // namespace

ENGINE_EXPORT int engine_send_quantized(engine* e, std::int64_t at, double grid,
                                        const engine_message* ms, std::uint32_t n) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (ms == nullptr || n == 0 || n > ringengine::kMaxGroup)
    return capi::fail(ENGINE_ERR_INVALID, "ms is NULL, or n is not 1 .. " +
                                              std::to_string(ringengine::kMaxGroup));
  Message group[1 + ringengine::kMaxGroup];
  group[0] = Message::quantize(wire_grid(grid), n, frame_of(at));
  for (std::uint32_t i = 0; i < n; ++i) {
    std::memcpy(&group[1 + i], &ms[i], sizeof(Message));
    const MessageKind kind = group[1 + i].kind;
    if (kind == MessageKind::quantize || kind == MessageKind::ping)
      return capi::fail(ENGINE_ERR_INVALID,
                        "a quantize or a ping cannot be quantized (message " +
                            std::to_string(i) + ")");
    group[1 + i].frame = ringengine::kFrameNext;
  }
  return send_together(e, group, 1 + n, false, nullptr);
}

ENGINE_EXPORT int engine_metronome(engine* e, int on, double gain_db, std::uint32_t bus) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (on != 0 && on != 1)
    return capi::fail(ENGINE_ERR_INVALID, "on must be 0 or 1, not " + std::to_string(on));
  if (!(gain_db <= ringengine::kMaxGainDb))
    return capi::fail(ENGINE_ERR_INVALID, "gain_db must be -inf .. " +
                                              std::to_string(ringengine::kMaxGainDb) + " dB");
  const double gain = std::isinf(gain_db) ? 0.0 : std::pow(10.0, gain_db / 20.0);
  return send_command(e, Message::metronome(on != 0, as_float(gain), bus));
}

ENGINE_EXPORT int engine_sync_to(engine* e, std::uint32_t voice, std::int64_t at) {
  return send_command(e, Message::sync_to(voice, frame_of(at)));
}
