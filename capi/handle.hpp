// What every file of the C ABI shares: the handle behind `engine *`, its
// checks, the calling thread's engine_last_error() text, and the export
// macro. Contracts are in ringengine.h.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "backends/backend.hpp"
#include "core/engine.hpp"
#include "ringengine.h"

#define ENGINE_EXPORT extern "C" __attribute__((visibility("default")))

namespace capi {

inline constexpr std::uint32_t kMagicOpen = 0x52494e47;  // "RING"
inline constexpr std::uint32_t kMagicFreed = 0x44454144; // "DEAD"

// The longest block engine_process() and the backends take.
inline constexpr std::uint32_t kMaxFrames = 65536;

// Sets the calling thread's engine_last_error() text (library.cpp).
void set_last_error(const std::string& text) noexcept;
void clear_last_error() noexcept;
const char* last_error() noexcept;

inline int fail(int status, const std::string& detail) noexcept {
  set_last_error(detail);
  return status;
}

// Copies a string into a buffer of `size` bytes (at least 1), truncating,
// always NUL-terminated.
inline void copy_text(char* to, std::size_t size, std::string_view from) noexcept {
  const std::size_t n = std::min(from.size(), size - 1);
  std::memcpy(to, from.data(), n);
  to[n] = '\0';
}

template <std::size_t N> void copy_text(char (&to)[N], std::string_view from) noexcept {
  copy_text(to, N, from);
}

} // namespace capi

struct engine;

namespace capi {
struct Notifier; // engine_fileno()'s watcher (notify.cpp)
// engine_close() and engine_destroy() end it (notify.cpp).
void notify_close(engine* e) noexcept;
void notify_free(engine* e) noexcept;
} // namespace capi

// Aligned so that what every call reads first (magic, closed, core) is one
// cache line, whatever the allocator returns.
struct alignas(ringengine::kCacheLine) engine {
  std::uint32_t magic = capi::kMagicOpen;
  std::atomic<bool> closed{false};
  std::unique_ptr<ringengine::Engine> core;
  std::unique_ptr<ringengine::Backend> backend;
  std::mutex close_lock; // makes engine_close idempotent
  capi::Notifier* notifier = nullptr; // made by engine_fileno(); under close_lock
};

namespace capi {

// True when `e` is not NULL and holds an open handle's magic. A freed
// handle cannot be told safely (reading its magic reads freed memory), so
// the header forbids passing one; this catches NULL and stray pointers to
// memory that is not a handle, and often (not always) a freed one.
inline bool live(const engine* e) noexcept { return e != nullptr && e->magic == kMagicOpen; }

// The status of calls on `e` other than close, destroy and get_state: OK when
// the handle is live and open.
// A failure says so in engine_last_error(), so no caller reads the text of
// an earlier error.
inline int check(const engine* e) noexcept {
  if (!live(e))
    return fail(ENGINE_ERR_INVALID, "not an engine: NULL, or not a handle engine_create made (a handle is not to be used after engine_destroy)");
  // acquire: pairs with the release in engine_close.
  if (e->closed.load(std::memory_order_acquire)) [[unlikely]]
    return fail(ENGINE_ERR_CLOSED, "the engine is closed");
  return ENGINE_OK;
}

// Copies `value` to the caller's `out` of `size` bytes: at most
// sizeof(value), so a caller built against an earlier, smaller struct
// gets the fields it knows.
template <typename T> void copy_out(void* out, std::size_t size, const T& value) noexcept {
  std::memcpy(out, &value, std::min(size, sizeof value));
}

} // namespace capi
