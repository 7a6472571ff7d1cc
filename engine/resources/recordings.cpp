#include "resources/recordings.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

namespace ringengine {

Recordings::Recordings(const Shape& shape)
    : shape_(shape),
      install_(make_ring<Recorder*>(kMaxRecordings)),
      retired_(make_ring<Recorder*>(kMaxRecordings)) {
  recordings_.reserve(kMaxRecordings);
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
  if (recordings_.size() >= kMaxRecordings)
    throw std::length_error("all " + std::to_string(kMaxRecordings) +
                            " recordings are in use: close some first");
  if (!q.to_buffer) {
    if (!writer_)
      writer_ = std::make_unique<RecordWriter>();
    r->file = RecordWriter::open(q.path, channels, shape_.sample_rate, q.format);
  } else {
    r->written.store(true, std::memory_order_relaxed);
  }
  r->id = next_id_++;
  if (next_id_ == 0)
    next_id_ = 1;
  Recorder* raw = r.get();
  recordings_.push_back(std::move(r));
  if (raw->ring)
    writer_->add(raw);
  // Never full: it holds kMaxRecordings, and no more are held.
  (void)install_.first.try_push(raw);
  return raw->id;
}

bool Recordings::stop(std::uint32_t id, std::uint64_t at) noexcept {
  std::lock_guard guard(lock_);
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

bool Recordings::status(std::uint32_t id, RecordStatus& out) {
  std::lock_guard guard(lock_);
  collect();
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

std::unique_ptr<SampleBuffer> Recordings::take_buffer(std::uint32_t id) {
  std::lock_guard guard(lock_);
  collect();
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
  auto buffer = std::make_unique<SampleBuffer>();
  buffer->frames = frames;
  buffer->channels = r->channels;
  buffer->samples = std::move(r->memory); // the audio thread has let go of it
  r->closed = true;
  collect();
  return buffer;
}

bool Recordings::close(std::uint32_t id) noexcept {
  std::lock_guard guard(lock_);
  for (auto& r : recordings_)
    if (r->id == id && !r->closed) {
      r->stop_next.store(true, std::memory_order_relaxed);
      r->closed = true;
      collect();
      return true;
    }
  return false;
}

void Recordings::collect() noexcept {
  Recorder* r = nullptr;
  while (retired_.second.try_pop(r))
    r->let_go = true;
  std::erase_if(recordings_, [](const std::unique_ptr<Recorder>& each) {
    return each->closed && each->let_go && each->written.load(std::memory_order_acquire);
  });
}

void Recordings::take(std::uint64_t position) noexcept {
  Recorder* r = nullptr;
  while (audio_.count < kMaxRecordings && install_.second.try_pop(r)) {
    r->install(position);
    audio_.recorders[audio_.count++] = r;
    if (r->source == kRecordMaster)
      audio_.taps_master = true;
    else if (r->source == kRecordInput)
      audio_.taps_input = true;
    else
      ++audio_.bus_taps[r->source];
  }
}

} // namespace ringengine
