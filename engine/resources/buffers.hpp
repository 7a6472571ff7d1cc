// Sample buffers, handed to the audio thread and safely back.
//
// The protocol (drawn in docs/architecture.md):
// 1. load (control): the samples are copied into a SampleBuffer allocated
//    here, which gets a slot and an id; the slot's pointer is published with
//    release before any command naming the id is pushed.
// 2. play (audio): a play command's id is looked up; a voice keeps the
//    pointer while it plays.
// 3. close (control): the slot is marked closing and a buffer_close command
//    is pushed (retried on later control calls while the ring is full).
// 4. let go (audio): on buffer_close the voices playing it stop, and the
//    audio thread stores the id in the slot's `released` with release, then
//    says so with a buffer_released reply (which a full reply ring may drop).
// 5. free (control): a control call that sees `released` equal the id
//    (acquire) frees the buffer and the slot. The reply is a courtesy; the
//    slot says it, so a dropped reply leaks nothing.
// The audio thread never frees, never allocates: it reads pointers and ids.
//
// Ids: the slot in the low 16 bits, the slot's generation above, so the id
// of a buffer since freed never names the one that reuses its slot.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace ringengine {

struct SampleBuffer {
  std::uint64_t frames;
  std::uint32_t channels;
  std::unique_ptr<float[]> samples; // frames * channels, interleaved
};

class BufferTable {
public:
  static constexpr std::uint32_t kMaxSlots = 1u << 16;

  // Allocates `capacity` slots (1 .. kMaxSlots). Control side.
  explicit BufferTable(std::uint32_t capacity)
      : slots_(std::make_unique<Slot[]>(capacity)), capacity_(capacity) {
    free_.reserve(capacity);
    for (std::uint32_t i = capacity; i-- > 0;)
      free_.push_back(i);
  }

  // ---- Audio side: wait-free, no allocation ----

  // The buffer `id` names, or nullptr when it names none the audio thread
  // may read (unknown, freed, or let go of already).
  const SampleBuffer* find(std::uint32_t id) const noexcept {
    const std::uint32_t slot = id & 0xffffu;
    if (slot >= capacity_)
      return nullptr;
    const Slot& s = slots_[slot];
    // relaxed: `released` is only written by this (the audio) thread.
    if (s.released.load(std::memory_order_relaxed) == id)
      return nullptr;
    // acquire: pairs with the release in add(), so the buffer's contents and
    // its id are visible before it is used.
    const SampleBuffer* b = s.buffer.load(std::memory_order_acquire);
    return b != nullptr && s.id.load(std::memory_order_relaxed) == id ? b : nullptr;
  }

  // The audio thread will not read buffer `id` again.
  void let_go(std::uint32_t id) noexcept {
    const std::uint32_t slot = id & 0xffffu;
    if (slot < capacity_)
      // release: everything the audio thread did with the buffer happens
      // before the control side's acquire in collect() frees it.
      slots_[slot].released.store(id, std::memory_order_release);
  }

  // ---- Control side: one thread at a time (the engine's buffer lock) ----

  // Takes the buffer and gives its id; 0 (never an id) when no slot is free.
  std::uint32_t add(std::unique_ptr<SampleBuffer> buffer) {
    if (free_.empty())
      return 0;
    const std::uint32_t slot = free_.back();
    free_.pop_back();
    Slot& s = slots_[slot];
    s.generation = static_cast<std::uint16_t>(s.generation + 1 == 0 ? 1 : s.generation + 1);
    const std::uint32_t id = (std::uint32_t{s.generation} << 16) | slot;
    s.owned = std::move(buffer);
    s.state = State::live;
    s.id.store(id, std::memory_order_relaxed);
    // release: publishes the samples and the id to the acquire in find().
    s.buffer.store(s.owned.get(), std::memory_order_release);
    return id;
  }

  // Whether `id` is a buffer that may be played (loaded, not closed).
  bool live(std::uint32_t id) const noexcept {
    const Slot* s = slot_of(id);
    return s != nullptr && s->state == State::live;
  }

  // Marks `id` closing; false when it is not live.
  bool close(std::uint32_t id) noexcept {
    Slot* s = slot_of(id);
    if (s == nullptr || s->state != State::live)
      return false;
    s->state = State::closing;
    s->close_sent = false;
    ++closing_;
    return true;
  }

  // For each closing buffer: sends its close if not sent yet (`send` returns
  // false when the ring is full: tried again next time), and frees it once
  // the audio thread has let go. Returns how many were freed.
  template <typename Send> std::uint32_t collect(Send send) {
    std::uint32_t freed = 0;
    for (std::uint32_t slot = 0; closing_ != 0 && slot < capacity_; ++slot) {
      Slot& s = slots_[slot];
      if (s.state != State::closing)
        continue;
      const std::uint32_t id = s.id.load(std::memory_order_relaxed);
      if (!s.close_sent)
        s.close_sent = send(id);
      // acquire: pairs with the release in let_go().
      if (s.close_sent && s.released.load(std::memory_order_acquire) == id) {
        s.buffer.store(nullptr, std::memory_order_relaxed);
        s.owned.reset();
        s.state = State::free;
        free_.push_back(slot);
        --closing_;
        ++freed;
      }
    }
    return freed;
  }

  std::uint32_t closing() const noexcept { return closing_; }
  std::uint32_t capacity() const noexcept { return capacity_; }

private:
  enum class State : std::uint8_t { free, live, closing };
  struct Slot {
    std::atomic<const SampleBuffer*> buffer{nullptr}; // control writes, audio reads
    std::atomic<std::uint32_t> id{0};                 // the id of the buffer there
    std::atomic<std::uint32_t> released{0};           // audio writes, control reads
    std::unique_ptr<SampleBuffer> owned;              // control only, from here down
    std::uint16_t generation = 0;
    State state = State::free;
    bool close_sent = false;
  };

  Slot* slot_of(std::uint32_t id) const noexcept {
    const std::uint32_t slot = id & 0xffffu;
    if (id == 0 || slot >= capacity_ || slots_[slot].id.load(std::memory_order_relaxed) != id)
      return nullptr;
    return &slots_[slot];
  }

  std::unique_ptr<Slot[]> slots_;
  const std::uint32_t capacity_;
  std::vector<std::uint32_t> free_; // control only
  std::uint32_t closing_ = 0;       // control only
};

} // namespace ringengine
