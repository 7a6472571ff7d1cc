// WarningLog: the warnings an audio library reported, kept for the control
// side to take, oldest first.
//
// Warnings come from any thread, the audio thread included (RtAudio reports
// a failed write from its callback thread), so adding one never waits and
// never allocates: the text is copied into a fixed slot, truncated. When the
// log is full, or another thread is adding at that instant, the warning is
// dropped and counted, as a full ring drops a message.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <thread>

namespace ringengine {

class WarningLog {
public:
  static constexpr std::size_t kEntries = 16;   // kept until taken
  static constexpr std::size_t kTextMax = 256;  // bytes per warning, with the NUL

  // Thread: any, including an audio thread. Non-blocking: wait-free (a
  // try-lock; losing the race drops the warning). Returns false when the
  // warning was dropped.
  bool add(std::string_view text) noexcept {
    total_.fetch_add(1, std::memory_order_relaxed);
    // acquire: pairs with the release in unlock(), so this thread sees the
    // slots and counts as the previous holder left them.
    if (busy_.test_and_set(std::memory_order_acquire)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    const bool kept = count_ < kEntries;
    if (kept) {
      Entry& e = entries_[(first_ + count_) % kEntries];
      e.length = std::min(text.size(), kTextMax - 1);
      std::memcpy(e.text.data(), text.data(), e.length);
      ++count_;
    }
    unlock();
    if (!kept)
      dropped_.fetch_add(1, std::memory_order_relaxed);
    return kept;
  }

  // Thread: control side. Blocks only while another thread is adding (a
  // copy of at most kTextMax bytes). Copies the oldest warning into
  // out[0..size), truncated and NUL-terminated, and forgets it. False when
  // none is waiting (out is untouched). size must be at least 1.
  bool take(char* out, std::size_t size) noexcept {
    while (busy_.test_and_set(std::memory_order_acquire)) // as in add()
      std::this_thread::yield();
    const bool any = count_ > 0;
    if (any) {
      const Entry& e = entries_[first_];
      const std::size_t n = std::min(e.length, size - 1);
      std::memcpy(out, e.text.data(), n);
      out[n] = '\0';
      first_ = (first_ + 1) % kEntries;
      --count_;
    }
    unlock();
    return any;
  }

  // Thread: any. Warnings reported, and of those, dropped.
  std::uint64_t total() const noexcept { return total_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

private:
  // release: publishes the slot and counts to the next holder's acquire.
  void unlock() noexcept { busy_.clear(std::memory_order_release); }

  struct Entry {
    std::array<char, kTextMax> text;
    std::size_t length = 0;
  };
  std::atomic_flag busy_ = ATOMIC_FLAG_INIT;
  std::array<Entry, kEntries> entries_{}; // guarded by busy_
  std::size_t first_ = 0;                 // guarded by busy_
  std::size_t count_ = 0;                 // guarded by busy_
  std::atomic<std::uint64_t> total_{0}, dropped_{0};
};

} // namespace ringengine
