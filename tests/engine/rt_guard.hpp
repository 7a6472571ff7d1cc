// A test-only real-time guard: while armed on a thread, counts what that
// thread does that an audio thread must not: allocate (operator new,
// malloc, calloc, realloc, aligned_alloc, posix_memalign), free (delete,
// free), lock a mutex, wait (on a condition variable, timed or not, or a
// semaphore), sleep. Works by replacing operator new and delete and
// interposing the libc calls in the test executable (each forwarding to
// the next definition). Under ASan and TSan the C allocator is theirs:
// there operator new and delete count, malloc and free do not.
#pragma once

namespace rt_guard {

struct Violations {
  int allocations = 0;
  int frees = 0;
  int locks = 0;
  int waits = 0;
  int sleeps = 0;
  int total() const { return allocations + frees + locks + waits + sleeps; }
};

// Starts counting on the calling thread.
void arm();
// Stops counting on the calling thread and returns what was counted.
Violations disarm();

// Blocks the C allocator has handed out and not had back, on every thread,
// armed or not (a leak check: what a sequence of calls left behind); -1
// under AddressSanitizer or ThreadSanitizer, which own the allocator (and
// whose LeakSanitizer checks for leaks instead).
long live_blocks();
// Whether malloc and the rest are counted (not under ASan or TSan, where
// only operator new and delete are).
bool wraps_malloc();

} // namespace rt_guard
