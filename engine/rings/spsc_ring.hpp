// A wait-free single-producer single-consumer ring with exact capacity.
//
// make_ring<T>(n) returns a Producer and a Consumer: move-only ends, so the
// types say who may push and who may pop (as rtrb does). The ring holds
// exactly n elements: the (n+1)th push fails until something is popped.
//
// Head and tail are free-running counters, and the producer sees the ring
// full when tail - head == n, which unsigned arithmetic keeps right across
// wrap-around. It caches head, and re-reads the consumer's copy only when its
// cache says full.
//
// The consumer does not read tail at all: each slot carries a 32-bit stamp,
// the low bits of counter + 1, stored with release after the element, so a
// message crosses between cores in the slot's own cache line. Slots are not
// padded beyond the element's alignment (20 bytes for a 16-byte element of
// 4-byte alignment, 32 for the engine's 24-byte messages): the fewer lines a
// message takes, the fewer the consumer pulls from the producer's cache. The
// storage starts on a cache line, so a slot whose size divides the line (32
// bytes for Message) never straddles two; others may, but a stamp never does.
//
// The storage has kGapSlots more slots than n, two cache lines' worth. When
// the ring is full the producer fills the slot that the consumer's last pop
// freed; with storage of exactly n slots that slot sits just behind the
// consumer's head, in the line the consumer reads next, and each push takes
// that line from under the consumer. With the gap, the slot a push may fill
// is at least two lines behind the head. Each end keeps the slot index of its
// counter and wraps it at the storage's end, which is not a power of two.
// Design notes and measurements: docs/architecture.md, docs/benchmarks.md.
#pragma once

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
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

// One slot: the element and the stamp that says which counter value filled
// it. The consumer learns that a slot is filled from the slot itself, so a
// message crosses between cores in the slot's own cache line, without a
// shared tail to read. The stamp holds the low 32 bits of counter + 1: the
// only other values a slot can hold when the consumer reaches counter c are
// the stamp of c - size (the previous lap) and the initial one, and both
// differ from c + 1 in their low 32 bits while size < 2^32.
template <typename T> struct Slot {
  T value;
  std::atomic<std::uint32_t> stamp; // counter + 1, truncated, once filled for that counter
};

inline std::uint32_t stamp_of(std::size_t counter) noexcept {
  return static_cast<std::uint32_t>(counter + 1);
}

// Slots beyond the capacity: two cache lines' worth, at least one. A full
// ring's producer writes this many slots behind the consumer's head rather
// than right behind it (see the top of this file); two lines rather than one
// so that the two lines are never a pair that the adjacent-line prefetcher
// fetches together.
template <typename T>
inline constexpr std::size_t kGapSlots =
    std::max<std::size_t>(1, (2 * kCacheLine + sizeof(Slot<T>) - 1) / sizeof(Slot<T>));

// The slots, starting on a cache line: allocated with the line's alignment
// (new Slot<T>[n] gives only the element's, and 32-byte slots that start
// 16 bytes into a line straddle two lines each, which cost the engine's
// Message a line more per slot; docs/benchmarks.md).
template <typename T> struct SlotArray {
  static constexpr std::align_val_t kAlign{std::max(kCacheLine, alignof(Slot<T>))};
  explicit SlotArray(std::size_t n)
      : slots(static_cast<Slot<T>*>(::operator new(n * sizeof(Slot<T>), kAlign))) {
    std::uninitialized_default_construct_n(slots, n);
  }
  ~SlotArray() { ::operator delete(slots, kAlign); } // Slot<T> is trivially destructible
  SlotArray(const SlotArray&) = delete;
  SlotArray& operator=(const SlotArray&) = delete;
  Slot<T>* const slots;
};

template <typename T> struct RingState {
  static_assert(std::is_trivially_copyable_v<T>,
                "ring elements are copied as raw bytes");
  static_assert(std::atomic<std::size_t>::is_always_lock_free);
  static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
  static_assert(std::is_trivially_destructible_v<Slot<T>>);

  RingState(std::size_t capacity, std::size_t start)
      : capacity(capacity), size(capacity + kGapSlots<T>), storage(size) {
    head.store(start, std::memory_order_relaxed);
    tail.store(start, std::memory_order_relaxed);
    // Counter start + i is the first to fill slot i: stamp each slot with a
    // value that is not that counter's stamp (see Slot).
    for (std::size_t i = 0; i < size; ++i)
      storage.slots[i].stamp.store(static_cast<std::uint32_t>(start + i), std::memory_order_relaxed);
  }

  // Written by the consumer only: counter of the next slot to pop.
  alignas(kCacheLine) std::atomic<std::size_t> head;
  // Written by the producer only: counter of the next slot to push (read
  // only by Consumer::size(); popping reads the stamps instead).
  alignas(kCacheLine) std::atomic<std::size_t> tail;
  // Read-only after construction.
  alignas(kCacheLine) const std::size_t capacity;
  const std::size_t size; // slots in the storage: capacity + kGapSlots
  const SlotArray<T> storage;
};

// The slot index after `index` in a storage of `size` slots.
inline std::size_t next_slot(std::size_t index, std::size_t size) noexcept {
  return index + 1 == size ? 0 : index + 1;
}

} // namespace detail

// Creates a ring holding exactly `capacity` elements (at least 1).
// `start` sets the initial counter value; tests use it to start near the
// counters' wrap-around. Allocates; not for the audio thread.
template <typename T>
std::pair<Producer<T>, Consumer<T>> make_ring(std::size_t capacity,
                                              std::size_t start = 0) {
  assert(capacity >= 1 && capacity < (std::size_t{1} << 31)); // stamps: size < 2^32
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
    fill(tail_slot_, tail_, item);
    tail_slot_ = detail::next_slot(tail_slot_, size_);
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
    for (std::size_t i = 0; i < k; ++i) {
      fill(tail_slot_, tail_ + i, items[i]);
      tail_slot_ = detail::next_slot(tail_slot_, size_);
    }
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
      : s_(std::move(s)), slots_(s_->storage.slots), size_(s_->size), capacity_(s_->capacity),
        tail_(s_->tail.load(std::memory_order_relaxed)), tail_slot_(0),
        head_cache_(s_->head.load(std::memory_order_relaxed)) {}

  // Fills slot `index` with the element of `counter`.
  void fill(std::size_t index, std::size_t counter, const T& item) noexcept {
    detail::Slot<T>& slot = slots_[index];
    slot.value = item;
    // release: publishes the value to the consumer's acquire load of the stamp.
    slot.stamp.store(detail::stamp_of(counter), std::memory_order_release);
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
  std::size_t size_; // slots in the storage
  std::size_t capacity_;
  std::size_t tail_;       // our own counter; s_->tail mirrors it for size()
  std::size_t tail_slot_;  // the slot index of tail_
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
    if (!take(head_slot_, head_, out))
      return false;
    head_slot_ = detail::next_slot(head_slot_, size_);
    ++head_;
    release_head();
    return true;
  }

  // Pops up to n elements into out[0..n) and returns how many.
  [[nodiscard]] std::size_t try_pop_bulk(T* out, std::size_t n) noexcept {
    std::size_t k = 0;
    while (k < n && take(head_slot_, head_ + k, out[k])) {
      head_slot_ = detail::next_slot(head_slot_, size_);
      ++k;
    }
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
      : s_(std::move(s)), slots_(s_->storage.slots), size_(s_->size),
        head_(s_->head.load(std::memory_order_relaxed)), head_slot_(0) {}

  // Copies out the element of `counter` if slot `index` is filled for it.
  bool take(std::size_t index, std::size_t counter, T& out) const noexcept {
    const detail::Slot<T>& slot = slots_[index];
    // acquire: pairs with the producer's release store of the stamp, so the
    // value is fully written before we read it.
    if (slot.stamp.load(std::memory_order_acquire) != detail::stamp_of(counter))
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
  std::size_t size_;      // slots in the storage
  std::size_t head_;      // our own counter; s_->head mirrors it
  std::size_t head_slot_; // the slot index of head_
};

static_assert(sizeof(Producer<int>) == kCacheLine && sizeof(Consumer<int>) == kCacheLine,
              "each end's state is one cache line");

} // namespace ringengine
