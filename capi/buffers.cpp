// The C ABI, sample buffers: loaded on the caller's thread, lent to the
// audio thread by the engine's hand-off. Contracts are in ringengine.h.
#include <cmath>
#include <new>
#include <string>

#include "handle.hpp"

ENGINE_EXPORT int engine_load_buffer(engine* e, const float* samples, std::uint64_t frames,
                                     std::uint32_t channels, std::uint32_t* id) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (id == nullptr || samples == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "samples or id is NULL");
  if (frames < 1 || channels < 1 || channels > 64)
    return capi::fail(ENGINE_ERR_INVALID, "a buffer needs frames >= 1 and channels 1..64");
  if (frames > ringengine::Engine::kMaxBufferSamples / channels)
    return capi::fail(ENGINE_ERR_NOMEM, "the buffer is larger than 2^38 samples (1 TiB)");
  // A NaN or an infinity would reach every voice's mix, and the output.
  for (std::uint64_t i = 0; i < frames * channels; ++i)
    if (!std::isfinite(samples[i]))
      return capi::fail(ENGINE_ERR_INVALID,
                        "samples must be finite: frame " + std::to_string(i / channels) +
                            ", channel " + std::to_string(i % channels) + " is " +
                            (std::isnan(samples[i]) ? "NaN" : "infinite"));
  try {
    const std::uint32_t got = e->core->load_buffer(samples, frames, channels);
    if (got == 0) {
      const std::string n = std::to_string(e->core->config().buffers);
      return capi::fail(ENGINE_ERR_TABLE_FULL,
                        e->core->buffers_open() >= e->core->config().buffers
                            ? "all " + n + " buffers (engine_config.buffers) are open: close one"
                            : "the " + n + " buffers closed last are still being let go of "
                                           "by the audio thread: load again after its next "
                                           "block");
    }
    *id = got;
    return ENGINE_OK;
  } catch (const std::bad_alloc&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  } catch (const std::exception& err) { // checked above: a bug if it comes here
    return capi::fail(ENGINE_ERR_INTERNAL, err.what());
  }
}

ENGINE_EXPORT int engine_buffer_read(engine* e, std::uint32_t id, std::uint64_t start,
                                     std::uint64_t frames, float* out, std::uint64_t* read) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || read == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "out or read is NULL");
  try {
    std::uint64_t copied = 0;
    if (!e->core->read_buffer(id, start, frames, out, copied)) {
      ringengine::SampleBuffer b;
      const bool live = e->core->buffer_info(id, b);
      return capi::fail(ENGINE_ERR_INVALID,
                        live ? "start " + std::to_string(start) + " is past the buffer's end (" +
                                   std::to_string(b.frames) + " frames)"
                             : "no such buffer, or it is closed: " + std::to_string(id));
    }
    *read = copied;
    return ENGINE_OK;
  } catch (const std::bad_alloc&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  } catch (const std::exception& err) { // a lock that cannot be taken
    return capi::fail(ENGINE_ERR_INTERNAL, err.what());
  }
}

ENGINE_EXPORT int engine_buffer_close(engine* e, std::uint32_t buffer) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  return e->core->close_buffer(buffer)
             ? ENGINE_OK
             : capi::fail(ENGINE_ERR_INVALID,
                          "no such buffer, or it is closed: " + std::to_string(buffer));
}
