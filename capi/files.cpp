// The C ABI, audio files: decoded on the engine's loader threads, lent to
// the audio thread as buffers are. Contracts are in ringengine.h.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <system_error>

#include "handle.hpp"
#include "text.hpp"
#include "resources/file_decoder.hpp"
#include "resources/file_loader.hpp"

using ringengine::DecodeError;
using ringengine::FileLoader;

namespace {

// The status a failed decode is, with its reason as the last error.
// A long path is shortened in the text, so the reason after it is kept.
int status_of(const DecodeError& error) noexcept {
  using Kind = DecodeError::Kind;
  std::string what;
  try {
    what = capi::fit(error.what);
  } catch (const std::exception&) {
    what = "out of memory for the error's text";
  }
  switch (error.kind) {
  case Kind::none: return ENGINE_OK;
  case Kind::not_found: return capi::fail(ENGINE_ERR_NOT_FOUND, what);
  case Kind::unreadable: return capi::fail(ENGINE_ERR_DECODE, what);
  case Kind::too_large:
  case Kind::no_memory: return capi::fail(ENGINE_ERR_NOMEM, what);
  case Kind::cancelled: return capi::fail(ENGINE_ERR_CANCELLED, what);
  case Kind::table_full: return capi::fail(ENGINE_ERR_TABLE_FULL, what);
  }
  return capi::fail(ENGINE_ERR_INTERNAL, what);
}

bool is_fifo(const char* path) noexcept {
  struct stat st;
  return ::stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
}

// A named pipe the loader would see as empty (its size is 0): refused, and
// a writer waiting for a reader is let go (it sees no reader: EPIPE), not
// left blocked.
int refuse_fifo(const char* path) noexcept {
  const int fd = ::open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0)
    ::close(fd);
  return capi::fail(ENGINE_ERR_INVALID,
                    capi::fit(std::string(path) +
                              ": is a named pipe: engine_load_file_async() reads files; "
                              "engine_load_file() reads a pipe whole first"));
}

// engine_load_file() of a named pipe: its bytes, to the writer's end, into
// an anonymous file (*fd) the loader then reads by /proc/self/fd.
int copy_fifo(const char* path, int* fd) noexcept {
  const auto failed = [path](int status) {
    return capi::fail(status, capi::fit(std::string(path) + ": " + std::strerror(errno)));
  };
  const int in = ::open(path, O_RDONLY | O_CLOEXEC); // waits for a writer
  if (in < 0)
    return failed(ENGINE_ERR_DECODE);
  const int out = ::memfd_create("ringengine-pipe", MFD_CLOEXEC);
  if (out < 0) {
    const int rc = failed(ENGINE_ERR_NOMEM);
    ::close(in);
    return rc;
  }
  char chunk[16384];
  for (;;) {
    ssize_t n = ::read(in, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      const int rc = n == 0 ? ENGINE_OK : failed(ENGINE_ERR_DECODE);
      ::close(in);
      if (rc != ENGINE_OK)
        ::close(out);
      else
        *fd = out;
      return rc;
    }
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, chunk + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0) {
        const int rc = failed(ENGINE_ERR_NOMEM);
        ::close(in);
        ::close(out);
        return rc;
      }
      done += w;
    }
  }
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
  if (is_fifo(path))
    return refuse_fifo(path);
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
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (path != nullptr && is_fifo(path)) {
    // Read whole here (this call blocks anyway), then decoded as a file.
    int fd = -1;
    if (int rc = copy_fifo(path, &fd); rc != ENGINE_OK)
      return rc;
    try {
      const std::string copy = "/proc/self/fd/" + std::to_string(fd);
      const int rc = engine_load_file(e, copy.c_str(), quality, id);
      ::close(fd);
      if (rc != ENGINE_OK) { // the reason names the pipe, not the copy
        std::string why = capi::last_error();
        if (why.rfind(copy, 0) == 0)
          why.replace(0, copy.size(), path);
        capi::fail(rc, capi::fit(why));
      }
      return rc;
    } catch (const std::exception&) {
      ::close(fd);
      return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
    }
  }
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
