// The C ABI, sample buffers: loaded on the caller's thread, lent to the
// audio thread by the engine's hand-off. Contracts are in ringengine.h.
#include <new>

#include "handle.hpp"

ENGINE_EXPORT int engine_load_buffer(engine* e, const float* samples, std::uint64_t frames,
                                     std::uint32_t channels, std::uint32_t* id) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (id == nullptr || samples == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "samples or id is NULL");
  if (frames < 1 || channels < 1 || channels > 64)
    return capi::fail(ENGINE_ERR_INVALID, "a buffer needs frames >= 1 and channels 1..64");
  if (frames > (std::uint64_t{1} << 40) / channels)
    return capi::fail(ENGINE_ERR_NOMEM, "the buffer is larger than 4 TiB");
  try {
    const std::uint32_t got = e->core->load_buffer(samples, frames, channels);
    if (got == 0)
      return capi::fail(ENGINE_ERR_TABLE_FULL,
                        "all " + std::to_string(e->core->config().buffers) +
                            " buffers (engine_config.buffers) are loaded");
    *id = got;
    return ENGINE_OK;
  } catch (const std::bad_alloc&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  }
}

ENGINE_EXPORT int engine_buffer_close(engine* e, std::uint32_t buffer) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  return e->core->close_buffer(buffer) ? ENGINE_OK
                                       : capi::fail(ENGINE_ERR_INVALID, "no such buffer, or it is closed");
}
