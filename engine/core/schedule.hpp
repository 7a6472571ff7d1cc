// The audio thread's schedule of commands for future frames: a binary
// min-heap over storage allocated once, ordered by frame and then by
// arrival, so commands for the same frame apply in the order they were sent.
// Thread: the audio thread only. Non-blocking: push and pop are O(log n),
// never allocate; a full schedule refuses the push.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "messages/message.hpp"

namespace ringengine {

class Schedule {
public:
  // Allocates room for `capacity` commands. Control side only.
  explicit Schedule(std::size_t capacity)
      : capacity_(capacity), heap_(new Entry[capacity > 0 ? capacity : 1]) {}

  // False, with nothing changed, when `capacity` commands are waiting.
  [[nodiscard]] bool push(const Message& m) noexcept {
    if (size_ == capacity_)
      return false;
    std::size_t i = size_++;
    const Entry e{m, arrivals_++};
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!before(e, heap_[parent]))
        break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
    return true;
  }

  // The frame of the earliest command; kFrameNext when none is waiting.
  std::uint64_t next_frame() const noexcept {
    return size_ != 0 ? heap_[0].message.frame : kFrameNext;
  }

  // Removes and returns the earliest command. Precondition: not empty.
  Message pop() noexcept {
    const Message top = heap_[0].message;
    heap_[0] = heap_[--size_];
    if (size_ != 0)
      sift_down(0);
    return top;
  }

  // Removes every command for which drop(message) is true; returns how
  // many. The rest keep their order (by frame, then arrival). O(size).
  template <typename Drop> std::size_t remove_if(Drop drop) noexcept {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < size_; ++i)
      if (!drop(heap_[i].message))
        heap_[kept++] = heap_[i];
    const std::size_t removed = size_ - kept;
    size_ = kept;
    // Floyd's heap construction: sift each parent down, last first.
    for (std::size_t i = size_ / 2; i-- > 0;)
      sift_down(i);
    return removed;
  }

  // Moves every command for which pick(message) is true to frame `frame`,
  // in their order of arrival; returns how many. O(size).
  template <typename Pick> std::size_t retime_if(Pick pick, std::uint64_t frame) noexcept {
    std::size_t moved = 0;
    for (std::size_t i = 0; i < size_; ++i)
      if (pick(heap_[i].message)) {
        heap_[i].message.frame = frame;
        ++moved;
      }
    for (std::size_t i = size_ / 2; i-- > 0;)
      sift_down(i);
    return moved;
  }
  // Moves the commands for which pick(message) is true (at most kMax of
  // them) into `to`, at frame `frame`, in the order they arrived here;
  // returns how many. The caller sees that `to` has room. O(size).
  template <std::size_t kMax, typename Pick>
  std::size_t move_if(Pick pick, Schedule& to, std::uint64_t frame) noexcept {
    Entry picked[kMax];
    std::size_t n = 0, kept = 0;
    for (std::size_t i = 0; i < size_; ++i) {
      if (n < kMax && pick(heap_[i].message))
        picked[n++] = heap_[i];
      else
        heap_[kept++] = heap_[i];
    }
    size_ = kept;
    for (std::size_t i = size_ / 2; i-- > 0;)
      sift_down(i);
    // The heap's order is not the arrivals': sort the few picked by them.
    for (std::size_t i = 1; i < n; ++i) {
      const Entry e = picked[i];
      std::size_t k = i;
      for (; k > 0 && picked[k - 1].arrival > e.arrival; --k)
        picked[k] = picked[k - 1];
      picked[k] = e;
    }
    for (std::size_t i = 0; i < n; ++i) {
      picked[i].message.frame = frame;
      (void)to.push(picked[i].message);
    }
    return n;
  }
  // How many commands pick(message) is true for.
  template <typename Pick> std::size_t count_if(Pick pick) const noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < size_; ++i)
      n += pick(heap_[i].message) ? 1 : 0;
    return n;
  }
  std::size_t size() const noexcept { return size_; }
  // Commands it can take before it is full.
  std::size_t room() const noexcept { return capacity_ - size_; }
  std::size_t capacity() const noexcept { return capacity_; }

private:
  struct Entry {
    Message message;
    std::uint64_t arrival;
  };
  // Moves heap_[i] down until neither child comes before it.
  void sift_down(std::size_t i) noexcept {
    const Entry moving = heap_[i];
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= size_)
        break;
      if (child + 1 < size_ && before(heap_[child + 1], heap_[child]))
        ++child;
      if (!before(heap_[child], moving))
        break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = moving;
  }
  static bool before(const Entry& a, const Entry& b) noexcept {
    return a.message.frame != b.message.frame ? a.message.frame < b.message.frame
                                              : a.arrival < b.arrival;
  }

  std::size_t capacity_;
  std::size_t size_ = 0;
  std::uint64_t arrivals_ = 0;
  std::unique_ptr<Entry[]> heap_;
};

} // namespace ringengine
