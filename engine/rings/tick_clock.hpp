// A cheap clock for timing the audio callback: the CPU's time-stamp counter
// where it ticks at a constant rate (x86-64 with an invariant TSC), else
// steady_clock in nanoseconds. A TSC read costs a third of a vDSO clock
// read on the machines we measured (docs/benchmarks.md), which matters when
// an empty block costs tens of nanoseconds.
//
// Ticks become nanoseconds on the control side, by the ratio of steady_clock
// time to ticks elapsed since the clock's origin; no calibration pause.
#pragma once

#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace ringengine {

class TickClock {
public:
  TickClock() noexcept : use_tsc_(has_invariant_tsc()), origin_ticks_(now()), origin_ns_(steady_ns()) {}

  // Thread: any. Wait-free, no system call.
  std::uint64_t now() const noexcept {
#if defined(__x86_64__)
    if (use_tsc_)
      return __rdtsc();
#endif
    return steady_ns();
  }

  // Nanoseconds in `ticks`. Thread: any (control side). Non-blocking.
  std::uint64_t to_ns(std::uint64_t ticks) const noexcept {
    return static_cast<std::uint64_t>(static_cast<double>(ticks) * ns_per_tick());
  }

  // Nanoseconds a tick lasts, as measured since the clock was made. Thread:
  // any (control side: it reads the system clock). Non-blocking.
  double ns_per_tick() const noexcept {
    if (!use_tsc_)
      return 1.0;
    const std::uint64_t elapsed_ticks = now() - origin_ticks_;
    const std::uint64_t elapsed_ns = steady_ns() - origin_ns_;
    if (elapsed_ticks == 0)
      return 0;
    return static_cast<double>(elapsed_ns) / static_cast<double>(elapsed_ticks);
  }

private:
  static std::uint64_t steady_ns() noexcept {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  }

  static bool has_invariant_tsc() noexcept {
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) && eax >= 0x80000007u &&
        __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx))
      return (edx >> 8) & 1u; // CPUID.80000007H:EDX[8], invariant TSC
#endif
    return false;
  }

  const bool use_tsc_;
  const std::uint64_t origin_ticks_;
  const std::uint64_t origin_ns_;
};

} // namespace ringengine
