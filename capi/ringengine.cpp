// The C ABI over engine/: handle checks, status codes, and the one place
// where C++ exceptions stop. Contracts are in ringengine.h.
#include "ringengine.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "backend.hpp"
#include "engine.hpp"
#include "message.hpp"
#include "realtime_scope.hpp"

#define ENGINE_EXPORT extern "C" __attribute__((visibility("default")))

using ringengine::Backend;
using ringengine::BackendError;
using ringengine::BackendKind;
using ringengine::Engine;
using ringengine::Message;
using ringengine::MessageKind;
using ringengine::Param;

// The header's wire struct is the engine's Message, byte for byte: commands
// and replies are copied between the rings and the caller's engine_message.
static_assert(sizeof(engine_message) == sizeof(Message));
static_assert(alignof(engine_message) == alignof(Message));
static_assert(offsetof(engine_message, kind) == offsetof(Message, kind));
static_assert(offsetof(engine_message, param) == offsetof(Message, param));
static_assert(offsetof(engine_message, id) == offsetof(Message, id));
static_assert(offsetof(engine_message, frame) == offsetof(Message, frame));
static_assert(offsetof(engine_message, value) == offsetof(Message, value));
static_assert(offsetof(engine_message, arg) == offsetof(Message, arg));
static_assert(std::is_trivially_copyable_v<engine_message>);
// The C enums are the C++ ones, value for value: no conversion functions.
static_assert(ENGINE_MSG_NONE == static_cast<int>(MessageKind::none));
static_assert(ENGINE_MSG_PING == static_cast<int>(MessageKind::ping));
static_assert(ENGINE_MSG_PONG == static_cast<int>(MessageKind::pong));
static_assert(ENGINE_MSG_SET_PARAM == static_cast<int>(MessageKind::set_param));
static_assert(ENGINE_MSG_PLAY == static_cast<int>(MessageKind::play));
static_assert(ENGINE_MSG_STOP == static_cast<int>(MessageKind::stop));
static_assert(ENGINE_MSG_BUFFER_CLOSE == static_cast<int>(MessageKind::buffer_close));
static_assert(ENGINE_MSG_VOICE_ENDED == static_cast<int>(MessageKind::voice_ended));
static_assert(ENGINE_MSG_BUFFER_RELEASED == static_cast<int>(MessageKind::buffer_released));
static_assert(ENGINE_PARAM_FREQ == static_cast<int>(Param::freq));
static_assert(ENGINE_PARAM_GAIN == static_cast<int>(Param::gain));
static_assert(ENGINE_PARAM_PAN == static_cast<int>(Param::pan));
static_assert(static_cast<std::uint64_t>(std::int64_t{ENGINE_AT_NEXT}) == ringengine::kFrameNext);
static_assert(ENGINE_BACKEND_AUTO == static_cast<int>(BackendKind::automatic));
static_assert(ENGINE_BACKEND_RTAUDIO == static_cast<int>(BackendKind::rtaudio));
static_assert(ENGINE_BACKEND_NULL == static_cast<int>(BackendKind::null));
static_assert(ENGINE_BACKEND_OFFLINE == static_cast<int>(BackendKind::offline));
static_assert(ENGINE_BACKEND_JACK == static_cast<int>(BackendKind::jack));
static_assert(ENGINE_BACKEND_PULSE == static_cast<int>(BackendKind::pulse));
static_assert(ENGINE_BACKEND_PULSE + 1 == ringengine::kBackendKinds);
static_assert(ENGINE_DEFAULT_CAPACITY == ringengine::EngineConfig{}.capacity);
static_assert(ENGINE_MAX_VOICES == Engine::kMaxVoices);

static_assert(ENGINE_VERSION_NUMBER ==
              ENGINE_VERSION_MAJOR * 10000 + ENGINE_VERSION_MINOR * 100 + ENGINE_VERSION_PATCH);
static_assert(ENGINE_MAX_CAPACITY == Engine::kMaxCapacity);
static_assert(sizeof(engine_info::device) == ENGINE_DEVICE_NAME_MAX);
static_assert(sizeof(engine_info::note) == ENGINE_NOTE_MAX);
// engine_stats is the engine's counters, in their order, then the backend's.
static_assert(offsetof(engine_stats, commands_sent) ==
              offsetof(ringengine::EngineStats, commands_sent));
static_assert(offsetof(engine_stats, unhandled) == offsetof(ringengine::EngineStats, unhandled));
static_assert(offsetof(engine_stats, warnings) == sizeof(ringengine::EngineStats));
static_assert(ENGINE_WARNING_MAX == ringengine::WarningLog::kTextMax);
static_assert(sizeof(engine_device::name) == ENGINE_DEVICE_NAME_MAX);

namespace {

constexpr std::uint32_t kMagicOpen = 0x52494e47;   // "RING"
constexpr std::uint32_t kMagicFreed = 0x44454144;  // "DEAD"

constexpr std::uint32_t kMaxFrames = 65536;
// engine_recv's poll: the nap doubles from the first to the last, so a reply
// that comes at once is seen at once, and a long wait costs ~2000 wake-ups a
// second (a few % of a core) while still waking within ~0.6 ms of a reply.
constexpr std::int64_t kFirstNapNs = 50'000;
constexpr std::int64_t kLastNapNs = 500'000;

thread_local char last_error[512];

// Sets the calling thread's engine_last_error() text.
void set_last_error(const std::string& text) noexcept {
  std::snprintf(last_error, sizeof last_error, "%s", text.c_str());
}

int fail(int status, const std::string& detail) noexcept {
  set_last_error(detail);
  return status;
}

// Copies a string into a buffer of `size` bytes (at least 1), truncating,
// always NUL-terminated.
void copy_text(char* to, std::size_t size, std::string_view from) noexcept {
  const std::size_t n = std::min(from.size(), size - 1);
  std::memcpy(to, from.data(), n);
  to[n] = '\0';
}

template <std::size_t N> void copy_text(char (&to)[N], std::string_view from) noexcept {
  copy_text(to, N, from);
}

} // namespace

// Aligned so that what every call reads first (magic, closed, core) is one
// cache line, whatever the allocator returns.
struct alignas(ringengine::kCacheLine) engine {
  std::uint32_t magic = kMagicOpen;
  std::atomic<bool> closed{false};
  std::unique_ptr<Engine> core;
  std::unique_ptr<Backend> backend;
  std::mutex close_lock;               // makes engine_close idempotent
};

namespace {

// True when `e` is a handle engine_create made and engine_destroy has not freed
// (as far as can be told: a freed handle's magic is usually still "DEAD").
bool live(const engine* e) noexcept { return e != nullptr && e->magic == kMagicOpen; }

// The status of calls on `e` other than close, destroy and get_state: OK when
// the handle is live and open.
int check(const engine* e) noexcept {
  if (!live(e))
    return ENGINE_ERR_INVALID;
  // acquire: pairs with the release in engine_close.
  if (e->closed.load(std::memory_order_acquire))
    return ENGINE_ERR_CLOSED;
  return ENGINE_OK;
}

int validate(const engine_config& c) noexcept {
  if (c.size != sizeof(engine_config))
    return fail(ENGINE_ERR_INVALID, "config.size is not sizeof(engine_config): "
                                    "call engine_config_init() first");
  if (c.backend >= ringengine::kBackendKinds)
    return fail(ENGINE_ERR_INVALID, "config.backend is not an engine_backend");
  if (c.capacity < 1 || c.capacity > ENGINE_MAX_CAPACITY)
    return fail(ENGINE_ERR_INVALID, "config.capacity must be 1..1048576");
  if (c.sample_rate < 1000 || c.sample_rate > 768000)
    return fail(ENGINE_ERR_INVALID, "config.sample_rate must be 1000..768000");
  if (c.block_frames < 1 || c.block_frames > kMaxFrames)
    return fail(ENGINE_ERR_INVALID, "config.block_frames must be 1..65536");
  if (c.channels < 1 || c.channels > 64)
    return fail(ENGINE_ERR_INVALID, "config.channels must be 1..64");
  if (c.voices > ENGINE_MAX_VOICES)
    return fail(ENGINE_ERR_INVALID, "config.voices must be 0..4096");
  if (c.schedule < 1 || c.schedule > ENGINE_MAX_CAPACITY)
    return fail(ENGINE_ERR_INVALID, "config.schedule must be 1..1048576");
  if (c.buffers < 1 || c.buffers > ringengine::BufferTable::kMaxSlots)
    return fail(ENGINE_ERR_INVALID, "config.buffers must be 1..65536");
  if (c.device != nullptr && std::strlen(c.device) >= ENGINE_DEVICE_NAME_MAX)
    return fail(ENGINE_ERR_INVALID, "config.device is longer than 127 bytes");
  if (c.api != nullptr && std::strlen(c.api) >= 32)
    return fail(ENGINE_ERR_INVALID, "config.api is longer than 31 bytes");
  return ENGINE_OK;
}

} // namespace

// ---- Library ----

ENGINE_EXPORT unsigned int engine_version_number(void) { return ENGINE_VERSION_NUMBER; }

ENGINE_EXPORT const char* engine_version_string(void) {
#define ENGINE_STR2(x) #x
#define ENGINE_STR(x) ENGINE_STR2(x)
  return ENGINE_STR(ENGINE_VERSION_MAJOR) "." ENGINE_STR(ENGINE_VERSION_MINOR) "." ENGINE_STR(
      ENGINE_VERSION_PATCH);
}

ENGINE_EXPORT const char* engine_strerror(int status) {
  switch (status) {
  case ENGINE_OK: return "success";
  case ENGINE_EMPTY: return "no message waiting";
  case ENGINE_ERR_INVALID: return "invalid argument or handle";
  case ENGINE_ERR_NOMEM: return "out of memory";
  case ENGINE_ERR_FULL: return "ring full: message dropped";
  case ENGINE_ERR_CLOSED: return "engine is closed";
  case ENGINE_ERR_BACKEND: return "audio backend unavailable or stopped";
  case ENGINE_ERR_NO_DEVICE: return "no such output device";
  case ENGINE_ERR_BUSY: return "another thread is processing";
  case ENGINE_ERR_TIMEOUT: return "timed out";
  case ENGINE_ERR_UNSUPPORTED: return "not supported by this backend";
  case ENGINE_ERR_INTERNAL: return "internal error";
  }
  return "unknown status";
}

ENGINE_EXPORT const char* engine_backend_name(int backend) {
  return ringengine::backend_name(static_cast<BackendKind>(backend));
}

ENGINE_EXPORT const char* engine_last_error(void) { return last_error; }

ENGINE_EXPORT int engine_nop(void) { return ENGINE_OK; }

// ---- Life cycle ----

ENGINE_EXPORT void engine_config_init(engine_config* config) {
  if (config == nullptr)
    return;
  // The defaults are the engine's own: one source for C, C++ and Python.
  const ringengine::EngineConfig d;
  *config = engine_config{};
  config->size = sizeof(engine_config);
  config->backend = ENGINE_BACKEND_AUTO;
  config->capacity = static_cast<std::uint32_t>(d.capacity);
  config->sample_rate = d.sample_rate;
  config->block_frames = d.block_frames;
  config->channels = d.channels;
  config->device = nullptr;
  config->api = nullptr;
  config->voices = d.voices;
  config->schedule = static_cast<std::uint32_t>(d.schedule);
  config->buffers = d.buffers;
}

ENGINE_EXPORT int engine_create(const engine_config* config, engine** out) {
  last_error[0] = '\0';
  if (out == nullptr)
    return fail(ENGINE_ERR_INVALID, "out is NULL");
  *out = nullptr;
  engine_config c;
  engine_config_init(&c);
  if (config != nullptr)
    c = *config;
  if (int rc = validate(c); rc != ENGINE_OK)
    return rc;

  try {
    auto e = std::make_unique<engine>();
    e->core = std::make_unique<Engine>(ringengine::EngineConfig{
        c.capacity, c.sample_rate, c.block_frames, c.channels, c.voices, c.schedule, c.buffers});
    ringengine::BackendRequest request;
    request.kind = static_cast<BackendKind>(c.backend);
    request.device = c.device != nullptr ? c.device : "";
    const char* api = c.api != nullptr ? c.api : std::getenv("RINGENGINE_API");
    request.api = api != nullptr ? api : "";
    e->backend = ringengine::start_backend(*e->core, request);
    *out = e.release();
    return ENGINE_OK;
  } catch (const std::bad_alloc&) {
    return fail(ENGINE_ERR_NOMEM, "out of memory");
  } catch (const BackendError& err) {
    return fail(err.code == BackendError::Code::no_device ? ENGINE_ERR_NO_DEVICE
                                                          : ENGINE_ERR_BACKEND,
                err.what());
  } catch (const std::exception& err) {
    return fail(ENGINE_ERR_INTERNAL, err.what());
  } catch (...) {
    return fail(ENGINE_ERR_INTERNAL, "unknown exception");
  }
}

ENGINE_EXPORT int engine_close(engine* e) {
  if (!live(e))
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
  if (!live(e))
    return;
  engine_close(e);
  e->magic = kMagicFreed;
  delete e;
}

// ---- Commands ----

ENGINE_EXPORT std::int64_t engine_send(engine* e, const engine_message* m) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if (m == nullptr)
    return fail(ENGINE_ERR_INVALID, "message is NULL");
  Message command;
  std::memcpy(&command, m, sizeof command);
  if (const char* why = e->core->invalid(command))
    return fail(ENGINE_ERR_INVALID, why);
  if (!e->core->send(command))
    return ENGINE_ERR_FULL;
  return command.kind == MessageKind::ping ? command.id : 0;
}

namespace {

// The engine frame a C caller's `at` names: any negative one is the next block.
std::uint64_t frame_of(std::int64_t at) noexcept {
  return at < 0 ? ringengine::kFrameNext : static_cast<std::uint64_t>(at);
}

// Sends a command a typed wrapper built, through engine_send(), the one way
// in; ENGINE_OK or engine_send()'s status.
int send_command(engine* e, const Message& m) noexcept {
  engine_message c;
  std::memcpy(&c, &m, sizeof c);
  const std::int64_t rc = engine_send(e, &c);
  return rc < 0 ? static_cast<int>(rc) : ENGINE_OK;
}

} // namespace

ENGINE_EXPORT std::int64_t engine_send_ping(engine* e) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  std::uint32_t seq;
  if (!e->core->send_ping(seq))
    return ENGINE_ERR_FULL;
  return seq;
}

ENGINE_EXPORT int engine_set_param(engine* e, std::uint32_t voice, int param, double value,
                                   std::int64_t at, std::uint32_t ramp) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if (param < 0 || param >= ringengine::kParamCount)
    return fail(ENGINE_ERR_INVALID, "no such parameter");
  // A double beyond float's range would become inf; NaN stays NaN: both
  // are refused by the engine's range check.
  const float v = std::fabs(value) < 1e30 ? static_cast<float>(value) : NAN;
  return send_command(e, Message::set_param(voice, static_cast<Param>(param), v, frame_of(at),
                                            ramp));
}

ENGINE_EXPORT int engine_send_pings(engine* e, std::uint32_t count, std::uint32_t* first_seq,
                                    std::uint32_t* sent) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  std::uint32_t first;
  const auto n = static_cast<std::uint32_t>(e->core->send_pings(count, first));
  if (first_seq != nullptr)
    *first_seq = first;
  if (sent != nullptr)
    *sent = n;
  return n == count ? ENGINE_OK : ENGINE_ERR_FULL;
}

ENGINE_EXPORT int engine_play(engine* e, std::uint32_t voice, std::uint32_t buffer,
                              std::int64_t at, int loop) {
  return send_command(e, Message::play(voice, buffer, frame_of(at), loop != 0));
}

ENGINE_EXPORT int engine_stop(engine* e, std::uint32_t voice, std::int64_t at) {
  return send_command(e, Message::stop(voice, frame_of(at)));
}

// ---- Sample buffers ----

ENGINE_EXPORT int engine_load_buffer(engine* e, const float* samples, std::uint64_t frames,
                                     std::uint32_t channels, std::uint32_t* id) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if (id == nullptr || samples == nullptr)
    return fail(ENGINE_ERR_INVALID, "samples or id is NULL");
  if (frames < 1 || channels < 1 || channels > 64)
    return fail(ENGINE_ERR_INVALID, "a buffer needs frames >= 1 and channels 1..64");
  if (frames > (std::uint64_t{1} << 40) / channels)
    return fail(ENGINE_ERR_NOMEM, "the buffer is larger than 4 TiB");
  try {
    const std::uint32_t got = e->core->load_buffer(samples, frames, channels);
    if (got == 0)
      return fail(ENGINE_ERR_FULL, "all engine_config.buffers buffers are loaded");
    *id = got;
    return ENGINE_OK;
  } catch (const std::bad_alloc&) {
    return fail(ENGINE_ERR_NOMEM, "out of memory");
  }
}

ENGINE_EXPORT int engine_buffer_close(engine* e, std::uint32_t buffer) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  return e->core->close_buffer(buffer) ? ENGINE_OK
                                       : fail(ENGINE_ERR_INVALID, "no such buffer, or it is closed");
}

// ---- Replies ----

ENGINE_EXPORT int engine_try_recv(engine* e, engine_message* out) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr)
    return ENGINE_ERR_INVALID;
  Message m;
  if (!e->core->try_recv(m))
    return ENGINE_EMPTY;
  std::memcpy(out, &m, sizeof m);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_recv_many(engine* e, engine_message* out, std::uint32_t max,
                                   std::uint32_t* count) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if ((out == nullptr && max != 0) || count == nullptr)
    return ENGINE_ERR_INVALID;
  // engine_message and Message are the same bytes (asserted above), so the
  // ring copies straight into the caller's array.
  *count = static_cast<std::uint32_t>(
      e->core->recv_many(reinterpret_cast<Message*>(out), max));
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_recv(engine* e, engine_message* out, std::uint32_t timeout_us) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::microseconds(timeout_us);
  std::int64_t nap_ns = kFirstNapNs;
  for (;;) {
    const int rc = engine_try_recv(e, out);
    if (rc != ENGINE_EMPTY)
      return rc;
    const auto now = Clock::now();
    if (now >= deadline)
      return ENGINE_ERR_TIMEOUT;
    if (e->backend->ended())
      return ENGINE_ERR_BACKEND; // no reply will ever come
    const std::int64_t left =
        std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - now).count();
    const timespec nap{0, static_cast<long>(std::min(left, nap_ns))};
    nanosleep(&nap, nullptr);
    nap_ns = std::min(nap_ns * 2, kLastNapNs);
  }
}

// ---- Offline backend ----

ENGINE_EXPORT int engine_process(engine* e, std::uint32_t frames) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if (frames < 1 || frames > kMaxFrames)
    return ENGINE_ERR_INVALID;
  ringengine::OfflineBackend* offline = e->backend->offline();
  if (offline == nullptr)
    return ENGINE_ERR_UNSUPPORTED;
  return offline->process(ringengine::AudioOut{}, frames) ? ENGINE_OK : ENGINE_ERR_BUSY;
}

ENGINE_EXPORT int engine_render(engine* e, float* out, std::uint64_t frames) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr && frames > 0)
    return ENGINE_ERR_INVALID;
  ringengine::OfflineBackend* offline = e->backend->offline();
  if (offline == nullptr)
    return ENGINE_ERR_UNSUPPORTED;
  return offline->render(out, frames) ? ENGINE_OK : ENGINE_ERR_BUSY;
}

ENGINE_EXPORT int engine_get_frame(engine* e, std::uint64_t* out) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr)
    return ENGINE_ERR_INVALID;
  *out = e->core->frame();
  return ENGINE_OK;
}

// ---- Devices and state ----

ENGINE_EXPORT int engine_list_devices(const char* api, engine_device* out, std::uint32_t max,
                                      std::uint32_t* count) {
  last_error[0] = '\0';
  if (count == nullptr || (out == nullptr && max != 0))
    return ENGINE_ERR_INVALID;
  *count = 0;
  try {
    std::string notes;
    const std::vector<ringengine::DeviceInfo> devices =
        ringengine::list_output_devices(api != nullptr ? api : "", notes);
    for (std::size_t i = 0; i < devices.size() && i < max; ++i) {
      engine_device d{};
      copy_text(d.api, devices[i].api);
      copy_text(d.name, devices[i].name);
      d.output_channels = devices[i].output_channels;
      d.is_default = devices[i].is_default ? 1 : 0;
      out[i] = d;
    }
    *count = static_cast<std::uint32_t>(devices.size());
    set_last_error(notes);
    return ENGINE_OK;
  } catch (const BackendError& err) {
    return fail(ENGINE_ERR_BACKEND, err.what());
  } catch (const std::bad_alloc&) {
    return fail(ENGINE_ERR_NOMEM, "out of memory");
  } catch (const std::exception& err) {
    return fail(ENGINE_ERR_INTERNAL, err.what());
  }
}

ENGINE_EXPORT int engine_get_state(engine* e, char* reason, std::size_t reason_size) {
  if (!live(e))
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
    copy_text(reason, reason_size, why);
  return state;
}

ENGINE_EXPORT int engine_next_warning(engine* e, char* buf, std::size_t size) {
  if (!live(e) || buf == nullptr || size == 0)
    return ENGINE_ERR_INVALID;
  return e->backend->warnings().take(buf, size) ? ENGINE_OK : ENGINE_EMPTY;
}

// ---- Inspection ----

ENGINE_EXPORT int engine_get_stats(engine* e, engine_stats* out, std::size_t size) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0)
    return ENGINE_ERR_INVALID;
  const ringengine::EngineStats s = e->core->stats();
  const ringengine::WarningLog& w = e->backend->warnings();
  engine_stats c{};
  std::memcpy(&c, &s, sizeof s); // the same fields in the same order (asserted above)
  c.warnings = w.total();
  c.warnings_dropped = w.dropped();
  std::memcpy(out, &c, std::min(size, sizeof c));
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_get_info(engine* e, engine_info* out, std::size_t size) {
  if (int rc = check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0)
    return ENGINE_ERR_INVALID;
  const ringengine::BackendInfo& b = e->backend->info();
  const ringengine::EngineConfig& c = e->core->config();
  engine_info info{};
  info.backend = static_cast<std::uint32_t>(b.kind);
  info.capacity = static_cast<std::uint32_t>(c.capacity);
  info.sample_rate = c.sample_rate;
  info.block_frames = b.block_frames;
  info.channels = c.channels;
  copy_text(info.device, b.device);
  copy_text(info.note, b.note);
  info.voices = c.voices;
  info.latency_frames = b.latency_frames;
  std::memcpy(out, &info, std::min(size, sizeof info));
  return ENGINE_OK;
}
