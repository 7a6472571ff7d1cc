// A snapshot slot: state the audio thread overwrites (every block, or when
// it changes) and any thread reads at any time, without a lock or a
// message.
//
// Two copies, each a seqlock, and an index naming the copy last written
// whole. The writer always writes the other copy, then publishes it, so a
// writer stopped in the middle of a write (preempted) leaves the published
// copy whole and readers read it without waiting. A reader retries only
// when the writer, while it read, published a copy (or began rewriting the
// one it was reading): that is, only while the writer makes progress, never
// for a writer that does not run. What a reader returns was the published
// value at some instant, so successive reads never go back in time.
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
    Copy& c = copies_[1 - current_.load(std::memory_order_relaxed)];
    const std::uint32_t s = c.seq.load(std::memory_order_relaxed);
    c.seq.store(s + 1, std::memory_order_relaxed); // odd: a write under way
    // release: the odd count is seen before any of the new words.
    std::atomic_thread_fence(std::memory_order_release);
    for (std::size_t i = 0; i < kWords; ++i)
      c.words[i].store(words[i], std::memory_order_relaxed);
    // release: the words are seen before the even count that closes them,
    // and before the index that names this copy.
    c.seq.store(s + 2, std::memory_order_release);
    current_.store(static_cast<std::uint32_t>(&c - copies_), std::memory_order_release);
  }

  // Any thread. Returns the last value written whole.
  T read() const noexcept {
    std::uint64_t words[kWords];
    for (;;) {
      // acquire: pairs with the index's release, so the copy it names is whole.
      const std::uint32_t index = current_.load(std::memory_order_acquire);
      const Copy& c = copies_[index];
      const std::uint32_t before = c.seq.load(std::memory_order_acquire);
      if (before & 1u)
        continue; // the writer has published the other copy since: read that
      for (std::size_t i = 0; i < kWords; ++i)
        words[i] = c.words[i].load(std::memory_order_relaxed);
      // acquire: the words are read before the count and the index are
      // read again.
      std::atomic_thread_fence(std::memory_order_acquire);
      // The copy unchanged, and still the one published: a copy read through
      // an index gone stale may hold a write not yet published, newer than
      // the one a reader would read next (values would go back in time).
      if (c.seq.load(std::memory_order_relaxed) == before &&
          current_.load(std::memory_order_relaxed) == index)
        break;
    }
    T value;
    std::memcpy(&value, words, sizeof(T));
    return value;
  }

private:
  struct Copy {
    std::atomic<std::uint32_t> seq{0};
    std::atomic<std::uint64_t> words[kWords];
  };
  Copy copies_[2];
  std::atomic<std::uint32_t> current_{0};
};

} // namespace ringengine
