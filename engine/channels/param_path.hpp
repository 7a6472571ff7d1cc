// The parameter path: beside the ordered command ring, a slot per (voice,
// parameter) where the latest value wins. A performer turning a knob writes
// here; however fast it turns, it takes one slot per parameter, so the
// command ring keeps its room for triggers, and the audio thread applies
// only the last value each block.
//
// Each slot holds one 64-bit atomic word (the value, the ramp, and an 8-bit
// count of the writes) and a dirty flag; an index is queued on the dirty
// ring when its flag goes from clear to set, so the ring holds each index at
// most once and can never be full, and the audio thread visits only what
// changed. A write that lands while the audio thread takes its slot queues
// the index again; the count lets the audio thread tell that write, already
// applied, from a new one, so no write is applied twice (a frequency applied
// again would end a buffer the voice began playing since). The count wraps
// at 256: a write equal in value and ramp to the one applied 256 writes
// before is taken as applied, which changes nothing.
//
// Threads: set() from one control thread at a time (the Engine's lock);
// drain() on the audio thread: wait-free, no allocation.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>

#include "rings/spsc_ring.hpp"

namespace ringengine {

class ParamPath {
public:
  // The longest ramp a slot holds: 24 bits of frames (about 5 minutes at 48 kHz).
  static constexpr std::uint32_t kMaxRamp = (1u << 24) - 1;

  // Slots for `voices` x `params`. Control side.
  ParamPath(std::uint32_t voices, std::uint32_t params)
      : params_(params), slots_(std::max<std::size_t>(std::size_t{voices} * params, 1)),
        values_(std::make_unique<std::atomic<std::uint64_t>[]>(slots_)),
        dirty_(std::make_unique<std::atomic<bool>[]>(slots_)),
        writes_(std::make_unique<std::uint8_t[]>(slots_)),
        applied_(std::make_unique<std::uint64_t[]>(slots_)) {
    auto ring = make_ring<std::uint32_t>(slots_);
    in_ = std::make_unique<Producer<std::uint32_t>>(std::move(ring.first));
    out_ = std::make_unique<Consumer<std::uint32_t>>(std::move(ring.second));
    for (std::size_t i = 0; i < slots_; ++i)
      applied_[i] = kNeverApplied;
  }

  // Control side: `param` of `voice` moves to `value` over `ramp` frames
  // (at most kMaxRamp). Never fails.
  void set(std::uint32_t voice, std::uint32_t param, float value, std::uint32_t ramp) noexcept {
    const std::uint32_t slot = voice * params_ + param;
    const std::uint64_t packed = std::uint64_t{std::bit_cast<std::uint32_t>(value)} |
                                 std::uint64_t{ramp & kMaxRamp} << 32 |
                                 std::uint64_t{++writes_[slot]} << 56;
    values_[slot].store(packed, std::memory_order_relaxed);
    // acq_rel: the value above happens before a drain that clears the flag
    // after this; a drain that cleared it before sees `true` here become
    // false, and the index is queued again.
    if (!dirty_[slot].exchange(true, std::memory_order_acq_rel))
      (void)in_->try_push(slot); // cannot fail: room for every slot
  }

  // Audio side: takes at most `budget` changed slots, calling apply(voice,
  // param, value, ramp) for each write not applied yet, and returns how many
  // it applied; the rest wait for the next call.
  template <typename Apply> std::uint32_t drain(std::uint32_t budget, Apply apply) noexcept {
    std::uint32_t taken = 0, applied = 0;
    std::uint32_t slot;
    while (taken < budget && out_->try_pop(slot)) {
      ++taken;
      // acquire: pairs with set()'s exchange, so its value is seen.
      dirty_[slot].exchange(false, std::memory_order_acquire);
      const std::uint64_t packed = values_[slot].load(std::memory_order_relaxed);
      if (packed == applied_[slot])
        continue; // the write this index was queued again for, applied already
      applied_[slot] = packed;
      apply(slot / params_, slot % params_,
            std::bit_cast<float>(static_cast<std::uint32_t>(packed)),
            static_cast<std::uint32_t>(packed >> 32) & kMaxRamp);
      ++applied;
    }
    return applied;
  }

private:
  static constexpr std::uint64_t kNeverApplied = ~std::uint64_t{0}; // a NaN's bits, never sent

  const std::uint32_t params_;
  const std::size_t slots_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> values_;
  std::unique_ptr<std::atomic<bool>[]> dirty_;
  std::unique_ptr<std::uint8_t[]> writes_;   // control side only
  std::unique_ptr<std::uint64_t[]> applied_; // audio side only: the last word applied per slot
  std::unique_ptr<Producer<std::uint32_t>> in_;
  std::unique_ptr<Consumer<std::uint32_t>> out_;
};

} // namespace ringengine
