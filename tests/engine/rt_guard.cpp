#include "rt_guard.hpp"

#include <dlfcn.h>
#include <pthread.h>
#include <time.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace rt_guard {
namespace {

thread_local bool armed = false;
thread_local Violations seen;

template <typename F> F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

// Resolved before main(), so no interposed call needs a lazy initialisation.
using LockFn = int (*)(pthread_mutex_t*);
using WaitFn = int (*)(pthread_cond_t*, pthread_mutex_t*);
using NanosleepFn = int (*)(const timespec*, timespec*);
using ClockNanosleepFn = int (*)(clockid_t, int, const timespec*, timespec*);
const LockFn real_lock = next<LockFn>("pthread_mutex_lock");
const WaitFn real_wait = next<WaitFn>("pthread_cond_wait");
const NanosleepFn real_nanosleep = next<NanosleepFn>("nanosleep");
const ClockNanosleepFn real_clock_nanosleep = next<ClockNanosleepFn>("clock_nanosleep");

void* allocate(std::size_t size, std::size_t align) {
  if (armed)
    ++seen.allocations;
  void* p = align <= alignof(std::max_align_t)
                ? std::malloc(size ? size : 1)
                : std::aligned_alloc(align, (size + align - 1) / align * align);
  if (p == nullptr)
    throw std::bad_alloc();
  return p;
}

// The nothrow forms: what the engine allocates with new (std::nothrow)
// (a take's memory) is deleted with this file's delete, so this file
// allocates it too; otherwise AddressSanitizer's new[] met this free().
void* allocate_or_null(std::size_t size, std::size_t align) noexcept {
  try {
    return allocate(size, align);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void release(void* p) noexcept {
  if (armed && p != nullptr)
    ++seen.frees;
  std::free(p);
}

} // namespace

void arm() {
  seen = Violations{};
  armed = true;
}

Violations disarm() {
  armed = false;
  return seen;
}

} // namespace rt_guard

using rt_guard::allocate;
using rt_guard::allocate_or_null;
using rt_guard::release;

void* operator new(std::size_t n) { return allocate(n, 0); }
void* operator new[](std::size_t n) { return allocate(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return allocate(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return allocate(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate_or_null(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate_or_null(n, 0); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

extern "C" {

int pthread_mutex_lock(pthread_mutex_t* m) {
  if (rt_guard::armed)
    ++rt_guard::seen.locks;
  return rt_guard::real_lock(m);
}

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  if (rt_guard::armed)
    ++rt_guard::seen.waits;
  return rt_guard::real_wait(c, m);
}

int nanosleep(const timespec* req, timespec* rem) {
  if (rt_guard::armed)
    ++rt_guard::seen.sleeps;
  return rt_guard::real_nanosleep(req, rem);
}

int clock_nanosleep(clockid_t clock, int flags, const timespec* req, timespec* rem) {
  if (rt_guard::armed)
    ++rt_guard::seen.sleeps;
  return rt_guard::real_clock_nanosleep(clock, flags, req, rem);
}

} // extern "C"
