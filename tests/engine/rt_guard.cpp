#include "rt_guard.hpp"

#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

// Under AddressSanitizer and ThreadSanitizer, whose runtimes own malloc,
// the C allocator is left to them: operator new and delete count
// themselves, and live_blocks() is -1 (LeakSanitizer checks for leaks
// there). Elsewhere malloc and the rest are interposed, and count.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RT_GUARD_WRAPS_MALLOC 0
#else
#define RT_GUARD_WRAPS_MALLOC 1
#endif

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
using TimedWaitFn = int (*)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
using ClockWaitFn = int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);
using SemWaitFn = int (*)(sem_t*);
using SemTimedWaitFn = int (*)(sem_t*, const timespec*);
using SemClockWaitFn = int (*)(sem_t*, clockid_t, const timespec*);
const LockFn real_lock = next<LockFn>("pthread_mutex_lock");
const WaitFn real_wait = next<WaitFn>("pthread_cond_wait");
const TimedWaitFn real_timedwait = next<TimedWaitFn>("pthread_cond_timedwait");
const ClockWaitFn real_clockwait = next<ClockWaitFn>("pthread_cond_clockwait");
const SemWaitFn real_sem_wait = next<SemWaitFn>("sem_wait");
const SemTimedWaitFn real_sem_timedwait = next<SemTimedWaitFn>("sem_timedwait");
const SemClockWaitFn real_sem_clockwait = next<SemClockWaitFn>("sem_clockwait");
const NanosleepFn real_nanosleep = next<NanosleepFn>("nanosleep");
const ClockNanosleepFn real_clock_nanosleep = next<ClockNanosleepFn>("clock_nanosleep");

std::atomic<long> live{0}; // blocks of the C allocator out

#if RT_GUARD_WRAPS_MALLOC
// malloc and the rest, resolved at their first call (which may come before
// any static initialiser); what dlsym itself allocates meanwhile comes from
// `early`, and is never freed.
using MallocFn = void* (*)(std::size_t);
using CallocFn = void* (*)(std::size_t, std::size_t);
using ReallocFn = void* (*)(void*, std::size_t);
using FreeFn = void (*)(void*);
using AlignedAllocFn = void* (*)(std::size_t, std::size_t);
using PosixMemalignFn = int (*)(void**, std::size_t, std::size_t);
MallocFn real_malloc = nullptr;
CallocFn real_calloc = nullptr;
ReallocFn real_realloc = nullptr;
FreeFn real_free = nullptr;
AlignedAllocFn real_aligned_alloc = nullptr;
PosixMemalignFn real_posix_memalign = nullptr;
bool resolving = false;
alignas(std::max_align_t) char early[16384];
std::size_t early_used = 0;

bool is_early(const void* p) { return p >= early && p < early + sizeof early; }

void* early_allocate(std::size_t size) {
  const std::size_t a = alignof(std::max_align_t);
  size = (size + a - 1) / a * a;
  if (early_used + size > sizeof early)
    return nullptr;
  void* p = early + early_used;
  early_used += size;
  return p; // zeroed: static storage, never reused
}

void resolve() {
  if (real_free != nullptr)
    return;
  resolving = true;
  real_malloc = next<MallocFn>("malloc");
  real_calloc = next<CallocFn>("calloc");
  real_realloc = next<ReallocFn>("realloc");
  real_aligned_alloc = next<AlignedAllocFn>("aligned_alloc");
  real_posix_memalign = next<PosixMemalignFn>("posix_memalign");
  real_free = next<FreeFn>("free");
  resolving = false;
}

// Counts a block handed out (`p`, not null); returns p.
void* count_allocation(void* p) {
  if (armed)
    ++seen.allocations;
  if (p != nullptr)
    live.fetch_add(1, std::memory_order_relaxed);
  return p;
}
#endif

// operator new and delete go through malloc and free, which count (or,
// under a sanitizer, count here).
void* allocate(std::size_t size, std::size_t align) {
  if (!RT_GUARD_WRAPS_MALLOC && armed)
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
  if (!RT_GUARD_WRAPS_MALLOC && armed && p != nullptr)
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

bool wraps_malloc() { return RT_GUARD_WRAPS_MALLOC != 0; }

long live_blocks() { return RT_GUARD_WRAPS_MALLOC ? live.load(std::memory_order_relaxed) : -1; }

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

#if RT_GUARD_WRAPS_MALLOC
void* malloc(std::size_t size) {
  if (rt_guard::resolving)
    return rt_guard::early_allocate(size);
  rt_guard::resolve();
  return rt_guard::count_allocation(rt_guard::real_malloc(size));
}

void* calloc(std::size_t n, std::size_t size) {
  if (rt_guard::resolving)
    return n != 0 && size > SIZE_MAX / n ? nullptr : rt_guard::early_allocate(n * size);
  rt_guard::resolve();
  return rt_guard::count_allocation(rt_guard::real_calloc(n, size));
}

void* realloc(void* p, std::size_t size) {
  rt_guard::resolve();
  if (p == nullptr)
    return rt_guard::count_allocation(rt_guard::real_malloc(size));
  if (rt_guard::is_early(p)) { // dlsym's, grown: copied out (never in practice)
    void* q = rt_guard::count_allocation(rt_guard::real_malloc(size));
    const auto left = static_cast<std::size_t>(rt_guard::early + sizeof rt_guard::early -
                                               static_cast<char*>(p));
    if (q != nullptr)
      __builtin_memcpy(q, p, size < left ? size : left);
    return q;
  }
  if (rt_guard::armed)
    ++rt_guard::seen.allocations;
  return rt_guard::real_realloc(p, size); // the same block, moved or not
}

void* aligned_alloc(std::size_t align, std::size_t size) {
  rt_guard::resolve();
  return rt_guard::count_allocation(rt_guard::real_aligned_alloc(align, size));
}

int posix_memalign(void** p, std::size_t align, std::size_t size) {
  rt_guard::resolve();
  const int rc = rt_guard::real_posix_memalign(p, align, size);
  rt_guard::count_allocation(rc == 0 ? *p : nullptr);
  return rc;
}

void free(void* p) {
  if (p == nullptr || rt_guard::is_early(p) || rt_guard::resolving)
    return; // (dlsym's own, while resolving: kept)
  if (rt_guard::armed)
    ++rt_guard::seen.frees;
  rt_guard::live.fetch_sub(1, std::memory_order_relaxed);
  rt_guard::resolve();
  rt_guard::real_free(p);
}
#endif

int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* t) {
  if (rt_guard::armed)
    ++rt_guard::seen.waits;
  return rt_guard::real_timedwait(c, m, t);
}

int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                           const timespec* t) {
  if (rt_guard::armed)
    ++rt_guard::seen.waits;
  return rt_guard::real_clockwait(c, m, clock, t);
}

int sem_wait(sem_t* s) {
  if (rt_guard::armed)
    ++rt_guard::seen.waits;
  return rt_guard::real_sem_wait(s);
}

int sem_timedwait(sem_t* s, const timespec* t) {
  if (rt_guard::armed)
    ++rt_guard::seen.waits;
  return rt_guard::real_sem_timedwait(s, t);
}

int sem_clockwait(sem_t* s, clockid_t clock, const timespec* t) {
  if (rt_guard::armed)
    ++rt_guard::seen.waits;
  return rt_guard::real_sem_clockwait(s, clock, t);
}

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
