#include "resources/recordings.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

namespace ringengine {

Recordings::Recordings(const Shape& shape) : shape_(shape) {
  closed_.reserve(kMaxRecordings);
  audio_.bus_taps = std::make_unique<std::uint32_t[]>(shape.buses);
}

std::uint32_t Recordings::record(const RecordRequest& q) {
  std::uint32_t channels = shape_.channels;
  if (q.source == kRecordInput) {
    if (shape_.inputs == 0)
      throw std::invalid_argument("source input: the engine has no inputs (config.inputs is 0)");
    channels = shape_.inputs;
  } else if (q.source != kRecordMaster && q.source >= shape_.buses) {
    throw std::invalid_argument("source must be the master, the input or a bus 0 .. " +
                                std::to_string(shape_.buses - 1));
  }
  if (q.to_buffer && q.frames == 0)
    throw std::invalid_argument("a recording into a buffer needs its frames (at least 1)");
  if (q.frames > shape_.max_samples / channels)
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
                                     : std::max<std::uint64_t>(2 * shape_.sample_rate,
                                                               shape_.min_ring);
  // nothrow, then bad_alloc: a throwing new that fails is fatal under
  // AddressSanitizer, which then cannot show that a huge take is refused.
  r->memory.reset(new (std::nothrow) float[r->capacity * channels]);
  if (!r->memory)
    throw std::bad_alloc();
  // Touched now, so the audio thread's first writes fault no page in.
  std::memset(r->memory.get(), 0, r->capacity * channels * sizeof(float));
  r->path = q.path;

  std::lock_guard guard(lock_);
  collect();
  const std::string full =
      "all " + std::to_string(kMaxRecordings) + " recordings are in use: close some first";
  if (handoff_.held() >= kMaxRecordings)
    throw std::length_error(full);
  if (!q.to_buffer) {
    if (!writer_)
      writer_ = std::make_unique<RecordWriter>();
    r->file = RecordWriter::open(q.path, channels, shape_.sample_rate, q.format);
  } else {
    r->written.store(true, std::memory_order_relaxed);
  }
  Recorder* raw = r.get();
  const std::uint32_t id = handoff_.install(std::move(r));
  if (id == 0) { // a slot free, but its ids spent (after about 2^32 recordings)
    RecordWriter::close(raw->file);
    throw std::length_error(full);
  }
  if (raw->ring)
    writer_->add(raw);
  return id;
}

Recorder* Recordings::find(std::uint32_t id) noexcept {
  Recorder* r = handoff_.peek(id);
  return r != nullptr && !r->closed ? r : nullptr;
}

bool Recordings::stop(std::uint32_t id, std::uint64_t at) noexcept {
  std::lock_guard guard(lock_);
  Recorder* r = find(id);
  if (r == nullptr)
    return false;
  if (at == Recorder::kNever)
    r->stop_next.store(true, std::memory_order_relaxed);
  else
    r->stop_at.store(std::min(at, r->stop_at.load(std::memory_order_relaxed)),
                     std::memory_order_relaxed);
  return true;
}

bool Recordings::status(std::uint32_t id, RecordStatus& out) {
  std::lock_guard guard(lock_);
  collect();
  const Recorder* r = find(id);
  if (r == nullptr)
    return false;
  const int state = r->state.load(std::memory_order_acquire);
  const bool written = r->written.load(std::memory_order_acquire);
  out.state = state == Recorder::finished ? (written && !handoff_.lent(id) ? 3 : 2)
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
    if (out.error.empty() &&
        r->end.load(std::memory_order_relaxed) == static_cast<int>(RecordEnd::overrun))
      out.error = "overrun: the buffer had no room";
  }
  return true;
}

Recorder& Recordings::takeable(std::uint32_t id, std::uint64_t& frames) {
  collect();
  Recorder* r = find(id);
  if (r == nullptr || r->ring)
    throw std::invalid_argument("not a recording into a buffer, or it is closed");
  if (handoff_.lent(id))
    throw std::invalid_argument("the recording has not ended yet");
  frames = r->head.load(std::memory_order_acquire);
  if (frames == 0)
    throw std::invalid_argument("the recording took no frames");
  return *r;
}

void Recordings::check_take(std::uint32_t id) {
  std::lock_guard guard(lock_);
  std::uint64_t frames = 0;
  takeable(id, frames);
}

std::unique_ptr<SampleBuffer> Recordings::take_buffer(std::uint32_t id) {
  std::lock_guard guard(lock_);
  std::uint64_t frames = 0;
  Recorder& r = takeable(id, frames);
  auto buffer = std::make_unique<SampleBuffer>();
  buffer->frames = frames;
  buffer->channels = r.channels;
  buffer->samples = std::move(r.memory); // the audio thread has let go of it
  r.closed = true;
  closed_.push_back(id); // within its reserve
  collect();
  return buffer;
}

bool Recordings::close(std::uint32_t id) noexcept {
  std::lock_guard guard(lock_);
  Recorder* r = find(id);
  if (r == nullptr)
    return false;
  r->stop_next.store(true, std::memory_order_relaxed);
  r->closed = true;
  closed_.push_back(id); // within its reserve: one for each held
  collect();
  return true;
}

void Recordings::wait_for_room(std::uint64_t frames) {
  RecordWriter* writer = nullptr;
  {
    std::lock_guard guard(lock_);
    writer = writer_.get(); // made once, kept until the Recordings go
  }
  if (writer != nullptr) // without lock_: status() and the rest go on meanwhile
    writer->wait_for_room(frames);
}

void Recordings::collect() noexcept {
  handoff_.collect();
  std::erase_if(closed_, [this](std::uint32_t id) {
    const Recorder* r = handoff_.peek(id); // closed, not retired: never nullptr
    if (r != nullptr && (handoff_.lent(id) || !r->written.load(std::memory_order_acquire)))
      return false;
    // Let go of, so retire() frees it at once: nothing goes to the audio
    // thread, which has forgotten it.
    handoff_.retire(id, 0);
    return true;
  });
}

void Recordings::take(std::uint64_t position) noexcept {
  handoff_.take([this, position](std::uint32_t id, Recorder* r) {
    r->install(position);
    audio_.running[audio_.count++] = Running{r, id};
    if (r->source == kRecordMaster)
      audio_.taps_master = true;
    else if (r->source == kRecordInput)
      audio_.taps_input = true;
    else
      ++audio_.bus_taps[r->source];
  });
}

} // namespace ringengine
