#include "core/dispatch.hpp"

#include "core/command_port.hpp"
#include "resources/buffer_table.hpp"
#include "telemetry/metrics.hpp"
#include "time/transport.hpp"
#include "voices/mixer.hpp"

#include <bit>

namespace ringengine {

Dispatcher::Dispatcher(const Shape& shape, Mixer& mixer, const BufferTable& buffers,
                       CommandPort& port, AudioCounters& counters, Transport& transport)
    : shape_(shape), mixer_(mixer), buffers_(buffers), port_(port), counters_(counters),
      transport_(transport), schedule_(shape.schedule), on_beat_(shape.schedule) {}

namespace {
std::uint64_t beat_key(double beat) noexcept { return std::bit_cast<std::uint64_t>(beat); }
double key_beat(std::uint64_t key) noexcept { return std::bit_cast<double>(key); }
} // namespace

std::uint64_t Dispatcher::next_frame() const noexcept {
  const std::uint64_t by_frame = schedule_.next_frame();
  if (on_beat_.next_frame() == kFrameNext)
    return by_frame;
  return std::min(by_frame, transport_.map().frame_at(key_beat(on_beat_.next_frame())));
}

void Dispatcher::run_due(std::uint64_t now) noexcept {
  while (schedule_.next_frame() <= now)
    dispatch(schedule_.pop(), now);
  while (on_beat_.next_frame() != kFrameNext &&
         transport_.map().frame_at(key_beat(on_beat_.next_frame())) <= now)
    dispatch(on_beat_.pop(), now);
}

// A quantize: its line is found now, from the tempo map as it stands (the
// changes applied and those held); the commands of its group are held by
// the line's beat. Room for the whole group is checked here, so a group
// is carried out whole or dropped whole.
void Dispatcher::begin_group(const Message& q, std::uint64_t position) noexcept {
  const std::uint64_t at = field::quantize::at(q);
  const std::uint64_t from = at == kFrameNext || at < position ? position : at;
  group_left_ = std::min(field::quantize::count(q), kMaxGroup);
  group_line_ = transport_.grid_at_or_after(from, field::quantize::grid(q));
  group_dropped_ = on_beat_.room() < group_left_;
}

std::uint32_t Dispatcher::preroll_of(const Message& m) const noexcept {
  if (m.kind != MessageKind::play || (field::play::flags(m) & kPlayKeylock) == 0)
    return 0;
  const std::uint32_t v = field::play::voice(m);
  return v < shape_.voices ? mixer_.voice(v).keylock_latency() : 0;
}

void Dispatcher::pre_roll(Message play, std::uint64_t at, std::uint32_t preroll,
                          std::uint64_t position) noexcept {
  const std::uint32_t v = field::play::voice(play);
  const bool in_time = at >= position + preroll;
  if (!in_time)
    bump(counters_.late, 1);
  const std::uint64_t start = in_time ? at - preroll : position;
  // Its voice's commands held for frames from its pre-roll's start to its
  // own (its settings, a stop of the play before it) come first, in the
  // order they arrived: they were meant before it.
  schedule_.retime_if(
      [&](const Message& c) { return c.frame >= start && c.frame <= at && voice_of(c) == v; },
      start);
  play.frame = start;
  if (!schedule_.push(play))
    bump(counters_.dropped, 1);
}

void Dispatcher::admit_in_group(Message m, std::uint64_t position) noexcept {
  --group_left_;
  if (group_dropped_) {
    bump(counters_.dropped, 1);
    return;
  }
  // A key-locked play on a line: its group's commands for its voice leave
  // the line's beat for the frame its pre-roll starts at (fixed now: a
  // later tempo change does not move it), when there is room.
  if (const std::uint32_t preroll = preroll_of(m);
      preroll != 0 && group_line_.frame >= position) {
    const bool in_time = group_line_.frame >= position + preroll;
    const std::uint64_t start = in_time ? group_line_.frame - preroll : position;
    // Its voice's commands held by beat from the pre-roll's start to the
    // line (its group's settings among them) go with it.
    const std::uint64_t first = beat_key(transport_.map().beat_at(start));
    const std::uint64_t key = beat_key(group_line_.beat);
    const std::uint32_t v = field::play::voice(m);
    const auto its = [&](const Message& c) {
      return c.frame >= first && c.frame <= key && voice_of(c) == v;
    };
    if (schedule_.room() > on_beat_.count_if(its)) {
      on_beat_.move_if<kMaxGroup>(its, schedule_, start);
      pre_roll(m, group_line_.frame, preroll, position);
      return;
    }
  }
  // A tempo change goes into the tempo map at the line's frame; the rest
  // wait for the line's beat (or take effect now, when it is this frame).
  if (target_of(m.kind) == Target::transport || group_line_.frame <= position) {
    m.frame = group_line_.frame;
    dispatch(m, position);
    return;
  }
  m.frame = beat_key(group_line_.beat);
  const bool held = on_beat_.push(m);
  (void)held; // room for the whole group was checked in begin_group
}

void Dispatcher::admit(const Message* ms, std::size_t n, std::uint64_t position) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const Message& m = ms[i];
    if (group_left_ > 0) {
      admit_in_group(m, position);
    } else if (m.kind == MessageKind::quantize) {
      begin_group(m, position);
    } else if (target_of(m.kind) == Target::transport) {
      dispatch(m, position); // the tempo map holds it for its frame
    } else if (const std::uint32_t preroll = preroll_of(m);
               preroll != 0 && m.frame != kFrameNext && m.frame >= position) {
      pre_roll(m, m.frame, preroll, position);
    } else if (m.frame == kFrameNext || m.frame <= position) {
      if (m.frame < position)
        bump(counters_.late, 1);
      dispatch(m, position);
    } else if (!schedule_.push(m)) {
      bump(counters_.dropped, 1);
    }
  }
}

void Dispatcher::dispatch(const Message& m, std::uint64_t now) noexcept {
  bool done = false;
  switch (m.kind) {
#define COMMAND(kind, NAME, number) \
  case MessageKind::kind:           \
    done = on_##kind(m, now);       \
    break;
#include "messages/messages.def"
  default:
    break;
  }
  if (!done)
    bump(counters_.unhandled, 1);
}

bool Dispatcher::on_ping(const Message& m, std::uint64_t now) noexcept {
  bump(counters_.pings_handled, 1);
  if (port_.reply(Message::pong(field::ping::seq(m), now)))
    bump(counters_.pongs_sent, 1);
  else
    bump(counters_.pongs_dropped, 1);
  return true;
}

bool Dispatcher::on_set_param(const Message& m, std::uint64_t now) noexcept {
  // Checked on the control side (invalid()); checked again here because
  // the ring is the audio thread's boundary and a bad index would write
  // out of bounds.
  const std::uint32_t v = field::set_param::voice(m);
  const std::uint16_t p = field::set_param::param(m);
  if (v >= shape_.voices || p >= kParamCount)
    return false;
  if (static_cast<Param>(p) == Param::bus && !(field::set_param::value(m) >= 0 &&
                                               field::set_param::value(m) < shape_.buses))
    return false;
  // A frequency makes a buffer voice a sine again.
  if (static_cast<Param>(p) == Param::freq)
    mixer_.end_buffer(v, now);
  mixer_.voice(v).set(static_cast<Param>(p), field::set_param::value(m),
                       field::set_param::ramp(m));
  mixer_.activate(v);
  return true;
}

bool Dispatcher::on_play(const Message& m, std::uint64_t now) noexcept {
  const std::uint32_t v = field::play::voice(m);
  // find(): nullptr for a buffer closed since the play was sent.
  const SampleBuffer* b = buffers_.find(field::play::buffer(m));
  if (v >= shape_.voices || b == nullptr)
    return false;
  Voice& voice = mixer_.voice(v);
  // The play under way ends here, cut, or fades on as the voice's tail and
  // says where it ended when it does (render); so does a tail cut here.
  const auto fade = static_cast<std::uint32_t>(field::play::fade(m));
  std::uint32_t cut = 0;
  if (fade == 0)
    cut += voice.stop_buffer() ? 1 : 0;
  cut += voice.play(b, field::play::buffer(m), (field::play::flags(m) & kPlayLoop) != 0, fade,
                    (field::play::flags(m) & kPlayFadeIn) != 0,
                    (field::play::flags(m) & kPlayKeylock) != 0);
  for (std::uint32_t i = 0; i < cut; ++i)
    port_.emit(Message::voice_ended(v, now));
  // The buffer replaces the sine: when a one-shot buffer ends, the voice is
  // silent, not the sine it sounded before.
  mixer_.voice(v).set(Param::freq, 0.0f, 0);
  mixer_.activate(v);
  return true;
}

bool Dispatcher::on_stop(const Message& m, std::uint64_t now) noexcept {
  const std::uint32_t v = field::stop::voice(m);
  if (v >= shape_.voices)
    return false;
  const std::uint32_t fade = field::stop::fade(m);
  Voice& voice = mixer_.voice(v);
  if (fade == 0 || (!voice.player().playing() && !voice.sounding())) {
    mixer_.end_buffer(v, now);
    voice.set(Param::freq, 0.0f, 0);
    return true;
  }
  // Faded: the buffer ends (and says so) where the fade reaches 0; a sine
  // falls silent there.
  voice.fade_out(fade);
  mixer_.activate(v);
  return true;
}

bool Dispatcher::on_set_voice(const Message& m, std::uint64_t now) noexcept {
  const std::uint32_t v = field::set_voice::voice(m);
  const std::uint16_t setting = field::set_voice::setting(m);
  if (v >= shape_.voices || setting >= kVoiceSettingCount)
    return false;
  Voice& voice = mixer_.voice(v);
  const std::uint32_t frames = field::set_voice::frames(m);
  const SamplePlayer& p = voice.player();
  bool cut = false; // a replaced play's fading tail, cut by a region's jump
  switch (static_cast<VoiceSetting>(setting)) {
  case VoiceSetting::play_start: voice.next_region().start = frames; break;
  case VoiceSetting::play_loop_start: voice.next_region().loop_start = frames; break;
  case VoiceSetting::play_loop_end: voice.next_region().loop_end = frames; break;
  case VoiceSetting::play_crossfade: voice.next_region().crossfade = frames; break;
  case VoiceSetting::loop_start: cut = voice.set_region(frames, p.loop_end(), p.crossfade()); break;
  case VoiceSetting::loop_end: cut = voice.set_region(p.loop_start(), frames, p.crossfade()); break;
  case VoiceSetting::crossfade: cut = voice.set_region(p.loop_start(), p.loop_end(), frames); break;
  case VoiceSetting::play_bpm: voice.lock_next_play(field::set_voice::bpm(m)); break;
  }
  if (cut)
    port_.emit(Message::voice_ended(v, now));
  return true;
}

// Both ends (and the crossfade) at once: never a region made of the new
// start and the old end.
bool Dispatcher::on_set_loop(const Message& m, std::uint64_t now) noexcept {
  const std::uint32_t v = field::set_loop::voice(m);
  if (v >= shape_.voices)
    return false;
  if (mixer_.voice(v).set_region(field::set_loop::loop_start(m), field::set_loop::loop_end(m),
                                 static_cast<std::uint32_t>(field::set_loop::crossfade(m))))
    port_.emit(Message::voice_ended(v, now)); // a replaced play's tail, cut by the jump's
  return true;
}

bool Dispatcher::on_set_speed(const Message& m, std::uint64_t) noexcept {
  mixer_.speed().set(field::set_speed::value(m), field::set_speed::ramp(m));
  return true;
}

bool Dispatcher::on_set_bus(const Message& m, std::uint64_t) noexcept {
  const std::uint32_t bus = field::set_bus::bus(m);
  const std::uint16_t p = field::set_bus::param(m);
  if ((bus != kMasterBus && bus >= shape_.buses) || p >= kBusParamCount)
    return false;
  mixer_.bus(bus == kMasterBus ? shape_.buses : bus).set(
      static_cast<BusParam>(p), field::set_bus::value(m), field::set_bus::ramp(m));
  return true;
}

bool Dispatcher::on_cancel(const Message& m, std::uint64_t) noexcept {
  const bool all = (field::cancel::flags(m) & kCancelAllVoices) != 0;
  const std::uint32_t v = field::cancel::voice(m);
  if (!all && v >= shape_.voices)
    return false;
  // Only commands for a voice are taken back (a ping waits for its frame).
  const auto named = [&](const Message& c) {
    const std::uint32_t of = voice_of(c);
    return of != Message::kAllVoices && (all || of == v);
  };
  const std::size_t removed = schedule_.remove_if(named) + on_beat_.remove_if(named);
  bump(counters_.cancelled, removed);
  return true;
}

bool Dispatcher::on_metronome(const Message& m, std::uint64_t) noexcept {
  const std::uint32_t bus = field::metronome::bus(m);
  if (bus != kMasterBus && bus >= shape_.buses)
    return false;
  mixer_.metronome().set(field::metronome::on(m) != 0, field::metronome::gain(m),
                         bus == kMasterBus ? shape_.buses : bus);
  return true;
}

// A quantize is taken in admit(), never dispatched: one here is out of place.
bool Dispatcher::on_quantize(const Message&, std::uint64_t) noexcept { return false; }

// The downbeat to where the voice's loop starts: bars counted from that
// beat from `now` on.
bool Dispatcher::on_sync_to(const Message& m, std::uint64_t now) noexcept {
  const std::uint32_t v = field::sync_to::voice(m);
  if (v >= shape_.voices)
    return false;
  const TempoMap& map = transport_.map();
  double origin = 0;
  if (!mixer_.voice(v).loop_start_beat(map.beat_at(now), map.segment_at(now).bpm,
                                       mixer_.speed().value, origin))
    return false; // it plays nothing: nothing to sync to
  if (!transport_.set_downbeat(now, now, origin))
    bump(counters_.dropped, 1); // the tempo map is full of changes to come
  return true;
}

bool Dispatcher::on_set_tempo(const Message& m, std::uint64_t now) noexcept {
  const std::uint64_t at = field::set_tempo::at(m);
  if (transport_.set_tempo(now, at == kFrameNext ? now : at, field::set_tempo::bpm(m),
                           field::set_tempo::beats_per_bar(m)))
    return true;
  bump(counters_.dropped, 1); // the tempo map is full of changes to come
  return true;
}

} // namespace ringengine
