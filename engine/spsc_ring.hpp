// A wait-free single-producer single-consumer ring with exact capacity.
//
// make_ring<T>(n) returns a Producer and a Consumer: move-only ends, so the
// types say who may push and who may pop (as rtrb does). The ring holds
// exactly n elements: the (n+1)th push fails until something is popped.
//
// Head and tail are free-running counters; the slot of counter i is
// i & mask over a power-of-two storage of at least n slots, and fullness is
// tail - head == n, which unsigned arithmetic keeps right across wrap-around.
// Each end keeps its own counter privately and caches the other's, so the
// common push or pop touches one shared cache line only when the cached
// value says the ring looks full (or empty). Design notes: docs/architecture.md.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace ringengine {

// Fixed rather than std::hardware_destructive_interference_size, whose value
// may differ between compilers and would make it part of the ABI.
inline constexpr std::size_t kCacheLine = 64;

template <typename T> class Producer;
template <typename T> class Consumer;

namespace detail {

template <typename T> struct RingState {
  static_assert(std::is_trivially_copyable_v<T>,
                "ring elements are copied with memcpy");
  static_assert(std::atomic<std::size_t>::is_always_lock_free);

  RingState(std::size_t capacity, std::size_t start)
      : capacity(capacity), mask(std::bit_ceil(capacity) - 1),
        slots(new T[mask + 1]) {
    head.store(start, std::memory_order_relaxed);
    tail.store(start, std::memory_order_relaxed);
  }

  // Written by the consumer only: counter of the next slot to pop.
  alignas(kCacheLine) std::atomic<std::size_t> head;
  // Written by the producer only: counter of the next slot to push.
  alignas(kCacheLine) std::atomic<std::size_t> tail;
  // Read-only after construction.
  alignas(kCacheLine) const std::size_t capacity;
  const std::size_t mask;
  const std::unique_ptr<T[]> slots;
};

// Copies n elements between the ring's storage, starting at slot `first`,
// and a flat array, in at most two pieces when the run wraps past the end.
template <typename T>
void copy_in(RingState<T>& s, std::size_t first, const T* from, std::size_t n) {
  const std::size_t size = s.mask + 1;
  const std::size_t piece = std::min(n, size - first);
  std::memcpy(&s.slots[first], from, piece * sizeof(T));
  std::memcpy(&s.slots[0], from + piece, (n - piece) * sizeof(T));
}

template <typename T>
void copy_out(const RingState<T>& s, std::size_t first, T* to, std::size_t n) {
  const std::size_t size = s.mask + 1;
  const std::size_t piece = std::min(n, size - first);
  std::memcpy(to, &s.slots[first], piece * sizeof(T));
  std::memcpy(to + piece, &s.slots[0], (n - piece) * sizeof(T));
}

} // namespace detail

// Creates a ring holding exactly `capacity` elements (at least 1).
// `start` sets the initial counter value; tests use it to start near the
// counters' wrap-around. Allocates; not for the audio thread.
template <typename T>
std::pair<Producer<T>, Consumer<T>> make_ring(std::size_t capacity,
                                              std::size_t start = 0) {
  assert(capacity >= 1);
  auto state = std::make_shared<detail::RingState<T>>(capacity, start);
  return {Producer<T>(state), Consumer<T>(state)};
}

// The pushing end. Thread: one producer thread at a time. Non-blocking:
// every member is wait-free. Aligned to a cache line: it writes its private
// counters on every push, and must not share a line with the consumer's
// wherever the two ends are placed.
template <typename T> class alignas(kCacheLine) Producer {
public:
  Producer(Producer&&) noexcept = default;
  Producer& operator=(Producer&&) noexcept = default;
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Pushes one element; false, with nothing changed, when the ring is full.
  [[nodiscard]] bool try_push(const T& item) noexcept {
    if (tail_ - head_cache_ == s_->capacity && !refresh_head())
      return false;
    s_->slots[tail_ & s_->mask] = item;
    ++tail_;
    // release: publishes the slot to the consumer's acquire load of tail.
    s_->tail.store(tail_, std::memory_order_release);
    return true;
  }

  // Pushes the first k of items[0..n) that fit and returns k.
  [[nodiscard]] std::size_t try_push_bulk(const T* items, std::size_t n) noexcept {
    std::size_t room = s_->capacity - (tail_ - head_cache_);
    if (room < n) {
      refresh_head();
      room = s_->capacity - (tail_ - head_cache_);
    }
    const std::size_t k = std::min(n, room);
    if (k == 0)
      return 0;
    detail::copy_in(*s_, tail_ & s_->mask, items, k);
    tail_ += k;
    // release: publishes all k slots to the consumer's acquire load of tail.
    s_->tail.store(tail_, std::memory_order_release);
    return k;
  }

  // Free slots now; may grow at any moment as the consumer pops.
  std::size_t slots() noexcept {
    refresh_head();
    return s_->capacity - (tail_ - head_cache_);
  }

  std::size_t capacity() const noexcept { return s_->capacity; }

private:
  friend std::pair<Producer, Consumer<T>> make_ring<T>(std::size_t, std::size_t);
  explicit Producer(std::shared_ptr<detail::RingState<T>> s)
      : s_(std::move(s)),
        tail_(s_->tail.load(std::memory_order_relaxed)),
        head_cache_(s_->head.load(std::memory_order_relaxed)) {}

  // Re-reads the consumer's counter; true when that freed at least a slot.
  bool refresh_head() noexcept {
    // acquire: pairs with the consumer's release store of head, so the
    // consumer has finished reading every slot before head before we reuse it.
    head_cache_ = s_->head.load(std::memory_order_acquire);
    return tail_ - head_cache_ < s_->capacity;
  }

  std::shared_ptr<detail::RingState<T>> s_;
  std::size_t tail_;       // our own counter; s_->tail mirrors it
  std::size_t head_cache_; // the consumer's counter as last seen
};

// The popping end. Thread: one consumer thread at a time. Non-blocking:
// every member is wait-free. Aligned to a cache line, as Producer is.
template <typename T> class alignas(kCacheLine) Consumer {
public:
  Consumer(Consumer&&) noexcept = default;
  Consumer& operator=(Consumer&&) noexcept = default;
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Pops one element into `out`; false, with `out` untouched, when empty.
  [[nodiscard]] bool try_pop(T& out) noexcept {
    if (head_ == tail_cache_ && !refresh_tail())
      return false;
    out = s_->slots[head_ & s_->mask];
    ++head_;
    // release: hands the slot back to the producer's acquire load of head.
    s_->head.store(head_, std::memory_order_release);
    return true;
  }

  // Pops up to n elements into out[0..n) and returns how many.
  [[nodiscard]] std::size_t try_pop_bulk(T* out, std::size_t n) noexcept {
    std::size_t ready = tail_cache_ - head_;
    if (ready < n) {
      refresh_tail();
      ready = tail_cache_ - head_;
    }
    const std::size_t k = std::min(n, ready);
    if (k == 0)
      return 0;
    detail::copy_out(*s_, head_ & s_->mask, out, k);
    head_ += k;
    // release: hands all k slots back to the producer's acquire load of head.
    s_->head.store(head_, std::memory_order_release);
    return k;
  }

  // Elements waiting now; may grow at any moment as the producer pushes.
  std::size_t size() noexcept {
    refresh_tail();
    return tail_cache_ - head_;
  }

  std::size_t capacity() const noexcept { return s_->capacity; }

private:
  friend std::pair<Producer<T>, Consumer> make_ring<T>(std::size_t, std::size_t);
  explicit Consumer(std::shared_ptr<detail::RingState<T>> s)
      : s_(std::move(s)),
        head_(s_->head.load(std::memory_order_relaxed)),
        tail_cache_(s_->tail.load(std::memory_order_relaxed)) {}

  // Re-reads the producer's counter; true when something is waiting.
  bool refresh_tail() noexcept {
    // acquire: pairs with the producer's release store of tail, so the
    // slots before tail are fully written before we read them.
    tail_cache_ = s_->tail.load(std::memory_order_acquire);
    return tail_cache_ != head_;
  }

  std::shared_ptr<detail::RingState<T>> s_;
  std::size_t head_;       // our own counter; s_->head mirrors it
  std::size_t tail_cache_; // the producer's counter as last seen
};

} // namespace ringengine
