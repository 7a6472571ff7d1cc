// A test-only real-time guard: while armed on a thread, counts what that
// thread does that an audio thread must not (allocate, free, lock a mutex,
// wait on a condition variable, sleep). Works by replacing operator new and
// delete and interposing the libc calls in the test executable.
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

} // namespace rt_guard
