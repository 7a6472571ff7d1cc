#include "backend.hpp"

#include "backend_impl.hpp"

namespace ringengine {

const char* backend_name(BackendKind kind) noexcept {
  switch (kind) {
  case BackendKind::automatic: return "auto";
  case BackendKind::rtaudio: return "rtaudio";
  case BackendKind::null: return "null";
  case BackendKind::offline: return "offline";
  }
  return "unknown";
}

namespace {

class OfflineBackend final : public Backend {
public:
  explicit OfflineBackend(const Engine& engine) {
    info_.kind = BackendKind::offline;
    info_.device = "offline";
    info_.block_frames = engine.config().block_frames;
  }
  void stop() noexcept override {}
};

} // namespace

std::unique_ptr<Backend> start_backend(Engine& engine, const BackendRequest& request) {
  switch (request.kind) {
  case BackendKind::offline:
    return std::make_unique<OfflineBackend>(engine);
  case BackendKind::null:
    return start_null_backend(engine);
  case BackendKind::rtaudio:
    return start_rtaudio_backend(engine, request.api, request.device);
  case BackendKind::automatic:
    break;
  }
  try {
    return start_rtaudio_backend(engine, request.api, request.device);
  } catch (const BackendError& e) {
    // A device asked for by name is not silently replaced.
    if (!request.device.empty())
      throw;
    auto backend = start_null_backend(engine);
    backend->set_note("rtaudio unavailable (" + std::string(e.what()) +
                       "); using the null backend");
    return backend;
  }
}

} // namespace ringengine
