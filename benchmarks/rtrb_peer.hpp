// The in-house peer: rtrb's ring (Rust, mgeier/rtrb 0.3.4, src/lib.rs)
// written again in C++ for a side-by-side run, since rtrb is not packaged
// here. What it keeps of rtrb: head and tail each on their own 128 bytes
// (crossbeam's CachePadded on x86_64); storage of exactly `capacity` slots,
// packed; positions counted modulo 2 * capacity, so a position tells full
// from empty; each end caching the other's position and re-reading it (acquire)
// only when its cache says full or empty; one release store per push and per
// pop. Benchmarks only; not part of the engine.
#pragma once

#include <atomic>
#include <cstddef>
#include <new>
#include <type_traits>

namespace rtrb_peer {

template <typename T> class RingBuffer {
  static_assert(std::is_trivially_copyable_v<T>);

public:
  explicit RingBuffer(std::size_t capacity)
      : capacity_(capacity), data_(static_cast<T*>(::operator new(capacity * sizeof(T)))) {}
  ~RingBuffer() { ::operator delete(data_); }
  RingBuffer(const RingBuffer&) = delete;
  RingBuffer& operator=(const RingBuffer&) = delete;

  // rtrb's Producer::push.
  bool push(const T& value) noexcept {
    const std::size_t tail = p_.cached_tail;
    if (distance(p_.cached_head, tail) == capacity_) {
      p_.cached_head = head_.load(std::memory_order_acquire);
      if (distance(p_.cached_head, tail) == capacity_)
        return false;
    }
    data_[collapse(tail)] = value;
    const std::size_t next = increment1(tail);
    tail_.store(next, std::memory_order_release);
    p_.cached_tail = next;
    return true;
  }

  // rtrb's Consumer::pop.
  bool pop(T& out) noexcept {
    const std::size_t head = c_.cached_head;
    if (head == c_.cached_tail) {
      c_.cached_tail = tail_.load(std::memory_order_acquire);
      if (head == c_.cached_tail)
        return false;
    }
    out = data_[collapse(head)];
    const std::size_t next = increment1(head);
    head_.store(next, std::memory_order_release);
    c_.cached_head = next;
    return true;
  }

private:
  std::size_t collapse(std::size_t pos) const { return pos < capacity_ ? pos : pos - capacity_; }
  std::size_t increment1(std::size_t pos) const { return pos < 2 * capacity_ - 1 ? pos + 1 : 0; }
  std::size_t distance(std::size_t a, std::size_t b) const {
    return a <= b ? b - a : 2 * capacity_ - a + b;
  }

  alignas(128) std::atomic<std::size_t> head_{0};
  alignas(128) std::atomic<std::size_t> tail_{0};
  alignas(128) const std::size_t capacity_;
  T* const data_;
  // rtrb's Producer and Consumer each hold their cached positions; here they
  // sit on their own 128 bytes, as two objects moved into two threads would.
  struct alignas(128) Cached {
    std::size_t cached_head = 0, cached_tail = 0;
  };
  Cached p_, c_;
};

} // namespace rtrb_peer
