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

int no_such_load(std::uint64_t job) noexcept {
  return capi::fail(ENGINE_ERR_INVALID, "no such load: " + std::to_string(job) +
                                            " (never started, taken already, or forgotten)");
}

// A finished job's outcome, taken once: ENGINE_OK with its buffer, or its
// failure; no_such_load() when another thread took it first.
int take(FileLoader& loader, std::uint64_t job, std::uint32_t* id) noexcept {
  FileLoader::Status s;
  if (!loader.take(job, s))
    return no_such_load(job);
  if (s.state == FileLoader::State::done) {
    if (id != nullptr)
      *id = s.buffer;
    return ENGINE_OK;
  }
  return status_of(s.error);
}

// The engine's loader when a job can be asked of it; nullptr, with the
// status in *rc, when not.
FileLoader* loader_of(engine* e, std::uint64_t job, int* rc) noexcept {
  *rc = capi::check(e);
  if (*rc != ENGINE_OK)
    return nullptr;
  FileLoader* loader = e->core->loader_if_started();
  if (loader == nullptr)
    *rc = no_such_load(job);
  return loader;
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
  } catch (const std::system_error& err) {
    return capi::fail(ENGINE_ERR_NOMEM, std::string("no loader thread: ") + err.what());
  } catch (const std::exception&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
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
  FileLoader& loader = *e->core->loader_if_started(); // started by start()
  loader.wait(job, -1);
  return take(loader, job, id);
}

ENGINE_EXPORT int engine_load_poll(engine* e, std::uint64_t job, float* progress,
                                   std::uint32_t* id) {
  int rc;
  FileLoader* loader = loader_of(e, job, &rc);
  if (loader == nullptr)
    return rc;
  FileLoader::Status s;
  if (!loader->poll(job, s))
    return no_such_load(job);
  if (progress != nullptr)
    *progress = s.progress;
  if (s.state == FileLoader::State::pending)
    return ENGINE_EMPTY;
  return take(*loader, job, id);
}

ENGINE_EXPORT int engine_load_wait(engine* e, std::uint64_t job, std::uint32_t timeout_us,
                                   std::uint32_t* id) {
  int rc;
  FileLoader* loader = loader_of(e, job, &rc);
  if (loader == nullptr)
    return rc;
  FileLoader::Status s;
  if (!loader->poll(job, s))
    return no_such_load(job);
  if (!loader->wait(job, timeout_us))
    return capi::fail(ENGINE_ERR_TIMEOUT, "load " + std::to_string(job) + " still loading");
  return take(*loader, job, id);
}

ENGINE_EXPORT int engine_load_cancel(engine* e, std::uint64_t job) {
  int rc;
  FileLoader* loader = loader_of(e, job, &rc);
  if (loader == nullptr)
    return rc;
  return loader->cancel(job) ? ENGINE_OK
                             : capi::fail(ENGINE_ERR_INVALID,
                                          "no such load, or it has finished: " +
                                              std::to_string(job));
}

ENGINE_EXPORT int engine_load_forget(engine* e, std::uint64_t job) {
  int rc;
  FileLoader* loader = loader_of(e, job, &rc);
  if (loader == nullptr)
    return rc;
  try {
    return loader->abandon(job) ? ENGINE_OK : no_such_load(job);
  } catch (const std::exception& err) { // close_buffer takes a lock: never throws
    return capi::fail(ENGINE_ERR_INTERNAL, err.what());
  }
}

ENGINE_EXPORT int engine_get_buffer_info(engine* e, std::uint32_t id, engine_buffer_info* out,
                                         std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0)
    return capi::fail(ENGINE_ERR_INVALID, "out is NULL");
  ringengine::SampleBuffer b;
  try {
    if (!e->core->buffer_info(id, b))
      return capi::fail(ENGINE_ERR_INVALID,
                        "no such buffer, or it is closed: " + std::to_string(id));
  } catch (const std::exception&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  }
  engine_buffer_info info{};
  info.frames = b.frames;
  info.channels = b.channels;
  info.source_rate = b.source_rate;
  capi::copy_out(out, size, info);
  return ENGINE_OK;
}
