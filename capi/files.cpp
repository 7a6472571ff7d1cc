// The C ABI, audio files: decoded on the engine's loader threads, lent to
// the audio thread as buffers are. Contracts are in ringengine.h.
#include <new>
#include <string>
#include <system_error>

#include "handle.hpp"
#include "resources/file_decoder.hpp"
#include "resources/file_loader.hpp"

using ringengine::DecodeError;
using ringengine::FileLoader;

namespace {

// The status a failed decode is, with its reason as the last error.
int status_of(const DecodeError& error) noexcept {
  using Kind = DecodeError::Kind;
  switch (error.kind) {
  case Kind::none: return ENGINE_OK;
  case Kind::not_found: return capi::fail(ENGINE_ERR_NOT_FOUND, error.what);
  case Kind::unreadable: return capi::fail(ENGINE_ERR_DECODE, error.what);
  case Kind::too_large:
  case Kind::no_memory: return capi::fail(ENGINE_ERR_NOMEM, error.what);
  case Kind::cancelled: return capi::fail(ENGINE_ERR_CANCELLED, error.what);
  case Kind::table_full: return capi::fail(ENGINE_ERR_TABLE_FULL, error.what);
  }
  return capi::fail(ENGINE_ERR_INTERNAL, error.what);
}

// What a finished job's status is: ENGINE_OK with its buffer, or its
// failure. The job is forgotten.
int finish(engine* e, std::uint64_t job, const FileLoader::Status& s, std::uint32_t* id) {
  e->core->loader().forget(job);
  if (s.state == FileLoader::State::done) {
    if (id != nullptr)
      *id = s.buffer;
    return ENGINE_OK;
  }
  return status_of(s.error);
}

// Checks a load's arguments and starts it; ENGINE_OK with its job.
int start(engine* e, const char* path, int quality, std::uint64_t* job) noexcept {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (path == nullptr || job == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "path or the result is NULL");
  if (quality < ENGINE_QUALITY_QUICK || quality > ENGINE_QUALITY_VERY_HIGH)
    return capi::fail(ENGINE_ERR_INVALID,
                      "quality must be 0 .. 4 (quick .. very_high), not " + std::to_string(quality));
  if (!ringengine::can_decode_files())
    return capi::fail(ENGINE_ERR_UNSUPPORTED,
                      "this build reads no files: it was built without libsndfile or libsoxr");
  try {
    ringengine::DecodeRequest request;
    request.path = path;
    request.target_rate = e->core->config().sample_rate;
    request.quality = static_cast<ringengine::ResampleQuality>(quality);
    request.max_bytes = e->core->config().max_load_bytes;
    *job = e->core->loader().submit(std::move(request));
    return ENGINE_OK;
  } catch (const std::bad_alloc&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  } catch (const std::system_error& err) {
    return capi::fail(ENGINE_ERR_NOMEM, std::string("no loader thread: ") + err.what());
  }
}

} // namespace

ENGINE_EXPORT int engine_load_file_async(engine* e, const char* path, int quality,
                                         std::uint64_t* job) {
  return start(e, path, quality, job);
}

ENGINE_EXPORT int engine_load_file(engine* e, const char* path, int quality, std::uint32_t* id) {
  if (id == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "id is NULL");
  std::uint64_t job = 0;
  if (int rc = start(e, path, quality, &job); rc != ENGINE_OK)
    return rc;
  FileLoader::Status s;
  if (!e->core->loader().wait(job, -1, s))
    return capi::fail(ENGINE_ERR_INTERNAL, "the load vanished");
  return finish(e, job, s, id);
}

ENGINE_EXPORT int engine_load_poll(engine* e, std::uint64_t job, float* progress,
                                   std::uint32_t* id) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  FileLoader::Status s;
  if (!e->core->loader().poll(job, s))
    return capi::fail(ENGINE_ERR_INVALID, "no such load: " + std::to_string(job));
  if (progress != nullptr)
    *progress = s.progress;
  if (s.state == FileLoader::State::pending)
    return ENGINE_EMPTY;
  return finish(e, job, s, id);
}

ENGINE_EXPORT int engine_load_wait(engine* e, std::uint64_t job, std::uint32_t timeout_us,
                                   std::uint32_t* id) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  FileLoader::Status s;
  if (!e->core->loader().poll(job, s))
    return capi::fail(ENGINE_ERR_INVALID, "no such load: " + std::to_string(job));
  if (!e->core->loader().wait(job, timeout_us, s))
    return ENGINE_ERR_TIMEOUT;
  return finish(e, job, s, id);
}

ENGINE_EXPORT int engine_load_cancel(engine* e, std::uint64_t job) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  return e->core->loader().cancel(job)
             ? ENGINE_OK
             : capi::fail(ENGINE_ERR_INVALID, "no such load, or it has finished: " +
                                                  std::to_string(job));
}

ENGINE_EXPORT int engine_get_buffer_info(engine* e, std::uint32_t id, engine_buffer_info* out,
                                         std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0)
    return capi::fail(ENGINE_ERR_INVALID, "out is NULL");
  ringengine::SampleBuffer b;
  if (!e->core->buffer_info(id, b))
    return capi::fail(ENGINE_ERR_INVALID, "no such buffer, or it is closed: " + std::to_string(id));
  engine_buffer_info info{};
  info.frames = b.frames;
  info.channels = b.channels;
  info.source_rate = b.source_rate;
  capi::copy_out(out, size, info);
  return ENGINE_OK;
}
