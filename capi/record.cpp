// The C ABI, recording: to files (a writer thread) and into buffers.
// Contracts are in ringengine.h.
#include <new>
#include <stdexcept>
#include <string>

#include "handle.hpp"
#include "text.hpp"

namespace {

std::uint64_t frame_of(std::int64_t at) noexcept {
  return at == ENGINE_AT_NEXT ? ringengine::Recorder::kNever : static_cast<std::uint64_t>(at);
}

// The memory a buffer recording of `q` asks for, in words: its frames, the
// source's channels and the bytes they make.
std::string asked(const engine* e, const ringengine::RecordRequest& q) {
  const auto& config = e->core->config();
  const std::uint64_t channels = q.source == ENGINE_RECORD_INPUT ? config.inputs : config.channels;
  std::string text = std::to_string(q.frames) + " frames of " + std::to_string(channels) +
                     " channels";
  if (channels != 0 && q.frames <= UINT64_MAX / channels / sizeof(float))
    text += " (" + std::to_string(q.frames * channels * sizeof(float)) + " bytes)";
  return text;
}

int start(engine* e, const ringengine::RecordRequest& q, std::uint32_t* id) {
  try {
    *id = e->core->record(q);
    return ENGINE_OK;
  } catch (const std::invalid_argument& err) {
    return capi::fail(ENGINE_ERR_INVALID, capi::fit(err.what()));
  } catch (const std::length_error&) {
    // A closed recording holds its place until the audio thread lets go of
    // it, at its next block.
    return capi::fail(ENGINE_ERR_TABLE_FULL,
                      "all " + std::to_string(ringengine::Engine::kMaxRecordings) +
                          " recordings are in use. One closed is let go of at the engine's next "
                          "block: a running engine frees it within a block; an offline one after "
                          "its next engine_process()");
  } catch (const std::bad_alloc&) {
    try {
      return capi::fail(ENGINE_ERR_NOMEM, "out of memory for the recording: " +
                                              (q.to_buffer ? asked(e, q) : std::string("its ring")));
    } catch (const std::exception&) {
      return capi::fail(ENGINE_ERR_NOMEM, "out of memory for the recording");
    }
  } catch (const std::system_error& err) {
    return capi::fail(ENGINE_ERR_INTERNAL, std::string("no writer thread: ") + err.what());
  } catch (const std::exception& err) {
    return capi::fail(ENGINE_ERR_BACKEND, capi::fit(err.what()));
  }
}

int check_at(std::int64_t at) noexcept {
  if (at < 0 && at != ENGINE_AT_NEXT)
    return capi::fail(ENGINE_ERR_INVALID, "at must be a frame (>= 0) or ENGINE_AT_NEXT");
  return ENGINE_OK;
}

} // namespace

ENGINE_EXPORT int engine_record_file(engine* e, const char* path, std::uint32_t source,
                                     std::int64_t at, std::uint64_t frames, std::uint32_t format,
                                     std::uint64_t ring_frames, std::uint32_t* id) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (path == nullptr || id == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "path or id is NULL");
  if (int rc = check_at(at); rc != ENGINE_OK)
    return rc;
  ringengine::RecordRequest q;
  q.source = source;
  q.at = frame_of(at);
  q.frames = frames;
  q.path = path;
  q.format = static_cast<int>(format);
  q.ring_frames = ring_frames;
  if (format > ENGINE_FORMAT_FLAC)
    return capi::fail(ENGINE_ERR_INVALID, "format must be ENGINE_FORMAT_AUTO, _WAV or _FLAC");
  return start(e, q, id);
}

ENGINE_EXPORT int engine_record_buffer(engine* e, std::uint32_t source, std::int64_t at,
                                       std::uint64_t frames, std::uint32_t* id) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (id == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "id is NULL");
  if (int rc = check_at(at); rc != ENGINE_OK)
    return rc;
  ringengine::RecordRequest q;
  q.source = source;
  q.at = frame_of(at);
  q.frames = frames;
  q.to_buffer = true;
  return start(e, q, id);
}

ENGINE_EXPORT int engine_record_stop(engine* e, std::uint32_t id, std::int64_t at) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (int rc = check_at(at); rc != ENGINE_OK)
    return rc;
  return e->core->record_stop(id, frame_of(at))
             ? ENGINE_OK
             : capi::fail(ENGINE_ERR_INVALID, "no such recording: " + std::to_string(id));
}

ENGINE_EXPORT int engine_get_record_status(engine* e, std::uint32_t id, engine_record_status* out,
                                       std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "out is NULL");
  ringengine::RecordStatus s;
  try {
    if (!e->core->record_status(id, s))
      return capi::fail(ENGINE_ERR_INVALID, "no such recording: " + std::to_string(id));
  } catch (const std::bad_alloc&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  }
  engine_record_status c{};
  c.state = s.state;
  c.channels = s.channels;
  c.start_frame = s.start_frame;
  c.frames = s.frames;
  c.written = s.written;
  c.overruns = s.overruns;
  capi::copy_text(c.error, s.error);
  capi::copy_out(out, size, c);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_record_take_buffer(engine* e, std::uint32_t id, std::uint32_t* buffer) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (buffer == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "buffer is NULL");
  try {
    const std::uint32_t b = e->core->record_take_buffer(id);
    if (b == 0)
      return capi::fail(ENGINE_ERR_TABLE_FULL,
                        "all engine_config.buffers buffers are open: the take is kept; "
                        "close a buffer and take it again");
    *buffer = b;
    return ENGINE_OK;
  } catch (const std::invalid_argument& err) {
    return capi::fail(ENGINE_ERR_INVALID, err.what());
  } catch (const std::bad_alloc&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  }
}

ENGINE_EXPORT int engine_record_close(engine* e, std::uint32_t id) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  return e->core->record_close(id)
             ? ENGINE_OK
             : capi::fail(ENGINE_ERR_INVALID, "no such recording: " + std::to_string(id));
}
