// The C ABI, the offline backend: blocks run on the caller's thread.
// Contracts are in ringengine.h.
#include <string>

#include "handle.hpp"

ENGINE_EXPORT int engine_process(engine* e, std::uint32_t frames) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (frames < 1 || frames > capi::kMaxFrames)
    return capi::fail(ENGINE_ERR_INVALID,
                      "frames must be 1 .. 65536, not " + std::to_string(frames));
  ringengine::OfflineBackend* offline = e->backend->offline();
  if (offline == nullptr)
    return capi::fail(ENGINE_ERR_UNSUPPORTED, "process() runs only on the offline backend");
  return offline->process(ringengine::AudioOut{}, frames) ? ENGINE_OK : ENGINE_ERR_BUSY;
}

ENGINE_EXPORT int engine_render(engine* e, float* out, std::uint64_t frames) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr && frames > 0)
    return capi::fail(ENGINE_ERR_INVALID, "out is NULL");
  ringengine::OfflineBackend* offline = e->backend->offline();
  if (offline == nullptr)
    return capi::fail(ENGINE_ERR_UNSUPPORTED, "render() runs only on the offline backend");
  return offline->render(out, frames) ? ENGINE_OK : ENGINE_ERR_BUSY;
}

ENGINE_EXPORT int engine_render_input(engine* e, float* out, const float* in,
                                      std::uint64_t frames) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr && frames > 0)
    return capi::fail(ENGINE_ERR_INVALID, "out is NULL");
  if (in != nullptr && e->core->config().inputs == 0)
    return capi::fail(ENGINE_ERR_INVALID, "input given, but the engine has no inputs "
                                          "(config.inputs is 0)");
  ringengine::OfflineBackend* offline = e->backend->offline();
  if (offline == nullptr)
    return capi::fail(ENGINE_ERR_UNSUPPORTED, "render() runs only on the offline backend");
  return offline->render(out, frames, in) ? ENGINE_OK : ENGINE_ERR_BUSY;
}

ENGINE_EXPORT int engine_get_frame(engine* e, std::uint64_t* out) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr)
    return ENGINE_ERR_INVALID;
  *out = e->core->frame();
  return ENGINE_OK;
}
