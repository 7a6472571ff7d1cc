// A snapshot slot: state the audio thread overwrites (every block, or when
// it changes) and any thread reads at any time, without a lock or a
// message. A seqlock with one writer: the writer never waits; a reader that
// overlaps a write reads again, so it waits at most for one write to end
// (a few dozen ns), never for the audio thread to run.
//
// The words are atomics (relaxed), so a torn read is a retry, never a data
// race: sanitizers see none.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace ringengine {

template <typename T> class Snapshot {
  static_assert(std::is_trivially_copyable_v<T>);
  static constexpr std::size_t kWords = (sizeof(T) + 7) / 8;

public:
  Snapshot() noexcept { write(T{}); }

  // The writer: one thread at a time (the audio thread). Wait-free.
  void write(const T& value) noexcept {
    std::uint64_t words[kWords] = {};
    std::memcpy(words, &value, sizeof(T));
    const std::uint32_t s = seq_.load(std::memory_order_relaxed);
    seq_.store(s + 1, std::memory_order_relaxed); // odd: a write under way
    // release: the odd count is seen before any of the new words.
    std::atomic_thread_fence(std::memory_order_release);
    for (std::size_t i = 0; i < kWords; ++i)
      words_[i].store(words[i], std::memory_order_relaxed);
    // release: the words are seen before the even count that closes them.
    seq_.store(s + 2, std::memory_order_release);
  }

  // Any thread. Returns the last value written whole.
  T read() const noexcept {
    std::uint64_t words[kWords];
    for (;;) {
      // acquire: pairs with the closing release above.
      const std::uint32_t before = seq_.load(std::memory_order_acquire);
      if (before & 1u)
        continue;
      for (std::size_t i = 0; i < kWords; ++i)
        words[i] = words_[i].load(std::memory_order_relaxed);
      // acquire: the words are read before the count is read again.
      std::atomic_thread_fence(std::memory_order_acquire);
      if (seq_.load(std::memory_order_relaxed) == before)
        break;
    }
    T value;
    std::memcpy(&value, words, sizeof(T));
    return value;
  }

private:
  std::atomic<std::uint32_t> seq_{0};
  std::atomic<std::uint64_t> words_[kWords];
};

} // namespace ringengine
