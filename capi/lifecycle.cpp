// The C ABI, life cycle: configs, create, close, destroy, and the state a
// backend ends in. Contracts are in ringengine.h.
#include <cstddef>
#include <cstdlib>
#include <new>
#include <stdexcept>

#include "dsp/keylock.hpp"
#include "handle.hpp"

using ringengine::Backend;
using ringengine::BackendError;
using ringengine::BackendKind;
using ringengine::Engine;

namespace {

// The defaults, in a whole config of this library's size. The defaults are
// the engine's own: one source for C, C++ and Python.
engine_config defaults() noexcept {
  const ringengine::EngineConfig d;
  engine_config c{};
  c.size = sizeof(engine_config);
  c.backend = ENGINE_BACKEND_AUTO;
  c.device = nullptr;
  c.api = nullptr;
#define CONFIG(name, type, default_value, least, most, since, meaning) \
  c.name = static_cast<decltype(c.name)>(d.name);
#include "core/config.def"
  return c;
}

// The engine's fields of a C config, by name (config.def).
ringengine::EngineConfig engine_fields(const engine_config& c) noexcept {
  ringengine::EngineConfig e;
#define CONFIG(name, type, default_value, least, most, since, meaning) \
  e.name = static_cast<type>(c.name);
#include "core/config.def"
  return e;
}

// "auto and rtaudio": the backends of backends.def that take an api.
std::string backends_taking_api() {
  std::string names;
  const char* last = nullptr;
#define BACKEND(kind, NAME, number, name, devices, api)       \
  if (api) {                                                   \
    if (last != nullptr)                                       \
      names += (names.empty() ? "" : ", ") + std::string(last); \
    last = name;                                               \
  }
#include "backends/backends.def"
  return names.empty() ? std::string(last) : names + " and " + last;
}

int validate(const engine_config& c) noexcept {
  if (c.backend >= ringengine::kBackendKinds)
    return capi::fail(ENGINE_ERR_INVALID, "config.backend is not an engine_backend");
  // The engine's fields: config.def's ranges and the checks between them.
  if (const ringengine::Refusal refused = ringengine::validate(engine_fields(c)))
    return capi::fail(ENGINE_ERR_INVALID, ringengine::describe(refused));
  // An option the backend has no use for is refused, never ignored: a named
  // device is never silently replaced.
  const auto kind = static_cast<BackendKind>(c.backend);
  if (c.device != nullptr && !ringengine::backend_has_devices(kind))
    return capi::fail(ENGINE_ERR_INVALID, std::string("config.device: backend ") +
                                              engine_backend_name(static_cast<int>(c.backend)) +
                                              " has no devices");
  if (c.api != nullptr && !ringengine::backend_takes_api(kind))
    return capi::fail(ENGINE_ERR_INVALID, "config.api: only backends " + backends_taking_api() +
                                              " take an api, not " +
                                              engine_backend_name(static_cast<int>(c.backend)));
  if (c.device != nullptr && std::strlen(c.device) >= ENGINE_DEVICE_NAME_MAX)
    return capi::fail(ENGINE_ERR_INVALID, "config.device is longer than 127 bytes");
  if (c.api != nullptr && std::strlen(c.api) >= 32)
    return capi::fail(ENGINE_ERR_INVALID, "config.api is longer than 31 bytes");
  return ENGINE_OK;
}

} // namespace

ENGINE_EXPORT void engine_config_init(engine_config* config) {
  engine_config_init_size(config, ENGINE_CONFIG_SIZE_1_0);
}

ENGINE_EXPORT void engine_config_init_size(engine_config* config, std::size_t size) {
  if (config == nullptr || size < ENGINE_CONFIG_SIZE_1_0)
    return;
  engine_config c = defaults();
  c.size = static_cast<std::uint32_t>(std::min(size, sizeof c));
  // The 1.0 size ends in padding: only its fields are written.
  std::memcpy(config, &c,
              c.size == ENGINE_CONFIG_SIZE_1_0 ? offsetof(engine_config, messages_per_block)
                                               : c.size);
}

ENGINE_EXPORT int engine_create(const engine_config* config, engine** out) {
  capi::clear_last_error();
  if (out == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "out is NULL");
  *out = nullptr;
  // The caller's config over the defaults, as far as its size goes: a
  // caller built against an earlier header gets the defaults of the rest.
  engine_config c = defaults();
  if (config != nullptr) {
    if (config->size != ENGINE_CONFIG_SIZE_1_0 && config->size != ENGINE_CONFIG_SIZE_1_1 &&
        config->size != ENGINE_CONFIG_SIZE_1_2 && config->size != sizeof(engine_config))
      return capi::fail(ENGINE_ERR_INVALID,
                        "config.size is not the size of an engine_config: "
                        "call engine_config_init_size() first");
    // A 1.0 config's last 4 bytes are padding, where 1.1 keeps
    // messages_per_block: of that size only the 1.0 fields are read.
    const std::size_t known = config->size == ENGINE_CONFIG_SIZE_1_0
                                  ? offsetof(engine_config, messages_per_block)
                                  : config->size;
    std::memcpy(&c, config, known);
  }
  if (int rc = validate(c); rc != ENGINE_OK)
    return rc;

  try {
    auto e = std::make_unique<engine>();
    e->core = std::make_unique<Engine>(engine_fields(c));
    ringengine::BackendRequest request;
    request.kind = static_cast<BackendKind>(c.backend);
    request.device = c.device != nullptr ? c.device : "";
    const char* api = c.api != nullptr ? c.api : std::getenv("RINGENGINE_API");
    request.api = api != nullptr ? api : "";
    e->backend = ringengine::start_backend(*e->core, request);
    *out = e.release();
    return ENGINE_OK;
  } catch (const std::bad_alloc&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  } catch (const BackendError& err) {
    return capi::fail(err.code == BackendError::Code::no_device ? ENGINE_ERR_NO_DEVICE
                                                          : ENGINE_ERR_BACKEND,
                err.what());
  } catch (const std::exception& err) {
    return capi::fail(ENGINE_ERR_INTERNAL, err.what());
  } catch (...) {
    return capi::fail(ENGINE_ERR_INTERNAL, "unknown exception");
  }
}

ENGINE_EXPORT int engine_close(engine* e) {
  if (!capi::live(e))
    return ENGINE_ERR_INVALID;
  std::lock_guard guard(e->close_lock);
  if (!e->closed.load(std::memory_order_relaxed)) {
    // release: callers that see `closed` also see everything before it.
    e->closed.store(true, std::memory_order_release);
    e->backend->stop();
    capi::notify_close(e);
  }
  return ENGINE_OK;
}

ENGINE_EXPORT void engine_destroy(engine* e) {
  if (!capi::live(e))
    return;
  engine_close(e);
  capi::notify_free(e);
  e->magic = capi::kMagicFreed;
  delete e;
}

ENGINE_EXPORT int engine_get_state(engine* e, char* reason, std::size_t reason_size) {
  if (!capi::live(e))
    return ENGINE_ERR_INVALID;
  // Read from the backend's own record, never from the audio library, so
  // this is safe while engine_close() stops the stream on another thread.
  int state = ENGINE_STATE_RUNNING;
  const char* why = "";
  if (e->closed.load(std::memory_order_acquire)) {
    state = ENGINE_STATE_CLOSED;
  } else if (e->backend->ended()) {
    state = ENGINE_STATE_STOPPED;
    why = e->backend->end_reason();
  }
  if (reason != nullptr && reason_size > 0)
    capi::copy_text(reason, reason_size, why);
  return state;
}

ENGINE_EXPORT int engine_next_warning(engine* e, char* buf, std::size_t size) {
  if (!capi::live(e) || buf == nullptr || size == 0)
    return ENGINE_ERR_INVALID;
  return e->backend->warnings().take(buf, size) ? ENGINE_OK : ENGINE_EMPTY;
}
