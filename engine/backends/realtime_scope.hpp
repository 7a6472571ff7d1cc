// Marks the body of an audio callback as real-time. In a RealtimeSanitizer
// build (meson -Drtsan=true, tools/rtsan.sh) everything that runs inside the
// scope is checked: an allocation, a lock, a sleep or a system call that may
// block aborts the program with a stack trace. In other builds it is empty.
#pragma once

#ifdef RINGENGINE_RTSAN
extern "C" void __rtsan_realtime_enter();
extern "C" void __rtsan_realtime_exit();
#endif

namespace ringengine {

class RealtimeScope {
public:
#ifdef RINGENGINE_RTSAN
  RealtimeScope() noexcept { __rtsan_realtime_enter(); }
  ~RealtimeScope() { __rtsan_realtime_exit(); }
#else
  // User-provided, so that a scope is not an unused variable to the compiler.
  RealtimeScope() noexcept {}
  ~RealtimeScope() {}
#endif
  RealtimeScope(const RealtimeScope&) = delete;
  RealtimeScope& operator=(const RealtimeScope&) = delete;
};

} // namespace ringengine
