#include "core/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <stdexcept>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace ringengine {

namespace {

// Flushes denormals to zero on this thread for the length of a block, and
// puts the caller's setting back after (an offline caller's thread is not
// ours to change). Two register moves; no system call.
class DenormalsOff {
public:
#if defined(__x86_64__)
  DenormalsOff() noexcept : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFtzDaz); }
  ~DenormalsOff() { _mm_setcsr(saved_); }

private:
  static constexpr unsigned kFtzDaz = 0x8040; // MXCSR: flush-to-zero, denormals-are-zero
  unsigned saved_;
#endif
};

// The voice a command is for; Message::kAllVoices for a kind without one.
std::uint32_t voice_of(const Message& c) noexcept {
  switch (c.kind) {
  case MessageKind::set_param: return field::set_param::voice(c);
  case MessageKind::play: return field::play::voice(c);
  case MessageKind::stop: return field::stop::voice(c);
  case MessageKind::set_voice: return field::set_voice::voice(c);
  default: return Message::kAllVoices;
  }
}

} // namespace

Engine::Rings Engine::make_rings(const EngineConfig& c) {
  if (c.capacity == 0 || c.capacity > kMaxCapacity)
    throw std::invalid_argument("capacity must be between 1 and 1048576");
  if (c.schedule == 0 || c.schedule > kMaxCapacity)
    throw std::invalid_argument("schedule must be between 1 and 1048576");
  if (c.voices > kMaxVoices)
    throw std::invalid_argument("voices must be between 0 and 4096");
  if (c.channels == 0 || c.sample_rate == 0)
    throw std::invalid_argument("channels and sample_rate must be at least 1");
  if (c.buffers == 0 || c.buffers > kMaxBuffers)
    throw std::invalid_argument("buffers must be between 1 and 65536");
  if (c.messages_per_block == 0)
    throw std::invalid_argument("messages_per_block must be at least 1");
  if (c.reply_capacity > kMaxCapacity)
    throw std::invalid_argument("reply_capacity must be between 0 and 1048576");
  if (c.channels > kMaxChannels)
    throw std::invalid_argument("channels must be between 1 and 64");
  if (c.buses == 0 || c.buses > kMaxBuses)
    throw std::invalid_argument("buses must be between 1 and 64");
  if (c.meter_ms > kMaxMeterMs)
    throw std::invalid_argument("meter_ms must be between 0 (no meters) and 10000");
  if (c.meter_events_hz > kMaxMeterEventsHz || (c.meter_events_hz != 0 && c.meter_ms == 0))
    throw std::invalid_argument(
        "meter_events_hz must be between 0 and 1000, and 0 when meter_ms is 0 (no meters)");
  if (c.pan_law != PanLaw::balance && c.pan_law != PanLaw::equal_power)
    throw std::invalid_argument("pan_law must be balance (0) or equal_power (1)");
  if (c.keylock_voices > c.voices)
    throw std::invalid_argument("keylock_voices must be 0 .. voices");
  if (c.keylock_voices != 0 && !Keylock::available())
    throw std::invalid_argument(
        "keylock_voices must be 0: this build has no key lock (built without Rubber Band)");
  if (c.keylock_voices != 0 && c.channels > Keylock::kMaxChannels)
    throw std::invalid_argument("key lock takes at most 8 output channels");
  if (c.inputs > kMaxInputs)
    throw std::invalid_argument("inputs must be between 0 and 64");
  return {make_ring<Message>(c.capacity),
          make_ring<Message>(c.reply_capacity != 0 ? c.reply_capacity : c.capacity)};
}

Engine::Engine(const EngineConfig& config) : Engine(config, make_rings(config)) {}

Engine::Engine(const EngineConfig& config, Rings rings)
    : config_(config),
      checks_(config_,
              [](const void* engine, std::uint32_t id) noexcept {
                return static_cast<const Engine*>(engine)->buffer_live(id);
              },
              this),
      buffers_(2 * config.buffers),
      params_(config.voices, kParamCount),
      sender_{{}, 0, {0}, {0}, std::move(rings.commands.first),
              std::make_unique<std::uint64_t[]>(config.voices)},
      receiver_{{}, std::move(rings.replies.second)},
      audio_{std::move(rings.commands.second),
             std::move(rings.replies.first),
             Schedule(config.schedule),
             std::make_unique<Voice[]>(config.voices),
             std::make_unique<std::uint32_t[]>(config.voices),
             std::make_unique<bool[]>(config.voices),
             0,
             std::make_unique<float[]>(std::size_t{config.channels} * kChunk),
             std::make_unique<float*[]>(config.channels),
             std::make_unique<Bus[]>(config.buses + 1),
             std::make_unique<float[]>(std::size_t{config.buses + 1} * config.channels * kChunk),
             std::make_unique<float*[]>(std::size_t{config.buses + 1} * config.channels),
             std::make_unique<float[]>(std::size_t{config.channels} * kChunk),
             std::make_unique<float*[]>(config.channels),
             std::make_unique<float[]>(std::size_t{config.channels} * kChunk),
             std::make_unique<float*[]>(config.channels),
             std::make_unique<double[]>(kChunk),
             std::make_unique<double[]>(kChunk)},
      voice_states_(std::make_unique<Snapshot<VoiceState>[]>(config.voices)),
      voice_meters_(std::make_unique<Snapshot<MeterReading>[]>(config.voices)),
      bus_meters_(std::make_unique<Snapshot<MeterReading>[]>(config.buses + 1)),
      keylocks_(std::make_unique<std::unique_ptr<Keylock>[]>(config.keylock_voices)),
      install_(make_ring<Recorder*>(kMaxRecordings)),
      retired_(make_ring<Recorder*>(kMaxRecordings)) {
  const std::uint32_t channels = config.channels;
  // The meters' window in frames (0: no meters).
  const auto window = static_cast<std::uint32_t>(
      std::uint64_t{config.meter_ms} * config.sample_rate / 1000);
  const std::uint32_t meter_window = config.meter_ms != 0 ? std::max(window, 1u) : 0;
  for (std::uint32_t v = 0; v < config.voices; ++v)
    audio_.voices[v].init(config.sample_rate, channels, config.pan_law, meter_window);
  for (std::uint32_t v = 0; v < config.keylock_voices; ++v) {
    keylocks_[v] = std::make_unique<Keylock>(config.sample_rate, channels, kChunk);
    audio_.voices[v].give_keylock(keylocks_[v].get());
  }
  for (std::uint32_t c = 0; c < channels; ++c) {
    audio_.planes[c] = &audio_.mix[std::size_t{c} * kChunk];
    audio_.scratch_planes[c] = &audio_.scratch[std::size_t{c} * kChunk];
    audio_.tail_scratch_planes[c] = &audio_.tail_scratch[std::size_t{c} * kChunk];
  }
  for (std::uint32_t b = 0; b <= config.buses; ++b) {
    float** planes = &audio_.bus_planes[std::size_t{b} * channels];
    for (std::uint32_t c = 0; c < channels; ++c)
      planes[c] = &audio_.bus_inputs[(std::size_t{b} * channels + c) * kChunk];
    audio_.buses[b].init(config.sample_rate, channels, config.pan_law, planes, meter_window);
  }
  const std::uint32_t inputs = std::max(config.inputs, 1u);
  audio_.input = std::make_unique<float[]>(std::size_t{inputs} * kChunk);
  audio_.input_planes = std::make_unique<float*[]>(inputs);
  for (std::uint32_t c = 0; c < inputs; ++c)
    audio_.input_planes[c] = &audio_.input[std::size_t{c} * kChunk];
  audio_.tap = std::make_unique<float[]>(std::size_t{channels} * kChunk);
  audio_.tap_planes = std::make_unique<float*[]>(channels);
  for (std::uint32_t c = 0; c < channels; ++c)
    audio_.tap_planes[c] = &audio_.tap[std::size_t{c} * kChunk];
  audio_.bus_taps = std::make_unique<std::uint32_t[]>(config.buses);
  recordings_.reserve(kMaxRecordings);
  for (std::uint32_t v = 0; v < config.voices; ++v) {
    voice_meters_[v].write(MeterReading{0, 0, 0, channels, {}, {}});
    sender_.played_at[v] = kFrameNext; // never
  }
  for (std::uint32_t b = 0; b <= config.buses; ++b)
    bus_meters_[b].write(MeterReading{0, 0, 0, channels, {}, {}});
}

// ---- Control side ----

bool Engine::send(Message& m) noexcept {
  std::lock_guard guard(sender_.lock);
  const bool ping = m.kind == MessageKind::ping;
  if (ping)
    m.id = sender_.next_seq;
  if (!sender_.commands.try_push(m)) {
    bump(commands_rejected_, 1);
    if (ping)
      bump(pings_rejected_, 1);
    return false;
  }
  bump(sender_.commands_sent, 1);
  if (ping) {
    ++sender_.next_seq;
    bump(sender_.pings_sent, 1);
  }
  note_play(m);
  return true;
}

void Engine::note_play(const Message& m) noexcept {
  if (m.kind != MessageKind::play || field::play::voice(m) >= config_.voices)
    return;
  const std::uint64_t at = field::play::at(m);
  sender_.played_at[field::play::voice(m)] = at == kFrameNext ? frame() : at;
}

std::uint32_t Engine::choose_voice(std::uint32_t limit) const noexcept {
  const std::uint64_t now = frame();
  std::uint32_t oldest = 0;
  for (std::uint32_t v = 0; v < limit; ++v) {
    // Taken while a play sent for it has not been reached, or while its
    // snapshot (written at the end of the blocks it sounds in) says it plays.
    const bool pending = sender_.played_at[v] != kFrameNext && sender_.played_at[v] >= now;
    const bool busy = (voice_states_[v].read().flags & (kVoicePlaying | kVoiceSounding)) != 0;
    if (!pending && !busy)
      return v;
    if (sender_.played_at[v] < sender_.played_at[oldest])
      oldest = v;
  }
  return oldest;
}

bool Engine::send_all(Message* ms, std::size_t n, bool any_voice, std::uint32_t& voice) noexcept {
  std::lock_guard guard(sender_.lock);
  if (any_voice) {
    // A key-locked play chooses among the voices that can key-lock.
    std::uint32_t limit = config_.voices;
    for (std::size_t i = 0; i < n; ++i)
      if (ms[i].kind == MessageKind::play && (field::play::flags(ms[i]) & kPlayKeylock) != 0)
        limit = config_.keylock_voices;
    if (limit == 0)
      return false;
    voice = choose_voice(limit);
    for (std::size_t i = 0; i < n; ++i) {
      if (ms[i].kind == MessageKind::play)
        field::play::set_voice(ms[i], voice);
      else if (ms[i].kind == MessageKind::set_voice)
        field::set_voice::set_voice(ms[i], voice);
      else if (ms[i].kind == MessageKind::set_param)
        field::set_param::set_voice(ms[i], voice);
    }
  }
  if (sender_.commands.slots() < n) {
    bump(commands_rejected_, n);
    return false;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const bool pushed = sender_.commands.try_push(ms[i]);
    (void)pushed; // room was checked: the consumer only makes more
    note_play(ms[i]);
  }
  bump(sender_.commands_sent, n);
  return true;
}

bool Engine::send_ping(std::uint32_t& seq) noexcept {
  Message m = Message::ping(0);
  if (!send(m))
    return false;
  seq = m.id;
  return true;
}

std::size_t Engine::send_pings(std::size_t n, std::uint32_t& first_seq) noexcept {
  constexpr std::size_t kBatch = 64;
  Message batch[kBatch];
  std::lock_guard guard(sender_.lock);
  first_seq = sender_.next_seq;
  std::size_t sent = 0;
  while (sent < n) {
    const std::size_t want = std::min(kBatch, n - sent);
    for (std::size_t i = 0; i < want; ++i)
      batch[i] = Message::ping(sender_.next_seq + static_cast<std::uint32_t>(i));
    const std::size_t k = sender_.commands.try_push_bulk(batch, want);
    sender_.next_seq += static_cast<std::uint32_t>(k);
    sent += k;
    if (k < want)
      break;
  }
  bump(sender_.pings_sent, sent);
  bump(pings_rejected_, n - sent);
  bump(sender_.commands_sent, sent);
  bump(commands_rejected_, n - sent);
  return sent;
}

void Engine::set_param_latest(std::uint32_t voice, Param param, float value,
                              std::uint32_t ramp) noexcept {
  std::lock_guard guard(param_lock_);
  params_.set(voice, static_cast<std::uint32_t>(param), value, ramp);
  bump(params_set_, 1);
}

bool Engine::try_recv(Message& out) noexcept {
  collect_buffers_if_free();
  std::lock_guard guard(receiver_.lock);
  if (!receiver_.replies.try_pop(out))
    return false;
  if (out.kind == MessageKind::pong)
    bump(pongs_received_, 1);
  return true;
}

std::size_t Engine::recv_many(Message* out, std::size_t n) noexcept {
  collect_buffers_if_free();
  std::lock_guard guard(receiver_.lock);
  const std::size_t k = receiver_.replies.try_pop_bulk(out, n);
  std::uint64_t pongs = 0;
  for (std::size_t i = 0; i < k; ++i)
    pongs += out[i].kind == MessageKind::pong;
  bump(pongs_received_, pongs);
  return k;
}

std::uint32_t Engine::load_buffer(const float* samples, std::uint64_t frames,
                                  std::uint32_t channels) {
  if (samples == nullptr || frames == 0 || channels == 0 || channels > kMaxBufferChannels)
    throw std::invalid_argument("a buffer needs samples, frames >= 1 and channels 1 .. 64");
  if (frames > kMaxBufferSamples / channels)
    throw std::length_error("a buffer holds at most 2^38 samples (1 TiB)");
  auto buffer = std::make_unique<SampleBuffer>();
  buffer->frames = frames;
  buffer->channels = channels;
  buffer->samples = std::make_unique<float[]>(frames * channels);
  std::memcpy(buffer->samples.get(), samples, frames * channels * sizeof(float));
  return adopt_buffer(std::move(buffer));
}

std::uint32_t Engine::adopt_buffer(std::unique_ptr<SampleBuffer> buffer) {
  std::lock_guard guard(resource_lock_);
  if (buffers_.open() >= config_.buffers)
    return 0;
  const std::uint32_t id = buffers_.install(std::move(buffer));
  buffers_live_.store(buffers_.held(), std::memory_order_relaxed);
  return id;
}

bool Engine::close_buffer(std::uint32_t id) noexcept {
  std::lock_guard guard(resource_lock_);
  buffers_.collect();
  buffers_live_.store(buffers_.held(), std::memory_order_relaxed);
  // After every command accepted so far: the audio thread lets go once it
  // has taken them all, so a play sent before the close is carried out (and
  // stopped) first, also when the block's budget leaves some for later.
  return buffers_.retire(id, sender_.commands_sent.load(std::memory_order_acquire));
}

bool Engine::buffer_info(std::uint32_t id, SampleBuffer& out) const {
  std::lock_guard guard(resource_lock_);
  const SampleBuffer* b = buffers_.peek(id);
  if (b == nullptr)
    return false;
  out.frames = b->frames;
  out.channels = b->channels;
  out.source_rate = b->source_rate;
  out.path = b->path;
  return true;
}

FileLoader& Engine::loader() {
  std::lock_guard guard(loader_lock_);
  if (!loader_)
    loader_ = std::make_unique<FileLoader>(
        2,
        [this](std::unique_ptr<SampleBuffer> buffer, DecodeError& error) {
          const std::uint32_t id = adopt_buffer(std::move(buffer));
          if (id == 0)
            error = {DecodeError::Kind::table_full,
                     "all " + std::to_string(config_.buffers) +
                         " buffers (engine_config.buffers) are open, or as many again are "
                         "being let go of"};
          return id;
        },
        [this](std::uint32_t id) { close_buffer(id); });
  return *loader_;
}

FileLoader* Engine::loader_if_started() noexcept {
  std::lock_guard guard(loader_lock_);
  return loader_.get();
}

std::uint32_t Engine::buffers_open() const noexcept {
  std::lock_guard guard(resource_lock_);
  return buffers_.open();
}

bool Engine::buffer_live(std::uint32_t id) const noexcept {
  std::lock_guard guard(resource_lock_);
  return buffers_.live(id);
}

void Engine::collect_buffers() noexcept {
  std::lock_guard guard(resource_lock_);
  buffers_.collect();
  buffers_live_.store(buffers_.held(), std::memory_order_relaxed);
}

void Engine::collect_buffers_if_free() noexcept {
  // A receive never waits for a load or a close on another thread: that
  // thread collects.
  std::unique_lock guard(resource_lock_, std::try_to_lock);
  if (!guard.owns_lock())
    return;
  buffers_.collect();
  buffers_live_.store(buffers_.held(), std::memory_order_relaxed);
}

// ---- Recordings (control side) ----

std::uint32_t Engine::record(const RecordRequest& q) {
  std::uint32_t channels = config_.channels;
  if (q.source == kRecordInput) {
    if (config_.inputs == 0)
      throw std::invalid_argument("source input: the engine has no inputs (config.inputs is 0)");
    channels = config_.inputs;
  } else if (q.source != kRecordMaster && q.source >= config_.buses) {
    throw std::invalid_argument("source must be the master, the input or a bus 0 .. " +
                                std::to_string(config_.buses - 1));
  }
  if (q.to_buffer && q.frames == 0)
    throw std::invalid_argument("a recording into a buffer needs its frames (at least 1)");
  if (q.frames > kMaxBufferSamples / channels)
    throw std::invalid_argument("frames: at most 2^38 samples");
  if (q.at != Recorder::kNever && q.at > (std::uint64_t{1} << 62))
    throw std::invalid_argument("at is past 2^62");
  if (q.ring_frames > (std::uint64_t{1} << 32))
    throw std::invalid_argument("ring_frames: at most 2^32");
  auto r = std::make_unique<Recorder>();
  r->source = q.source;
  r->channels = channels;
  r->at = q.at;
  r->length = q.frames;
  r->ring = !q.to_buffer;
  r->capacity = q.to_buffer ? q.frames
                : q.ring_frames != 0 ? q.ring_frames
                                     : std::max<std::uint64_t>(2 * config_.sample_rate,
                                                               4 * kChunk);
  r->memory = std::make_unique<float[]>(r->capacity * channels);
  // Touched now, so the audio thread's first writes fault no page in.
  std::memset(r->memory.get(), 0, r->capacity * channels * sizeof(float));
  r->path = q.path;

  std::lock_guard guard(recorder_lock_);
  collect_recorders();
  if (recordings_.size() >= kMaxRecordings)
    throw std::length_error("all " + std::to_string(kMaxRecordings) +
                            " recordings are in use: close some first");
  if (!q.to_buffer) {
    if (!writer_)
      writer_ = std::make_unique<RecordWriter>();
    r->file = RecordWriter::open(q.path, channels, config_.sample_rate, q.format);
  } else {
    r->written.store(true, std::memory_order_relaxed);
  }
  r->id = next_recording_++;
  if (next_recording_ == 0)
    next_recording_ = 1;
  Recorder* raw = r.get();
  recordings_.push_back(std::move(r));
  if (raw->ring)
    writer_->add(raw);
  // Never full: it holds kMaxRecordings, and no more are held.
  (void)install_.first.try_push(raw);
  return raw->id;
}

bool Engine::record_stop(std::uint32_t id, std::uint64_t at) noexcept {
  std::lock_guard guard(recorder_lock_);
  for (auto& r : recordings_)
    if (r->id == id && !r->closed) {
      if (at == Recorder::kNever)
        r->stop_next.store(true, std::memory_order_relaxed);
      else
        r->stop_at.store(std::min(at, r->stop_at.load(std::memory_order_relaxed)),
                         std::memory_order_relaxed);
      return true;
    }
  return false;
}

bool Engine::record_status(std::uint32_t id, RecordStatus& out) {
  std::lock_guard guard(recorder_lock_);
  collect_recorders();
  for (auto& r : recordings_)
    if (r->id == id && !r->closed) {
      const int state = r->state.load(std::memory_order_acquire);
      const bool written = r->written.load(std::memory_order_acquire);
      out.state = state == Recorder::finished ? (written && r->let_go ? 3 : 2)
                                              : static_cast<std::uint32_t>(state);
      out.channels = r->channels;
      out.start_frame = state != Recorder::waiting ? r->start_frame.load(std::memory_order_relaxed)
                                                   : 0;
      out.frames = r->head.load(std::memory_order_acquire);
      out.written = r->ring ? r->tail.load(std::memory_order_acquire) : out.frames;
      out.overruns = r->overruns.load(std::memory_order_relaxed);
      out.error.clear();
      if (out.state == 3) {
        out.error = r->error;
        if (out.error.empty() && r->end.load(std::memory_order_relaxed) ==
                                     static_cast<int>(RecordEnd::overrun))
          out.error = "overrun: the buffer had no room";
      }
      return true;
    }
  return false;
}

std::uint32_t Engine::record_take_buffer(std::uint32_t id) {
  std::unique_ptr<SampleBuffer> buffer;
  {
    std::lock_guard guard(recorder_lock_);
    collect_recorders();
    Recorder* r = nullptr;
    for (auto& each : recordings_)
      if (each->id == id && !each->closed)
        r = each.get();
    if (r == nullptr || r->ring)
      throw std::invalid_argument("not a recording into a buffer, or it is closed");
    if (!r->let_go)
      throw std::invalid_argument("the recording has not ended yet");
    const std::uint64_t frames = r->head.load(std::memory_order_acquire);
    if (frames == 0)
      throw std::invalid_argument("the recording took no frames");
    buffer = std::make_unique<SampleBuffer>();
    buffer->frames = frames;
    buffer->channels = r->channels;
    buffer->samples = std::move(r->memory); // the audio thread has let go of it
    r->closed = true;
    collect_recorders();
  }
  const std::uint32_t buffer_id = adopt_buffer(std::move(buffer));
  return buffer_id;
}

bool Engine::record_close(std::uint32_t id) noexcept {
  std::lock_guard guard(recorder_lock_);
  for (auto& r : recordings_)
    if (r->id == id && !r->closed) {
      r->stop_next.store(true, std::memory_order_relaxed);
      r->closed = true;
      collect_recorders();
      return true;
    }
  return false;
}

void Engine::collect_recorders() noexcept {
  Recorder* r = nullptr;
  while (retired_.second.try_pop(r))
    r->let_go = true;
  std::erase_if(recordings_, [](const std::unique_ptr<Recorder>& each) {
    return each->closed && each->let_go && each->written.load(std::memory_order_acquire);
  });
}

// ---- Handlers, one per command kind (audio side) ----

void Engine::dispatch(const Message& m, std::uint32_t offset) noexcept {
  const std::uint64_t now = audio_.position + offset;
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
    bump(unhandled_, 1);
}

bool Engine::on_ping(const Message& m, std::uint64_t now) noexcept {
  bump(pings_handled_, 1);
  if (reply(Message::pong(field::ping::seq(m), now)))
    bump(pongs_sent_, 1);
  else
    bump(pongs_dropped_, 1);
  return true;
}

bool Engine::on_set_param(const Message& m, std::uint64_t now) noexcept {
  // Checked on the control side (invalid()); checked again here because
  // the ring is the audio thread's boundary and a bad index would write
  // out of bounds.
  const std::uint32_t v = field::set_param::voice(m);
  const std::uint16_t p = field::set_param::param(m);
  if (v >= config_.voices || p >= kParamCount)
    return false;
  if (static_cast<Param>(p) == Param::bus && !(field::set_param::value(m) >= 0 &&
                                               field::set_param::value(m) < config_.buses))
    return false;
  // A frequency makes a buffer voice a sine again.
  if (static_cast<Param>(p) == Param::freq)
    end_buffer(v, now);
  audio_.voices[v].set(static_cast<Param>(p), field::set_param::value(m),
                       field::set_param::ramp(m));
  activate(v);
  return true;
}

bool Engine::on_play(const Message& m, std::uint64_t now) noexcept {
  const std::uint32_t v = field::play::voice(m);
  // find(): nullptr for a buffer closed since the play was sent.
  const SampleBuffer* b = buffers_.find(field::play::buffer(m));
  if (v >= config_.voices || b == nullptr)
    return false;
  Voice& voice = audio_.voices[v];
  // The play under way ends here as the voice's play (its tail may fade
  // on, when the staged fade says so).
  if (voice.player().playing())
    emit(Message::voice_ended(v, now));
  const auto fade = static_cast<std::uint32_t>(field::play::fade(m));
  if (fade == 0)
    voice.stop_buffer();
  voice.play(b, field::play::buffer(m), (field::play::flags(m) & kPlayLoop) != 0, fade,
             (field::play::flags(m) & kPlayFadeIn) != 0,
             (field::play::flags(m) & kPlayKeylock) != 0);
  // The buffer replaces the sine: when a one-shot buffer ends, the voice is
  // silent, not the sine it sounded before.
  audio_.voices[v].set(Param::freq, 0.0f, 0);
  activate(v);
  return true;
}

bool Engine::on_stop(const Message& m, std::uint64_t now) noexcept {
  const std::uint32_t v = field::stop::voice(m);
  if (v >= config_.voices)
    return false;
  const std::uint32_t fade = field::stop::fade(m);
  Voice& voice = audio_.voices[v];
  if (fade == 0 || (!voice.player().playing() && !voice.sounding())) {
    end_buffer(v, now);
    voice.set(Param::freq, 0.0f, 0);
    return true;
  }
  // Faded: the buffer ends (and says so) where the fade reaches 0; a sine
  // falls silent there.
  voice.fade_out(fade);
  activate(v);
  return true;
}

bool Engine::on_set_voice(const Message& m, std::uint64_t) noexcept {
  const std::uint32_t v = field::set_voice::voice(m);
  const std::uint16_t setting = field::set_voice::setting(m);
  if (v >= config_.voices || setting >= kVoiceSettingCount)
    return false;
  Voice& voice = audio_.voices[v];
  const std::uint32_t frames = field::set_voice::frames(m);
  const SamplePlayer& p = voice.player();
  switch (static_cast<VoiceSetting>(setting)) {
  case VoiceSetting::play_start: voice.next_region().start = frames; break;
  case VoiceSetting::play_loop_start: voice.next_region().loop_start = frames; break;
  case VoiceSetting::play_loop_end: voice.next_region().loop_end = frames; break;
  case VoiceSetting::play_crossfade: voice.next_region().crossfade = frames; break;
  case VoiceSetting::loop_start: voice.set_region(frames, p.loop_end(), p.crossfade()); break;
  case VoiceSetting::loop_end: voice.set_region(p.loop_start(), frames, p.crossfade()); break;
  case VoiceSetting::crossfade: voice.set_region(p.loop_start(), p.loop_end(), frames); break;
  }
  return true;
}

bool Engine::on_set_speed(const Message& m, std::uint64_t) noexcept {
  audio_.speed.set(field::set_speed::value(m), field::set_speed::ramp(m));
  return true;
}

bool Engine::on_set_bus(const Message& m, std::uint64_t) noexcept {
  const std::uint32_t bus = field::set_bus::bus(m);
  const std::uint16_t p = field::set_bus::param(m);
  if ((bus != kMasterBus && bus >= config_.buses) || p >= kBusParamCount)
    return false;
  audio_.buses[bus == kMasterBus ? config_.buses : bus].set(
      static_cast<BusParam>(p), field::set_bus::value(m), field::set_bus::ramp(m));
  return true;
}

bool Engine::on_cancel(const Message& m, std::uint64_t) noexcept {
  const bool all = (field::cancel::flags(m) & kCancelAllVoices) != 0;
  const std::uint32_t v = field::cancel::voice(m);
  if (!all && v >= config_.voices)
    return false;
  // Only commands for a voice are taken back (a ping waits for its frame).
  const std::size_t removed = audio_.schedule.remove_if([&](const Message& c) {
    const std::uint32_t of = voice_of(c);
    return of != Message::kAllVoices && (all || of == v);
  });
  bump(cancelled_, removed);
  return true;
}

bool Engine::reply(const Message& m) noexcept {
  if (audio_.lost != 0) {
    if (!audio_.replies.try_push(Message::events_lost(audio_.lost, m.frame))) {
      if (audio_.lost != UINT32_MAX)
        ++audio_.lost;
      return false;
    }
    audio_.lost = 0;
  }
  if (audio_.replies.try_push(m))
    return true;
  audio_.lost = 1;
  return false;
}

void Engine::emit(const Message& m) noexcept {
  if (!reply(m))
    bump(events_dropped_, 1);
}

void Engine::activate(std::uint32_t v) noexcept {
  if (!audio_.listed[v]) {
    audio_.listed[v] = true;
    audio_.active[audio_.active_count++] = v;
  }
}

void Engine::end_buffer(std::uint32_t v, std::uint64_t frame) noexcept {
  if (audio_.voices[v].stop_buffer())
    emit(Message::voice_ended(v, frame));
}

void Engine::publish_voice(std::uint32_t v, std::uint64_t frame) noexcept {
  const Voice& voice = audio_.voices[v];
  const SamplePlayer& player = voice.player();
  VoiceState s;
  s.frame = frame;
  s.position = player.position();
  s.buffer = player.buffer_id();
  s.flags = (player.playing() ? kVoicePlaying : 0) | (player.looping() ? kVoiceLooping : 0) |
            (!player.playing() && voice.sounding() ? kVoiceSounding : 0);
  s.freq = voice.freq();
  s.gain = voice.gain();
  s.pan = voice.pan();
  voice_states_[v].write(s);
}

void Engine::admit(const Message& m) noexcept {
  const std::uint64_t now = audio_.position;
  if (m.frame == kFrameNext || m.frame <= now) {
    if (m.frame < now)
      bump(late_, 1);
    dispatch(m, 0);
  } else if (!audio_.schedule.push(m)) {
    bump(dropped_, 1);
  }
}

void Engine::render(const AudioOut& out, std::uint32_t offset, std::uint32_t n) noexcept {
  const std::uint32_t channels = config_.channels;
  Bus* buses = audio_.buses.get();
  Bus& master = buses[config_.buses];

  // The engine's speed over these frames, for the voices' rates.
  VoiceScratch scratch{audio_.scratch_planes.get(), audio_.tail_scratch_planes.get(),
                       audio_.rates.get(), nullptr, audio_.speed.value};
  if (audio_.speed.moving()) {
    for (std::uint32_t i = 0; i < n; ++i) {
      audio_.speeds[i] = audio_.speed.value;
      audio_.speed.tick();
    }
    scratch.speeds = audio_.speeds.get();
  }

  // The input, deinterleaved, recorded, and into the buses that hear it.
  if (config_.inputs != 0) {
    const std::uint32_t inputs = config_.inputs;
    float* const* in = audio_.input_planes.get();
    if (audio_.in.planes != nullptr) {
      for (std::uint32_t c = 0; c < inputs; ++c)
        std::memcpy(in[c], audio_.in.planes[c] + offset, n * sizeof(float));
    } else if (audio_.in.interleaved != nullptr) {
      const float* from = audio_.in.interleaved + std::size_t{offset} * inputs;
      for (std::uint32_t i = 0; i < n; ++i)
        for (std::uint32_t c = 0; c < inputs; ++c)
          in[c][i] = *from++;
    } else {
      for (std::uint32_t c = 0; c < inputs; ++c)
        std::memset(in[c], 0, n * sizeof(float));
    }
    if (audio_.taps_input)
      capture(kRecordInput, in, offset, n);
    for (std::uint32_t b = 0; b <= config_.buses; ++b)
      if (buses[b].hears_input())
        buses[b].add_input(in, inputs, n, audio_.scratch_planes.get());
  }

  // The active voices into their buses; those that came to rest leave the list.
  Voice* voices = audio_.voices.get();
  std::uint32_t kept = 0;
  for (std::uint32_t i = 0; i < audio_.active_count; ++i) {
    const std::uint32_t v = audio_.active[i];
    const std::uint32_t ended =
        voices[v].render(buses[voices[v].bus()].input(n), channels, n, scratch);
    if (ended != Voice::kStillPlaying) // the frame just past its last sample
      emit(Message::voice_ended(v, audio_.position + offset + ended));
    if (voices[v].resting()) {
      audio_.listed[v] = false;
      publish_voice(v, audio_.position + offset + n);
    } else {
      audio_.active[kept++] = v;
    }
  }
  audio_.active_count = kept;

  // The buses into the master, the master into the output.
  for (std::uint32_t b = 0; b < config_.buses; ++b) {
    if (audio_.bus_taps[b] != 0) {
      // Recorded: the bus's output on its own, then into the master (0 + x
      // is x, so the master's sum is the same to the bit).
      float* const* tap = audio_.tap_planes.get();
      for (std::uint32_t c = 0; c < channels; ++c)
        std::memset(tap[c], 0, n * sizeof(float));
      if (buses[b].sounding()) {
        buses[b].render(tap, n);
        float* const* to = master.input(n);
        for (std::uint32_t c = 0; c < channels; ++c)
          for (std::uint32_t i = 0; i < n; ++i)
            to[c][i] += tap[c][i];
      } else {
        buses[b].skip(n);
      }
      capture(b, tap, offset, n);
    } else if (buses[b].sounding()) {
      buses[b].render(master.input(n), n);
    } else {
      buses[b].skip(n);
    }
  }
  if (!master.sounding()) { // silence, the common idle case
    master.skip(n);
    if (audio_.taps_master) {
      float* const* mix = audio_.planes.get();
      for (std::uint32_t c = 0; c < channels; ++c)
        std::memset(mix[c], 0, n * sizeof(float));
      capture(kRecordMaster, mix, offset, n);
    }
    if (out.planes != nullptr) {
      for (std::uint32_t c = 0; c < channels; ++c)
        std::memset(out.planes[c] + offset, 0, n * sizeof(float));
    } else if (out.interleaved != nullptr) {
      std::memset(out.interleaved + std::size_t{offset} * channels, 0,
                  std::size_t{n} * channels * sizeof(float));
    }
    return;
  }
  float* const* mix = audio_.planes.get();
  for (std::uint32_t c = 0; c < channels; ++c)
    std::memset(mix[c], 0, n * sizeof(float));
  master.render(mix, n);
  if (audio_.taps_master)
    capture(kRecordMaster, mix, offset, n);

  if (out.planes != nullptr) {
    for (std::uint32_t c = 0; c < channels; ++c)
      std::memcpy(out.planes[c] + offset, mix[c], n * sizeof(float));
  } else if (out.interleaved != nullptr) {
    float* to = out.interleaved + std::size_t{offset} * channels;
    for (std::uint32_t i = 0; i < n; ++i)
      for (std::uint32_t c = 0; c < channels; ++c)
        *to++ = mix[c][i];
  }
}

void Engine::capture(std::uint32_t source, const float* const* planes, std::uint32_t offset,
                     std::uint32_t n) noexcept {
  const std::uint64_t now = audio_.position + offset;
  for (std::uint32_t i = 0; i < audio_.recorder_count; ++i) {
    Recorder* r = audio_.recorders[i];
    if (r->source == source && r->state.load(std::memory_order_relaxed) != Recorder::finished)
      r->capture(planes, now, n);
  }
}

void Engine::take_recorders() noexcept {
  Recorder* r = nullptr;
  while (audio_.recorder_count < kMaxRecordings && install_.second.try_pop(r)) {
    r->install(audio_.position);
    audio_.recorders[audio_.recorder_count++] = r;
    if (r->source == kRecordMaster)
      audio_.taps_master = true;
    else if (r->source == kRecordInput)
      audio_.taps_input = true;
    else
      ++audio_.bus_taps[r->source];
  }
}

void Engine::retire_recorders() noexcept {
  std::uint32_t kept = 0;
  bool master = false, input = false;
  for (std::uint32_t i = 0; i < audio_.recorder_count; ++i) {
    Recorder* r = audio_.recorders[i];
    // One that was never captured (its source was silent: no inputs) ends
    // here too, when its frames have passed or it was stopped.
    if (r->state.load(std::memory_order_relaxed) != Recorder::finished)
      r->capture(nullptr, audio_.position, 0);
    if (r->state.load(std::memory_order_relaxed) == Recorder::finished) {
      // Everything the event needs is read first: once pushed, the control
      // thread may free the recorder at any moment.
      const std::uint32_t source = r->source, id = r->id;
      const auto end = static_cast<std::uint16_t>(r->end.load(std::memory_order_relaxed));
      const std::uint64_t head = r->head.load(std::memory_order_relaxed);
      if (retired_.first.try_push(r)) { // never full: it holds as many as are lent
        if (source < config_.buses)
          --audio_.bus_taps[source];
        emit(Message::record_ended(id, end, audio_.position, head));
        continue;
      }
    }
    master |= r->source == kRecordMaster;
    input |= r->source == kRecordInput;
    audio_.recorders[kept++] = r;
  }
  audio_.recorder_count = kept;
  audio_.taps_master = master;
  audio_.taps_input = input;
}

void Engine::send_meter(std::uint16_t source, std::uint32_t index, const Meter& m) noexcept {
  // Half the ring stays for the events that must not be lost.
  if (audio_.replies.slots() <= audio_.replies.capacity() / 2) {
    bump(meter_events_dropped_, 1);
    return;
  }
  const std::uint64_t clips = std::min<std::uint64_t>(m.clips(), UINT32_MAX);
  if (!audio_.replies.try_push(Message::meter(source, index, audio_.position, m.last_peak(),
                                              static_cast<std::uint32_t>(clips))))
    bump(meter_events_dropped_, 1);
}

void Engine::advance_meters(std::uint32_t frames) noexcept {
  if (config_.meter_ms == 0)
    return;
  const std::uint64_t now = audio_.position;
  for (std::uint32_t v = 0; v < config_.voices; ++v)
    audio_.voices[v].meter().advance(frames, now, voice_meters_[v]);
  for (std::uint32_t b = 0; b <= config_.buses; ++b)
    audio_.buses[b].meter().advance(frames, now, bus_meters_[b]);
  if (config_.meter_events_hz == 0)
    return;
  audio_.until_meter_events -= frames;
  if (audio_.until_meter_events > 0)
    return;
  audio_.until_meter_events += std::max<std::int64_t>(
      1, config_.sample_rate / config_.meter_events_hz);
  if (audio_.until_meter_events <= 0) // a block longer than the period: one round
    audio_.until_meter_events = config_.sample_rate / config_.meter_events_hz;
  send_meter(kMeterMaster, 0, audio_.buses[config_.buses].meter());
  for (std::uint32_t b = 0; b < config_.buses; ++b)
    send_meter(kMeterBus, b, audio_.buses[b].meter());
  for (std::uint32_t i = 0; i < audio_.active_count; ++i)
    send_meter(kMeterVoice, audio_.active[i], audio_.voices[audio_.active[i]].meter());
}

void Engine::process(const AudioOut& out, std::uint32_t frames, const AudioIn& in) noexcept {
  const std::uint64_t start = clock_.now();
  DenormalsOff denormals_off;
  audio_.in = in;
#ifdef RINGENGINE_TEST_HOOKS
  switch (inject_.exchange(Violation::none, std::memory_order_relaxed)) {
  case Violation::allocate: {
    int* volatile p = new (std::nothrow) int[4]; // deliberately not real-time safe
    delete[] p;
    break;
  }
  case Violation::lock:
    injected_lock_.lock(); // deliberately not real-time safe
    injected_lock_.unlock();
    break;
  case Violation::none:
    break;
  }
#endif

  // The commands sent before this block, at most messages_per_block: the
  // rest wait in the ring for the next block, so a burst neither holds the
  // audio thread here nor is dropped.
  constexpr std::size_t kBatch = 64;
  Message batch[kBatch];
  std::uint64_t taken = 0;
  for (std::size_t budget = config_.messages_per_block; budget > 0;) {
    const std::size_t want = std::min(kBatch, budget);
    const std::size_t n = audio_.commands.try_pop_bulk(batch, want);
    // What was lent before these commands were sent, so a play finds the
    // buffer it names (the pops' acquire makes those installs visible).
    buffers_.take();
    for (std::size_t i = 0; i < n; ++i)
      admit(batch[i]);
    taken += n;
    budget -= n;
    if (n < want)
      break;
  }
  bump(commands_handled_, taken);
  audio_.taken += taken;

  // Then the parameter path's latest values, as many again.
  const std::uint32_t applied =
      params_.drain(config_.messages_per_block,
                    [this](std::uint32_t voice, std::uint32_t param, float value,
                           std::uint32_t ramp) {
                      dispatch(Message::set_param(voice, static_cast<Param>(param), value,
                                                  kFrameNext, ramp),
                               0);
                    });
  bump(params_applied_, applied);

  // What was retired, once the commands sent before the retire are taken.
  buffers_.finish(audio_.taken, [this](std::uint32_t id, const SampleBuffer*) {
    for (std::uint32_t i = 0; i < audio_.active_count; ++i) {
      Voice& voice = audio_.voices[audio_.active[i]];
      if (voice.buffer_id() == id)
        end_buffer(audio_.active[i], audio_.position);
      voice.drop_tail(id);
    }
    emit(Message::buffer_released(id, audio_.position));
  });

  // The recorders lent before this block.
  take_recorders();

  // The block, cut at each scheduled command's frame.
  const std::uint64_t first = audio_.position;
  std::uint32_t done = 0;
  while (done < frames) {
    while (audio_.schedule.next_frame() <= first + done)
      dispatch(audio_.schedule.pop(), done);
    const std::uint64_t until = std::min<std::uint64_t>(audio_.schedule.next_frame() - first,
                                                        frames);
    const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(until - done, kChunk));
    render(out, done, n);
    done += n;
  }
  audio_.position += frames;
  retire_recorders();
  for (std::uint32_t i = 0; i < audio_.active_count; ++i)
    publish_voice(audio_.active[i], audio_.position);
  advance_meters(frames);

  bump(frames_, frames);
  bump(callbacks_, 1);
  const std::uint64_t elapsed = clock_.now() - start;
  if (elapsed > max_callback_ticks_.load(std::memory_order_relaxed))
    max_callback_ticks_.store(elapsed, std::memory_order_relaxed);

  // The load, in clock ticks: this block's, and per frame averaged over
  // about a second of blocks. load() turns them into shares of the period.
  const double alpha = std::min(1.0, static_cast<double>(frames) / config_.sample_rate);
  audio_.ticks_per_frame +=
      alpha * (static_cast<double>(elapsed) / frames - audio_.ticks_per_frame);
  // For dsp_load(): the time in all, and the most of a block (per frame)
  // since the epoch the last dsp_load() call began.
  audio_.busy_ticks += elapsed;
  const std::uint32_t epoch = dsp_load_epoch_.load(std::memory_order_relaxed);
  if (epoch != audio_.dsp_epoch) {
    audio_.dsp_epoch = epoch;
    audio_.peak_ticks_per_frame = 0;
  }
  // In ticks per frame scaled by 2^16, so that a short block keeps its share.
  const std::uint64_t scaled = (elapsed << 16) / frames;
  audio_.peak_ticks_per_frame = std::max(audio_.peak_ticks_per_frame, scaled);
  LoadRecord record;
  record.frame = audio_.position;
  record.callbacks = callbacks_.load(std::memory_order_relaxed);
  record.last_ticks = elapsed;
  record.last_frames = frames;
  record.active_voices = audio_.active_count;
  record.ticks_per_frame = audio_.ticks_per_frame;
  record.busy_ticks = audio_.busy_ticks;
  record.peak_ticks_per_frame = audio_.peak_ticks_per_frame;
  record.epoch = audio_.dsp_epoch;
  load_.write(record);
}

DspLoad Engine::dsp_load() noexcept {
  std::lock_guard guard(dsp_load_lock_);
  const LoadRecord r = load_.read();
  // The epoch this call ends; the audio thread starts a new peak when it sees the next.
  const std::uint32_t ending = dsp_load_epoch_.load(std::memory_order_relaxed);
  dsp_load_epoch_.store(ending + 1, std::memory_order_relaxed);
  DspLoad out;
  out.frames = r.frame - dsp_last_frame_;
  const double per_tick = clock_.ns_per_tick() * config_.sample_rate / 1e9;
  if (out.frames != 0) {
    out.average = static_cast<double>(r.busy_ticks - dsp_last_busy_) / out.frames * per_tick;
    // A peak of an epoch already reported (no block has begun this one) is not new.
    out.peak = r.epoch == ending ? static_cast<double>(r.peak_ticks_per_frame) / 65536 * per_tick
                                 : out.average;
  }
  dsp_last_busy_ = r.busy_ticks;
  dsp_last_frame_ = r.frame;
  return out;
}

EngineLoad Engine::load() const noexcept {
  const LoadRecord r = load_.read();
  // ns per frame over the ns a frame lasts: the share of the period used.
  const double per_tick = clock_.ns_per_tick() * config_.sample_rate / 1e9;
  EngineLoad load;
  load.frame = r.frame;
  load.callbacks = r.callbacks;
  load.last = r.last_frames != 0 ? static_cast<double>(r.last_ticks) / r.last_frames * per_tick : 0;
  load.average = r.ticks_per_frame * per_tick;
  load.active_voices = r.active_voices;
  return load;
}

void Engine::note_xrun() noexcept { bump(xruns_, 1); }

EngineStats Engine::stats() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  return {callbacks_.load(r),      frames_.load(r),          sender_.pings_sent.load(r),
          pings_rejected_.load(r), pings_handled_.load(r),   pongs_sent_.load(r),
          pongs_dropped_.load(r),  pongs_received_.load(r),  xruns_.load(r),
          clock_.to_ns(max_callback_ticks_.load(r)),
          sender_.commands_sent.load(r), commands_rejected_.load(r), late_.load(r),
          dropped_.load(r),        unhandled_.load(r),         events_dropped_.load(r),
          buffers_live_.load(r),   params_set_.load(r),        params_applied_.load(r),
          commands_handled_.load(r), cancelled_.load(r), meter_events_dropped_.load(r)};
}

} // namespace ringengine
