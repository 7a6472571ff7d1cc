// A wait-free single-producer single-consumer ring with exact capacity.
//
// make_ring<T>(n) returns a Producer and a Consumer: move-only ends, so the
// types say who may push and who may pop (as rtrb does). The ring holds
// exactly n elements: the (n+1)th push fails until something is popped.
//
// Head and tail are free-running counters; the slot of counter i is
// i & mask over a power-of-two storage of at least n slots, and the producer
// sees the ring full when tail - head == n, which unsigned arithmetic keeps
// right across wrap-around. It caches head, and re-reads the consumer's copy
// only when its cache says full.
//
// The consumer does not read tail at all: each slot carries a stamp, counter
// + 1, stored with release after the element, so a message crosses between
// cores in the slot's own cache line. Slots are padded to a power of two (32
// bytes for the engine's 24-byte messages), so none straddles two lines.
// Design notes and measurements: docs/architecture.md, docs/benchmarks.md.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace ringengine {

// Fixed rather than std::hardware_destructive_interference_size, whose value
// may differ between compilers and would make it part of the ABI.
inline constexpr std::size_t kCacheLine = 64;

template <typename T> class Producer;
template <typename T> class Consumer;

namespace detail {

// Slots are sized to a power of two up to a cache line, so none straddles
// two lines.
template <typename T>
inline constexpr std::size_t kSlotAlign =
    std::min(kCacheLine, std::bit_ceil(sizeof(T) + sizeof(std::size_t)));

// One slot: the element and the stamp that says which counter value filled
// it. The consumer learns that a slot is filled from the slot itself, so a
// message crosses between cores in the slot's own cache line, without a
// shared tail to read.
template <typename T> struct alignas(kSlotAlign<T>) Slot {
  T value;
  std::atomic<std::size_t> stamp; // counter + 1 once filled for that counter
};

template <typename T> struct RingState {
  static_assert(std::is_trivially_copyable_v<T>,
                "ring elements are copied as raw bytes");
  static_assert(std::atomic<std::size_t>::is_always_lock_free);

  RingState(std::size_t capacity, std::size_t start)
      : capacity(capacity), mask(std::bit_ceil(capacity) - 1),
        slots(new Slot<T>[mask + 1]) {
    head.store(start, std::memory_order_relaxed);
    tail.store(start, std::memory_order_relaxed);
    // No slot is filled for any counter from `start` on: stamp each with a
    // value that is not counter + 1 for the first counter that maps to it.
    for (std::size_t i = 0; i <= mask; ++i)
      slots[i].stamp.store(start + i - mask, std::memory_order_relaxed);
  }

  // Written by the consumer only: counter of the next slot to pop.
  alignas(kCacheLine) std::atomic<std::size_t> head;
  // Written by the producer only: counter of the next slot to push (read
  // only by Consumer::size(); popping reads the stamps instead).
  alignas(kCacheLine) std::atomic<std::size_t> tail;
  // Read-only after construction.
  alignas(kCacheLine) const std::size_t capacity;
  const std::size_t mask;
  const std::unique_ptr<Slot<T>[]> slots;
};

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
    if (tail_ - head_cache_ == capacity_ && !refresh_head())
      return false;
    fill(tail_, item);
    ++tail_;
    publish_tail();
    return true;
  }

  // Pushes the first k of items[0..n) that fit and returns k.
  [[nodiscard]] std::size_t try_push_bulk(const T* items, std::size_t n) noexcept {
    std::size_t room = capacity_ - (tail_ - head_cache_);
    if (room < n) {
      refresh_head();
      room = capacity_ - (tail_ - head_cache_);
    }
    const std::size_t k = std::min(n, room);
    for (std::size_t i = 0; i < k; ++i)
      fill(tail_ + i, items[i]);
    tail_ += k;
    if (k != 0)
      publish_tail();
    return k;
  }

  // Free slots now; may grow at any moment as the consumer pops.
  std::size_t slots() noexcept {
    refresh_head();
    return capacity_ - (tail_ - head_cache_);
  }

  std::size_t capacity() const noexcept { return capacity_; }

private:
  friend std::pair<Producer, Consumer<T>> make_ring<T>(std::size_t, std::size_t);
  explicit Producer(std::shared_ptr<detail::RingState<T>> s)
      : s_(std::move(s)), slots_(s_->slots.get()), mask_(s_->mask), capacity_(s_->capacity),
        tail_(s_->tail.load(std::memory_order_relaxed)),
        head_cache_(s_->head.load(std::memory_order_relaxed)) {}

  void fill(std::size_t counter, const T& item) noexcept {
    detail::Slot<T>& slot = slots_[counter & mask_];
    slot.value = item;
    // release: publishes the value to the consumer's acquire load of the stamp.
    slot.stamp.store(counter + 1, std::memory_order_release);
  }

  // For Consumer::size() only; popping reads the stamps.
  void publish_tail() noexcept { s_->tail.store(tail_, std::memory_order_relaxed); }

  // Re-reads the consumer's counter; true when that freed at least a slot.
  bool refresh_head() noexcept {
    // acquire: pairs with the consumer's release store of head, so the
    // consumer has finished reading every slot before head before we reuse it.
    head_cache_ = s_->head.load(std::memory_order_acquire);
    return tail_ - head_cache_ < capacity_;
  }

  // Everything a push reads or writes besides its slot and s_->tail, in one
  // line: the ring's constants are copied here rather than read from s_.
  std::shared_ptr<detail::RingState<T>> s_;
  detail::Slot<T>* slots_;
  std::size_t mask_;
  std::size_t capacity_;
  std::size_t tail_;       // our own counter; s_->tail mirrors it for size()
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
    if (!take(head_, out))
      return false;
    ++head_;
    release_head();
    return true;
  }

  // Pops up to n elements into out[0..n) and returns how many.
  [[nodiscard]] std::size_t try_pop_bulk(T* out, std::size_t n) noexcept {
    std::size_t k = 0;
    while (k < n && take(head_ + k, out[k]))
      ++k;
    head_ += k;
    if (k != 0)
      release_head();
    return k;
  }

  // Elements waiting now; may grow at any moment as the producer pushes.
  std::size_t size() const noexcept {
    return s_->tail.load(std::memory_order_relaxed) - head_;
  }

  std::size_t capacity() const noexcept { return s_->capacity; }

private:
  friend std::pair<Producer<T>, Consumer> make_ring<T>(std::size_t, std::size_t);
  explicit Consumer(std::shared_ptr<detail::RingState<T>> s)
      : s_(std::move(s)), slots_(s_->slots.get()), mask_(s_->mask),
        head_(s_->head.load(std::memory_order_relaxed)) {}

  // Copies out the element of `counter` if its slot is filled for it.
  bool take(std::size_t counter, T& out) const noexcept {
    const detail::Slot<T>& slot = slots_[counter & mask_];
    // acquire: pairs with the producer's release store of the stamp, so the
    // value is fully written before we read it.
    if (slot.stamp.load(std::memory_order_acquire) != counter + 1)
      return false;
    out = slot.value;
    return true;
  }

  void release_head() noexcept {
    // release: hands the slots back to the producer's acquire load of head,
    // after we have read them.
    s_->head.store(head_, std::memory_order_release);
  }

  // As in Producer: what a pop reads besides its slot, in one line.
  std::shared_ptr<detail::RingState<T>> s_;
  const detail::Slot<T>* slots_;
  std::size_t mask_;
  std::size_t head_; // our own counter; s_->head mirrors it
};

static_assert(sizeof(Producer<int>) == kCacheLine && sizeof(Consumer<int>) == kCacheLine,
              "each end's state is one cache line");

} // namespace ringengine
