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
  c.capacity = static_cast<std::uint32_t>(d.capacity);
  c.sample_rate = d.sample_rate;
  c.block_frames = d.block_frames;
  c.channels = d.channels;
  c.device = nullptr;
  c.api = nullptr;
  c.voices = d.voices;
  c.schedule = static_cast<std::uint32_t>(d.schedule);
  c.buffers = d.buffers;
  c.messages_per_block = d.messages_per_block;
  c.reply_capacity = 0;
  c.max_load_bytes = d.max_load_bytes;
  c.buses = d.buses;
  c.meter_ms = d.meter_ms;
  c.meter_events_hz = d.meter_events_hz;
  c.pan_law = static_cast<std::uint32_t>(d.pan_law);
  c.inputs = d.inputs;
  return c;
}

int validate(const engine_config& c) noexcept {
  if (c.backend >= ringengine::kBackendKinds)
    return capi::fail(ENGINE_ERR_INVALID, "config.backend is not an engine_backend");
  if (c.capacity < 1 || c.capacity > ENGINE_MAX_CAPACITY)
    return capi::fail(ENGINE_ERR_INVALID, "config.capacity must be 1..1048576");
  if (c.sample_rate < 1000 || c.sample_rate > 768000)
    return capi::fail(ENGINE_ERR_INVALID, "config.sample_rate must be 1000..768000");
  if (c.block_frames < 1 || c.block_frames > capi::kMaxFrames)
    return capi::fail(ENGINE_ERR_INVALID, "config.block_frames must be 1..65536");
  if (c.channels < 1 || c.channels > 64)
    return capi::fail(ENGINE_ERR_INVALID, "config.channels must be 1..64");
  if (c.voices > ENGINE_MAX_VOICES)
    return capi::fail(ENGINE_ERR_INVALID, "config.voices must be 0..4096");
  if (c.schedule < 1 || c.schedule > ENGINE_MAX_CAPACITY)
    return capi::fail(ENGINE_ERR_INVALID, "config.schedule must be 1..1048576");
  if (c.buffers < 1 || c.buffers > ringengine::Engine::kMaxBuffers)
    return capi::fail(ENGINE_ERR_INVALID, "config.buffers must be 1..65536");
  if (c.messages_per_block < 1)
    return capi::fail(ENGINE_ERR_INVALID, "config.messages_per_block must be at least 1");
  if (c.reply_capacity > ENGINE_MAX_CAPACITY)
    return capi::fail(ENGINE_ERR_INVALID, "config.reply_capacity must be 0..1048576");
  if (c.buses < 1 || c.buses > Engine::kMaxBuses)
    return capi::fail(ENGINE_ERR_INVALID,
                      "config.buses must be 1..64, not " + std::to_string(c.buses));
  if (c.meter_ms > Engine::kMaxMeterMs)
    return capi::fail(ENGINE_ERR_INVALID, "config.meter_ms must be 0..10000 (0: no meters), not " +
                                              std::to_string(c.meter_ms));
  if (c.meter_events_hz > Engine::kMaxMeterEventsHz)
    return capi::fail(ENGINE_ERR_INVALID, "config.meter_events_hz must be 0..1000, not " +
                                              std::to_string(c.meter_events_hz));
  if (c.meter_events_hz != 0 && c.meter_ms == 0)
    return capi::fail(ENGINE_ERR_INVALID,
                      "config.meter_events_hz needs meters: meter_ms is 0");
  if (c.pan_law != ENGINE_PAN_BALANCE && c.pan_law != ENGINE_PAN_EQUAL_POWER)
    return capi::fail(ENGINE_ERR_INVALID,
                      "config.pan_law must be ENGINE_PAN_BALANCE or ENGINE_PAN_EQUAL_POWER");
  if (c.keylock_voices > c.voices)
    return capi::fail(ENGINE_ERR_INVALID, "config.keylock_voices must be 0 .. voices (" +
                                              std::to_string(c.voices) + "), not " +
                                              std::to_string(c.keylock_voices));
  if (c.keylock_voices != 0 && !ringengine::Keylock::available())
    return capi::fail(ENGINE_ERR_INVALID, "config.keylock_voices must be 0: this build has no "
                                          "key lock (built without Rubber Band)");
  if (c.inputs > Engine::kMaxInputs)
    return capi::fail(ENGINE_ERR_INVALID,
                      "config.inputs must be 0..64, not " + std::to_string(c.inputs));
  // An option the backend has no use for is refused, never ignored: a named
  // device is never silently replaced.
  if (c.device != nullptr &&
      (c.backend == ENGINE_BACKEND_NULL || c.backend == ENGINE_BACKEND_OFFLINE))
    return capi::fail(ENGINE_ERR_INVALID, std::string("config.device: backend ") +
                                              engine_backend_name(static_cast<int>(c.backend)) +
                                              " has no devices");
  if (c.api != nullptr && c.backend != ENGINE_BACKEND_AUTO && c.backend != ENGINE_BACKEND_RTAUDIO)
    return capi::fail(ENGINE_ERR_INVALID, std::string("config.api: only backends auto and "
                                                      "rtaudio take an api, not ") +
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
    e->core = std::make_unique<Engine>(ringengine::EngineConfig{
        c.capacity, c.sample_rate, c.block_frames, c.channels, c.voices, c.schedule, c.buffers,
        c.messages_per_block, c.reply_capacity, c.max_load_bytes, c.buses, c.meter_ms,
        c.meter_events_hz, static_cast<ringengine::PanLaw>(c.pan_law), c.keylock_voices,
        c.inputs});
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
  }
  return ENGINE_OK;
}

ENGINE_EXPORT void engine_destroy(engine* e) {
  if (!capi::live(e))
    return;
  engine_close(e);
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
